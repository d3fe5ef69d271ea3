import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanBatch } from '../../model/index.js';
import { doubleToJson, traceToJsonV1, traceToJsonV2 } from './trace-json.js';
import { encodeTraceProto } from './trace-proto.js';
import { JSON_LIKE, TracesData, toModel } from './testdata/otlp-schema.js';
import {
  OTHER_TRACE_ID,
  TRACE_CASES,
  TRACE_ID,
  int,
  kv,
  resourceSpans,
  scopeSpans,
  span,
  str,
  trace,
} from './testdata/trace-cases.js';

/** A small trace touching every field kind; GOLDEN_V1 is its exact JSON. */
const SMALL: SpanBatch = {
  resourceSpans: [
    resourceSpans(
      'shop',
      [
        scopeSpans([
          span({
            attributes: [str('http.method', 'GET'), int('http.status_code', '500')],
            statusCode: 2,
            statusMessage: 'boom',
          }),
          span({
            spanId: '2122232425262728',
            parentSpanId: '1112131415161718',
            traceState: 'k=v',
            name: 'SELECT',
            kind: 3,
            flags: 0x301,
            attributes: [
              kv('ratio', { type: 'double', value: NaN }),
              kv('raw', { type: 'bytes', value: new Uint8Array([0, 255, 16]) }),
              kv('list', {
                type: 'array',
                value: [{ type: 'bool', value: false }, { type: 'empty' }],
              }),
              kv('map', { type: 'kvlist', value: [int('big', '-9007199254740993')] }),
              kv('nothing', { type: 'empty' }),
            ],
            droppedAttributesCount: 1,
            events: [
              {
                timeUnixNano: '1700000000150000000',
                name: 'retry',
                attributes: [int('attempt', '2')],
                droppedAttributesCount: 0,
              },
            ],
            links: [
              {
                traceId: OTHER_TRACE_ID,
                spanId: 'a1a2a3a4a5a6a7a8',
                traceState: '',
                attributes: [],
                droppedAttributesCount: 0,
                flags: 1,
              },
            ],
            statusCode: 1,
          }),
        ]),
      ],
      { schemaUrl: 'https://opentelemetry.io/schemas/1.24.0' },
    ),
  ],
};

const SPAN_1 = {
  traceId: 'AQIDBAUGBwgJCgsMDQ4PEA==',
  spanId: 'ERITFBUWFxg=',
  name: 'GET /',
  kind: 'SPAN_KIND_SERVER',
  startTimeUnixNano: '1700000000123456789',
  endTimeUnixNano: '1700000000223456789',
  attributes: [
    { key: 'http.method', value: { stringValue: 'GET' } },
    { key: 'http.status_code', value: { intValue: '500' } },
  ],
  status: { message: 'boom', code: 'STATUS_CODE_ERROR' },
};

const SPAN_2 = {
  traceId: 'AQIDBAUGBwgJCgsMDQ4PEA==',
  spanId: 'ISIjJCUmJyg=',
  traceState: 'k=v',
  parentSpanId: 'ERITFBUWFxg=',
  flags: 769,
  name: 'SELECT',
  kind: 'SPAN_KIND_CLIENT',
  startTimeUnixNano: '1700000000123456789',
  endTimeUnixNano: '1700000000223456789',
  attributes: [
    { key: 'ratio', value: { doubleValue: 'NaN' } },
    { key: 'raw', value: { bytesValue: 'AP8Q' } },
    { key: 'list', value: { arrayValue: { values: [{ boolValue: false }, {}] } } },
    {
      key: 'map',
      value: {
        kvlistValue: { values: [{ key: 'big', value: { intValue: '-9007199254740993' } }] },
      },
    },
    { key: 'nothing', value: {} },
  ],
  droppedAttributesCount: 1,
  events: [
    {
      timeUnixNano: '1700000000150000000',
      name: 'retry',
      attributes: [{ key: 'attempt', value: { intValue: '2' } }],
    },
  ],
  links: [{ traceId: '//79/Pv6+fj39vX08/Lx8A==', spanId: 'oaKjpKWmp6g=', flags: 1 }],
  status: { code: 'STATUS_CODE_OK' },
};

const GOLDEN_RESOURCE_SPANS = [
  {
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
    scopeSpans: [{ scope: { name: 'lib', version: '1.0.0' }, spans: [SPAN_1, SPAN_2] }],
    schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
  },
];

test('traceToJsonV1 writes the exact jsonpb shape of a small trace', () => {
  assert.deepEqual(traceToJsonV1(SMALL), { batches: GOLDEN_RESOURCE_SPANS });
});

test('traceToJsonV1 keeps proto declaration order in keys', () => {
  // The golden literals above list keys in proto order, so the texts match only if ours do too.
  assert.equal(
    JSON.stringify(traceToJsonV1(SMALL)),
    JSON.stringify({ batches: GOLDEN_RESOURCE_SPANS }),
  );
});

test('traceToJsonV2 wraps the trace in a TraceByIDResponse', () => {
  const cases: Array<{
    name: string;
    trace: SpanBatch;
    meta: Parameters<typeof traceToJsonV2>[1];
    want: object;
  }> = [
    {
      name: 'complete',
      trace: SMALL,
      meta: {},
      want: { trace: { resourceSpans: GOLDEN_RESOURCE_SPANS }, metrics: {} },
    },
    {
      name: 'with inspected bytes',
      trace: SMALL,
      meta: { inspectedBytes: 630188 },
      want: {
        trace: { resourceSpans: GOLDEN_RESOURCE_SPANS },
        metrics: { inspectedBytes: '630188' },
      },
    },
    {
      name: 'partial',
      trace: SMALL,
      meta: { partial: true, message: 'trace exceeds max size', inspectedBytes: 12 },
      want: {
        trace: { resourceSpans: GOLDEN_RESOURCE_SPANS },
        metrics: { inspectedBytes: '12' },
        status: 'PARTIAL',
        message: 'trace exceeds max size',
      },
    },
    {
      name: 'empty trace',
      trace: { resourceSpans: [] },
      meta: { partial: false, message: '' },
      want: { trace: {}, metrics: {} },
    },
  ];
  for (const c of cases) assert.deepEqual(traceToJsonV2(c.trace, c.meta), c.want, c.name);
});

test('traceToJsonV1 of an empty trace is {}', () => {
  assert.deepEqual(traceToJsonV1({ resourceSpans: [] }), {});
});

test('trace JSON always has resource, scope and status; a bare resource gets unknown_service', () => {
  const bare: SpanBatch = {
    resourceSpans: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [
              span({
                traceId: '',
                spanId: '',
                name: '',
                kind: 0,
                startTimeUnixNano: '0',
                endTimeUnixNano: '0',
              }),
            ],
          },
        ],
      },
    ],
  };
  assert.deepEqual(traceToJsonV1(bare), {
    batches: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: 'unknown_service' } }],
        },
        scopeSpans: [{ scope: {}, spans: [{ status: {} }] }],
      },
    ],
  });
});

test('trace JSON equals what protobufjs prints for our protobuf, for every case', () => {
  for (const c of TRACE_CASES) {
    const fromProto = TracesData.toObject(TracesData.decode(encodeTraceProto(c.trace)), JSON_LIKE);
    const json = traceToJsonV1(c.trace) as { batches?: unknown[] };
    const want = json.batches === undefined ? {} : { resourceSpans: json.batches };
    assert.deepEqual(fromProto, want, c.name);
  }
});

test('trace JSON survives JSON.stringify and protobufjs fromObject back to the model (but -0)', () => {
  for (const c of TRACE_CASES) {
    const text = JSON.stringify(traceToJsonV2(c.trace, {}));
    const parsed = JSON.parse(text) as { trace: object };
    const message = TracesData.fromObject(parsed.trace);
    const model = toModel(
      TracesData.toObject(message, { longs: String, bytes: Array, enums: Number, defaults: true }),
    );
    const direct = toModel(
      TracesData.toObject(TracesData.decode(encodeTraceProto(c.trace)), {
        longs: String,
        bytes: Array,
        enums: Number,
        defaults: true,
      }),
    );
    // JSON.stringify writes -0 as 0 (Go writes -0): compare in a form that keeps NaN apart.
    assert.equal(comparable(model), comparable(direct), c.name);
  }
});

function comparable(batch: SpanBatch): string {
  return JSON.stringify(batch, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? `number:${value}` : value,
  );
}

test('doubleToJson writes non-finite values as jsonpb does', () => {
  const cases: Array<[number, number | string]> = [
    [1.5, 1.5],
    [0, 0],
    [-2e-308, -2e-308],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ];
  for (const [input, want] of cases) assert.equal(doubleToJson(input), want, String(input));
});

test('trace JSON ids are base64 of the hex ids', () => {
  const out = traceToJsonV1(trace(span({ traceId: TRACE_ID, spanId: '00000000000000ff' }))) as {
    batches: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string }> }> }>;
  };
  const s = out.batches[0]?.scopeSpans[0]?.spans[0];
  assert.equal(s?.traceId, Buffer.from(TRACE_ID, 'hex').toString('base64'));
  assert.equal(s?.spanId, 'AAAAAAAAAP8=');
});
