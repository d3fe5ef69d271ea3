/**
 * The Zipkin receiver: v2 JSON and protobuf, v1 JSON, over HTTP. Decoding runs in the encode
 * workers (`decodeZipkin`); this is the server.
 */
export { decodeZipkin, type ZipkinFormat } from './decode.js';
export { createZipkinHttpServer, type ZipkinHttpOptions } from './http.js';
