import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanBatch } from '../../model/index.js';
import { encodeTraceByIdResponseProto, encodeTraceProto } from './trace-proto.js';
import { traceToJsonV1 } from './trace-json.js';
import {
  ExportTraceServiceRequest,
  JSON_LIKE,
  TempoTrace,
  TraceByIDResponse,
  TracesData,
  decodeToModel,
} from './testdata/otlp-schema.js';
import { TRACE_CASES, span, str, trace } from './testdata/trace-cases.js';

/** The trace as the encoders present it: a resource without attributes gets unknown_service. */
function withUnknownService(t: SpanBatch): SpanBatch {
  return {
    resourceSpans: t.resourceSpans.map((rs) =>
      rs.resource.attributes.length > 0
        ? rs
        : {
            ...rs,
            resource: { ...rs.resource, attributes: [str('service.name', 'unknown_service')] },
          },
    ),
  };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

test('encodeTraceProto round-trips every case through protobufjs', () => {
  for (const c of TRACE_CASES) {
    const bytes = encodeTraceProto(c.trace);
    assert.deepEqual(decodeToModel(TempoTrace, bytes), withUnknownService(c.trace), c.name);
    assert.deepEqual(decodeToModel(TracesData, bytes), withUnknownService(c.trace), c.name);
  }
});

test('encodeTraceProto output parses as an OTLP ExportTraceServiceRequest', () => {
  for (const c of TRACE_CASES) {
    const bytes = encodeTraceProto(c.trace, { fillEmptyResource: false });
    assert.equal(ExportTraceServiceRequest.verify(ExportTraceServiceRequest.decode(bytes)), null);
    assert.deepEqual(decodeToModel(ExportTraceServiceRequest, bytes), c.trace, c.name);
  }
});

test('encodeTraceProto is byte-identical to protobufjs encoding the same message', () => {
  for (const c of TRACE_CASES) {
    const json = traceToJsonV1(c.trace) as { batches?: unknown[] };
    const message = TracesData.fromObject({ resourceSpans: json.batches ?? [] });
    assert.equal(hex(encodeTraceProto(c.trace)), hex(TracesData.encode(message).finish()), c.name);
  }
});

test('encodeTraceProto always writes resource, scope, status and value, even when empty', () => {
  const t: SpanBatch = {
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
                attributes: [{ key: '', value: { type: 'empty' } }],
              }),
            ],
          },
        ],
      },
    ],
  };
  // ResourceSpans(0a 0e) { Resource(0a 00) ScopeSpans(12 0a) { Scope(0a 00) Span(12 06) {
  //   KeyValue(4a 02) { value(12 00) } Status(7a 00) } } }
  assert.equal(
    hex(encodeTraceProto(t, { fillEmptyResource: false })),
    '0a0e0a00120a0a0012064a0212007a00',
  );
});

test('encodeTraceProto writes fixed widths, int64 varints and ids as the wire format says', () => {
  const t = trace(
    span({
      traceId: '000102030405060708090a0b0c0d0e0f',
      spanId: '0102030405060708',
      name: '',
      kind: 0,
      startTimeUnixNano: '1',
      endTimeUnixNano: '0',
      attributes: [{ key: 'n', value: { type: 'int', value: '-1' } }],
      flags: 0x101,
    }),
  );
  const bytes = encodeTraceProto(t);
  const spanHex =
    '0a10000102030405060708090a0b0c0d0e0f' + // trace_id: 16 bytes
    '12080102030405060708' + // span_id: 8 bytes
    '39' +
    '0100000000000000' + // start_time_unix_nano: fixed64 LE
    '4a10' +
    '0a016e' +
    '120b' +
    '18' +
    'ffffffffffffffffff01' + // int_value -1: 10 bytes
    '7a00' + // status, empty
    '8501' +
    '01010000'; // flags (field 16): fixed32 LE
  assert.ok(hex(bytes).includes(spanHex), hex(bytes));
});

test('encodeTraceProto writes service.name=unknown_service only for a resource with no attributes', () => {
  const t = trace(span());
  const [rs] = t.resourceSpans;
  assert.ok(rs);
  const bare: SpanBatch = {
    resourceSpans: [{ ...rs, resource: { attributes: [], droppedAttributesCount: 2 } }],
  };
  const out = decodeToModel(TracesData, encodeTraceProto(bare));
  assert.deepEqual(out.resourceSpans[0]?.resource, {
    attributes: [str('service.name', 'unknown_service')],
    droppedAttributesCount: 2,
  });
  const exact = decodeToModel(TracesData, encodeTraceProto(bare, { fillEmptyResource: false }));
  assert.deepEqual(exact.resourceSpans[0]?.resource, { attributes: [], droppedAttributesCount: 2 });
});

test('encodeTraceByIdResponseProto writes trace, metrics, status and message', () => {
  const t = trace(span({ attributes: [str('k', 'v')] }));
  const cases: Array<{
    name: string;
    trace: SpanBatch;
    meta: Parameters<typeof encodeTraceByIdResponseProto>[1];
    want: object;
  }> = [
    { name: 'complete, no metrics', trace: t, meta: {}, want: { metrics: {} } },
    {
      name: 'complete with bytes',
      trace: t,
      meta: { inspectedBytes: 630188 },
      want: { metrics: { inspectedBytes: '630188' } },
    },
    {
      name: 'bytes above 2^32',
      trace: t,
      meta: { inspectedBytes: 2 ** 40 + 3 },
      want: { metrics: { inspectedBytes: '1099511627779' } },
    },
    {
      name: 'partial with message',
      trace: t,
      meta: { partial: true, message: 'trace exceeds max size', inspectedBytes: 5 },
      want: {
        metrics: { inspectedBytes: '5' },
        status: 'PARTIAL',
        message: 'trace exceeds max size',
      },
    },
    {
      name: 'partial false, empty message',
      trace: t,
      meta: { partial: false, message: '' },
      want: { metrics: {} },
    },
  ];
  for (const c of cases) {
    const bytes = encodeTraceByIdResponseProto(c.trace, c.meta);
    const obj = TraceByIDResponse.toObject(TraceByIDResponse.decode(bytes), JSON_LIKE);
    const traceJson = traceToJsonV1(c.trace) as { batches: unknown[] };
    assert.deepEqual(obj, { trace: { resourceSpans: traceJson.batches }, ...c.want }, c.name);
  }
});

test('encodeTraceByIdResponseProto writes an empty trace as a present, empty field 1', () => {
  const bytes = encodeTraceByIdResponseProto({ resourceSpans: [] }, {});
  assert.equal(hex(bytes), '0a001200');
  const obj = TraceByIDResponse.toObject(TraceByIDResponse.decode(bytes), JSON_LIKE);
  assert.deepEqual(obj, { trace: {}, metrics: {} });
});

test('encodeTraceByIdResponseProto embeds the same bytes as encodeTraceProto', () => {
  for (const c of TRACE_CASES) {
    const inner = encodeTraceProto(c.trace);
    const decoded = TraceByIDResponse.decode(
      encodeTraceByIdResponseProto(c.trace, {}),
    ) as unknown as {
      trace: object;
    };
    const reencoded = TempoTrace.encode(decoded.trace).finish();
    assert.equal(hex(reencoded), hex(inner), c.name);
  }
});
