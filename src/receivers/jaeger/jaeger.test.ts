/**
 * Jaeger decoding and mapping, table-driven. Payloads are written by Apache Thrift's own JS
 * protocols and by protobufjs (test/helpers/jaeger-wire.ts); every case that both wire formats can
 * say runs through all four formats (HTTP thrift batch, agent compact, agent binary, protobuf) and
 * must map to the same spans, field by field as the Collector's translator does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Span } from '../../model/index.js';
import {
  emitBatchDatagram,
  postSpansRequest,
  thriftBatch,
  thriftBytes,
  type TestBatch,
  type TestSpan,
  type TestTag,
} from '../../../test/helpers/jaeger-wire.js';
import { spansOf } from '../../../test/helpers/batches.js';
import { decodeJaeger, type JaegerFormat } from './decode.js';
import { attrs } from '../../../test/helpers/attributes.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const OTHER_TRACE = '00000000000000004bf92f3577b34da6';
const SPAN = 'b7ad6b7169203331';
const PARENT = '00f067aa0ba902b7';
const LINKED = '53995c3f42cd8ad8';
const START_US = 1_700_000_000_123_456;

const ALL: readonly JaegerFormat[] = [
  'jaeger-thrift-batch',
  'jaeger-agent-compact',
  'jaeger-agent-binary',
  'jaeger-proto',
];
const THRIFT: readonly JaegerFormat[] = ALL.slice(0, 3);

function encode(format: JaegerFormat, batch: TestBatch): Uint8Array {
  switch (format) {
    case 'jaeger-thrift-batch':
      return thriftBatch(batch);
    case 'jaeger-agent-compact':
      return emitBatchDatagram(batch, 'compact');
    case 'jaeger-agent-binary':
      return emitBatchDatagram(batch, 'binary');
    case 'jaeger-proto':
      return postSpansRequest(batch);
  }
}

const s = (key: string, value: string): TestTag => ({ key, type: 'string', value });
const b = (key: string, value: boolean): TestTag => ({ key, type: 'bool', value });
const l = (key: string, value: string): TestTag => ({ key, type: 'long', value });

function span(over: Partial<TestSpan> = {}): TestSpan {
  return {
    traceId: TRACE,
    spanId: SPAN,
    operationName: 'GET /cart',
    startUs: START_US,
    durationUs: 2500,
    ...over,
  };
}

function decodeOne(format: JaegerFormat, tags: TestTag[], over: Partial<TestSpan> = {}): Span {
  const result = decodeJaeger(
    format,
    encode(format, { process: { serviceName: 'cart' }, spans: [span({ tags, ...over })] }),
  );
  assert.equal(result.rejectedSpans, 0, result.rejectionMessage);
  const [only] = spansOf(result.batch);
  assert.ok(only);
  return only;
}

interface TagCase {
  name: string;
  tags: TestTag[];
  kind?: number;
  status: [number, string];
  attributes: Record<string, string>;
}

const TAG_CASES: readonly TagCase[] = [
  { name: 'no tags', tags: [], status: [0, ''], attributes: {} },
  ...(
    [
      ['client', 3],
      ['server', 2],
      ['producer', 4],
      ['consumer', 5],
      ['internal', 1],
      ['Server', 0],
      ['rpc', 0],
    ] as const
  ).map(([v, kind]) => ({
    name: `span.kind=${v}`,
    tags: [s('span.kind', v)],
    kind,
    status: [0, ''] as [number, string],
    attributes: {},
  })),
  {
    name: 'error=true with a description: error, both taken',
    tags: [b('error', true), s('otel.status_description', 'card declined')],
    status: [2, 'card declined'],
    attributes: {},
  },
  {
    name: 'error=true takes its message from http.status_message, which stays',
    tags: [b('error', true), s('http.status_message', 'Bad Gateway')],
    status: [2, 'Bad Gateway'],
    attributes: { 'http.status_message': 'string:Bad Gateway' },
  },
  {
    name: 'error=false stays an attribute and says nothing',
    tags: [b('error', false)],
    status: [0, ''],
    attributes: { error: 'bool:false' },
  },
  {
    name: 'error="true" as a string stays and says nothing',
    tags: [s('error', 'true')],
    status: [0, ''],
    attributes: { error: 'string:true' },
  },
  {
    name: 'otel.status_code=OK',
    tags: [s('otel.status_code', 'OK')],
    status: [1, ''],
    attributes: {},
  },
  {
    name: 'otel.status_code=error (any case) with a description',
    tags: [s('otel.status_code', 'error'), s('otel.status_description', 'timeout')],
    status: [2, 'timeout'],
    attributes: {},
  },
  {
    name: 'otel.status_code of another value: unset, still taken',
    tags: [s('otel.status_code', 'WARN'), s('otel.status_description', 'x')],
    status: [0, 'x'],
    attributes: {},
  },
  {
    name: 'error=true wins over otel.status_code=OK, which is still taken',
    tags: [s('otel.status_code', 'OK'), b('error', true)],
    status: [2, ''],
    attributes: {},
  },
  {
    name: 'a description alone stays an attribute',
    tags: [s('otel.status_description', 'lonely')],
    status: [0, ''],
    attributes: { 'otel.status_description': 'string:lonely' },
  },
  {
    name: 'http.status_code 404 on a client: error with the HTTP message',
    tags: [s('span.kind', 'client'), l('http.status_code', '404'), s('http.status_message', 'NF')],
    kind: 3,
    status: [2, 'NF'],
    attributes: { 'http.status_code': 'int:404', 'http.status_message': 'string:NF' },
  },
  {
    name: 'http.status_code 404 on a server: not its error',
    tags: [s('span.kind', 'server'), l('http.status_code', '404')],
    kind: 2,
    status: [0, ''],
    attributes: { 'http.status_code': 'int:404' },
  },
  {
    name: 'http.status_code "503" as a string: error',
    tags: [s('http.status_code', '503')],
    status: [2, ''],
    attributes: { 'http.status_code': 'string:503' },
  },
  {
    name: 'http.status_code 200: unset',
    tags: [l('http.status_code', '200')],
    status: [0, ''],
    attributes: { 'http.status_code': 'int:200' },
  },
  {
    name: 'http.status_code 399: error (only 100–398 are fine)',
    tags: [l('http.status_code', '399')],
    status: [2, ''],
    attributes: { 'http.status_code': 'int:399' },
  },
  {
    name: 'every tag type; a repeated key keeps the last value in its place',
    tags: [
      s('a', 'x'),
      { key: 'd', type: 'double', value: 2.5 },
      b('t', true),
      l('n', '-9223372036854775808'),
      { key: 'bin', type: 'binary', value: new Uint8Array([0, 255]) },
      s('a', 'y'),
    ],
    status: [0, ''],
    attributes: {
      a: 'string:y',
      d: 'double:2.5',
      t: 'bool:true',
      n: 'int:-9223372036854775808',
      bin: 'bytes:00ff',
    },
  },
];

describe('Jaeger tags: kind, status and attributes (every format)', () => {
  for (const c of TAG_CASES) {
    for (const format of ALL) {
      it(`${c.name} [${format}]`, () => {
        const got = decodeOne(format, c.tags);
        assert.equal(got.kind, c.kind ?? 0, 'kind');
        assert.deepEqual([got.statusCode, got.statusMessage], c.status, 'status');
        assert.deepEqual(attrs(got.attributes), c.attributes);
      });
    }
  }
});

describe('Jaeger spans: ids, times, parent, links and events (every format)', () => {
  for (const format of ALL) {
    it(`maps ids, times and events [${format}]`, () => {
      const got = decodeOne(format, [], {
        logs: [
          { timestampUs: START_US + 10, fields: [s('event', 'retry'), l('attempt', '2')] },
          { timestampUs: START_US + 20, fields: [s('message', 'no name')] },
          { timestampUs: START_US + 30, fields: [] },
        ],
      });
      assert.equal(got.traceId, TRACE);
      assert.equal(got.spanId, SPAN);
      assert.equal(got.name, 'GET /cart');
      assert.equal(got.startTimeUnixNano, '1700000000123456000');
      assert.equal(got.endTimeUnixNano, '1700000000125956000');
      assert.equal(got.flags, 0);
      assert.deepEqual(
        got.events.map((e) => [e.timeUnixNano, e.name, attrs(e.attributes)]),
        [
          ['1700000000123466000', 'retry', { attempt: 'int:2' }],
          ['1700000000123476000', '', { message: 'string:no name' }],
          ['1700000000123486000', '', {}],
        ],
      );
    });

    it(`takes the first same-trace CHILD_OF reference as parent, the rest as links [${format}]`, () => {
      const got = decodeOne(format, [], {
        references: [
          { refType: 1, traceId: TRACE, spanId: LINKED },
          { refType: 0, traceId: OTHER_TRACE, spanId: LINKED },
          { refType: 0, traceId: TRACE, spanId: PARENT },
        ],
      });
      assert.equal(got.parentSpanId, PARENT);
      assert.deepEqual(
        got.links.map((k) => [k.traceId, k.spanId, attrs(k.attributes)]),
        [
          [TRACE, LINKED, { 'opentracing.ref_type': 'string:follows_from' }],
          [OTHER_TRACE, LINKED, { 'opentracing.ref_type': 'string:child_of' }],
        ],
      );
    });

    it(`falls back to a FOLLOWS_FROM parent, kept as a link too [${format}]`, () => {
      const got = decodeOne(format, [], {
        references: [{ refType: 1, traceId: TRACE, spanId: PARENT }],
      });
      assert.equal(got.parentSpanId, PARENT);
      assert.deepEqual(
        got.links.map((k) => k.spanId),
        [PARENT],
      );
    });

    it(`maps the process to the resource [${format}]`, () => {
      const result = decodeJaeger(
        format,
        encode(format, {
          process: {
            serviceName: 'cart',
            tags: [s('hostname', 'node-1'), s('jaeger.version', 'Go-2.30'), s('ip', '10.0.0.1')],
          },
          spans: [span()],
        }),
      );
      assert.deepEqual(attrs(result.batch.resourceSpans[0]?.resource.attributes ?? []), {
        'service.name': 'string:cart',
        ip: 'string:10.0.0.1',
        'host.name': 'string:node-1',
        'opencensus.exporterversion': 'string:Jaeger-Go-2.30',
      });
    });

    it(`keeps hostname when host.name is there too [${format}]`, () => {
      const result = decodeJaeger(
        format,
        encode(format, {
          process: { serviceName: 'cart', tags: [s('host.name', 'a'), s('hostname', 'b')] },
          spans: [span()],
        }),
      );
      assert.deepEqual(attrs(result.batch.resourceSpans[0]?.resource.attributes ?? []), {
        'service.name': 'string:cart',
        'host.name': 'string:a',
        hostname: 'string:b',
      });
    });

    it(`refuses a span whose trace id is zero, and keeps the others [${format}]`, () => {
      const result = decodeJaeger(
        format,
        encode(format, {
          process: { serviceName: 'cart' },
          spans: [span(), span({ traceId: '0'.repeat(32) })],
        }),
      );
      assert.equal(result.spanCount, 1);
      assert.equal(result.rejectedSpans, 1);
      assert.equal(
        result.rejectionMessage,
        '1 span rejected: span 1 has an invalid trace_id (must be 16 bytes, not all zero)',
      );
    });
  }

  for (const format of THRIFT) {
    it(`thrift: parentSpanId is the parent; otel.scope.* and w3c.tracestate stay attributes [${format}]`, () => {
      const got = decodeOne(format, [s('otel.scope.name', 'lib'), s('w3c.tracestate', 'k=v')], {
        parentSpanId: PARENT,
        references: [{ refType: 0, traceId: TRACE, spanId: LINKED }],
      });
      assert.equal(got.parentSpanId, PARENT);
      assert.deepEqual(
        got.links.map((k) => k.spanId),
        [LINKED],
      );
      assert.equal(got.traceState, '');
      assert.deepEqual(attrs(got.attributes), {
        'otel.scope.name': 'string:lib',
        'w3c.tracestate': 'string:k=v',
      });
    });
  }
});

describe('Jaeger protobuf: what only PostSpans carries', () => {
  it('groups spans by process and by scope, reads trace state and nanoseconds', () => {
    const result = decodeJaeger(
      'jaeger-proto',
      postSpansRequest({
        process: { serviceName: 'cart' },
        spans: [
          span({
            spanId: '0000000000000001',
            tags: [
              s('otel.scope.name', 'http'),
              s('otel.scope.version', '1.2'),
              s('w3c.tracestate', 'a=1'),
            ],
            startExtraNanos: 789,
          }),
          span({ spanId: '0000000000000002', process: { serviceName: 'db' } }),
          span({ spanId: '0000000000000003' }),
          span({
            spanId: '0000000000000004',
            tags: [s('otel.scope.name', 'http'), s('otel.scope.version', '1.2')],
          }),
          span({
            spanId: '0000000000000005',
            process: { serviceName: 'OTLPResourceNoServiceName', tags: [s('x', 'y')] },
          }),
        ],
      }),
    );
    const shape = result.batch.resourceSpans.map((rs) => [
      attrs(rs.resource.attributes),
      rs.scopeSpans.map((ss) => [
        ss.scope.name,
        ss.scope.version,
        ss.spans.map((sp) => sp.spanId.slice(-1)),
      ]),
    ]);
    assert.deepEqual(shape, [
      [
        { 'service.name': 'string:cart' },
        [
          ['http', '1.2', ['1', '4']],
          ['', '', ['3']],
        ],
      ],
      [{ 'service.name': 'string:db' }, [['', '', ['2']]]],
      [{}, [['', '', ['5']]]],
    ]);
    const first = spansOf(result.batch)[0];
    assert.equal(first?.traceState, 'a=1');
    assert.equal(first?.startTimeUnixNano, '1700000000123456789');
    assert.deepEqual(first?.attributes, []);
  });
});

/** Bytes of `thriftBatch` cut or changed, with the error each must give. */
const BAD: ReadonlyArray<[string, JaegerFormat, () => Uint8Array, string]> = [
  [
    'a truncated batch',
    'jaeger-thrift-batch',
    () => thriftBatch({ process: { serviceName: 'a' }, spans: [span()] }).subarray(0, 40),
    'invalid Jaeger thrift (binary protocol): truncated i64 at byte 34',
  ],
  [
    'bytes after the batch',
    'jaeger-thrift-batch',
    () => new Uint8Array([...thriftBatch({ process: { serviceName: 'a' }, spans: [] }), 0, 0]),
    'invalid Jaeger thrift (binary protocol): 2 bytes after the Batch at byte 21',
  ],
  [
    'a span without its required fields',
    'jaeger-thrift-batch',
    () =>
      thriftBytes('binary', (p) => {
        p.writeStructBegin('Batch');
        p.writeFieldBegin('process', 12, 1);
        p.writeStructBegin('Process');
        p.writeFieldBegin('serviceName', 11, 1);
        p.writeString('a');
        p.writeFieldEnd();
        p.writeFieldStop();
        p.writeStructEnd();
        p.writeFieldEnd();
        p.writeFieldBegin('spans', 15, 2);
        p.writeListBegin(12, 1);
        p.writeStructBegin('Span');
        p.writeFieldStop();
        p.writeStructEnd();
        p.writeListEnd();
        p.writeFieldEnd();
        p.writeFieldStop();
        p.writeStructEnd();
      }),
    'invalid Jaeger thrift (binary protocol): required field traceIdLow of Span is not set at byte 20',
  ],
  [
    'a list longer than the payload',
    'jaeger-thrift-batch',
    () => new Uint8Array([0x0f, 0x00, 0x02, 0x0c, 0x7f, 0xff, 0xff, 0xff, 0x00]),
    'invalid Jaeger thrift (binary protocol): list of 2147483647 elements is longer than the payload at byte 3',
  ],
  [
    'a compact datagram with another protocol id',
    'jaeger-agent-compact',
    () => emitBatchDatagram({ process: { serviceName: 'a' }, spans: [] }, 'binary'),
    'invalid Jaeger thrift (compact protocol): bad protocol id 0x80 (compact is 0x82) at byte 0',
  ],
  [
    'emitZipkinBatch',
    'jaeger-agent-binary',
    () =>
      emitBatchDatagram({ process: { serviceName: 'a' }, spans: [] }, 'binary', 'emitZipkinBatch'),
    'invalid Jaeger thrift (binary protocol): emitZipkinBatch is not supported (send Zipkin spans to the Zipkin receiver) at byte 0',
  ],
  [
    'an unknown method',
    'jaeger-agent-compact',
    () =>
      emitBatchDatagram(
        { process: { serviceName: 'a' }, spans: [] },
        'compact',
        'getSamplingStrategy',
      ),
    'invalid Jaeger thrift (compact protocol): unknown method "getSamplingStrategy" (the agent protocol has emitBatch) at byte 0',
  ],
  [
    'empty bytes',
    'jaeger-agent-binary',
    () => new Uint8Array(0),
    'invalid Jaeger thrift (binary protocol): truncated i32 at byte 0',
  ],
  [
    'a protobuf field of the wrong wire type',
    'jaeger-proto',
    () => new Uint8Array([0x08, 0x01]),
    'invalid Jaeger protobuf: wire type 0 (varint) is wrong for field 1 of PostSpansRequest at byte 0',
  ],
];

describe('Jaeger: malformed payloads are refused with what and where', () => {
  for (const [name, format, bytes, message] of BAD) {
    it(name, () => {
      assert.throws(() => decodeJaeger(format, bytes()), { name: 'InvalidRequestError', message });
    });
  }

  it('never throws anything but InvalidRequestError on random and cut payloads', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const good = ALL.map(
      (f) =>
        [
          f,
          encode(f, {
            process: { serviceName: 'a', tags: [s('k', 'v')] },
            spans: [
              span({ tags: [l('n', '5')], logs: [{ timestampUs: 1, fields: [s('event', 'e')] }] }),
            ],
          }),
        ] as const,
    );
    for (let i = 0; i < 2000; i++) {
      const [format, bytes] = good[i % good.length] as (typeof good)[number];
      const copy = bytes.slice(0, Math.floor(rand() * (bytes.length + 1)));
      for (let j = 0; j < 3 && copy.length > 0; j++)
        copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
      try {
        decodeJaeger(format, copy);
      } catch (err) {
        assert.equal(
          (err as Error).name,
          'InvalidRequestError',
          `${format}: ${(err as Error).stack}`,
        );
      }
    }
  });
});
