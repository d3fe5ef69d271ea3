/**
 * Test support: span-model builders and the table of traces every encoder test runs over.
 * A data table, so exempt from the file size budget.
 */

import type {
  AnyValue,
  KeyValue,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanBatch,
} from '../../../model/index.js';
import { plainSpan } from '../../../../test/helpers/batches.js';

export const TRACE_ID = '0102030405060708090a0b0c0d0e0f10';
export const OTHER_TRACE_ID = 'fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0';

/** A span with every field at a plain value; `over` replaces fields. */
export function span(over: Partial<Span> = {}): Span {
  return plainSpan({
    traceId: TRACE_ID,
    spanId: '1112131415161718',
    name: 'GET /',
    startTimeUnixNano: '1700000000123456789',
    endTimeUnixNano: '1700000000223456789',
    ...over,
  });
}

export function str(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

export function int(key: string, value: string): KeyValue {
  return { key, value: { type: 'int', value } };
}

export function kv(key: string, value: AnyValue): KeyValue {
  return { key, value };
}

export function scopeSpans(spans: Span[], over: Partial<ScopeSpans> = {}): ScopeSpans {
  return {
    scope: { name: 'lib', version: '1.0.0', attributes: [], droppedAttributesCount: 0 },
    schemaUrl: '',
    spans,
    ...over,
  };
}

export function resourceSpans(
  service: string,
  scopes: ScopeSpans[],
  over: Partial<ResourceSpans> = {},
): ResourceSpans {
  return {
    resource: { attributes: [str('service.name', service)], droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeSpans: scopes,
    ...over,
  };
}

/** One resource, one scope, these spans. */
export function trace(...spans: Span[]): SpanBatch {
  return { resourceSpans: [resourceSpans('shop', [scopeSpans(spans)])] };
}

const LONG_TEXT = 'x'.repeat(600) + 'é'.repeat(100);

/** One attribute of every AnyValue shape, including zero values and 64-bit edge cases. */
export const EVERY_ANY_VALUE: KeyValue[] = [
  str('s', 'text'),
  str('s.empty', ''),
  str('s.unicode', 'é中😀'),
  str('s.latin1', 'a\u00ffb'),
  str('s.long', LONG_TEXT),
  str('s.127', 'y'.repeat(127)),
  str('s.128', 'y'.repeat(128)),
  kv('b.true', { type: 'bool', value: true }),
  kv('b.false', { type: 'bool', value: false }),
  int('i.zero', '0'),
  int('i.small', '42'),
  int('i.neg', '-1'),
  int('i.min', '-9223372036854775808'),
  int('i.max', '9223372036854775807'),
  int('i.above-2^53', '9007199254740993'),
  kv('d', { type: 'double', value: 1.5 }),
  kv('d.zero', { type: 'double', value: 0 }),
  kv('d.neg-zero', { type: 'double', value: -0 }),
  kv('d.nan', { type: 'double', value: NaN }),
  kv('d.inf', { type: 'double', value: Infinity }),
  kv('d.neg-inf', { type: 'double', value: -Infinity }),
  kv('d.tiny', { type: 'double', value: 5e-324 }),
  kv('bytes', { type: 'bytes', value: new Uint8Array([0, 1, 254, 255]) }),
  kv('bytes.empty', { type: 'bytes', value: new Uint8Array(0) }),
  kv('empty', { type: 'empty' }),
  kv('arr.empty', { type: 'array', value: [] }),
  kv('arr', {
    type: 'array',
    value: [
      { type: 'int', value: '1' },
      { type: 'string', value: 'two' },
      { type: 'array', value: [{ type: 'bool', value: true }, { type: 'empty' }] },
      { type: 'kvlist', value: [str('k', 'v')] },
    ],
  }),
  kv('kv.empty', { type: 'kvlist', value: [] }),
  kv('kv', {
    type: 'kvlist',
    value: [
      kv('inner', { type: 'kvlist', value: [kv('deep', { type: 'array', value: [] })] }),
      int('n', '-7'),
      kv('none', { type: 'empty' }),
    ],
  }),
  str('', 'empty key'),
];

function manySpans(n: number): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < n; i++) {
    const id = (i + 1).toString(16).padStart(16, '0');
    out.push(
      span({
        spanId: id,
        parentSpanId: i === 0 ? '' : '0000000000000001',
        attributes: [int('i', String(i))],
      }),
    );
  }
  return out;
}

/** The table: every case must survive protobuf and JSON encoding unchanged. */
export const TRACE_CASES: Array<{ name: string; trace: SpanBatch }> = [
  { name: 'empty trace', trace: { resourceSpans: [] } },
  { name: 'one plain span', trace: trace(span()) },
  { name: 'every AnyValue type', trace: trace(span({ attributes: EVERY_ANY_VALUE })) },
  {
    name: 'events',
    trace: trace(
      span({
        events: [
          {
            timeUnixNano: '1700000000150000000',
            name: 'exception',
            attributes: [str('exception.type', 'Boom')],
            droppedAttributesCount: 2,
          },
          { timeUnixNano: '0', name: '', attributes: [], droppedAttributesCount: 0 },
        ],
        droppedEventsCount: 3,
      }),
    ),
  },
  {
    name: 'links',
    trace: trace(
      span({
        links: [
          {
            traceId: OTHER_TRACE_ID,
            spanId: 'a1a2a3a4a5a6a7a8',
            traceState: 'rojo=00f067aa0ba902b7',
            attributes: [str('link.kind', 'follows')],
            droppedAttributesCount: 1,
            flags: 0x301,
          },
          {
            traceId: TRACE_ID,
            spanId: 'b1b2b3b4b5b6b7b8',
            traceState: '',
            attributes: [],
            droppedAttributesCount: 0,
            flags: 0,
          },
        ],
        droppedLinksCount: 4,
      }),
    ),
  },
  {
    name: 'status codes and messages',
    trace: trace(
      span({ spanId: '0000000000000001', statusCode: 0 }),
      span({ spanId: '0000000000000002', statusCode: 1 }),
      span({ spanId: '0000000000000003', statusCode: 2, statusMessage: 'connection refused' }),
      span({ spanId: '0000000000000004', statusCode: 0, statusMessage: 'message without code' }),
    ),
  },
  {
    name: 'dropped counts everywhere',
    trace: {
      resourceSpans: [
        resourceSpans(
          'svc',
          [
            scopeSpans(
              [span({ droppedAttributesCount: 5, droppedEventsCount: 6, droppedLinksCount: 7 })],
              {
                scope: {
                  name: 's',
                  version: '',
                  attributes: [str('scope.attr', 'x')],
                  droppedAttributesCount: 8,
                },
              },
            ),
          ],
          { resource: { attributes: [str('service.name', 'svc')], droppedAttributesCount: 9 } },
        ),
      ],
    },
  },
  {
    name: 'span flags, kinds, trace state and parents',
    trace: trace(
      span({ spanId: '0000000000000001', kind: 0, flags: 1 }),
      span({ spanId: '0000000000000002', kind: 1, flags: 0x301, parentSpanId: '0000000000000001' }),
      span({
        spanId: '0000000000000003',
        kind: 3,
        flags: 0xffffffff,
        traceState: 'congo=t61rcWkgMzE',
      }),
      span({ spanId: '0000000000000004', kind: 4 }),
      span({ spanId: '0000000000000005', kind: 5, name: '' }),
    ),
  },
  {
    name: 'times: zero and u64 max',
    trace: trace(span({ startTimeUnixNano: '0', endTimeUnixNano: '18446744073709551615' })),
  },
  {
    name: 'schema URLs',
    trace: {
      resourceSpans: [
        resourceSpans(
          'svc',
          [scopeSpans([span()], { schemaUrl: 'https://opentelemetry.io/schemas/1.21.0' })],
          {
            schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
          },
        ),
      ],
    },
  },
  {
    name: 'several resources and scopes',
    trace: {
      resourceSpans: [
        resourceSpans('frontend', [
          scopeSpans([span({ spanId: '0000000000000001' })], {
            scope: { name: 'http', version: '2', attributes: [], droppedAttributesCount: 0 },
          }),
          scopeSpans([span({ spanId: '0000000000000002' }), span({ spanId: '0000000000000003' })]),
        ]),
        resourceSpans('backend', [
          scopeSpans([span({ spanId: '0000000000000004', parentSpanId: '0000000000000001' })]),
        ]),
        resourceSpans(
          'db',
          [
            scopeSpans([span({ spanId: '0000000000000005' })], {
              scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            }),
          ],
          {
            resource: {
              attributes: [str('service.name', 'db'), int('host.cpus', '8')],
              droppedAttributesCount: 0,
            },
          },
        ),
      ],
    },
  },
  {
    name: 'empty resource, empty scope, empty lists',
    trace: {
      resourceSpans: [
        resourceSpans(
          'x',
          [
            scopeSpans([span()], {
              scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            }),
            scopeSpans([]),
          ],
          { resource: { attributes: [], droppedAttributesCount: 0 } },
        ),
        resourceSpans('y', [], { resource: { attributes: [], droppedAttributesCount: 3 } }),
      ],
    },
  },
  { name: '400 spans (long nested messages)', trace: trace(...manySpans(400)) },
];
