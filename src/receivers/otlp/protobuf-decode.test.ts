/**
 * Protobuf-only behaviour: hand-built bytes for what protobufjs would never write (bad wire
 * types, truncations, oversized varints, repeated fields), exact error messages with their byte
 * positions, and robustness over every truncation and a few thousand random inputs. The content
 * shared with the JSON decoder is tested in `decode-shared.test.ts`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '../../model/index.js';
import type { AnyValue, Span } from '../../model/index.js';
import { encodeOtlpProtobuf } from './encode-for-tests.js';
import { decodeOtlpProtobuf } from './protobuf-decode.js';

// A tiny protobuf writer for hand-made inputs.
export type Bytes = number[];

function varint(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const key = (field: number, wireType: number): Bytes => varint((field << 3) | wireType);
export const len = (field: number, payload: Bytes): Bytes => [
  ...key(field, 2),
  ...varint(payload.length),
  ...payload,
];
export const int = (field: number, value: number | bigint): Bytes => [
  ...key(field, 0),
  ...varint(value),
];
export const text = (field: number, s: string): Bytes => len(field, [...Buffer.from(s)]);
export const hexBytes = (hex: string): Bytes => [...Buffer.from(hex, 'hex')];

const T1 = '5b8efff798038103d269b633813fc60c';
const S1 = 'eee19b7ec3c1b174';
/** trace_id and span_id fields of a valid span: 28 bytes. */
export const IDS: Bytes = [...len(1, hexBytes(T1)), ...len(2, hexBytes(S1))];

/**
 * A request holding one span whose payload is `span`. With short payloads the span starts at
 * byte 6 (three tag + one-byte length pairs), so the field after IDS sits at byte 34.
 */
export const requestWithSpan = (span: Bytes): Uint8Array =>
  Uint8Array.from(len(1, len(2, len(2, span))));

function decodeSpan(span: Bytes): Span {
  const spans = decodeOtlpProtobuf(requestWithSpan(span)).batch.resourceSpans[0]?.scopeSpans[0]
    ?.spans;
  assert.ok(spans?.[0], 'the span was not decoded');
  return spans[0];
}

export const attr = (value: Bytes): Bytes => len(9, [...text(1, 'k'), ...len(2, value)]);

function decodeValue(value: Bytes): AnyValue {
  return decodeSpan([...IDS, ...attr(value)]).attributes[0]!.value;
}

/** Span payloads (after IDS) and the fields they decode to; exported for the transcoder tests. */
export const handMadeSpanCases: Array<{ name: string; span: Bytes; want: Partial<Span> }> = [
  { name: 'a negative kind (10-byte varint) becomes 0', span: int(6, -1), want: { kind: 0 } },
  {
    name: 'a uint32 sent as a 64-bit varint keeps its low 32 bits',
    span: int(10, 2n ** 32n + 5n),
    want: { droppedAttributesCount: 5 },
  },
  {
    name: 'a repeated singular field: the last one wins',
    span: [...text(5, 'a'), ...text(5, 'b')],
    want: { name: 'b' },
  },
  {
    name: 'two status fields merge',
    span: [...len(15, text(2, 'first')), ...len(15, int(3, 2))],
    want: { statusMessage: 'first', statusCode: 2 },
  },
  {
    name: 'the deprecated Status field 1 is skipped',
    span: len(15, int(1, 2)),
    want: { statusCode: 0 },
  },
  { name: 'an empty parent_span_id is a root', span: len(4, []), want: { parentSpanId: '' } },
  {
    name: 'invalid UTF-8 becomes U+FFFD',
    span: len(5, [0x61, 0xe9, 0x62]),
    want: { name: 'a\ufffdb' },
  },
  {
    name: 'flags is fixed32 little-endian',
    span: [...key(16, 5), 0x01, 0x03, 0, 0x80],
    want: { flags: 0x80000301 },
  },
];

test('hand-made fields decode as the protos define', () => {
  for (const c of handMadeSpanCases) {
    const got = decodeSpan([...IDS, ...c.span]);
    for (const [field, value] of Object.entries(c.want)) {
      assert.deepEqual(got[field as keyof Span], value, c.name);
    }
  }
});

/** AnyValue payloads and what they decode to; exported for the transcoder tests. */
export const handMadeValueCases: Array<{ name: string; value: Bytes; want: AnyValue }> = [
  {
    name: 'a bool from a 10-byte varint with zero low bits is true',
    value: int(2, 2n ** 32n),
    want: { type: 'bool', value: true },
  },
  { name: 'int64 -1', value: int(3, -1), want: { type: 'int', value: '-1' } },
  {
    name: 'int64 2^53 + 1',
    value: int(3, 2n ** 53n + 1n),
    want: { type: 'int', value: '9007199254740993' },
  },
  {
    name: 'two members set: the last wins',
    value: [...text(1, 's'), ...int(3, 5)],
    want: { type: 'int', value: '5' },
  },
  {
    name: 'only string_value_strindex (profiles) is empty',
    value: int(8, 3),
    want: { type: 'empty' },
  },
];

test('hand-made AnyValues', () => {
  for (const c of handMadeValueCases) assert.deepEqual(decodeValue(c.value), c.want, c.name);
});

test('KeyValue key_strindex and Resource entity_refs are skipped', () => {
  const resource = [...len(1, [...text(1, 'a'), ...int(3, 4)]), ...len(3, text(2, 'service'))];
  const body = Uint8Array.from(len(1, len(1, resource)));
  assert.deepEqual(decodeOtlpProtobuf(body).batch.resourceSpans[0]?.resource, {
    attributes: [{ key: 'a', value: { type: 'empty' } }],
    droppedAttributesCount: 0,
  });
});

test('the body may be a view at any offset, and bytes values are copies', () => {
  const request = requestWithSpan([...IDS, ...attr(len(7, [1, 2, 3]))]);
  const backing = new Uint8Array(request.length + 10);
  backing.set(request, 7);
  const view = backing.subarray(7, 7 + request.length);
  const want = decodeOtlpProtobuf(request);
  const got = decodeOtlpProtobuf(view);
  assert.deepEqual(got, want);
  assert.deepEqual(decodeOtlpProtobuf(Buffer.from(request)), want);
  view.fill(0);
  const value = got.batch.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes[0]?.value;
  assert.deepEqual(value, { type: 'bytes', value: new Uint8Array([1, 2, 3]) });
});

/** 101 arrays nested in one attribute value; the innermost array's tag is the last 4 bytes. */
function deeplyNested(): Uint8Array {
  let value: Bytes = [];
  for (let i = 0; i < 101; i++) value = len(5, len(1, value));
  return requestWithSpan([...IDS, ...attr(value)]);
}

const nested = deeplyNested();

/** Malformed bodies and their messages; exported for the transcoder tests. */
export const malformedCases: Array<{ name: string; body: Bytes | Uint8Array; message: string }> = [
  { name: 'wire type 7', body: [0x0f], message: 'wire type 7 is not valid (field 1) at byte 0' },
  { name: 'wire type 6', body: [0x0e], message: 'wire type 6 is not valid (field 1) at byte 0' },
  { name: 'group start', body: [0x0b], message: 'wire type 3 is not valid (field 1) at byte 0' },
  { name: 'group end', body: [0x0c], message: 'wire type 4 is not valid (field 1) at byte 0' },
  {
    name: 'field number 0',
    body: [0x02, 0x00],
    message: 'field number 0 is not valid at byte 0',
  },
  {
    name: 'truncated tag',
    body: [0x80],
    message: 'truncated tag in ExportTraceServiceRequest at byte 0',
  },
  {
    name: 'a tag of six bytes',
    body: [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
    message: 'tag longer than 5 bytes in ExportTraceServiceRequest at byte 0',
  },
  {
    name: 'a tag beyond 32 bits',
    body: [0x80, 0x80, 0x80, 0x80, 0x10],
    message: 'field number out of range in ExportTraceServiceRequest at byte 0',
  },
  {
    name: 'a length beyond the body',
    body: [0x0a, 0x05, 0x01],
    message: 'truncated length-delimited field 1 of ExportTraceServiceRequest at byte 0',
  },
  {
    name: 'a truncated length',
    body: [0x0a, 0x80],
    message: 'truncated length-delimited field 1 of ExportTraceServiceRequest at byte 0',
  },
  {
    name: 'a length of 2^32 - 1',
    body: [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00],
    message: 'truncated length-delimited field 1 of ExportTraceServiceRequest at byte 0',
  },
  {
    name: 'a length beyond 2^53',
    body: [0x0a, ...varint(2n ** 63n), 0x00],
    message: 'truncated length-delimited field 1 of ExportTraceServiceRequest at byte 0',
  },
  {
    name: 'a length varint of 11 bytes',
    body: [0x0a, ...Array<number>(10).fill(0xff), 0x01],
    message: 'varint longer than 10 bytes (field 1 of ExportTraceServiceRequest) at byte 0',
  },
  {
    name: 'a field longer than its message',
    body: requestWithSpan([...len(1, hexBytes(T1)), 0x12, 0x08, 1, 2, 3]),
    message: 'truncated length-delimited field 2 of Span at byte 24',
  },
  {
    name: 'a truncated fixed64',
    body: requestWithSpan([...IDS, 0x39, 1, 2, 3]),
    message: 'truncated fixed64 field 7 of Span at byte 34',
  },
  {
    name: 'a truncated fixed32',
    body: requestWithSpan([...IDS, 0x85, 0x01, 1, 2]),
    message: 'truncated fixed32 field 16 of Span at byte 34',
  },
  {
    name: 'a truncated varint',
    body: requestWithSpan([...IDS, 0x30, 0x80]),
    message: 'truncated varint field 6 of Span at byte 34',
  },
  {
    name: 'a varint of 11 bytes',
    body: requestWithSpan([...IDS, 0x30, ...Array<number>(10).fill(0xff), 0x01]),
    message: 'varint longer than 10 bytes (field 6 of Span) at byte 34',
  },
  {
    name: 'a known field with the wrong wire type',
    body: requestWithSpan([0x08, 0x01]),
    message: 'wire type 0 (varint) is wrong for field 1 of Span at byte 6',
  },
  {
    name: 'wire type 7 inside a span',
    body: requestWithSpan([...IDS, 0x1f]),
    message: 'wire type 7 is not valid (field 3) at byte 34',
  },
  {
    name: 'a truncated unknown length-delimited field',
    body: requestWithSpan([...IDS, ...key(90, 2), 0x09, 0x01]),
    message: 'truncated length-delimited field 90 of Span at byte 34',
  },
  {
    name: 'a truncated unknown fixed64 field',
    body: requestWithSpan([...IDS, ...key(91, 1), 1, 2, 3]),
    message: 'truncated fixed64 field 91 of Span at byte 34',
  },
  {
    name: 'a Status code sent length-delimited',
    body: requestWithSpan([...IDS, ...len(15, len(3, []))]),
    message: 'wire type 2 (length-delimited) is wrong for field 3 of Status at byte 36',
  },
  {
    name: 'an AnyValue string sent as a varint',
    body: requestWithSpan([...IDS, ...attr(int(1, 3))]),
    message: 'wire type 0 (varint) is wrong for field 1 of AnyValue at byte 41',
  },
  {
    name: 'a fixed64 time sent as a varint in an event',
    body: requestWithSpan([...IDS, ...len(11, int(1, 3))]),
    message: 'wire type 0 (varint) is wrong for field 1 of Event at byte 36',
  },
  {
    name: 'values nested 101 deep',
    body: nested,
    message: `AnyValue nested deeper than 100 levels at byte ${nested.length - 4}`,
  },
];

test('malformed input throws InvalidRequestError naming the field and byte', () => {
  for (const c of malformedCases) {
    const body = c.body instanceof Uint8Array ? c.body : Uint8Array.from(c.body);
    assert.throws(
      () => decodeOtlpProtobuf(body),
      { name: 'InvalidRequestError', message: `invalid OTLP protobuf: ${c.message}` },
      c.name,
    );
  }
});

/** A request using most of the schema, for the truncation and mutation tests. */
export function richRequest(): Uint8Array {
  const attributes = [
    { key: 's', value: { stringValue: 'text ✓' } },
    { key: 'i', value: { intValue: '-9223372036854775808' } },
    { key: 'd', value: { doubleValue: 2.5 } },
    { key: 'b', value: { boolValue: true } },
    { key: 'y', value: { bytesValue: 'AAEC' } },
    {
      key: 'a',
      value: {
        arrayValue: { values: [{ stringValue: 'x' }, { kvlistValue: { values: [{ key: 'k' }] } }] },
      },
    },
  ];
  const span = {
    traceId: T1,
    spanId: S1,
    parentSpanId: S1,
    traceState: 'a=b',
    name: 'span',
    kind: 3,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000100000000',
    attributes,
    droppedAttributesCount: 1,
    events: [{ timeUnixNano: '1700000000050000000', name: 'e', attributes }],
    links: [{ traceId: T1, spanId: S1, traceState: 'c=d', attributes, flags: 1 }],
    status: { code: 2, message: 'bad' },
    flags: 0x301,
  };
  return encodeOtlpProtobuf({
    resourceSpans: [
      {
        resource: { attributes },
        scopeSpans: [{ scope: { name: 'lib', version: '1', attributes }, spans: [span, span] }],
        schemaUrl: 'https://example.com',
      },
    ],
  });
}

const MESSAGE = /^invalid OTLP protobuf: .+ at byte (\d+)$/;

/** Decodes; the only acceptable failure is an InvalidRequestError pointing inside the body. */
function decodeOrReject(body: Uint8Array, what: string): void {
  try {
    decodeOtlpProtobuf(body);
  } catch (err) {
    assert.ok(err instanceof InvalidRequestError, `${what}: ${String(err)}`);
    const at = MESSAGE.exec(err.message);
    assert.ok(at, `${what}: ${err.message}`);
    assert.ok(Number(at[1]) < body.length, `${what}: ${err.message} is past the end`);
  }
}

test('every truncation of a valid request decodes or throws InvalidRequestError', () => {
  const body = richRequest();
  assert.equal(decodeOtlpProtobuf(body).spanCount, 2);
  let thrown = 0;
  for (let cut = 0; cut < body.length; cut++) {
    decodeOrReject(body.subarray(0, cut), `cut at ${cut}`);
    try {
      decodeOtlpProtobuf(body.subarray(0, cut));
    } catch {
      thrown++;
    }
  }
  assert.ok(thrown > body.length * 0.9, `only ${thrown} of ${body.length} truncations were caught`);
});

/** mulberry32: a small deterministic generator, so failures reproduce. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random garbage and mutated requests never crash the decoder', () => {
  const rand = random(20240601);
  const valid = richRequest();
  for (let i = 0; i < 4000; i++) {
    let body: Uint8Array;
    if (i % 2 === 0) {
      body = Uint8Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256));
    } else {
      body = valid.slice();
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++)
        body[Math.floor(rand() * body.length)] = Math.floor(rand() * 256);
    }
    decodeOrReject(body, `input ${i} (${Buffer.from(body).toString('hex')})`);
  }
});
