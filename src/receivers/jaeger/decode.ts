/**
 * Jaeger request bodies → Vivace's span model: the one entry the encode workers call.
 */

import type { DecodeResult } from '../otlp/decode-result.js';
import { decodePostSpansRequest } from './proto-decode.js';
import { decodeEmitBatch, decodeThriftBatch } from './thrift-decode.js';
import { BinaryReader, CompactReader } from './thrift-reader.js';
import { jaegerToSpanBatch } from './to-spans.js';

export type JaegerFormat =
  'jaeger-thrift-batch' | 'jaeger-agent-compact' | 'jaeger-agent-binary' | 'jaeger-proto';

/**
 * Decodes a Jaeger payload: a thrift `Batch` (binary protocol, the body of `POST /api/traces`), an
 * agent datagram (`emitBatch` in the compact or binary protocol) or a protobuf `PostSpansRequest`.
 *
 * @throws InvalidRequestError naming what is malformed and where.
 */
export function decodeJaeger(format: JaegerFormat, body: Uint8Array): DecodeResult {
  switch (format) {
    case 'jaeger-thrift-batch':
      return jaegerToSpanBatch(decodeThriftBatch(new BinaryReader(body)), 'thrift');
    case 'jaeger-agent-compact':
      return jaegerToSpanBatch(decodeEmitBatch(new CompactReader(body)), 'thrift');
    case 'jaeger-agent-binary':
      return jaegerToSpanBatch(decodeEmitBatch(new BinaryReader(body)), 'thrift');
    case 'jaeger-proto':
      return jaegerToSpanBatch(decodePostSpansRequest(body), 'proto');
  }
}
