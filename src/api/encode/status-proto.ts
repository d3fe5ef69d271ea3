/**
 * Protobuf encoding of the small status replies: OTLP's `ExportTraceServiceResponse` and
 * `google.rpc.Status` (the body of an OTLP/HTTP error and of a gRPC error's details).
 */

import { ProtoWriter } from './proto-writer.js';
import type { ExportTraceOutcome } from './response-meta.js';
import { hasPartialSuccess } from './response-meta.js';

/**
 * Encodes `ExportTraceServiceResponse` {partial_success=1 {rejected_spans=1 int64,
 * error_message=2}}. Full success (nothing rejected, no message) is the empty message.
 */
export function encodeExportTraceResponseProto(r: ExportTraceOutcome): Uint8Array {
  const w = new ProtoWriter(64 + r.errorMessage.length * 3);
  if (hasPartialSuccess(r)) {
    const mark = w.beginMessage(1);
    w.varint64NumberField(1, Math.max(0, r.rejectedSpans));
    w.stringField(2, r.errorMessage);
    w.endMessage(mark);
  }
  return w.finish();
}

/**
 * Encodes `google.rpc.Status` {code=1 int32, message=2, details=3}. No details are written;
 * zero code and empty message are omitted (proto3).
 */
export function encodeRpcStatusProto(
  code: number,
  message: string,
  retryAfterSeconds?: number,
): Uint8Array {
  const w = new ProtoWriter(128 + message.length * 3);
  w.int32Field(1, code);
  w.stringField(2, message);
  if (retryAfterSeconds !== undefined) writeRetryInfo(w, retryAfterSeconds);
  return w.finish();
}

/**
 * `details` entry `google.protobuf.Any{type_url=1, value=2}` holding `google.rpc.RetryInfo
 * {retry_delay=1 google.protobuf.Duration{seconds=1}}`: OTLP clients retry RESOURCE_EXHAUSTED and
 * UNAVAILABLE only when it is present.
 */
function writeRetryInfo(w: ProtoWriter, seconds: number): void {
  const any = w.beginMessage(3);
  w.stringField(1, 'type.googleapis.com/google.rpc.RetryInfo');
  const info = w.beginMessage(2);
  const delay = w.beginMessage(1);
  w.varint64NumberField(1, Math.max(0, Math.round(seconds)));
  w.endMessage(delay);
  w.endMessage(info);
  w.endMessage(any);
}
