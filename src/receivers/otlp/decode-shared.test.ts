/**
 * One expectation table for both OTLP decoders: every request below is written once in the OTLP
 * JSON form, encoded to protobuf with protobufjs and the real .proto files, and both forms must
 * decode to exactly the `want` batch with the same partial-success outcome.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyValue, Scope, Span, SpanBatch, SpanEvent, SpanLink } from '../../model/index.js';
import { encodeOtlpProtobuf } from './encode-for-tests.js';
import type { DecodeResult } from './decode-result.js';
import { decodeOtlpJson } from './json-decode.js';
import { decodeOtlpProtobuf } from './protobuf-decode.js';
import { plainSpan } from '../../../test/helpers/batches.js';

const T1 = '5b8efff798038103d269b633813fc60c';
const T2 = '0af7651916cd43dd8448eb211c80319c';
const S1 = 'eee19b7ec3c1b174';
const S2 = 'b7ad6b7169203331';
const S3 = '00f067aa0ba902b7';

function wantSpan(over: Partial<Span> = {}): Span {
  return plainSpan({
    traceId: T1,
    spanId: S1,
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    ...over,
  });
}

const noScope: Scope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };

/** A batch of one resource without attributes and one scope without name holding `spans`. */
function oneScope(spans: Span[]): SpanBatch {
  return {
    resourceSpans: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: noScope, schemaUrl: '', spans }],
      },
    ],
  };
}

/** The JSON form of a request with one resource and one scope holding `spans`. */
function requestOf(...spans: object[]): object {
  return { resourceSpans: [{ scopeSpans: [{ spans }] }] };
}

const str = (key: string, value: string): KeyValue => ({ key, value: { type: 'string', value } });
const jsonStr = (key: string, value: string) => ({ key, value: { stringValue: value } });

const LONG = 'x'.repeat(70) + '/end';
const UNICODE = 'héllo wörld ✓ 𝄞';

export interface Case {
  name: string;
  request: object;
  want: SpanBatch;
  rejected?: { count: number; message: string };
}

/** Every message of a request, each with one unknown field of each wire type. */
const unknown = {
  xUnknownVarint: '300',
  xUnknownFixed64: '7',
  xUnknownLen: 'zz',
  xUnknownFixed32: 9,
};

/** Exported for the transcoder's equivalence tests (`src/ingest/transcode/`). */
export const cases: Case[] = [
  {
    name: 'an empty request',
    request: {},
    want: { resourceSpans: [] },
  },
  {
    name: 'a span with only ids takes every default',
    request: requestOf({ traceId: T1, spanId: S1 }),
    want: oneScope([wantSpan()]),
  },
  {
    name: 'every span field',
    request: requestOf({
      traceId: T2,
      spanId: S2,
      parentSpanId: S3,
      traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
      name: 'GET /api/users/{id}',
      kind: 2,
      startTimeUnixNano: '1700000000123456789',
      endTimeUnixNano: '18446744073709551615',
      droppedAttributesCount: 3,
      droppedEventsCount: 4,
      droppedLinksCount: 5,
      status: { code: 2, message: 'upstream timed out' },
      flags: 0x301,
    }),
    want: oneScope([
      wantSpan({
        traceId: T2,
        spanId: S2,
        parentSpanId: S3,
        traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
        name: 'GET /api/users/{id}',
        kind: 2,
        startTimeUnixNano: '1700000000123456789',
        endTimeUnixNano: '18446744073709551615',
        droppedAttributesCount: 3,
        droppedEventsCount: 4,
        droppedLinksCount: 5,
        statusCode: 2,
        statusMessage: 'upstream timed out',
        flags: 0x301,
      }),
    ]),
  },
  {
    name: 'every AnyValue type',
    request: requestOf({
      traceId: T1,
      spanId: S1,
      attributes: [
        jsonStr('s', 'text'),
        jsonStr('s.empty', ''),
        jsonStr('s.long', LONG),
        jsonStr('s.unicode', UNICODE),
        { key: 'b.true', value: { boolValue: true } },
        { key: 'b.false', value: { boolValue: false } },
        { key: 'i.zero', value: { intValue: '0' } },
        { key: 'i.neg', value: { intValue: '-42' } },
        { key: 'i.big', value: { intValue: '9007199254740993' } },
        { key: 'i.max', value: { intValue: '9223372036854775807' } },
        { key: 'i.min', value: { intValue: '-9223372036854775808' } },
        { key: 'd', value: { doubleValue: 3.25 } },
        { key: 'd.neg', value: { doubleValue: -1e-300 } },
        { key: 'd.nan', value: { doubleValue: 'NaN' } },
        { key: 'd.inf', value: { doubleValue: 'Infinity' } },
        { key: 'd.ninf', value: { doubleValue: '-Infinity' } },
        { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
        {
          key: 'array',
          value: {
            arrayValue: {
              values: [
                { stringValue: 'a' },
                { arrayValue: { values: [{ intValue: '1' }, {}] } },
                { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
              ],
            },
          },
        },
        {
          key: 'kvlist',
          value: {
            kvlistValue: {
              values: [
                { key: 'inner', value: { kvlistValue: { values: [jsonStr('deep', 'yes')] } } },
                { key: 'bytes', value: { bytesValue: '' } },
                { key: 'none' },
              ],
            },
          },
        },
        { key: 'array.empty', value: { arrayValue: {} } },
        { key: 'empty', value: {} },
        { key: 'absent' },
        { key: '', value: { stringValue: 'no key' } },
      ],
    }),
    want: oneScope([
      wantSpan({
        attributes: [
          str('s', 'text'),
          str('s.empty', ''),
          str('s.long', LONG),
          str('s.unicode', UNICODE),
          { key: 'b.true', value: { type: 'bool', value: true } },
          { key: 'b.false', value: { type: 'bool', value: false } },
          { key: 'i.zero', value: { type: 'int', value: '0' } },
          { key: 'i.neg', value: { type: 'int', value: '-42' } },
          { key: 'i.big', value: { type: 'int', value: '9007199254740993' } },
          { key: 'i.max', value: { type: 'int', value: '9223372036854775807' } },
          { key: 'i.min', value: { type: 'int', value: '-9223372036854775808' } },
          { key: 'd', value: { type: 'double', value: 3.25 } },
          { key: 'd.neg', value: { type: 'double', value: -1e-300 } },
          { key: 'd.nan', value: { type: 'double', value: NaN } },
          { key: 'd.inf', value: { type: 'double', value: Infinity } },
          { key: 'd.ninf', value: { type: 'double', value: -Infinity } },
          { key: 'bytes', value: { type: 'bytes', value: new Uint8Array([0, 1, 2, 255]) } },
          {
            key: 'array',
            value: {
              type: 'array',
              value: [
                { type: 'string', value: 'a' },
                {
                  type: 'array',
                  value: [{ type: 'int', value: '1' }, { type: 'empty' }],
                },
                { type: 'kvlist', value: [{ key: 'k', value: { type: 'bool', value: true } }] },
              ],
            },
          },
          {
            key: 'kvlist',
            value: {
              type: 'kvlist',
              value: [
                { key: 'inner', value: { type: 'kvlist', value: [str('deep', 'yes')] } },
                { key: 'bytes', value: { type: 'bytes', value: new Uint8Array([]) } },
                { key: 'none', value: { type: 'empty' } },
              ],
            },
          },
          { key: 'array.empty', value: { type: 'array', value: [] } },
          { key: 'empty', value: { type: 'empty' } },
          { key: 'absent', value: { type: 'empty' } },
          str('', 'no key'),
        ],
      }),
    ]),
  },
  {
    name: 'events and links',
    request: requestOf({
      traceId: T1,
      spanId: S1,
      events: [
        {
          timeUnixNano: '1700000000500000000',
          name: 'exception',
          attributes: [jsonStr('exception.type', 'TimeoutError')],
          droppedAttributesCount: 2,
        },
        {},
      ],
      links: [
        {
          traceId: T2,
          spanId: S2,
          traceState: 'k=v',
          attributes: [{ key: 'n', value: { intValue: '7' } }],
          droppedAttributesCount: 1,
          flags: 0x101,
        },
        { traceId: '00000000000000000000000000000000', spanId: '0000000000000000' },
      ],
    }),
    want: oneScope([
      wantSpan({
        events: [
          {
            timeUnixNano: '1700000000500000000',
            name: 'exception',
            attributes: [str('exception.type', 'TimeoutError')],
            droppedAttributesCount: 2,
          },
          { timeUnixNano: '0', name: '', attributes: [], droppedAttributesCount: 0 },
        ] satisfies SpanEvent[],
        links: [
          {
            traceId: T2,
            spanId: S2,
            traceState: 'k=v',
            attributes: [{ key: 'n', value: { type: 'int', value: '7' } }],
            droppedAttributesCount: 1,
            flags: 0x101,
          },
          {
            traceId: '00000000000000000000000000000000',
            spanId: '0000000000000000',
            traceState: '',
            attributes: [],
            droppedAttributesCount: 0,
            flags: 0,
          },
        ] satisfies SpanLink[],
      }),
    ]),
  },
  {
    name: 'resources, scopes and schema URLs',
    request: {
      resourceSpans: [
        {
          resource: {
            attributes: [jsonStr('service.name', 'checkout')],
            droppedAttributesCount: 1,
          },
          schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
          scopeSpans: [
            {
              scope: {
                name: '@opentelemetry/instrumentation-http',
                version: '0.52.0',
                attributes: [jsonStr('scope.attr', 'x')],
                droppedAttributesCount: 6,
              },
              schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
              spans: [{ traceId: T1, spanId: S1 }],
            },
            { spans: [] },
          ],
        },
        { resource: {}, scopeSpans: [{ spans: [{ traceId: T2, spanId: S2 }] }] },
      ],
    },
    want: {
      resourceSpans: [
        {
          resource: { attributes: [str('service.name', 'checkout')], droppedAttributesCount: 1 },
          schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
          scopeSpans: [
            {
              scope: {
                name: '@opentelemetry/instrumentation-http',
                version: '0.52.0',
                attributes: [str('scope.attr', 'x')],
                droppedAttributesCount: 6,
              },
              schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
              spans: [wantSpan()],
            },
            { scope: noScope, schemaUrl: '', spans: [] },
          ],
        },
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeSpans: [
            { scope: noScope, schemaUrl: '', spans: [wantSpan({ traceId: T2, spanId: S2 })] },
          ],
        },
      ],
    },
  },
  {
    name: 'legacy instrumentation_library_spans (field 1000) after scope_spans',
    request: {
      resourceSpans: [
        {
          scopeSpans: [{ spans: [{ traceId: T1, spanId: S1 }] }],
          instrumentationLibrarySpans: [
            {
              instrumentationLibrary: { name: 'io.opentracing.contrib', version: '0.1' },
              schemaUrl: 'https://example.com/old',
              spans: [{ traceId: T2, spanId: S2, name: 'old sdk' }],
            },
          ],
        },
      ],
    },
    want: {
      resourceSpans: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeSpans: [
            { scope: noScope, schemaUrl: '', spans: [wantSpan()] },
            {
              scope: { ...noScope, name: 'io.opentracing.contrib', version: '0.1' },
              schemaUrl: 'https://example.com/old',
              spans: [wantSpan({ traceId: T2, spanId: S2, name: 'old sdk' })],
            },
          ],
        },
      ],
    },
  },
  {
    name: 'enum values out of range become 0',
    request: requestOf({ traceId: T1, spanId: S1, kind: 9, status: { code: 7, message: 'm' } }),
    want: oneScope([wantSpan({ kind: 0, statusCode: 0, statusMessage: 'm' })]),
  },
  {
    name: 'every kind and status code in range',
    request: requestOf(
      ...[0, 1, 2, 3, 4, 5].map((kind) => ({
        traceId: T1,
        spanId: S1,
        kind,
        status: { code: kind % 3 },
      })),
    ),
    want: oneScope(
      ([0, 1, 2, 3, 4, 5] as const).map((kind) =>
        wantSpan({ kind, statusCode: (kind % 3) as 0 | 1 | 2 }),
      ),
    ),
  },
  {
    name: 'an all-zero parent_span_id means a root span',
    request: requestOf({ traceId: T1, spanId: S1, parentSpanId: '0000000000000000' }),
    want: oneScope([wantSpan()]),
  },
  {
    name: 'unknown fields of every wire type are skipped in every message',
    request: {
      ...unknown,
      resourceSpans: [
        {
          ...unknown,
          resource: { ...unknown, attributes: [{ ...unknown, key: 'k', value: { ...unknown } }] },
          scopeSpans: [
            {
              ...unknown,
              scope: { ...unknown, name: 'lib' },
              spans: [
                {
                  ...unknown,
                  traceId: T1,
                  spanId: S1,
                  attributes: [
                    {
                      key: 'a',
                      value: {
                        ...unknown,
                        arrayValue: { ...unknown, values: [{ ...unknown, intValue: '5' }] },
                      },
                    },
                    { key: 'kv', value: { kvlistValue: { ...unknown, values: [] } } },
                  ],
                  events: [{ ...unknown, name: 'e' }],
                  links: [{ ...unknown, traceId: T2, spanId: S2 }],
                  status: { ...unknown, code: 1 },
                },
              ],
            },
          ],
        },
      ],
    },
    want: {
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'k', value: { type: 'empty' } }],
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          scopeSpans: [
            {
              scope: { ...noScope, name: 'lib' },
              schemaUrl: '',
              spans: [
                wantSpan({
                  attributes: [
                    { key: 'a', value: { type: 'array', value: [{ type: 'int', value: '5' }] } },
                    { key: 'kv', value: { type: 'kvlist', value: [] } },
                  ],
                  events: [
                    { timeUnixNano: '0', name: 'e', attributes: [], droppedAttributesCount: 0 },
                  ],
                  links: [
                    {
                      traceId: T2,
                      spanId: S2,
                      traceState: '',
                      attributes: [],
                      droppedAttributesCount: 0,
                      flags: 0,
                    },
                  ],
                  statusCode: 1,
                }),
              ],
            },
          ],
        },
      ],
    },
  },
  ...rejectionCases(),
];

/** Partial success: spans with unusable ids are left out, counted and described. */
function rejectionCases(): Case[] {
  const ok = { traceId: T1, spanId: S1 };
  const reject = (name: string, bad: object, reason: string): Case => ({
    name: `rejected: ${name}`,
    request: requestOf(ok, { ...ok, ...bad }),
    want: oneScope([wantSpan()]),
    rejected: {
      count: 1,
      message: `1 span rejected: span 1 of scope 0 of resource 0 has ${reason}`,
    },
  });
  const badTrace = 'an invalid trace_id (must be 16 bytes, not all zero)';
  const badSpan = 'an invalid span_id (must be 8 bytes, not all zero)';
  return [
    reject('trace_id missing', { traceId: undefined }, badTrace),
    reject('trace_id of 15 bytes', { traceId: T1.slice(2) }, badTrace),
    reject('trace_id of 17 bytes', { traceId: T1 + '01' }, badTrace),
    reject('trace_id all zero', { traceId: '0'.repeat(32) }, badTrace),
    reject('span_id missing', { spanId: undefined }, badSpan),
    reject('span_id of 16 bytes', { spanId: T1 }, badSpan),
    reject('span_id all zero', { spanId: '0'.repeat(16) }, badSpan),
    reject(
      'parent_span_id of 4 bytes',
      { parentSpanId: 'abcdef01' },
      'an invalid parent_span_id (must be empty or 8 bytes)',
    ),
    reject(
      'a link trace_id of 8 bytes',
      {
        links: [
          { traceId: T2, spanId: S2 },
          { traceId: S1, spanId: S2 },
        ],
      },
      'link 1 with an invalid trace_id (must be 16 bytes)',
    ),
    reject(
      'a link without span_id',
      { links: [{ traceId: T2 }] },
      'link 0 with an invalid span_id (must be 8 bytes)',
    ),
    {
      name: 'rejected: several spans, the first one described, across resources and scopes',
      request: {
        resourceSpans: [
          { scopeSpans: [{ spans: [ok] }] },
          {
            scopeSpans: [
              { spans: [ok] },
              { spans: [ok, { ...ok, spanId: 'abcd' }, { traceId: T1 }] },
            ],
          },
          { scopeSpans: [{ spans: [{ spanId: S1 }] }] },
        ],
      },
      want: {
        resourceSpans: [
          oneScope([wantSpan()]).resourceSpans[0]!,
          {
            resource: { attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            scopeSpans: [
              { scope: noScope, schemaUrl: '', spans: [wantSpan()] },
              { scope: noScope, schemaUrl: '', spans: [wantSpan()] },
            ],
          },
          oneScope([]).resourceSpans[0]!,
        ],
      },
      rejected: {
        count: 3,
        message: `3 spans rejected: span 1 of scope 1 of resource 1 has ${badSpan}`,
      },
    },
    {
      name: 'rejected: legacy scopes are counted after scope_spans',
      request: {
        resourceSpans: [
          {
            scopeSpans: [{ spans: [ok] }],
            instrumentationLibrarySpans: [{ spans: [ok, { spanId: S1 }] }],
          },
        ],
      },
      want: {
        resourceSpans: [
          {
            resource: { attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            scopeSpans: [
              { scope: noScope, schemaUrl: '', spans: [wantSpan()] },
              { scope: noScope, schemaUrl: '', spans: [wantSpan()] },
            ],
          },
        ],
      },
      rejected: {
        count: 1,
        message: `1 span rejected: span 1 of scope 1 of resource 0 has ${badTrace}`,
      },
    },
  ];
}

function expected(c: Case): DecodeResult {
  let spanCount = 0;
  for (const rs of c.want.resourceSpans)
    for (const ss of rs.scopeSpans) spanCount += ss.spans.length;
  return {
    batch: c.want,
    spanCount,
    rejectedSpans: c.rejected?.count ?? 0,
    rejectionMessage: c.rejected?.message ?? '',
  };
}

for (const c of cases) {
  test(`protobuf: ${c.name}`, () => {
    assert.deepEqual(decodeOtlpProtobuf(encodeOtlpProtobuf(c.request)), expected(c));
  });
  test(`json: ${c.name}`, () => {
    assert.deepEqual(decodeOtlpJson(JSON.stringify(c.request)), expected(c));
  });
}
