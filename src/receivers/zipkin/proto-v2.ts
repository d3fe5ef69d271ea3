/**
 * Zipkin v2 protobuf (`zipkin.proto3.ListOfSpans`, `POST /api/v2/spans` as
 * `application/x-protobuf`) → `ZipkinSpan`s. As the Collector's receiver: trace ids must be 16
 * bytes and span ids 8; endpoints are kept as sent; a zero timestamp means the epoch.
 */

import { hexId16, hexId8 } from '../otlp/buffer-text.js';
import { INVALID_ID } from '../otlp/decode-result.js';
import { ProtoReader } from '../otlp/protobuf-reader.js';
import {
  ipBytesText,
  type ZipkinAnnotation,
  type ZipkinEndpoint,
  type ZipkinSpan,
} from './zipkin-model.js';

const fieldsUpTo = (n: number): number => ((1 << (n + 1)) - 2) >>> 0;
const KINDS = ['', 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
const ZERO_SPAN = '0000000000000000';

/** Decodes a `ListOfSpans`. */
export function decodeZipkinProto(body: Uint8Array): ZipkinSpan[] {
  const r = new ProtoReader(body, 'Zipkin protobuf');
  const end = body.length;
  const spans: ZipkinSpan[] = [];
  while (r.pos < end) {
    const tag = r.tag(end, 'ListOfSpans');
    if (tag === 0x0a) spans.push(readSpan(r, r.lenEnd(end, 'ListOfSpans'), spans.length));
    else r.skipField(tag, end, 'ListOfSpans', fieldsUpTo(1));
  }
  return spans;
}

/** An id field of exactly `size` bytes: hex, or an error naming the field. */
function readId(r: ProtoReader, end: number, size: number, what: string, at: number): string {
  const stop = r.lenEnd(end, 'Span');
  const start = r.pos;
  r.pos = stop;
  if (stop - start !== size) {
    r.fail(
      `span ${at}: invalid ${what}: has length ${stop - start} yet wanted length ${size}`,
      start,
    );
  }
  return size === 16 ? hexId16(r.buf, start) : hexId8(r.buf, start);
}

function readSpan(r: ProtoReader, end: number, index: number): ZipkinSpan {
  const msg = 'Span';
  const start = r.pos;
  const span: ZipkinSpan = {
    traceId: '',
    id: '',
    parentId: '',
    kind: '',
    name: '',
    timestampUs: 0,
    durationUs: 0,
    absentStart: false,
    localEndpoint: undefined,
    remoteEndpoint: undefined,
    annotations: [],
    tags: [],
  };
  let traceSeen = false;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    switch (tag) {
      case 0x0a:
        span.traceId = readId(r, end, 16, 'TraceID', index);
        traceSeen = true;
        break;
      case 0x12: {
        const stop = r.lenEnd(end, msg);
        span.parentId = stop === r.pos ? '' : readIdAt(r, stop, index);
        break;
      }
      case 0x1a:
        span.id = readId(r, end, 8, 'SpanID', index);
        break;
      case 0x20:
        span.kind = KINDS[r.uint32(end, msg)] ?? '';
        break;
      case 0x2a:
        span.name = r.string(end, msg);
        break;
      case 0x31:
        span.timestampUs = u64(r, end, 'fixed');
        break;
      case 0x38:
        span.durationUs = u64(r, end, 'varint');
        break;
      case 0x42:
        span.localEndpoint = readEndpoint(r, r.lenEnd(end, msg));
        break;
      case 0x4a:
        span.remoteEndpoint = readEndpoint(r, r.lenEnd(end, msg));
        break;
      case 0x52:
        span.annotations.push(readAnnotation(r, r.lenEnd(end, msg)));
        break;
      case 0x5a:
        span.tags.push(readTag(r, r.lenEnd(end, msg)));
        break;
      default:
        // debug (12) and shared (13) do not change the span, as in the Collector.
        r.skipField(tag, end, msg, fieldsUpTo(13));
    }
  }
  if (!traceSeen)
    r.fail(`span ${index}: invalid TraceID: has length 0 yet wanted length 16`, start);
  if (span.id === '') r.fail(`span ${index}: expected a non-nil SpanID`, start);
  if (span.traceId === ZERO_SPAN + ZERO_SPAN) span.traceId = INVALID_ID;
  if (span.id === ZERO_SPAN) span.id = INVALID_ID;
  return span;
}

/** A parent id whose payload is [pos, stop): 8 bytes, or an error. */
function readIdAt(r: ProtoReader, stop: number, index: number): string {
  const start = r.pos;
  r.pos = stop;
  if (stop - start !== 8) {
    r.fail(
      `span ${index}: invalid ParentID: has length ${stop - start} yet wanted length 8`,
      start,
    );
  }
  const id = hexId8(r.buf, start);
  return id === ZERO_SPAN ? '' : id;
}

/** A 64-bit count of microseconds as a number (exact below 2^53, which covers any real time). */
function u64(r: ProtoReader, end: number, kind: 'fixed' | 'varint'): number {
  if (kind === 'fixed') r.fixed64(end, 'Span');
  else r.varint64(end, 'Span');
  return r.hi * 4294967296 + r.lo;
}

function readEndpoint(r: ProtoReader, end: number): ZipkinEndpoint {
  const msg = 'Endpoint';
  const ep: ZipkinEndpoint = { serviceName: '', ipv4: '', ipv6: '', port: 0 };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) ep.serviceName = r.string(end, msg);
    else if (tag === 0x12) ep.ipv4 = ipBytesText(r.bytes(end, msg));
    else if (tag === 0x1a) ep.ipv6 = ipBytesText(r.bytes(end, msg));
    else if (tag === 0x20) ep.port = r.uint32(end, msg) & 0xffff;
    else r.skipField(tag, end, msg, fieldsUpTo(4));
  }
  return ep;
}

function readAnnotation(r: ProtoReader, end: number): ZipkinAnnotation {
  const msg = 'Annotation';
  const a: ZipkinAnnotation = { timestampUs: 0, value: '' };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x09) {
      r.fixed64(end, msg);
      a.timestampUs = r.hi * 4294967296 + r.lo;
    } else if (tag === 0x12) a.value = r.string(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
  return a;
}

function readTag(r: ProtoReader, end: number): [string, string] {
  const msg = 'TagsEntry';
  let key = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) key = r.string(end, msg);
    else if (tag === 0x12) value = r.string(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
  return [key, value];
}
