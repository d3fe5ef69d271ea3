/**
 * Jaeger payloads written by independent encoders, for tests: thrift with Apache Thrift's own
 * JavaScript protocols (`thrift` on npm: TBinaryProtocol, TCompactProtocol), protobuf with
 * protobufjs and the `api_v2` protos from `../shared/proto/jaeger`.
 */
import { readFileSync } from 'node:fs';
import Int64 from 'node-int64';
import protobuf from 'protobufjs';
import thrift from 'thrift';

/** A Jaeger tag as a test writes it; `type` picks the thrift/protobuf value field. */
export type TestTag =
  | { key: string; type: 'string'; value: string }
  | { key: string; type: 'double'; value: number }
  | { key: string; type: 'bool'; value: boolean }
  | { key: string; type: 'long'; value: string }
  | { key: string; type: 'binary'; value: Uint8Array };

export interface TestRef {
  refType: 0 | 1;
  traceId: string;
  spanId: string;
}

export interface TestSpan {
  traceId: string;
  spanId: string;
  /** Thrift's field ('' → 0); protobuf has none (use a reference). */
  parentSpanId?: string;
  operationName: string;
  references?: TestRef[];
  flags?: number;
  /** Microseconds (thrift) — protobuf gets the same instant. Protobuf may add nanos. */
  startUs: number;
  durationUs: number;
  startExtraNanos?: number;
  tags?: TestTag[];
  logs?: Array<{ timestampUs: number; fields: TestTag[] }>;
  /** Protobuf only: the span's own process. */
  process?: TestProcess;
}

export interface TestProcess {
  serviceName: string;
  tags?: TestTag[];
}

export interface TestBatch {
  process?: TestProcess;
  spans: TestSpan[];
}

const T = thrift.Thrift.Type;
const THRIFT_TAG_TYPE = { string: 0, double: 1, bool: 2, long: 3, binary: 4 } as const;
const PROTO_TAG_TYPE = { string: 0, bool: 1, long: 2, double: 3, binary: 4 } as const;

type Protocol = thrift.TProtocol;

function i64(hex16: string): Int64 {
  return new Int64(`0x${hex16}`);
}

function i64Number(n: number): Int64 {
  return new Int64(n);
}

function writeTag(p: Protocol, t: TestTag): void {
  p.writeStructBegin('Tag');
  p.writeFieldBegin('key', T.STRING, 1);
  p.writeString(t.key);
  p.writeFieldEnd();
  p.writeFieldBegin('vType', T.I32, 2);
  p.writeI32(THRIFT_TAG_TYPE[t.type]);
  p.writeFieldEnd();
  switch (t.type) {
    case 'string':
      p.writeFieldBegin('vStr', T.STRING, 3);
      p.writeString(t.value);
      break;
    case 'double':
      p.writeFieldBegin('vDouble', T.DOUBLE, 4);
      p.writeDouble(t.value);
      break;
    case 'bool':
      p.writeFieldBegin('vBool', T.BOOL, 5);
      p.writeBool(t.value);
      break;
    case 'long':
      p.writeFieldBegin('vLong', T.I64, 6);
      p.writeI64(new Int64(BigInt.asUintN(64, BigInt(t.value)).toString(16).padStart(16, '0')));
      break;
    case 'binary':
      p.writeFieldBegin('vBinary', T.STRING, 7);
      p.writeBinary(Buffer.from(t.value));
      break;
  }
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
}

function writeList<X>(p: Protocol, name: string, id: number, items: X[], write: (x: X) => void) {
  p.writeFieldBegin(name, T.LIST, id);
  p.writeListBegin(T.STRUCT, items.length);
  for (const x of items) write(x);
  p.writeListEnd();
  p.writeFieldEnd();
}

function writeI64Field(p: Protocol, name: string, id: number, v: Int64): void {
  p.writeFieldBegin(name, T.I64, id);
  p.writeI64(v);
  p.writeFieldEnd();
}

function writeProcess(p: Protocol, proc: TestProcess): void {
  p.writeStructBegin('Process');
  p.writeFieldBegin('serviceName', T.STRING, 1);
  p.writeString(proc.serviceName);
  p.writeFieldEnd();
  if (proc.tags) writeList(p, 'tags', 2, proc.tags, (t) => writeTag(p, t));
  p.writeFieldStop();
  p.writeStructEnd();
}

function writeSpan(p: Protocol, s: TestSpan): void {
  p.writeStructBegin('Span');
  writeI64Field(p, 'traceIdLow', 1, i64(s.traceId.slice(16)));
  writeI64Field(p, 'traceIdHigh', 2, i64(s.traceId.slice(0, 16)));
  writeI64Field(p, 'spanId', 3, i64(s.spanId));
  writeI64Field(p, 'parentSpanId', 4, i64(s.parentSpanId || '0000000000000000'));
  p.writeFieldBegin('operationName', T.STRING, 5);
  p.writeString(s.operationName);
  p.writeFieldEnd();
  if (s.references) {
    writeList(p, 'references', 6, s.references, (r) => {
      p.writeStructBegin('SpanRef');
      p.writeFieldBegin('refType', T.I32, 1);
      p.writeI32(r.refType);
      p.writeFieldEnd();
      writeI64Field(p, 'traceIdLow', 2, i64(r.traceId.slice(16)));
      writeI64Field(p, 'traceIdHigh', 3, i64(r.traceId.slice(0, 16)));
      writeI64Field(p, 'spanId', 4, i64(r.spanId));
      p.writeFieldStop();
      p.writeStructEnd();
    });
  }
  p.writeFieldBegin('flags', T.I32, 7);
  p.writeI32(s.flags ?? 1);
  p.writeFieldEnd();
  writeI64Field(p, 'startTime', 8, i64Number(s.startUs));
  writeI64Field(p, 'duration', 9, i64Number(s.durationUs));
  if (s.tags) writeList(p, 'tags', 10, s.tags, (t) => writeTag(p, t));
  if (s.logs) {
    writeList(p, 'logs', 11, s.logs, (l) => {
      p.writeStructBegin('Log');
      writeI64Field(p, 'timestamp', 1, i64Number(l.timestampUs));
      writeList(p, 'fields', 2, l.fields, (t) => writeTag(p, t));
      p.writeFieldStop();
      p.writeStructEnd();
    });
  }
  p.writeFieldStop();
  p.writeStructEnd();
}

function writeBatch(p: Protocol, b: TestBatch): void {
  p.writeStructBegin('Batch');
  p.writeFieldBegin('process', T.STRUCT, 1);
  writeProcess(p, b.process ?? { serviceName: '' });
  p.writeFieldEnd();
  writeList(p, 'spans', 2, b.spans, (s) => writeSpan(p, s));
  p.writeFieldStop();
  p.writeStructEnd();
}

/** Runs `write` against a protocol over a buffered transport; returns the bytes written. */
export function thriftBytes(
  protocol: 'binary' | 'compact',
  write: (p: Protocol) => void,
): Uint8Array {
  const out: Buffer[] = [];
  const transport = new thrift.TBufferedTransport(undefined, (buf) => {
    if (buf) out.push(buf);
  });
  const Proto = protocol === 'binary' ? thrift.TBinaryProtocol : thrift.TCompactProtocol;
  write(new Proto(transport));
  transport.flush();
  return new Uint8Array(Buffer.concat(out));
}

/** A thrift `Batch` struct, as the body of `POST /api/traces`. */
export function thriftBatch(b: TestBatch, protocol: 'binary' | 'compact' = 'binary'): Uint8Array {
  return thriftBytes(protocol, (p) => writeBatch(p, b));
}

/** An agent datagram: the message `emitBatch(1: batch)`. */
export function emitBatchDatagram(
  b: TestBatch,
  protocol: 'binary' | 'compact',
  name = 'emitBatch',
): Uint8Array {
  return thriftBytes(protocol, (p) => {
    p.writeMessageBegin(name, thrift.Thrift.MessageType.ONEWAY, 1);
    p.writeStructBegin('Agent_emitBatch_args');
    p.writeFieldBegin('batch', T.STRUCT, 1);
    writeBatch(p, b);
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();
    p.writeMessageEnd();
  });
}

const PROTO_DIR = new URL('../../../shared/proto/jaeger/proto/api_v2/', import.meta.url);

let postSpans: protobuf.Type | undefined;

/** The protos without gogoproto and google.api options (protobufjs needs no such imports). */
function loadPostSpans(): protobuf.Type {
  if (postSpans) return postSpans;
  const strip = (text: string) =>
    text
      .replace(/^import "(gogoproto|google\/api)\/[^"]*";$/gm, '')
      .replace(/^option \(gogoproto[^;]*;$/gm, '')
      .replace(/\s*\[[^\]]*gogoproto[^\]]*\]/g, '')
      .replace(/option \(google\.api\.http\) = \{[^}]*\};/g, '');
  const root = new protobuf.Root();
  protobuf.parse(
    'syntax = "proto3"; package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; } message Duration { int64 seconds = 1; int32 nanos = 2; }',
    root,
  );
  protobuf.parse(strip(readFileSync(new URL('model.proto', PROTO_DIR), 'utf8')), root);
  protobuf.parse(strip(readFileSync(new URL('collector.proto', PROTO_DIR), 'utf8')), root);
  root.resolveAll();
  postSpans = root.lookupType('jaeger.api_v2.PostSpansRequest');
  return postSpans;
}

function protoTag(t: TestTag): Record<string, unknown> {
  const kv: Record<string, unknown> = { key: t.key, vType: PROTO_TAG_TYPE[t.type] };
  if (t.type === 'string') kv.vStr = t.value;
  else if (t.type === 'double') kv.vFloat64 = t.value;
  else if (t.type === 'bool') kv.vBool = t.value;
  else if (t.type === 'long') kv.vInt64 = t.value;
  else kv.vBinary = t.value;
  return kv;
}

function protoProcess(p: TestProcess): Record<string, unknown> {
  return { serviceName: p.serviceName, tags: (p.tags ?? []).map(protoTag) };
}

function timestamp(us: number, extraNanos = 0): Record<string, unknown> {
  const sec = Math.floor(us / 1e6);
  return { seconds: sec, nanos: (us - sec * 1e6) * 1000 + extraNanos };
}

/** A protobuf `PostSpansRequest`, as `CollectorService/PostSpans` receives it. */
export function postSpansRequest(b: TestBatch): Uint8Array {
  const type = loadPostSpans();
  const msg = {
    batch: {
      ...(b.process ? { process: protoProcess(b.process) } : {}),
      spans: b.spans.map((s) => ({
        traceId: Buffer.from(s.traceId, 'hex'),
        spanId: Buffer.from(s.spanId, 'hex'),
        operationName: s.operationName,
        references: (s.references ?? []).map((r) => ({
          traceId: Buffer.from(r.traceId, 'hex'),
          spanId: Buffer.from(r.spanId, 'hex'),
          refType: r.refType,
        })),
        flags: s.flags ?? 1,
        startTime: timestamp(s.startUs, s.startExtraNanos),
        duration: timestamp(s.durationUs),
        tags: (s.tags ?? []).map(protoTag),
        logs: (s.logs ?? []).map((l) => ({
          timestamp: timestamp(l.timestampUs),
          fields: l.fields.map(protoTag),
        })),
        ...(s.process ? { process: protoProcess(s.process) } : {}),
      })),
    },
  };
  const message = type.fromObject(msg);
  const err = type.verify(message);
  if (err) throw new Error(`bad test PostSpansRequest: ${err}`);
  return type.encode(message).finish();
}
