/**
 * Decoder of Jaeger's protobuf `jaeger.api_v2.PostSpansRequest` (what `CollectorService/PostSpans`
 * receives over gRPC) into `JaegerBatch`. Same rules as the OTLP decoder: unknown fields are
 * skipped, a known field with the wrong wire type is an error naming field, message and byte.
 */

import { i64ToDecimal, type AnyValue, type KeyValue } from '../../model/index.js';
import { hexId16, hexId8 } from '../otlp/buffer-text.js';
import { INVALID_ID } from '../otlp/decode-result.js';
import { ProtoReader } from '../otlp/protobuf-reader.js';
import { unknownTagType } from './thrift-decode.js';
import {
  emptyJaegerSpan,
  type Instant,
  type JaegerBatch,
  type JaegerLog,
  type JaegerProcess,
  type JaegerRef,
  type JaegerSpan,
} from './jaeger-model.js';

const fieldsUpTo = (n: number): number => ((1 << (n + 1)) - 2) >>> 0;

/** Decodes the bytes of a `PostSpansRequest`. */
export function decodePostSpansRequest(body: Uint8Array): JaegerBatch {
  const r = new ProtoReader(body, 'Jaeger protobuf');
  const end = body.length;
  const msg = 'PostSpansRequest';
  const batch: JaegerBatch = { process: undefined, spans: [] };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) readBatch(r, r.lenEnd(end, msg), batch);
    else r.skipField(tag, end, msg, fieldsUpTo(1));
  }
  return batch;
}

function readBatch(r: ProtoReader, end: number, batch: JaegerBatch): void {
  const msg = 'Batch';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) batch.spans.push(readSpan(r, r.lenEnd(end, msg)));
    else if (tag === 0x12) batch.process = readProcess(r, r.lenEnd(end, msg));
    else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
}

function readProcess(r: ProtoReader, end: number): JaegerProcess {
  const msg = 'Process';
  const process: JaegerProcess = { serviceName: '', tags: [] };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) process.serviceName = r.string(end, msg);
    else if (tag === 0x12) process.tags.push(readKeyValue(r, r.lenEnd(end, msg)));
    else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
  return process;
}

/** `ValueType`: STRING, BOOL, INT64, FLOAT64, BINARY. */
function readKeyValue(r: ProtoReader, end: number): KeyValue {
  const msg = 'KeyValue';
  let key = '';
  let vType = 0;
  let str = '';
  let bool = false;
  let int = '0';
  let dbl = 0;
  let bin: Uint8Array = new Uint8Array(0);
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) key = r.string(end, msg);
    else if (tag === 0x10) vType = r.uint32(end, msg);
    else if (tag === 0x1a) str = r.string(end, msg);
    else if (tag === 0x20) bool = r.bool(end, msg);
    else if (tag === 0x28) {
      r.varint64(end, msg);
      int = i64ToDecimal(r.hi, r.lo);
    } else if (tag === 0x31) dbl = r.double(end, msg);
    else if (tag === 0x3a) bin = r.bytes(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(7));
  }
  let value: AnyValue;
  switch (vType) {
    case 0:
      value = { type: 'string', value: str };
      break;
    case 1:
      value = { type: 'bool', value: bool };
      break;
    case 2:
      value = { type: 'int', value: int };
      break;
    case 3:
      value = { type: 'double', value: dbl };
      break;
    case 4:
      value = { type: 'bytes', value: bin };
      break;
    default:
      value = unknownTagType(vType);
  }
  return { key, value };
}

/** A trace id: 16 bytes (or 8, the low half); INVALID_ID when another length or all zero. */
function readTraceId(r: ProtoReader, end: number, msg: string): string {
  const stop = r.lenEnd(end, msg);
  const start = r.pos;
  r.pos = stop;
  let id: string;
  if (stop - start === 16) id = hexId16(r.buf, start);
  else if (stop - start === 8) id = '0000000000000000' + hexId8(r.buf, start);
  else return INVALID_ID;
  return id === ZERO_TRACE ? INVALID_ID : id;
}

/** A span id: 8 bytes; INVALID_ID when another length or all zero. */
function readSpanId(r: ProtoReader, end: number, msg: string): string {
  const stop = r.lenEnd(end, msg);
  const start = r.pos;
  r.pos = stop;
  if (stop - start !== 8) return INVALID_ID;
  const id = hexId8(r.buf, start);
  return id === ZERO_SPAN ? INVALID_ID : id;
}

const ZERO_SPAN = '0000000000000000';
const ZERO_TRACE = ZERO_SPAN + ZERO_SPAN;

/** `google.protobuf.Timestamp` or `Duration`: seconds (int64) and nanos (int32); negatives become 0. */
function readInstant(r: ProtoReader, end: number, msg: string): Instant {
  let sec = 0;
  let nanos = 0;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x08) {
      r.varint64(end, msg);
      sec = r.hi & 0x80000000 ? 0 : r.hi * 4294967296 + r.lo;
    } else if (tag === 0x10) {
      const n = r.uint32(end, msg) | 0;
      nanos = n > 0 && n < 1e9 ? n : 0;
    } else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
  return { sec, nanos };
}

function readRef(r: ProtoReader, end: number): JaegerRef {
  const msg = 'SpanRef';
  const ref: JaegerRef = { refType: 0, traceId: INVALID_ID, spanId: INVALID_ID };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) ref.traceId = readTraceId(r, end, msg);
    else if (tag === 0x12) ref.spanId = readSpanId(r, end, msg);
    else if (tag === 0x18) ref.refType = r.uint32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(3));
  }
  return ref;
}

function readLog(r: ProtoReader, end: number): JaegerLog {
  const msg = 'Log';
  const log: JaegerLog = { timestamp: { sec: 0, nanos: 0 }, fields: [] };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) log.timestamp = readInstant(r, r.lenEnd(end, msg), 'Timestamp');
    else if (tag === 0x12) log.fields.push(readKeyValue(r, r.lenEnd(end, msg)));
    else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
  return log;
}

function readSpan(r: ProtoReader, end: number): JaegerSpan {
  const msg = 'Span';
  const span: JaegerSpan = emptyJaegerSpan(INVALID_ID);
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    switch (tag) {
      case 0x0a:
        span.traceId = readTraceId(r, end, msg);
        break;
      case 0x12:
        span.spanId = readSpanId(r, end, msg);
        break;
      case 0x1a:
        span.operationName = r.string(end, msg);
        break;
      case 0x22:
        span.references.push(readRef(r, r.lenEnd(end, msg)));
        break;
      case 0x28:
        span.flags = r.uint32(end, msg);
        break;
      case 0x32:
        span.startTime = readInstant(r, r.lenEnd(end, msg), 'Timestamp');
        break;
      case 0x3a:
        span.duration = readInstant(r, r.lenEnd(end, msg), 'Duration');
        break;
      case 0x42:
        span.tags.push(readKeyValue(r, r.lenEnd(end, msg)));
        break;
      case 0x4a:
        span.logs.push(readLog(r, r.lenEnd(end, msg)));
        break;
      case 0x52:
        span.process = readProcess(r, r.lenEnd(end, msg));
        break;
      default:
        // process_id (11) and warnings (12) are not kept, as in the Collector.
        r.skipField(tag, end, msg, fieldsUpTo(10));
    }
  }
  return span;
}
