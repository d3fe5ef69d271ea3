export type {
  AnyValue,
  KeyValue,
  Resource,
  ResourceSpans,
  Scope,
  ScopeSpans,
  Span,
  SpanBatch,
  SpanEvent,
  SpanKind,
  SpanLink,
  StatusCode,
  UnixNanoText,
} from './span.js';
export { countSpans, serviceNameOf } from './span.js';
export {
  compareDecimal,
  decimalToU64,
  i64ToDecimal,
  nanoTextToMillis,
  u64ToDecimal,
} from './unix-nano.js';
export { bytesToHex, hexToBytes, isValidSpanId, isValidTraceId, normalizeTraceId } from './hex.js';
export type { ErrorCode } from './errors.js';
export {
  InvalidRequestError,
  LimitExceededError,
  NotFoundError,
  OverloadedError,
  PayloadTooLargeError,
  StorageError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  VivaceError,
} from './errors.js';
export type { PushOutcome, RawFormat, RawRequest, ReceivedBatch, SpanSink } from './sink.js';
export { SINGLE_TENANT, tenantIdProblem } from './sink.js';
