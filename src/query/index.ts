export { assembleTrace, type TracePart } from './assemble-trace.js';
export {
  findTraceById,
  type TimeRangeMs,
  type TraceLookup,
  type TraceSources,
} from './trace-by-id.js';
