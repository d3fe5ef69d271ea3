/**
 * Zipkin request bodies → Vivace's span model: the one entry the encode workers call.
 */

import type { DecodeResult } from '../otlp/decode-result.js';
import { decodeZipkinV1Json } from './json-v1.js';
import { parseZipkinV2Json } from './json-v2.js';
import { decodeZipkinProto } from './proto-v2.js';
import { zipkinV2ToSpanBatch } from './to-spans-v2.js';

export type ZipkinFormat = 'zipkin-v2-json' | 'zipkin-v2-proto' | 'zipkin-v1-json';

export interface ZipkinDecodeOptions {
  /** `parse_string_tags`. */
  parseStringTags: boolean;
  /** When the request arrived (ms): v1 spans without any time are given this one. */
  receivedAtMs: number;
}

/**
 * Decodes a Zipkin payload: v2 JSON or protobuf `ListOfSpans`, or v1 JSON.
 *
 * @throws InvalidRequestError naming the span and what is wrong with it.
 */
export function decodeZipkin(
  format: ZipkinFormat,
  body: Uint8Array,
  opts: ZipkinDecodeOptions,
): DecodeResult {
  const text = (): string =>
    Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  switch (format) {
    case 'zipkin-v2-json':
      return zipkinV2ToSpanBatch(parseZipkinV2Json(text()), opts);
    case 'zipkin-v2-proto':
      return zipkinV2ToSpanBatch(decodeZipkinProto(body), opts);
    case 'zipkin-v1-json':
      return decodeZipkinV1Json(text(), opts);
  }
}
