export { assembleTrace, type TracePart } from './assemble-trace.js';
export {
  findTraceById,
  type TimeRangeMs,
  type TraceLookup,
  type TraceSources,
} from './trace-by-id.js';
export {
  searchTraces,
  type SearchMetrics,
  type SearchRequest,
  type SearchResult,
  type SearchSources,
  type SearchSpanResult,
  type SearchSpansetResult,
  type SearchTraceResult,
} from './search/search.js';
