/**
 * Test support (not used by the server): requests for the transcoder's equivalence tests beyond
 * the decoder's tables. Hand-built bytes put fields in orders protobufjs never writes (attributes
 * before the name, `schema_url` first, the resource after its spans) and split messages in parts
 * that merge; requests in JSON form cover escaping, truncation, rejections and drops.
 */

import { encodeOtlpProtobuf } from '../../receivers/otlp/encode-for-tests.js';
import { hexBytes, int, len, text, type Bytes } from '../../receivers/otlp/protobuf-decode.test.js';

export const T1 = '5b8efff798038103d269b633813fc60c';
export const T2 = '0af7651916cd43dd8448eb211c80319c';
const S1 = 'eee19b7ec3c1b174';
const S2 = 'b7ad6b7169203331';

export interface ExtraCase {
  name: string;
  body: Uint8Array;
}

const fixed64 = (field: number, value: bigint): Bytes => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return [(field << 3) | 1, ...b];
};
const strAttr = (field: number, k: string, v: string): Bytes =>
  len(field, [...text(1, k), ...len(2, text(1, v))]);
const intAttr = (field: number, k: string, v: number): Bytes =>
  len(field, [...text(1, k), ...len(2, int(3, v))]);

const LONG = 'ü'.repeat(30) + '"quoted"\\' + '✓'.repeat(10);

/** A span with its fields in reverse order, every optional one present. */
function reversedSpan(traceId: string): Bytes {
  return [
    ...[0x85, 0x01, 0x01, 0x03, 0, 0],
    ...len(15, [...int(3, 2), ...text(2, 'bad "thing"\n')]),
    ...int(14, 3),
    ...len(13, [...intAttr(4, 'n', 7), ...text(3, 'k=v'), ...len(2, hexBytes(S1))]),
    ...len(13, len(1, hexBytes(T2))),
    ...int(12, 4),
    ...len(11, [...strAttr(3, 'exception.message', LONG), ...text(2, 'exception')]),
    ...len(11, fixed64(1, 1700000000000000001n)),
    ...int(10, 2),
    ...strAttr(9, LONG, LONG),
    ...strAttr(9, 'http.route', '/api/{id}'),
    ...fixed64(8, 1700000000200000000n),
    ...fixed64(7, 999n),
    ...int(6, 2),
    ...text(5, 'GET /api/{id} \u0001 \ud83c\udf55'),
    ...len(4, hexBytes(S2)),
    ...text(3, 'rojo=1'),
    ...len(2, hexBytes(S1)),
    ...len(1, hexBytes(traceId)),
  ];
}

/** A minimal span of `traceId` starting at `start`. */
function smallSpan(traceId: string, start: bigint): Bytes {
  return [
    ...len(1, hexBytes(traceId)),
    ...len(2, hexBytes(S2)),
    ...fixed64(7, start),
    ...fixed64(8, start + 10n),
  ];
}

/** Scope spans with schema_url first, the scope after the spans, and the scope in two parts. */
function scopeSpansOutOfOrder(): Bytes {
  return [
    ...text(3, 'https://example.com/scope'),
    ...len(2, reversedSpan(T1)),
    ...len(2, smallSpan(T2, 10000n)),
    ...len(1, [...text(1, 'first-name'), ...strAttr(3, 'scope.a', LONG), ...int(4, 1)]),
    ...len(1, [...text(1, 'lib'), ...text(2, '1.0'), ...strAttr(3, 'scope.b', 'x')]),
  ];
}

/** Resource spans with the resource last and in parts: service.name from the first string one. */
function resourceSpansOutOfOrder(): Bytes {
  return [
    ...text(3, 'https://example.com/resource'),
    ...len(2, scopeSpansOutOfOrder()),
    ...len(2, []),
    ...len(1, [...intAttr(1, 'service.name', 5), ...int(2, 3)]),
    ...len(1, [...strAttr(1, 'service.name', 'checkout-✓-service'), ...int(2, 4)]),
    ...len(1, strAttr(1, 'service.name', 'second')),
  ];
}

/** A KeyValue whose value comes twice (the last wins) and whose key comes after its value. */
function attrValueTwice(first: Bytes, second: Bytes): Bytes {
  return len(9, [...len(2, first), ...text(1, 'first.key'), ...len(2, second), ...text(1, 'k')]);
}

function handBuilt(): ExtraCase[] {
  const request = (...resourceSpans: Bytes[]): Uint8Array =>
    Uint8Array.from(resourceSpans.flatMap((rs) => len(1, rs)));
  const spanOnly = (span: Bytes): Uint8Array => request(len(2, len(2, span)));
  const ids = [...len(1, hexBytes(T1)), ...len(2, hexBytes(S1))];
  return [
    { name: 'fields in reverse order', body: spanOnly(reversedSpan(T1)) },
    {
      name: 'resource and scope out of order and in parts',
      body: request(resourceSpansOutOfOrder(), resourceSpansOutOfOrder()),
    },
    {
      name: 'an attribute value twice: string then int',
      body: spanOnly([...ids, ...attrValueTwice(text(1, LONG), int(3, 1))]),
    },
    {
      name: 'an attribute value twice: int then string',
      body: spanOnly([...ids, ...attrValueTwice(int(3, 1), text(1, LONG))]),
    },
    {
      name: 'an AnyValue with a string then an unknown field',
      body: spanOnly([
        ...ids,
        ...len(9, [...text(1, 'k'), ...len(2, [...text(1, LONG), ...int(9, 1)])]),
      ]),
    },
    {
      name: 'legacy scope spans before scope spans, empty messages',
      body: request(
        [...len(1000, len(2, smallSpan(T2, 5n))), ...len(2, len(2, smallSpan(T1, 7n)))],
        [],
        len(2, []),
      ),
    },
  ];
}

const jsonStr = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** Attributes for truncation: long keys and values, nested ones kept whole. */
const truncationAttrs = [
  jsonStr('service.name', 'frontend-' + LONG),
  jsonStr(LONG, 'short'),
  jsonStr('k', LONG),
  { key: 'i', value: { intValue: '-123456789012345678' } },
  { key: 'b', value: { bytesValue: Buffer.from(LONG).toString('base64') } },
  { key: 'a', value: { arrayValue: { values: [{ stringValue: LONG }, { doubleValue: -0 }] } } },
  { key: 'kv', value: { kvlistValue: { values: [jsonStr(LONG, LONG)] } } },
  { key: 'd1', value: { doubleValue: 1e21 } },
  { key: 'd2', value: { doubleValue: 5e-324 } },
  { key: 'd3', value: { doubleValue: 'NaN' } },
  jsonStr('esc', 'tab\there "q" back\\slash \u0000 \u001f \u2028'),
];

function span(traceId: string, spanId: string, start: string, end: string): object {
  return {
    traceId,
    spanId,
    name: 'op "x"',
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: truncationAttrs,
    events: [{ timeUnixNano: '5', name: LONG, attributes: truncationAttrs }],
    links: [{ traceId: T2, spanId: S2, traceState: LONG, attributes: truncationAttrs }],
    status: { code: 1, message: LONG },
  };
}

function fromJson(): ExtraCase[] {
  const bad = { traceId: T1 };
  return [
    {
      name: 'truncation everywhere, in resources and scopes too',
      body: encodeOtlpProtobuf({
        resourceSpans: [
          {
            resource: { attributes: truncationAttrs },
            schemaUrl: LONG,
            scopeSpans: [
              {
                scope: { name: LONG, version: LONG, attributes: truncationAttrs },
                spans: [span(T1, S1, '1000', '99999'), span(T2, S2, '999', '100000')],
              },
            ],
          },
        ],
      }),
    },
    {
      name: 'interleaved traces, rejections and drops across resources and scopes',
      body: encodeOtlpProtobuf({
        resourceSpans: [
          {
            resource: { attributes: [jsonStr('service.name', 'a')] },
            scopeSpans: [
              {
                spans: [span(T2, S1, '20', '30'), bad, span(T1, S2, '10', '18446744073709551615')],
              },
              { spans: [bad, span(T1, S1, '9', '10')] },
            ],
          },
          {
            resource: { attributes: [jsonStr('service.name', 'b')] },
            scopeSpans: [{ spans: [span(T2, S2, '8', '12'), { ...bad, spanId: S1, links: [{}] }] }],
          },
        ],
      }),
    },
  ];
}

/** The extra requests, hand-built and from JSON. */
export function extraCases(): ExtraCase[] {
  return [...handBuilt(), ...fromJson()];
}
