export { assembleTrace, type TracePart } from './assemble-trace.js';
export {
  findTraceById,
  type TimeRangeMs,
  type TraceLookup,
  type TraceSources,
} from './trace-by-id.js';
export {
  searchTraces,
  type KeyValueJson,
  type SearchMetrics,
  type SearchRequest,
  type SearchResult,
  type SearchSources,
  type SearchSpanResult,
  type SearchSpansetResult,
  type SearchTraceResult,
} from './search/search.js';
export { runFastStage, type FastStage } from './metrics/fast.js';
export type { MetricsSources } from './metrics/run.js';
export type { Label, Series } from './metrics/series.js';
export { serviceGraph, type ServiceGraphEdge } from './service-graph.js';
