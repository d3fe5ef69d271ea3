export { Compactor, type CompactorDeps, type CompactorPolicy } from './compactor.js';
export {
  planCompaction,
  planRetention,
  type CompactionPolicy,
  type RetentionPlan,
  type RetentionPolicy,
} from './plan.js';
