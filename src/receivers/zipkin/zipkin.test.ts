/**
 * Zipkin decoding and mapping, table-driven: v2 JSON and protobuf (written by protobufjs from
 * `../shared/proto/zipkin/zipkin.proto`) must give the same spans; v1 JSON its own; malformed
 * payloads a 400 naming the span and the problem.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Span } from '../../model/index.js';
import { spansOf } from '../../../test/helpers/batches.js';
import { decodeZipkin } from './decode.js';
import { ipBytesText, isIpText, tagValue } from './zipkin-model.js';
import { attrs } from '../../../test/helpers/attributes.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const PARENT = '00f067aa0ba902b7';
const TS = 1_700_000_000_123_456;
const OPTS = { parseStringTags: false, receivedAtMs: 1_800_000_000_000 };

const listOfSpans = (() => {
  const root = protobuf.loadSync(
    fileURLToPath(new URL('../../../../shared/proto/zipkin/zipkin.proto', import.meta.url)),
  );
  return root.lookupType('zipkin.proto3.ListOfSpans');
})();

type V2 = Record<string, unknown>;

/** The protobuf form of a v2 JSON span (hex ids → bytes, IP text → bytes, kind → enum). */
function toProto(spans: V2[]): Uint8Array {
  const ip4 = (t: unknown) =>
    typeof t === 'string' ? Buffer.from(t.split('.').map(Number)) : undefined;
  const ep = (e: unknown) => {
    if (!e) return undefined;
    const o = e as Record<string, unknown>;
    return { serviceName: o.serviceName, ipv4: ip4(o.ipv4), port: o.port };
  };
  const msg = {
    spans: spans.map((s) => ({
      traceId: Buffer.from(s.traceId as string, 'hex'),
      id: Buffer.from(s.id as string, 'hex'),
      parentId: s.parentId ? Buffer.from(s.parentId as string, 'hex') : undefined,
      kind:
        ({ CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } as Record<string, number>)[
          String(s.kind)
        ] ?? 0,
      name: s.name,
      timestamp: s.timestamp,
      duration: s.duration,
      localEndpoint: ep(s.localEndpoint),
      remoteEndpoint: ep(s.remoteEndpoint),
      annotations: s.annotations,
      tags: s.tags,
    })),
  };
  const m = listOfSpans.fromObject(msg);
  return listOfSpans.encode(m).finish();
}

function base(over: V2 = {}): V2 {
  return {
    traceId: TRACE,
    id: SPAN,
    name: 'get /cart',
    timestamp: TS,
    duration: 2500,
    localEndpoint: { serviceName: 'cart', ipv4: '10.0.0.1', port: 8080 },
    ...over,
  };
}

function v2Both(
  spans: V2[],
  opts = OPTS,
): Array<[string, Span[], ReturnType<typeof decodeZipkin>]> {
  const json = decodeZipkin('zipkin-v2-json', Buffer.from(JSON.stringify(spans)), opts);
  const proto = decodeZipkin('zipkin-v2-proto', toProto(spans), opts);
  return [
    ['json', spansOf(json.batch), json],
    ['proto', spansOf(proto.batch), proto],
  ];
}

interface V2Case {
  name: string;
  span: V2;
  kind: number;
  status: [number, string];
  attributes: Record<string, string>;
  parseStringTags?: boolean;
}

const ENDPOINT_ATTRS = { 'network.local.address': 'string:10.0.0.1', 'net.host.port': 'int:8080' };

const V2_CASES: readonly V2Case[] = [
  { name: 'a plain span', span: base(), kind: 0, status: [0, ''], attributes: ENDPOINT_ATTRS },
  ...(
    [
      ['CLIENT', 3],
      ['SERVER', 2],
      ['PRODUCER', 4],
      ['CONSUMER', 5],
    ] as const
  ).map(([k, kind]) => ({
    name: `kind ${k}`,
    span: base({ kind: k }),
    kind,
    status: [0, ''] as [number, string],
    attributes: ENDPOINT_ATTRS,
  })),
  {
    name: 'span.kind=internal without a kind: internal, tag taken',
    span: base({ tags: { 'span.kind': 'internal' } }),
    kind: 1,
    status: [0, ''],
    attributes: ENDPOINT_ATTRS,
  },
  {
    name: 'span.kind beside a kind stays an attribute',
    span: base({ kind: 'CLIENT', tags: { 'span.kind': 'client' } }),
    kind: 3,
    status: [0, ''],
    attributes: { 'span.kind': 'string:client', ...ENDPOINT_ATTRS },
  },
  {
    name: 'otel.status_code with a description',
    span: base({
      tags: { 'otel.status_code': 'STATUS_CODE_ERROR', 'otel.status_description': 'boom' },
    }),
    kind: 0,
    status: [2, 'boom'],
    attributes: ENDPOINT_ATTRS,
  },
  {
    name: 'otel.status_code=OK as OpenTelemetry exporters write it',
    span: base({ tags: { 'otel.status_code': 'OK' } }),
    kind: 0,
    status: [1, ''],
    attributes: ENDPOINT_ATTRS,
  },
  {
    name: 'error="true": error, tag taken',
    span: base({ tags: { error: 'true' } }),
    kind: 0,
    status: [2, ''],
    attributes: ENDPOINT_ATTRS,
  },
  {
    name: 'error with a message: error, tag kept; beats otel.status_code=Ok',
    span: base({ tags: { error: 'card declined', 'otel.status_code': 'Ok' } }),
    kind: 0,
    status: [2, ''],
    attributes: { error: 'string:card declined', ...ENDPOINT_ATTRS },
  },
  {
    name: 'http.status_code says nothing in v2',
    span: base({ tags: { 'http.status_code': '500' } }),
    kind: 0,
    status: [0, ''],
    attributes: { 'http.status_code': 'string:500', ...ENDPOINT_ATTRS },
  },
  {
    name: 'parse_string_tags types the values',
    span: base({
      tags: {
        i: '007',
        f: '1.5',
        t: 'true',
        T: 'True',
        e: '1e5',
        s: '',
        big: '99999999999999999999',
      },
    }),
    parseStringTags: true,
    kind: 0,
    status: [0, ''],
    attributes: {
      i: 'int:7',
      f: 'double:1.5',
      t: 'bool:true',
      T: 'string:True',
      e: 'string:1e5',
      s: 'string:',
      big: 'int:9223372036854775807',
      ...ENDPOINT_ATTRS,
    },
  },
  {
    name: 'the remote endpoint; resource tags leave the span; library tags make the scope',
    span: base({
      remoteEndpoint: { serviceName: 'db', ipv4: '10.0.0.9', port: 5432 },
      tags: { 'host.name': 'h1', 'otel.library.name': 'pg', 'otel.library.version': '2', q: 'x' },
    }),
    kind: 0,
    status: [0, ''],
    attributes: {
      q: 'string:x',
      ...ENDPOINT_ATTRS,
      'service.peer.name': 'string:db',
      'network.peer.address': 'string:10.0.0.9',
      'net.peer.port': 'int:5432',
    },
  },
];

describe('Zipkin v2 (JSON and protobuf): kind, status and attributes', () => {
  for (const c of V2_CASES) {
    const opts = { ...OPTS, parseStringTags: c.parseStringTags ?? false };
    for (const [format, spans, result] of v2Both([c.span], opts)) {
      it(`${c.name} [${format}]`, () => {
        assert.equal(result.rejectedSpans, 0, result.rejectionMessage);
        const got = spans[0] as Span;
        assert.equal(got.kind, c.kind, 'kind');
        assert.deepEqual([got.statusCode, got.statusMessage], c.status, 'status');
        assert.deepEqual(attrs(got.attributes), c.attributes);
      });
    }
  }
});

describe('Zipkin v2: ids, times, events, links, resources and scopes', () => {
  const spans: V2[] = [
    base({
      parentId: PARENT,
      annotations: [
        { timestamp: TS + 5, value: 'cache miss' },
        { timestamp: TS + 9, value: 'retry|{"attempt":2,"why":"x","ok":true,"r":0.5}|1' },
      ],
      tags: {
        'host.name': 'h1',
        'w3c.tracestate': 'k=v',
        'otel.library.name': 'http',
        'otel.library.version': '1.0',
        'otlp.link.0': `${TRACE}|${PARENT}|a=b|{"k":"v"}|3`,
      },
    }),
    base({ id: '0000000000000002', localEndpoint: { serviceName: 'db' } }),
    base({ id: '0000000000000003', tags: { 'host.name': 'dropped' } }),
  ];
  for (const [format, , result] of v2Both(spans)) {
    it(`maps every field [${format}]`, () => {
      const shape = result.batch.resourceSpans.map((rs) => [
        attrs(rs.resource.attributes),
        rs.scopeSpans.map((ss) => [
          ss.scope.name,
          ss.scope.version,
          ss.spans.map((s) => s.spanId.slice(-1)),
        ]),
      ]);
      assert.deepEqual(shape, [
        [
          { 'service.name': 'string:cart', 'host.name': 'string:h1' },
          [
            ['http', '1.0', ['1']],
            ['', '', ['3']],
          ],
        ],
        [{ 'service.name': 'string:db' }, [['', '', ['2']]]],
      ]);
      const [first, third] = spansOf(result.batch);
      assert.equal(first?.traceId, TRACE);
      assert.equal(first?.parentSpanId, PARENT);
      assert.equal(first?.traceState, 'k=v');
      assert.equal(first?.startTimeUnixNano, '1700000000123456000');
      assert.equal(first?.endTimeUnixNano, '1700000000125956000');
      assert.deepEqual(
        first?.events.map((e) => [
          e.timeUnixNano,
          e.name,
          attrs(e.attributes),
          e.droppedAttributesCount,
        ]),
        [
          ['1700000000123461000', 'cache miss', {}, 0],
          [
            '1700000000123465000',
            'retry',
            { attempt: 'int:2', why: 'string:x', ok: 'bool:true', r: 'double:0.5' },
            1,
          ],
        ],
      );
      assert.deepEqual(
        first?.links.map((k) => [
          k.traceId,
          k.spanId,
          k.traceState,
          attrs(k.attributes),
          k.droppedAttributesCount,
        ]),
        [[TRACE, PARENT, 'a=b', { k: 'string:v' }, 3]],
      );
      assert.deepEqual(attrs(third?.attributes ?? []), ENDPOINT_ATTRS);
    });
  }

  it('JSON: a 64-bit trace id is padded on the left', () => {
    const r = decodeZipkin(
      'zipkin-v2-json',
      Buffer.from(JSON.stringify([base({ traceId: '8448EB211C80319C' })])),
      OPTS,
    );
    assert.equal(spansOf(r.batch)[0]?.traceId, '00000000000000008448eb211c80319c');
  });

  it('JSON: a span without a timestamp starts at 0 and says so', () => {
    const r = decodeZipkin(
      'zipkin-v2-json',
      Buffer.from(JSON.stringify([base({ timestamp: undefined })])),
      OPTS,
    );
    const got = spansOf(r.batch)[0];
    assert.equal(got?.startTimeUnixNano, '0');
    assert.equal(got?.endTimeUnixNano, '2500000');
    assert.equal(attrs(got?.attributes ?? [])['otel.zipkin.absentField.startTime'], 'bool:true');
  });

  it('JSON: a span without a service gets an empty resource; a missing trace id is refused alone', () => {
    const r = decodeZipkin(
      'zipkin-v2-json',
      Buffer.from(
        JSON.stringify([base({ localEndpoint: undefined }), base({ traceId: undefined })]),
      ),
      OPTS,
    );
    assert.deepEqual(r.batch.resourceSpans[0]?.resource.attributes, []);
    assert.equal(r.spanCount, 1);
    assert.equal(
      r.rejectionMessage,
      '1 span rejected: span 1 has an invalid trace_id (must be 16 bytes, not all zero)',
    );
  });
});

const V2_BAD: ReadonlyArray<[string, string, string]> = [
  ['not JSON', '{', 'invalid Zipkin v2 JSON: the body is not JSON: '],
  ['an object', '{}', 'invalid Zipkin v2 JSON: the body must be a JSON array of spans'],
  [
    'no span id',
    JSON.stringify([{ traceId: TRACE }]),
    'invalid Zipkin v2 JSON: span 0: valid span id required',
  ],
  [
    'a zero span id',
    JSON.stringify([{ traceId: TRACE, id: '0000' }]),
    'invalid Zipkin v2 JSON: span 0: valid span id required',
  ],
  [
    'a long trace id',
    JSON.stringify([{ traceId: TRACE + '0', id: SPAN }]),
    `invalid Zipkin v2 JSON: span 0: traceId "${TRACE}0" is longer than 32 hex characters`,
  ],
  [
    'a trace id that is not hex',
    JSON.stringify([{ traceId: 'xyz', id: SPAN }]),
    'invalid Zipkin v2 JSON: span 0: traceId "xyz" is not hex',
  ],
  [
    'a float timestamp',
    JSON.stringify([{ traceId: TRACE, id: SPAN, timestamp: 1.5 }]),
    'invalid Zipkin v2 JSON: span 0: timestamp must be a non-negative integer of microseconds, not 1.5',
  ],
  [
    'a number tag',
    JSON.stringify([null, { traceId: TRACE, id: SPAN, tags: { n: 1 } }]),
    'invalid Zipkin v2 JSON: span 1: tag "n" must be a string, not 1',
  ],
  [
    'a bad IP',
    JSON.stringify([{ traceId: TRACE, id: SPAN, localEndpoint: { ipv4: '1.2.3' } }]),
    'invalid Zipkin v2 JSON: span 0: localEndpoint.ipv4: invalid IP address: 1.2.3',
  ],
  [
    'a port out of range',
    JSON.stringify([{ traceId: TRACE, id: SPAN, remoteEndpoint: { port: 70000 } }]),
    'invalid Zipkin v2 JSON: span 0: remoteEndpoint.port must be an integer from 0 to 65535, not 70000',
  ],
  [
    'an annotation without time',
    JSON.stringify([{ traceId: TRACE, id: SPAN, annotations: [{ value: 'x' }] }]),
    'invalid Zipkin v2 JSON: span 0: valid annotation timestamp required',
  ],
  [
    'an annotation with bad attributes',
    JSON.stringify([{ traceId: TRACE, id: SPAN, annotations: [{ timestamp: 1, value: 'a|b|c' }] }]),
    'invalid Zipkin span: annotation "a|b|c": the attributes are not a JSON object',
  ],
];

describe('Zipkin: malformed payloads', () => {
  for (const [name, body, message] of V2_BAD) {
    it(`v2 JSON: ${name}`, () => {
      assert.throws(
        () => decodeZipkin('zipkin-v2-json', Buffer.from(body), OPTS),
        (err: Error) => err.name === 'InvalidRequestError' && err.message.startsWith(message),
      );
    });
  }
  it('v2 protobuf: an 8-byte trace id', () => {
    const bytes = toProto([base({ traceId: '8448eb211c80319c' })]);
    assert.throws(() => decodeZipkin('zipkin-v2-proto', bytes, OPTS), {
      name: 'InvalidRequestError',
      message:
        'invalid Zipkin protobuf: span 0: invalid TraceID: has length 8 yet wanted length 16 at byte 4',
    });
  });
  it('v2 protobuf: truncated', () => {
    const bytes = toProto([base()]).subarray(0, 10);
    assert.throws(() => decodeZipkin('zipkin-v2-proto', bytes, OPTS), {
      name: 'InvalidRequestError',
      message:
        'invalid Zipkin protobuf: truncated length-delimited field 1 of ListOfSpans at byte 0',
    });
  });
  it('v1 JSON: a bool binary annotation value other than an address', () => {
    const body = JSON.stringify([
      { traceId: TRACE, id: SPAN, binaryAnnotations: [{ key: 'ok', value: true }] },
    ]);
    assert.throws(() => decodeZipkin('zipkin-v1-json', Buffer.from(body), OPTS), {
      name: 'InvalidRequestError',
      message: 'invalid Zipkin v1 JSON: span 0: value must be a string, not true',
    });
  });
  it('v1 JSON: a short trace id', () => {
    const body = JSON.stringify([{ traceId: 'abc', id: SPAN }]);
    assert.throws(() => decodeZipkin('zipkin-v1-json', Buffer.from(body), OPTS), {
      name: 'InvalidRequestError',
      message:
        'invalid Zipkin v1 JSON: span 0: traceId: hex traceId has wrong length (expected 16 or 32)',
    });
  });
});

describe('Zipkin v1 JSON', () => {
  const ep = { serviceName: 'cart', ipv4: '10.0.0.1', port: 8080 };
  it('takes kind, times and service from core annotations; the rest are events', () => {
    const body = [
      {
        traceId: TRACE.slice(16),
        id: SPAN,
        parentId: PARENT,
        name: 'get',
        annotations: [
          { timestamp: TS, value: 'sr', endpoint: ep },
          { timestamp: TS + 100, value: 'cache miss', endpoint: ep },
          { timestamp: TS + 900, value: 'ss', endpoint: ep },
        ],
        binaryAnnotations: [
          { key: 'lc', value: 'jdbc', endpoint: ep },
          { key: 'http.status_code', value: '503' },
          { key: 'http.status_message', value: 'down' },
        ],
      },
    ];
    const r = decodeZipkin('zipkin-v1-json', Buffer.from(JSON.stringify(body)), OPTS);
    assert.deepEqual(attrs(r.batch.resourceSpans[0]?.resource.attributes ?? []), {
      'service.name': 'string:cart',
      ipv4: 'string:10.0.0.1',
      port: 'string:8080',
    });
    const got = spansOf(r.batch)[0];
    assert.equal(got?.traceId, '0000000000000000' + TRACE.slice(16));
    assert.equal(got?.parentSpanId, PARENT);
    assert.equal(got?.kind, 2);
    assert.equal(got?.startTimeUnixNano, '1700000000123456000');
    assert.equal(got?.endTimeUnixNano, '1700000000124356000');
    assert.deepEqual(
      got?.events.map((e) => e.name),
      ['cache miss'],
    );
    assert.deepEqual(attrs(got?.attributes ?? []), {
      component: 'string:jdbc',
      'http.status_code': 'string:503',
      'http.status_message': 'string:down',
    });
    assert.deepEqual([got?.statusCode, got?.statusMessage], [2, 'down']);
  });

  it('status: census, then otel, then error, then HTTP; times from the span; no time at all → now', () => {
    const mk = (tags: Record<string, string>, extra: V2 = {}) => ({
      traceId: TRACE,
      id: SPAN,
      binaryAnnotations: Object.entries(tags).map(([key, value]) => ({ key, value })),
      ...extra,
    });
    const body = [
      mk({ 'census.status_code': '0', 'otel.status_code': '2' }, { timestamp: TS, duration: 10 }),
      mk({ 'otel.status_code': '2', 'otel.status_description': 'bad' }),
      mk({ error: 'x', 'census.status_description': 'why' }),
      mk({ 'otel.status_code': 'STATUS_CODE_ERROR', 'http.status_code': '200' }),
    ];
    const r = decodeZipkin('zipkin-v1-json', Buffer.from(JSON.stringify(body)), OPTS);
    const spans = spansOf(r.batch);
    assert.deepEqual(
      spans.map((s) => [s.statusCode, s.statusMessage]),
      [
        [1, ''],
        [2, 'bad'],
        [2, 'why'],
        [0, ''],
      ],
    );
    assert.deepEqual(
      [spans[0]?.startTimeUnixNano, spans[0]?.endTimeUnixNano],
      ['1700000000123456000', '1700000000123466000'],
    );
    assert.equal(spans[1]?.startTimeUnixNano, '1800000000000000000');
    assert.equal(
      attrs(spans[1]?.attributes ?? [])['otel.zipkin.absentField.startTime'],
      'bool:true',
    );
    assert.deepEqual(attrs(r.batch.resourceSpans[0]?.resource.attributes ?? []), {
      'service.name': 'string:unknown-service',
    });
  });
});

describe('Zipkin helpers', () => {
  it('formats IP bytes as Go does', () => {
    const cases: Array<[number[], string]> = [
      [[10, 0, 0, 1], '10.0.0.1'],
      [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4], '1.2.3.4'],
      [[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], '2001:db8::1'],
      [[0x20, 0x01, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], '2001:1:0:1:0:1:0:1'],
      [[], '<nil>'],
      [[1, 2, 3], '?010203'],
    ];
    for (const [bytes, text] of cases) assert.equal(ipBytesText(new Uint8Array(bytes)), text);
  });
  it('checks IP text', () => {
    for (const ok of ['1.2.3.4', '::1', '2001:db8::1', '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8'])
      assert.ok(isIpText(ok), ok);
    for (const bad of ['1.2.3', '256.1.1.1', 'x::1', '1:2:3:4:5:6:7:8:9', 'localhost', '1::2::3'])
      assert.ok(!isIpText(bad), bad);
  });
  it('reads string tags as types only when asked', () => {
    assert.deepEqual(tagValue('12', false), { type: 'string', value: '12' });
    assert.deepEqual(tagValue('-12', true), { type: 'int', value: '-12' });
    assert.deepEqual(tagValue('false', true), { type: 'bool', value: false });
  });
});

describe('Zipkin: cut and mutated payloads', () => {
  it('never throw anything but InvalidRequestError', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const span = base({
      parentId: PARENT,
      kind: 'CLIENT',
      remoteEndpoint: { serviceName: 'db', ipv4: '10.0.0.9', port: 5432 },
      annotations: [{ timestamp: TS + 5, value: 'x|{"a":1}|0' }],
      tags: { 'otlp.link.0': `${TRACE}|${PARENT}||{}|0`, error: 'true' },
    });
    const v1 = [
      {
        traceId: TRACE,
        id: SPAN,
        annotations: [{ timestamp: TS, value: 'cs' }],
        binaryAnnotations: [{ key: 'k', value: 'v' }],
      },
    ];
    const good = [
      ['zipkin-v2-json', Buffer.from(JSON.stringify([span]))],
      ['zipkin-v2-proto', toProto([span])],
      ['zipkin-v1-json', Buffer.from(JSON.stringify(v1))],
    ] as const;
    for (let i = 0; i < 3000; i++) {
      const [format, bytes] = good[i % good.length] as (typeof good)[number];
      const copy = Uint8Array.prototype.slice.call(
        bytes,
        0,
        Math.floor(rand() * (bytes.length + 1)),
      );
      for (let j = 0; j < 3 && copy.length > 0; j++)
        copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
      try {
        decodeZipkin(format, copy, OPTS);
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
