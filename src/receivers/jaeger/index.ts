/**
 * Jaeger receivers: thrift over HTTP (`/api/traces`), gRPC (`CollectorService/PostSpans`) and the
 * agent's UDP protocols (compact and binary `emitBatch`). Decoding runs in the encode workers
 * (`decodeJaeger`); these are the servers.
 */
export { decodeJaeger, type JaegerFormat } from './decode.js';
export { createJaegerGrpcServer, type JaegerGrpcOptions } from './grpc.js';
export { createJaegerHttpServer, type JaegerHttpOptions } from './http.js';
export { startJaegerUdp, type JaegerUdpOptions, type JaegerUdpReceiver } from './udp-server.js';
