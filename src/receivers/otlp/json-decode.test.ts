/**
 * JSON-only behaviour: the official example, the spellings the OTLP JSON mapping allows (snake_case
 * names, enum names, numbers for 64-bit integers, strings for numbers, null), the precision of
 * large JSON numbers, and exact messages for wrong types. The content shared with the protobuf
 * decoder is tested in `decode-shared.test.ts`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InvalidRequestError } from '../../model/index.js';
import type { Span, SpanBatch } from '../../model/index.js';
import { decodeOtlpJson } from './json-decode.js';

const EXAMPLE = new URL('../../../../shared/proto/otlp/examples/trace.json', import.meta.url);

const T1 = '5b8efff798038103d269b633813fc60c';
const S1 = 'eee19b7ec3c1b174';

test('the official OTLP example decodes, with its upper-case hex ids lowered', () => {
  const want: SpanBatch = {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { type: 'string', value: 'my.service' } }],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: {
              name: 'my.library',
              version: '1.0.0',
              attributes: [
                {
                  key: 'my.scope.attribute',
                  value: { type: 'string', value: 'some scope attribute' },
                },
              ],
              droppedAttributesCount: 0,
            },
            schemaUrl: '',
            spans: [
              {
                traceId: T1,
                spanId: S1,
                parentSpanId: 'eee19b7ec3c1b173',
                traceState: '',
                name: "I'm a server span",
                kind: 2,
                startTimeUnixNano: '1544712660000000000',
                endTimeUnixNano: '1544712661000000000',
                attributes: [
                  { key: 'my.span.attr', value: { type: 'string', value: 'some value' } },
                ],
                droppedAttributesCount: 0,
                events: [],
                droppedEventsCount: 0,
                links: [],
                droppedLinksCount: 0,
                statusCode: 0,
                statusMessage: '',
                flags: 0,
              },
            ],
          },
        ],
      },
    ],
  };
  const got = decodeOtlpJson(readFileSync(EXAMPLE, 'utf8'));
  assert.deepEqual(got, { batch: want, spanCount: 1, rejectedSpans: 0, rejectionMessage: '' });
});

const requestOf = (...spans: object[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
const withValue = (value: unknown) =>
  requestOf({ traceId: T1, spanId: S1, attributes: [{ key: 'k', value }] });

test('other spellings the JSON mapping allows decode like the canonical form', () => {
  const cases: Array<{ name: string; json: unknown; same: unknown }> = [
    {
      name: 'snake_case field names',
      json: {
        resource_spans: [
          {
            resource: { attributes: [], dropped_attributes_count: 1 },
            schema_url: 'u',
            scope_spans: [
              {
                scope: { name: 'n', dropped_attributes_count: 2 },
                schema_url: 'v',
                spans: [
                  {
                    trace_id: T1,
                    span_id: S1,
                    parent_span_id: S1,
                    trace_state: 't',
                    start_time_unix_nano: '5',
                    end_time_unix_nano: '6',
                    dropped_attributes_count: 3,
                    dropped_events_count: 4,
                    dropped_links_count: 5,
                    events: [{ time_unix_nano: '7', dropped_attributes_count: 8 }],
                    links: [
                      { trace_id: T1, span_id: S1, trace_state: 'l', dropped_attributes_count: 9 },
                    ],
                    attributes: [
                      { key: 'a', value: { string_value: 's' } },
                      { key: 'b', value: { bool_value: true } },
                      { key: 'c', value: { int_value: '1' } },
                      { key: 'd', value: { double_value: 1.5 } },
                      { key: 'e', value: { bytes_value: 'AA==' } },
                      { key: 'f', value: { array_value: { values: [{ int_value: 2 }] } } },
                      { key: 'g', value: { kvlist_value: { values: [{ key: 'h' }] } } },
                    ],
                  },
                ],
              },
            ],
            instrumentation_library_spans: [
              { instrumentation_library: { name: 'old' }, spans: [] },
            ],
          },
        ],
      },
      same: {
        resourceSpans: [
          {
            resource: { attributes: [], droppedAttributesCount: 1 },
            schemaUrl: 'u',
            scopeSpans: [
              {
                scope: { name: 'n', droppedAttributesCount: 2 },
                schemaUrl: 'v',
                spans: [
                  {
                    traceId: T1,
                    spanId: S1,
                    parentSpanId: S1,
                    traceState: 't',
                    startTimeUnixNano: '5',
                    endTimeUnixNano: '6',
                    droppedAttributesCount: 3,
                    droppedEventsCount: 4,
                    droppedLinksCount: 5,
                    events: [{ timeUnixNano: '7', droppedAttributesCount: 8 }],
                    links: [
                      { traceId: T1, spanId: S1, traceState: 'l', droppedAttributesCount: 9 },
                    ],
                    attributes: [
                      { key: 'a', value: { stringValue: 's' } },
                      { key: 'b', value: { boolValue: true } },
                      { key: 'c', value: { intValue: '1' } },
                      { key: 'd', value: { doubleValue: 1.5 } },
                      { key: 'e', value: { bytesValue: 'AA==' } },
                      { key: 'f', value: { arrayValue: { values: [{ intValue: '2' }] } } },
                      { key: 'g', value: { kvlistValue: { values: [{ key: 'h' }] } } },
                    ],
                  },
                ],
              },
              { scope: { name: 'old' }, spans: [] },
            ],
          },
        ],
      },
    },
    {
      name: 'enum names',
      json: requestOf(
        {
          traceId: T1,
          spanId: S1,
          kind: 'SPAN_KIND_SERVER',
          status: { code: 'STATUS_CODE_ERROR' },
        },
        { traceId: T1, spanId: S1, kind: 'SPAN_KIND_CONSUMER', status: { code: 'STATUS_CODE_OK' } },
        {
          traceId: T1,
          spanId: S1,
          kind: 'SPAN_KIND_UNSPECIFIED',
          status: { code: 'STATUS_CODE_UNSET' },
        },
      ),
      same: requestOf(
        { traceId: T1, spanId: S1, kind: 2, status: { code: 2 } },
        { traceId: T1, spanId: S1, kind: 5, status: { code: 1 } },
        { traceId: T1, spanId: S1 },
      ),
    },
    {
      name: 'numbers for 64-bit integers, strings for 32-bit ones and doubles',
      json: requestOf({
        traceId: T1,
        spanId: S1,
        startTimeUnixNano: 1544712660000000000,
        endTimeUnixNano: 12,
        droppedAttributesCount: '3',
        flags: '257',
        attributes: [
          { key: 'i', value: { intValue: -42 } },
          { key: 'd', value: { doubleValue: '1.5e3' } },
          { key: 'n', value: { doubleValue: '-0.25' } },
        ],
      }),
      same: requestOf({
        traceId: T1,
        spanId: S1,
        startTimeUnixNano: '1544712660000000000',
        endTimeUnixNano: '12',
        droppedAttributesCount: 3,
        flags: 257,
        attributes: [
          { key: 'i', value: { intValue: '-42' } },
          { key: 'd', value: { doubleValue: 1500 } },
          { key: 'n', value: { doubleValue: -0.25 } },
        ],
      }),
    },
    {
      name: 'decimal text with leading zeros or a negative zero',
      json: requestOf({
        traceId: T1,
        spanId: S1,
        startTimeUnixNano: '0001544712660000000000',
        attributes: [
          { key: 'a', value: { intValue: '007' } },
          { key: 'b', value: { intValue: '-0' } },
          { key: 'c', value: { intValue: '-00000000000000000000042' } },
        ],
      }),
      same: requestOf({
        traceId: T1,
        spanId: S1,
        startTimeUnixNano: '1544712660000000000',
        attributes: [
          { key: 'a', value: { intValue: '7' } },
          { key: 'b', value: { intValue: '0' } },
          { key: 'c', value: { intValue: '-42' } },
        ],
      }),
    },
    {
      name: 'null is absent, everywhere',
      json: {
        resourceSpans: [
          {
            resource: null,
            schemaUrl: null,
            scopeSpans: [
              {
                scope: null,
                spans: [
                  {
                    traceId: T1,
                    spanId: S1,
                    parentSpanId: null,
                    name: null,
                    kind: null,
                    status: null,
                    events: [null],
                    links: null,
                    attributes: [
                      { key: 'a', value: null },
                      { key: 'b', value: { stringValue: null, intValue: '5' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      same: {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: T1,
                    spanId: S1,
                    events: [{}],
                    attributes: [{ key: 'a' }, { key: 'b', value: { intValue: '5' } }],
                  },
                ],
              },
            ],
          },
        ],
      },
    },
    {
      name: 'upper-case hex ids, URL-safe base64 without padding',
      json: requestOf({
        traceId: T1.toUpperCase(),
        spanId: S1.toUpperCase(),
        attributes: [{ key: 'k', value: { bytesValue: 'AAEC_w' } }],
      }),
      same: withValue({ bytesValue: 'AAEC/w==' }),
    },
    {
      name: 'unknown fields are ignored',
      json: {
        partialSuccess: {},
        resourceSpans: [
          { extra: 1, scopeSpans: [{ spans: [{ traceId: T1, spanId: S1, x: [1] }] }] },
        ],
      },
      same: requestOf({ traceId: T1, spanId: S1 }),
    },
  ];
  for (const c of cases) {
    assert.deepEqual(
      decodeOtlpJson(JSON.stringify(c.json)),
      decodeOtlpJson(JSON.stringify(c.same)),
      c.name,
    );
  }
});

/** The first span of a request with one span whose other fields are the JSON text `fields`. */
function spanOf(fields: string): Span {
  const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${T1}","spanId":"${S1}",${fields}}]}]}]}`;
  const span = decodeOtlpJson(body).batch.resourceSpans[0]?.scopeSpans[0]?.spans[0];
  assert.ok(span, fields);
  return span;
}

const intOf = (span: Span): string => {
  const value = span.attributes[0]?.value;
  return value?.type === 'int' ? value.value : `not an int: ${JSON.stringify(value)}`;
};

test('JSON numbers beyond 2^53 are taken as JSON.parse rounded them, without exponent', () => {
  const int = (n: string) => `"attributes":[{"key":"k","value":{"intValue":${n}}}]`;
  const time = (n: string) => `"startTimeUnixNano":${n}`;
  const start = (span: Span) => span.startTimeUnixNano;
  const cases: Array<{ json: string; read: (span: Span) => string; want: string }> = [
    { json: int('9007199254740993'), read: intOf, want: '9007199254740992' },
    { json: int('-9223372036854775808'), read: intOf, want: '-9223372036854775808' },
    { json: int('9223372036854775807'), read: intOf, want: '9223372036854775807' }, // 2^63: clamped
    { json: int('-0'), read: intOf, want: '0' },
    { json: int('1e3'), read: intOf, want: '1000' },
    { json: time('12345678901234567890'), read: start, want: '12345678901234567168' },
    { json: time('18446744073709551615'), read: start, want: '18446744073709551615' }, // 2^64: clamped
  ];
  for (const c of cases) assert.equal(c.read(spanOf(c.json)), c.want, c.json);
});

const SPAN = 'resourceSpans[0].scopeSpans[0].spans[0]';
const NOT_JSON = 'the body is not valid JSON';
const ATTR = `${SPAN}.attributes[0].value`;

test('wrong types throw InvalidRequestError with the path and what was expected', () => {
  const span = (fields: object) => requestOf({ traceId: T1, spanId: S1, ...fields });
  const cases: Array<{ name: string; json: unknown; message: string }> = [
    { name: 'not JSON', json: '{"resourceSpans": [', message: NOT_JSON },
    { name: 'an array', json: [], message: 'the request: expected an object, got an array' },
    { name: 'null', json: null, message: 'the request: expected an object, got null' },
    {
      name: 'resourceSpans a string',
      json: { resourceSpans: 'x' },
      message: 'resourceSpans: expected an array, got "x"',
    },
    {
      name: 'a resourceSpans element',
      json: { resourceSpans: [5] },
      message: 'resourceSpans[0]: expected an object, got 5',
    },
    {
      name: 'the kind of the brief',
      json: {
        resourceSpans: [
          {
            scopeSpans: [
              { spans: [] },
              { spans: [{}, {}, {}, { traceId: T1, spanId: S1, kind: true }] },
            ],
          },
        ],
      },
      message:
        'resourceSpans[0].scopeSpans[1].spans[3].kind: expected an integer or a SpanKind name, got true',
    },
    {
      name: 'an unknown kind name',
      json: span({ kind: 'SERVER' }),
      message: `${SPAN}.kind: expected an integer or a SpanKind name, got "SERVER"`,
    },
    {
      name: 'a fractional kind',
      json: span({ kind: 1.5 }),
      message: `${SPAN}.kind: expected an integer or a SpanKind name, got 1.5`,
    },
    {
      name: 'a status code name',
      json: span({ status: { code: 'ERROR' } }),
      message: `${SPAN}.status.code: expected an integer or a StatusCode name, got "ERROR"`,
    },
    {
      name: 'a status string',
      json: span({ status: 'ok' }),
      message: `${SPAN}.status: expected an object, got "ok"`,
    },
    {
      name: 'a numeric trace id',
      json: span({ traceId: 123 }),
      message: `${SPAN}.traceId: expected an even number of hex digits, got 123`,
    },
    {
      name: 'a non-hex span id',
      json: span({ spanId: 'eee19b7ec3c1b17z' }),
      message: `${SPAN}.spanId: expected an even number of hex digits, got "eee19b7ec3c1b17z"`,
    },
    {
      name: 'an odd-length parent id',
      json: span({ parentSpanId: 'abc' }),
      message: `${SPAN}.parentSpanId: expected an even number of hex digits, got "abc"`,
    },
    {
      name: 'a numeric name',
      json: span({ name: 5 }),
      message: `${SPAN}.name: expected a string, got 5`,
    },
    {
      name: 'a long wrong value is shortened',
      json: span({ flags: 'y'.repeat(60) }),
      message: `${SPAN}.flags: expected an unsigned 32-bit integer, got "${'y'.repeat(35)}…"`,
    },
    {
      name: 'attributes an object',
      json: span({ attributes: {} }),
      message: `${SPAN}.attributes: expected an array, got an object`,
    },
    {
      name: 'a negative dropped count',
      json: span({ droppedAttributesCount: -1 }),
      message: `${SPAN}.droppedAttributesCount: expected an unsigned 32-bit integer, got -1`,
    },
    {
      name: 'a dropped count of 2^32',
      json: span({ droppedEventsCount: 4294967296 }),
      message: `${SPAN}.droppedEventsCount: expected an unsigned 32-bit integer, got 4294967296`,
    },
    {
      name: 'a negative time',
      json: span({ startTimeUnixNano: '-1' }),
      message: `${SPAN}.startTimeUnixNano: expected an unsigned 64-bit integer (decimal string or number), got "-1"`,
    },
    {
      name: 'a time beyond 2^64',
      json: span({ endTimeUnixNano: '18446744073709551616' }),
      message: `${SPAN}.endTimeUnixNano: expected an unsigned 64-bit integer (decimal string or number), got "18446744073709551616"`,
    },
    {
      name: 'a fractional time',
      json: span({ endTimeUnixNano: 1.5 }),
      message: `${SPAN}.endTimeUnixNano: expected an unsigned 64-bit integer (decimal string or number), got 1.5`,
    },
    {
      name: 'an event time',
      json: span({ events: [{}, { timeUnixNano: true }] }),
      message: `${SPAN}.events[1].timeUnixNano: expected an unsigned 64-bit integer (decimal string or number), got true`,
    },
    {
      name: 'a link flags',
      json: span({ links: [{ flags: [] }] }),
      message: `${SPAN}.links[0].flags: expected an unsigned 32-bit integer, got an array`,
    },
    {
      name: 'an int that is not a number',
      json: withValue({ intValue: '12x' }),
      message: `${ATTR}.intValue: expected a signed 64-bit integer (decimal string or number), got "12x"`,
    },
    {
      name: 'an int beyond int64',
      json: withValue({ intValue: '9223372036854775808' }),
      message: `${ATTR}.intValue: expected a signed 64-bit integer (decimal string or number), got "9223372036854775808"`,
    },
    {
      name: 'an int below int64',
      json: withValue({ intValue: '-9223372036854775809' }),
      message: `${ATTR}.intValue: expected a signed 64-bit integer (decimal string or number), got "-9223372036854775809"`,
    },
    {
      name: 'a fractional int',
      json: withValue({ intValue: 1.5 }),
      message: `${ATTR}.intValue: expected a signed 64-bit integer (decimal string or number), got 1.5`,
    },
    {
      name: 'a bool string',
      json: withValue({ boolValue: 'true' }),
      message: `${ATTR}.boolValue: expected true or false, got "true"`,
    },
    {
      name: 'a double word',
      json: withValue({ doubleValue: 'abc' }),
      message: `${ATTR}.doubleValue: expected a number or "NaN", "Infinity", "-Infinity", got "abc"`,
    },
    {
      name: 'a double named like an Object property',
      json: withValue({ doubleValue: 'constructor' }),
      message: `${ATTR}.doubleValue: expected a number or "NaN", "Infinity", "-Infinity", got "constructor"`,
    },
    {
      name: 'bad base64',
      json: withValue({ bytesValue: '!!!' }),
      message: `${ATTR}.bytesValue: expected a base64 string, got "!!!"`,
    },
    {
      name: 'base64 of impossible length',
      json: withValue({ bytesValue: 'AAAAA' }),
      message: `${ATTR}.bytesValue: expected a base64 string, got "AAAAA"`,
    },
    {
      name: 'a string value number',
      json: withValue({ stringValue: 1 }),
      message: `${ATTR}.stringValue: expected a string, got 1`,
    },
    {
      name: 'two members',
      json: withValue({ stringValue: 'a', intValue: '1' }),
      message: `${ATTR}: more than one value set (stringValue and intValue)`,
    },
    {
      name: 'a value not an object',
      json: withValue('text'),
      message: `${ATTR}: expected an object, got "text"`,
    },
    {
      name: 'an array element',
      json: withValue({ arrayValue: { values: [{}, 5] } }),
      message: `${ATTR}.arrayValue.values[1]: expected an object, got 5`,
    },
    {
      name: 'arrayValue values',
      json: withValue({ arrayValue: { values: 'a' } }),
      message: `${ATTR}.arrayValue.values: expected an array, got "a"`,
    },
    {
      name: 'a kvlist key',
      json: withValue({ kvlistValue: { values: [{ key: 1 }] } }),
      message: `${ATTR}.kvlistValue.values[0].key: expected a string, got 1`,
    },
    {
      name: 'kvlistValue a list',
      json: withValue({ kvlistValue: [] }),
      message: `${ATTR}.kvlistValue: expected an object, got an array`,
    },
    {
      name: 'a resource attribute',
      json: {
        resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { intValue: 'x' } }] } }],
      },
      message:
        'resourceSpans[0].resource.attributes[0].value.intValue: expected a signed 64-bit integer (decimal string or number), got "x"',
    },
    {
      name: 'a scope name',
      json: { resourceSpans: [{ scopeSpans: [{ scope: { name: false } }] }] },
      message: 'resourceSpans[0].scopeSpans[0].scope.name: expected a string, got false',
    },
    {
      name: 'a legacy scope span',
      json: { resourceSpans: [{ instrumentationLibrarySpans: [{ spans: [{ name: 1 }] }] }] },
      message:
        'resourceSpans[0].instrumentationLibrarySpans[0].spans[0].name: expected a string, got 1',
    },
    {
      name: 'a legacy library',
      json: { resourceSpans: [{ instrumentationLibrarySpans: [{ instrumentationLibrary: 'x' }] }] },
      message:
        'resourceSpans[0].instrumentationLibrarySpans[0].instrumentationLibrary: expected an object, got "x"',
    },
    {
      name: 'values nested too deep',
      json: withValue(nestedArrays(101)),
      message: `${ATTR}${'.arrayValue.values[0]'.repeat(100)}.arrayValue: nested deeper than 100 levels`,
    },
  ];
  for (const c of cases) {
    const text = typeof c.json === 'string' ? c.json : JSON.stringify(c.json);
    assert.throws(
      () => decodeOtlpJson(text),
      { name: 'InvalidRequestError', message: `invalid OTLP JSON: ${c.message}` },
      c.name,
    );
  }
});

test('text that is not JSON gets our message, with the byte near the fault when known', () => {
  const cases: Array<{ name: string; text: string; message: string }> = [
    { name: 'empty', text: '', message: NOT_JSON },
    { name: 'cut short', text: '{"resourceSpans": [', message: NOT_JSON },
    { name: 'bad property name', text: '{x', message: `${NOT_JSON} (near byte 1)` },
    { name: 'trailing text', text: '{"a":1}x', message: `${NOT_JSON} (near byte 7)` },
    // "é" is one character but two UTF-8 bytes: the offset counts bytes.
    { name: 'after non-ASCII', text: '{"é":1}x', message: `${NOT_JSON} (near byte 8)` },
    { name: 'a bad literal', text: '{"a": tru}', message: NOT_JSON },
  ];
  for (const c of cases) {
    assert.throws(
      () => decodeOtlpJson(c.text),
      { name: 'InvalidRequestError', message: `invalid OTLP JSON: ${c.message}` },
      c.name,
    );
  }
});

function nestedArrays(levels: number): object {
  let value: object = {};
  for (let i = 0; i < levels; i++) value = { arrayValue: { values: [value] } };
  return value;
}

test('nesting of exactly 100 levels is accepted', () => {
  const span = spanOf(`"attributes":[{"key":"k","value":${JSON.stringify(nestedArrays(100))}}]`);
  let depth = 0;
  for (let v = span.attributes[0]?.value; v?.type === 'array'; v = v.value[0]) depth++;
  assert.equal(depth, 100);
});

/** mulberry32: a small deterministic generator, so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('mutated JSON never crashes the decoder', () => {
  const valid = readFileSync(EXAMPLE, 'utf8');
  const alphabet = '{}[]",:0123456789.-eE truefalsnl\\abcdefxyzABCDEF';
  const rand = random(7);
  for (let i = 0; i < 3000; i++) {
    const chars = [...valid];
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) {
      chars[Math.floor(rand() * chars.length)] =
        alphabet[Math.floor(rand() * alphabet.length)] ?? '';
    }
    const text = chars.join('');
    try {
      decodeOtlpJson(text);
    } catch (err) {
      assert.ok(err instanceof InvalidRequestError, `${text}: ${String(err)}`);
      assert.match(err.message, /^invalid OTLP JSON: /);
    }
  }
});
