export { Distributor, type DistributorMetrics, type DistributorOptions } from './distributor.js';
export { Flusher, type FlushPolicy, type FlusherDeps } from './flusher.js';
export { ByteBucket, LiveTraces, type IngestionLimits } from './limits.js';
export { truncateAttributes } from './truncate.js';
export { EncodePool } from './encode-pool.js';
export { runEncodeJob, type EncodeJob } from './encode-job.js';
