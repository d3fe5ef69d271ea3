/**
 * OTLP trace receiver: decoders from `ExportTraceServiceRequest` (protobuf and JSON) to the span
 * model. Both are pure functions; the HTTP and gRPC adapters call them.
 */

export type { DecodeResult } from './decode-result.js';
export { decodeOtlpJson } from './json-decode.js';
export { decodeOtlpProtobuf } from './protobuf-decode.js';
export { createOtlpHttpServer, type OtlpHttpOptions } from './http.js';
export { createOtlpGrpcServer, type OtlpGrpcOptions } from './grpc.js';
export { bindGrpc } from '../grpc-unary.js';
