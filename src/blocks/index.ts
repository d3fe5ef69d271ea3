export { Block, readSpanAttributes } from './block.js';
export { Bloom } from './bloom.js';
export { BlockStore, type BlockStoreOptions, type CompactedBlock } from './store.js';
export { buildBlockFromWal, compactBlocks, type BuildTarget } from './build.js';
export { DuckDb, type DuckDbOptions, type Row } from './duckdb/db.js';
export { parseBlockMeta, type BlockMeta } from './meta.js';
export { BackgroundLane } from './lane.js';
export {
  candidateTracesSql,
  summaryCandidatesSql,
  compileFilter,
  readsSpanAttributes,
  SPAN_ROW_COLUMNS,
  SUMMARY_COLUMNS,
  spansByRowSql,
  traceSpansSql,
  traceSummariesSql,
  type CandidateSqlOptions,
  type CompiledFilter,
  type CompileOptions,
  type SearchSource,
  type SpanRows,
  type TraceSpansSqlOptions,
} from './schema/v1/search-sql.js';
export {
  compareSql,
  exemplarSpansSql,
  metricsSql,
  traceRootsSql,
  type CompareSqlOptions,
  type MetricsGroupColumn,
  type MetricsMeasure,
  type MetricsSqlOptions,
} from './schema/v1/metrics-sql.js';
export { serviceGraphSql, type ServiceGraphSqlOptions } from './schema/v1/service-graph-sql.js';
export {
  tagNamesSql,
  tagValuesSql,
  type TagAttributeScope,
  type TagIntrinsicColumn,
  type TagNamesSqlOptions,
  type TagSqlSource,
  type TagValuesSqlOptions,
  type TagValuesSqlTarget,
} from './schema/v1/tags-sql.js';
