/**
 * Decoders of Jaeger's thrift payloads into `JaegerBatch`: a `Batch` struct (what jaeger clients
 * POST to `/api/traces`), and the agent's `emitBatch` message (what they send over UDP). Both
 * protocols share this code through `ThriftReader`.
 *
 * As thrift's generated code does, a field of an unexpected type is skipped, and a struct missing
 * a required field is refused, naming it.
 */

import { i64ToDecimal, type AnyValue, type KeyValue } from '../../model/index.js';
import { INVALID_ID } from '../otlp/decode-result.js';
import {
  emptyJaegerSpan,
  instantFromMicros,
  type Instant,
  type JaegerBatch,
  type JaegerLog,
  type JaegerProcess,
  type JaegerRef,
  type JaegerSpan,
} from './jaeger-model.js';
import { MessageType, TType, typeName, type ThriftReader } from './thrift-reader.js';

/** Decodes a whole payload holding one `Batch` struct. */
export function decodeThriftBatch(r: ThriftReader): JaegerBatch {
  const batch = readBatch(r);
  if (r.pos !== r.end) r.fail(`${r.end - r.pos} bytes after the Batch`, r.pos);
  return batch;
}

/** Decodes an agent datagram: the oneway call `Agent.emitBatch(1: Batch batch)`. */
export function decodeEmitBatch(r: ThriftReader): JaegerBatch {
  const msg = r.messageBegin();
  if (msg.name !== 'emitBatch') {
    r.fail(
      msg.name === 'emitZipkinBatch'
        ? 'emitZipkinBatch is not supported (send Zipkin spans to the Zipkin receiver)'
        : `unknown method "${msg.name}" (the agent protocol has emitBatch)`,
      0,
    );
  }
  if (msg.type !== MessageType.ONEWAY && msg.type !== MessageType.CALL) {
    r.fail(`message type ${msg.type} is not a call`, 0);
  }
  let batch: JaegerBatch | undefined;
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.STRUCT) batch = readBatch(r);
    else r.skip(t);
  }
  r.structEnd();
  if (!batch) r.fail('emitBatch has no batch argument', 0);
  return batch;
}

function missing(r: ThriftReader, struct: string, field: string, at: number): never {
  r.fail(`required field ${field} of ${struct} is not set`, at);
}

function readList<T>(
  r: ThriftReader,
  elem: number,
  what: string,
  read: (r: ThriftReader) => T,
): T[] {
  const at = r.pos;
  const n = r.listBegin();
  if (r.elemType !== elem) {
    r.fail(`${what} is a list of ${typeName(r.elemType)}, not of ${typeName(elem)}`, at);
  }
  const out: T[] = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = read(r);
  return out;
}

function readBatch(r: ThriftReader): JaegerBatch {
  const at = r.pos;
  let process: JaegerProcess | undefined;
  let spans: JaegerSpan[] | undefined;
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.STRUCT) process = readProcess(r);
    else if (r.fieldId === 2 && t === TType.LIST)
      spans = readList(r, TType.STRUCT, 'spans', readSpan);
    else r.skip(t);
  }
  r.structEnd();
  if (!process) missing(r, 'Batch', 'process', at);
  if (!spans) missing(r, 'Batch', 'spans', at);
  return { process, spans };
}

function readProcess(r: ThriftReader): JaegerProcess {
  const at = r.pos;
  let serviceName: string | undefined;
  let tags: KeyValue[] = [];
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.STRING) serviceName = r.string();
    else if (r.fieldId === 2 && t === TType.LIST) tags = readList(r, TType.STRUCT, 'tags', readTag);
    else r.skip(t);
  }
  r.structEnd();
  if (serviceName === undefined) missing(r, 'Process', 'serviceName', at);
  return { serviceName, tags };
}

/** Thrift `TagType`: STRING, DOUBLE, BOOL, LONG, BINARY. */
const TagType = { STRING: 0, DOUBLE: 1, BOOL: 2, LONG: 3, BINARY: 4 } as const;

function readTag(r: ThriftReader): KeyValue {
  const at = r.pos;
  let key: string | undefined;
  let vType: number | undefined;
  let str = '';
  let dbl = 0;
  let bool = false;
  let long = '0';
  let bin: Uint8Array = new Uint8Array(0);
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    switch (t === TYPES_OF_TAG_FIELDS[r.fieldId] ? r.fieldId : 0) {
      case 1:
        key = r.string();
        break;
      case 2:
        vType = r.i32();
        break;
      case 3:
        str = r.string();
        break;
      case 4:
        dbl = r.double();
        break;
      case 5:
        bool = r.bool();
        break;
      case 6:
        r.i64();
        long = i64ToDecimal(r.hi, r.lo);
        break;
      case 7:
        bin = r.binary();
        break;
      default:
        r.skip(t);
    }
  }
  r.structEnd();
  if (key === undefined) missing(r, 'Tag', 'key', at);
  if (vType === undefined) missing(r, 'Tag', 'vType', at);
  let value: AnyValue;
  switch (vType) {
    case TagType.STRING:
      value = { type: 'string', value: str };
      break;
    case TagType.DOUBLE:
      value = { type: 'double', value: dbl };
      break;
    case TagType.BOOL:
      value = { type: 'bool', value: bool };
      break;
    case TagType.LONG:
      value = { type: 'int', value: long };
      break;
    case TagType.BINARY:
      value = { type: 'bytes', value: bin };
      break;
    default:
      value = unknownTagType(vType);
  }
  return { key, value };
}

/** The value the Collector gives a tag of a type it does not know. */
export function unknownTagType(vType: number): AnyValue {
  return { type: 'string', value: `<Unknown Jaeger TagType "${vType}">` };
}

/** Expected thrift types of Tag's fields, by field id. */
const TYPES_OF_TAG_FIELDS: readonly number[] = [
  -1,
  TType.STRING,
  TType.I32,
  TType.STRING,
  TType.DOUBLE,
  TType.BOOL,
  TType.I64,
  TType.STRING,
];

function readLog(r: ThriftReader): JaegerLog {
  const at = r.pos;
  let timestamp: Instant | undefined;
  let fields: KeyValue[] | undefined;
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.I64) timestamp = micros(r);
    else if (r.fieldId === 2 && t === TType.LIST)
      fields = readList(r, TType.STRUCT, 'fields', readTag);
    else r.skip(t);
  }
  r.structEnd();
  if (!timestamp) missing(r, 'Log', 'timestamp', at);
  if (!fields) missing(r, 'Log', 'fields', at);
  return { timestamp, fields };
}

/** An i64 count of microseconds (times and durations). */
function micros(r: ThriftReader): Instant {
  r.i64();
  return instantFromMicros(r.i64Number());
}

/** Lowercase hex of the i64 just read, 16 characters. */
function hex64(r: ThriftReader): string {
  return (r.hi >>> 0).toString(16).padStart(8, '0') + (r.lo >>> 0).toString(16).padStart(8, '0');
}

/** 128-bit trace id from its halves: INVALID_ID when both are zero. */
function traceIdOf(high: string, low: string): string {
  const id = high + low;
  return id === ZERO_TRACE ? INVALID_ID : id;
}

const ZERO_SPAN = '0000000000000000';
const ZERO_TRACE = ZERO_SPAN + ZERO_SPAN;

function readRef(r: ThriftReader): JaegerRef {
  const at = r.pos;
  let refType: number | undefined;
  let low: string | undefined;
  let high: string | undefined;
  let spanId: string | undefined;
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    if (r.fieldId === 1 && t === TType.I32) refType = r.i32();
    else if (r.fieldId >= 2 && r.fieldId <= 4 && t === TType.I64) {
      r.i64();
      const h = hex64(r);
      if (r.fieldId === 2) low = h;
      else if (r.fieldId === 3) high = h;
      else spanId = h;
    } else r.skip(t);
  }
  r.structEnd();
  if (refType === undefined) missing(r, 'SpanRef', 'refType', at);
  if (low === undefined) missing(r, 'SpanRef', 'traceIdLow', at);
  if (high === undefined) missing(r, 'SpanRef', 'traceIdHigh', at);
  if (spanId === undefined) missing(r, 'SpanRef', 'spanId', at);
  return {
    refType,
    traceId: traceIdOf(high, low),
    spanId: spanId === ZERO_SPAN ? INVALID_ID : spanId,
  };
}

/** Span's required fields, by field id, and their names. */
const SPAN_REQUIRED: ReadonlyArray<[number, string]> = [
  [1, 'traceIdLow'],
  [2, 'traceIdHigh'],
  [3, 'spanId'],
  [4, 'parentSpanId'],
  [5, 'operationName'],
  [7, 'flags'],
  [8, 'startTime'],
  [9, 'duration'],
];

function readSpan(r: ThriftReader): JaegerSpan {
  const at = r.pos;
  let seen = 0;
  let low = ZERO_SPAN;
  let high = ZERO_SPAN;
  const span: JaegerSpan = emptyJaegerSpan('');
  r.structBegin();
  for (let t = r.fieldBegin(); t !== TType.STOP; t = r.fieldBegin()) {
    const id = r.fieldId;
    if (t === TType.I64 && (id <= 4 || id === 8 || id === 9)) {
      if (id === 8) span.startTime = micros(r);
      else if (id === 9) span.duration = micros(r);
      else {
        r.i64();
        const h = hex64(r);
        if (id === 1) low = h;
        else if (id === 2) high = h;
        else if (id === 3) span.spanId = h === ZERO_SPAN ? INVALID_ID : h;
        else span.parentSpanId = h === ZERO_SPAN ? '' : h;
      }
    } else if (id === 5 && t === TType.STRING) span.operationName = r.string();
    else if (id === 6 && t === TType.LIST)
      span.references = readList(r, TType.STRUCT, 'references', readRef);
    else if (id === 7 && t === TType.I32) span.flags = r.i32();
    else if (id === 10 && t === TType.LIST) span.tags = readList(r, TType.STRUCT, 'tags', readTag);
    else if (id === 11 && t === TType.LIST) span.logs = readList(r, TType.STRUCT, 'logs', readLog);
    else {
      r.skip(t);
      continue;
    }
    seen |= 1 << id;
  }
  r.structEnd();
  for (const [id, name] of SPAN_REQUIRED) {
    if (!((seen >>> id) & 1)) missing(r, 'Span', name, at);
  }
  span.traceId = traceIdOf(high, low);
  return span;
}
