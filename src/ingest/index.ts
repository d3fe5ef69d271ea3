export { Distributor, type DistributorMetrics, type DistributorOptions } from './distributor.js';
export { Flusher, type FlushPolicy, type FlusherDeps } from './flusher.js';
export { ByteBucket, LiveTraces, type IngestionLimits } from './limits.js';
export { truncateAttributes } from './truncate.js';
