/**
 * JSON encoding of the small status replies, as protojson/jsonpb write them: int64 as a string,
 * int32 as a number, zero values omitted.
 */

import type { ExportTraceOutcome } from './response-meta.js';
import { hasPartialSuccess } from './response-meta.js';

/**
 * `ExportTraceServiceResponse` as OTLP/HTTP JSON: `{}` on full success, else
 * `{"partialSuccess":{"rejectedSpans":"2","errorMessage":"…"}}` (rejectedSpans is int64).
 */
export function exportTraceResponseToJson(r: ExportTraceOutcome): object {
  if (!hasPartialSuccess(r)) return {};
  const partial: Record<string, unknown> = {};
  if (r.rejectedSpans > 0) partial['rejectedSpans'] = String(Math.trunc(r.rejectedSpans));
  if (r.errorMessage.length > 0) partial['errorMessage'] = r.errorMessage;
  return { partialSuccess: partial };
}

/** `google.rpc.Status` as JSON: `{"code":3,"message":"…"}`; zero code and empty message omitted. */
export function rpcStatusToJson(code: number, message: string): object {
  const out: Record<string, unknown> = {};
  if (code !== 0) out['code'] = code;
  if (message.length > 0) out['message'] = message;
  return out;
}
