/**
 * Response encoders: the span model to Tempo's wire shapes, in protobuf and JSON. Pure functions
 * of their inputs (the protobuf writer keeps one spare working buffer between calls; every result
 * is a fresh copy). Each export carries its own TSDoc at its declaration.
 *
 * @example
 * const body = wantsProtobuf
 *   ? encodeTraceByIdResponseProto(trace, { inspectedBytes })
 *   : JSON.stringify(traceToJsonV2(trace, { inspectedBytes }));
 */

/** Trace protobuf: `tempopb.Trace` (= OTLP TracesData / ExportTraceServiceRequest) and `TraceByIDResponse`. */
export {
  encodeTraceByIdResponseProto,
  encodeTraceProto,
  spanProtoSize,
  writeAttributes,
} from './trace-proto.js';
export type { EncodeTraceProtoOptions } from './trace-proto.js';

/** Trace JSON: the v1 `{"batches":…}` and v2 `TraceByIDResponse` bodies (gogo jsonpb shape). */
export { doubleToJson, traceToJsonV1, traceToJsonV2 } from './trace-json.js';

/** Status replies: OTLP `ExportTraceServiceResponse` and `google.rpc.Status`, protobuf and JSON. */
export { encodeExportTraceResponseProto, encodeRpcStatusProto } from './status-proto.js';
export { exportTraceResponseToJson, rpcStatusToJson } from './status-json.js';

/** Inputs of the response encoders. */
export type { ExportTraceOutcome, TraceByIdMeta } from './response-meta.js';
export { hasPartialSuccess } from './response-meta.js';

/** The `service.name` written for a resource without attributes (see resource-defaults.ts). */
export { UNKNOWN_SERVICE_NAME } from './resource-defaults.js';

/** The low-level protobuf writer, for other hand-written encoders. */
export { ProtoWriter, WireType, numberToU64 } from './proto-writer.js';
export type { U64Halves } from './decimal-halves.js';

/** Base64 as Go's StdEncoding writes it (what jsonpb uses for bytes and ids). */
export { bytesToBase64, hexToBase64 } from './base64.js';
