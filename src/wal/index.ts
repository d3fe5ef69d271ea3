export { Wal, type WalOptions } from './wal.js';
export { TenantWal, type SyncPolicy } from './tenant-wal.js';
export { Segment } from './segment.js';
export type { RecoveryReport } from './recover.js';
export {
  decodeResource,
  decodeScope,
  decodeSpan,
  encodeAttrs,
  encodeBatch,
  type EncodedBatch,
  encodeResourceLine,
  encodeScopeLine,
  encodeSpanLine,
  ValueType,
  type StoredAttr,
  type StoredResource,
  type StoredScope,
  type StoredSpan,
} from './line-format.js';
