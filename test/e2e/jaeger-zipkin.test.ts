/**
 * Jaeger and Zipkin clients against a running Vivace: `jaeger-client` (HTTP sender and UDP agent
 * sender, binary thrift), the `zipkin` library with its HTTP transport (v2 and v1 JSON), a compact
 * agent datagram written by Apache Thrift's JS protocol, protobuf over gRPC and over HTTP. Each
 * trace is read back through the Tempo API (v1/v2 × JSON/protobuf) and every mapped field
 * compared; bad requests get their status and message, bad datagrams are counted.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { Span, SpanBatch } from '../../src/model/index.js';
import {
  emitBatchDatagram,
  postSpansRequest,
  thriftBatch,
  type TestBatch,
} from '../helpers/jaeger-wire.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { READ_PATHS } from '../helpers/trace-read.js';
import { attrs } from '../helpers/attributes.js';

const require = createRequire(import.meta.url);

/* The clients are CommonJS without usable ESM types; their surface used here is typed below. */
interface JaegerSpan {
  setTag(key: string, value: unknown): void;
  log(fields: Record<string, unknown>, timestamp?: number): void;
  finish(finishTime?: number): void;
  context(): { traceIdStr: string; spanIdStr: string };
}
interface JaegerTracer {
  startSpan(name: string, opts?: Record<string, unknown>): JaegerSpan;
  close(cb: () => void): void;
}
const jaeger = require('jaeger-client') as {
  initTracer(config: Record<string, unknown>, options: Record<string, unknown>): JaegerTracer;
};
const opentracing = require('opentracing') as {
  followsFrom(ctx: unknown): unknown;
};

const free = { host: '127.0.0.1', port: 0 };
let server: TestServer;

before(async () => {
  server = await startTestServer({
    receivers: {
      jaegerThriftHttp: { ...free, maxRequestBodyBytes: 1 << 20 },
      jaegerGrpc: { ...free, maxRecvMsgBytes: 1 << 20 },
      jaegerThriftCompact: { ...free, maxPacketBytes: 65_000 },
      jaegerThriftBinary: { ...free, maxPacketBytes: 65_000 },
      zipkin: { ...free, maxRequestBodyBytes: 1 << 20, parseStringTags: false },
    },
  });
});
after(() => server.close());

const port = (name: string): number => server.app.ports[name] as number;

/** Reads a trace through every API path (retrying until it is there) and checks they agree. */
async function readAll(traceId: string): Promise<SpanBatch> {
  const id = traceId.padStart(32, '0');
  const deadline = Date.now() + 3000;
  for (;;) {
    const res = await fetch(`${server.api}/api/v2/traces/${id}`);
    if (res.status === 200) break;
    if (Date.now() > deadline) assert.fail(`trace ${id} is not there: ${res.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const results = await Promise.all(READ_PATHS.map((p) => p.read(server.api, id)));
  const [first, ...rest] = results.map((r) => r.batch);
  for (const [i, other] of rest.entries()) {
    assert.deepEqual(
      other,
      first,
      `${READ_PATHS[i + 1]?.name} differs from ${READ_PATHS[0]?.name}`,
    );
  }
  return first as SpanBatch;
}

/** The spans of a trace by name, with the attributes of their resource. */
function byName(batch: SpanBatch): Map<string, { span: Span; resource: Record<string, string> }> {
  const out = new Map<string, { span: Span; resource: Record<string, string> }>();
  for (const rs of batch.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans)
        out.set(span.name, { span, resource: attrs(rs.resource.attributes) });
    }
  }
  return out;
}

const us = (ms: number) => `${ms * 1000}000`;

describe('jaeger-client', () => {
  for (const sender of ['HTTP', 'UDP'] as const) {
    it(`sends over ${sender}; every field reads back as the Collector maps it`, async () => {
      const reporter =
        sender === 'HTTP'
          ? { collectorEndpoint: `http://127.0.0.1:${port('jaeger_thrift_http')}/api/traces` }
          : { agentHost: '127.0.0.1', agentPort: port('jaeger_thrift_binary') };
      const tracer = jaeger.initTracer(
        { serviceName: `checkout-${sender}`, sampler: { type: 'const', param: 1 }, reporter },
        { tags: { 'deployment.env': 'test', 'build.number': 42 } },
      );
      const t0 = Date.now() - 1000;
      const root = tracer.startSpan('POST /checkout', { startTime: t0 });
      root.setTag('span.kind', 'server');
      root.setTag('http.status_code', 502);
      root.setTag('error', true);
      root.log({ event: 'payment failed', 'error.object': 'card declined', attempt: 2 }, t0 + 5);
      const child = tracer.startSpan('charge', { childOf: root, startTime: t0 + 1 });
      child.setTag('span.kind', 'client');
      child.setTag('retry', false);
      child.finish(t0 + 4);
      const later = tracer.startSpan('send receipt', {
        references: [opentracing.followsFrom(root.context())],
        startTime: t0 + 20,
      });
      later.finish(t0 + 30);
      root.finish(t0 + 10);
      await new Promise<void>((r) => tracer.close(r));

      const ctx = root.context();
      const spans = byName(await readAll(ctx.traceIdStr));
      assert.deepEqual([...spans.keys()].sort(), ['POST /checkout', 'charge', 'send receipt']);
      const r = spans.get('POST /checkout') as { span: Span; resource: Record<string, string> };
      assert.equal(r.resource['service.name'], `string:checkout-${sender}`);
      assert.equal(r.resource['deployment.env'], 'string:test');
      assert.equal(r.resource['build.number'], 'double:42');
      assert.match(
        r.resource['opencensus.exporterversion'] ?? '',
        /^string:Jaeger-Node-3\.\d+\.\d+$/,
      );
      assert.ok(r.resource['host.name'] && !('hostname' in r.resource), 'hostname → host.name');
      assert.ok(r.resource['ip'] && r.resource['client-uuid']);
      assert.equal(r.span.spanId, ctx.spanIdStr.padStart(16, '0'));
      assert.equal(r.span.parentSpanId, '');
      assert.equal(r.span.kind, 2);
      assert.deepEqual([r.span.statusCode, r.span.statusMessage], [2, '']);
      assert.equal(r.span.startTimeUnixNano, us(t0));
      assert.equal(r.span.endTimeUnixNano, us(t0 + 10));
      assert.deepEqual(attrs(r.span.attributes), {
        'sampler.type': 'string:const',
        'sampler.param': 'bool:true',
        'http.status_code': 'double:502',
      });
      assert.deepEqual(
        r.span.events.map((e) => [e.timeUnixNano, e.name, attrs(e.attributes)]),
        [
          [
            us(t0 + 5),
            'payment failed',
            { 'error.object': 'string:card declined', attempt: 'double:2' },
          ],
        ],
      );
      const c = spans.get('charge')?.span as Span;
      assert.equal(c.parentSpanId, r.span.spanId);
      assert.equal(c.kind, 3);
      assert.deepEqual(attrs(c.attributes), { retry: 'bool:false' });
      assert.deepEqual([c.statusCode, c.links], [0, []]);
      const f = spans.get('send receipt')?.span as Span;
      assert.equal(f.parentSpanId, r.span.spanId, 'a FOLLOWS_FROM reference is the parent');
      assert.deepEqual(
        f.links.map((k) => [k.spanId, attrs(k.attributes)]),
        [[r.span.spanId, { 'opentracing.ref_type': 'string:follows_from' }]],
      );
    });
  }
});

const BATCH: TestBatch = {
  process: { serviceName: 'inventory', tags: [{ key: 'hostname', type: 'string', value: 'n1' }] },
  spans: [
    {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      operationName: 'reserve',
      startUs: 1_750_000_000_000_001,
      durationUs: 1234,
      tags: [
        { key: 'span.kind', type: 'string', value: 'producer' },
        { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        { key: 'otel.status_description', type: 'string', value: 'out of stock' },
        { key: 'qty', type: 'long', value: '9007199254740993' },
        { key: 'raw', type: 'binary', value: new Uint8Array([1, 2, 3]) },
      ],
    },
  ],
};

function checkBatchSpan(batch: SpanBatch, traceId: string): Span {
  const { span, resource } = byName(batch).get('reserve') as {
    span: Span;
    resource: Record<string, string>;
  };
  assert.deepEqual(resource, { 'service.name': 'string:inventory', 'host.name': 'string:n1' });
  assert.equal(span.traceId, traceId);
  assert.equal(span.kind, 4);
  assert.deepEqual([span.statusCode, span.statusMessage], [2, 'out of stock']);
  assert.equal(span.startTimeUnixNano, '1750000000000001000');
  assert.equal(span.endTimeUnixNano, '1750000000001235000');
  assert.deepEqual(attrs(span.attributes), { qty: 'int:9007199254740993', raw: 'bytes:010203' });
  return span;
}

describe('Jaeger agent compact protocol and gRPC', () => {
  it('takes an emitBatch datagram in the compact protocol (port 6831)', async () => {
    const b = {
      ...BATCH,
      spans: [{ ...(BATCH.spans[0] as TestBatch['spans'][number]), traceId: 'c'.repeat(32) }],
    };
    await sendUdp(port('jaeger_thrift_compact'), emitBatchDatagram(b, 'compact'));
    checkBatchSpan(await readAll('c'.repeat(32)), 'c'.repeat(32));
  });

  it('takes PostSpans over gRPC; an empty PostSpansResponse once durable', async () => {
    const { err, reply } = await postSpans(postSpansRequest(BATCH));
    assert.equal(err, null);
    assert.equal(reply?.length, 0);
    const traceId = BATCH.spans[0]?.traceId as string;
    checkBatchSpan(await readAll(traceId), traceId);
  });

  it('answers INVALID_ARGUMENT with the reason for a malformed PostSpansRequest', async () => {
    const { err } = await postSpans(new Uint8Array([0x0a, 0x05, 0x01]));
    assert.deepEqual(
      [err?.code, err?.details],
      [
        3,
        'invalid Jaeger protobuf: truncated length-delimited field 1 of PostSpansRequest at byte 0',
      ],
    );
  });
});

/** Calls `CollectorService/PostSpans` with raw request bytes. */
async function postSpans(
  body: Uint8Array,
): Promise<{ err: ServiceError | null; reply: Buffer | undefined }> {
  const client = new Client(`127.0.0.1:${port('jaeger_grpc')}`, credentials.createInsecure());
  try {
    return await new Promise((resolve) =>
      client.makeUnaryRequest(
        '/jaeger.api_v2.CollectorService/PostSpans',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(body),
        new Metadata(),
        (err, reply) => resolve({ err, reply }),
      ),
    );
  } finally {
    client.close();
  }
}

function sendUdp(to: number, bytes: Uint8Array): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) =>
    socket.send(bytes, to, '127.0.0.1', (err) => {
      socket.close();
      if (err) reject(err);
      else resolve();
    }),
  );
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.api}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('bad input', () => {
  const post = (path: string, portName: string, body: string, type: string) =>
    fetch(`http://127.0.0.1:${port(portName)}${path}`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': type },
    });

  const CASES: ReadonlyArray<[string, () => Promise<Response>, number, string]> = [
    [
      'Jaeger HTTP: garbage thrift',
      () => post('/api/traces', 'jaeger_thrift_http', 'hello', 'application/x-thrift'),
      400,
      'invalid Jaeger thrift (binary protocol): unknown field type 104 at byte 0\n',
    ],
    [
      'Jaeger HTTP: JSON',
      () => post('/api/traces', 'jaeger_thrift_http', '{}', 'application/json'),
      415,
      'unsupported Content-Type "application/json": use application/x-thrift or application/vnd.apache.thrift.binary\n',
    ],
    [
      'Jaeger HTTP: another path',
      () => post('/api/spans', 'jaeger_thrift_http', '', 'application/x-thrift'),
      404,
      '404 page not found: the Jaeger thrift_http receiver accepts POST /api/traces\n',
    ],
    [
      'Jaeger HTTP: GET',
      () => fetch(`http://127.0.0.1:${port('jaeger_thrift_http')}/api/traces`),
      405,
      'method GET not allowed: use POST\n',
    ],
    [
      'Zipkin: bad JSON',
      () => post('/api/v2/spans', 'zipkin', '[{"traceId": 5}]', 'application/json'),
      400,
      'invalid Zipkin v2 JSON: span 0: traceId must be a string, not 5\n',
    ],
    [
      'Zipkin: v1 thrift',
      () => post('/api/v1/spans', 'zipkin', 'x', 'application/x-thrift'),
      415,
      'unsupported Content-Type "application/x-thrift" for /api/v1/spans: use application/json (Zipkin v1 thrift is not accepted)\n',
    ],
    [
      'Zipkin: too large',
      () => post('/api/v2/spans', 'zipkin', 'x'.repeat((1 << 20) + 1), 'application/json'),
      413,
      'request body is larger than the limit of 1048576 bytes\n',
    ],
  ];
  for (const [name, send, status, text] of CASES) {
    it(name, async () => {
      const res = await send();
      assert.deepEqual([res.status, await res.text()], [status, text]);
    });
  }

  it('UDP: a malformed datagram is counted, and the receiver keeps taking datagrams', async () => {
    const counter =
      'vivace_receiver_datagrams_refused_total{receiver="jaeger_thrift_compact",reason="invalid_request"}';
    const before = await metric(counter);
    await sendUdp(port('jaeger_thrift_compact'), new Uint8Array([0x82, 0x21, 0x01]));
    const deadline = Date.now() + 3000;
    while ((await metric(counter)) === before) {
      if (Date.now() > deadline) assert.fail('the bad datagram was not counted');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await metric(counter), before + 1);
    const b = {
      ...BATCH,
      spans: [{ ...(BATCH.spans[0] as TestBatch['spans'][number]), traceId: 'd'.repeat(32) }],
    };
    await sendUdp(port('jaeger_thrift_compact'), emitBatchDatagram(b, 'compact'));
    checkBatchSpan(await readAll('d'.repeat(32)), 'd'.repeat(32));
  });
});

interface ZipkinTracer {
  scoped<T>(cb: () => T): T;
  createRootId(): { traceId: string; spanId: string };
  createChildId(): { traceId: string; spanId: string };
  setId(id: unknown): void;
  recordServiceName(name: string): void;
  recordRpc(name: string): void;
  recordBinary(key: string, value: string): void;
  recordAnnotation(a: unknown, timestamp?: number): void;
  recordMessage(message: string): void;
}
const zipkin = require('zipkin') as {
  Tracer: new (opts: Record<string, unknown>) => ZipkinTracer;
  BatchRecorder: new (opts: Record<string, unknown>) => unknown;
  ExplicitContext: new () => unknown;
  jsonEncoder: { JSON_V1: unknown; JSON_V2: unknown };
  InetAddress: new (ip: string) => unknown;
  Annotation: Record<string, new (...args: unknown[]) => unknown>;
};
const { HttpLogger } = require('zipkin-transport-http') as {
  HttpLogger: new (opts: Record<string, unknown>) => {
    processQueue(fetchImpl: unknown): void;
    fetchImplementation: unknown;
    on(event: string, cb: (arg: unknown) => void): void;
  };
};

describe('zipkin (zipkin-js with its HTTP transport)', () => {
  for (const version of ['v2', 'v1'] as const) {
    it(`sends ${version} JSON; every field reads back as the Collector maps it`, async () => {
      const logger = new HttpLogger({
        endpoint: `http://127.0.0.1:${port('zipkin')}/api/${version}/spans`,
        jsonEncoder: version === 'v2' ? zipkin.jsonEncoder.JSON_V2 : zipkin.jsonEncoder.JSON_V1,
        httpInterval: 3_600_000,
      });
      const tracer = new zipkin.Tracer({
        ctxImpl: new zipkin.ExplicitContext(),
        recorder: new zipkin.BatchRecorder({ logger }),
        localServiceName: `frontend-${version}`,
        traceId128Bit: true,
      });
      const t0 = (Date.now() - 1000) * 1000;
      let rootId = { traceId: '', spanId: '' };
      let childId = { traceId: '', spanId: '' };
      tracer.scoped(() => {
        rootId = tracer.createRootId();
        tracer.setId(rootId);
        tracer.recordServiceName(`frontend-${version}`);
        tracer.recordRpc('GET /home');
        tracer.recordAnnotation(new zipkin.Annotation.ServerRecv!(), t0);
        tracer.recordAnnotation(
          new zipkin.Annotation.LocalAddr!({
            host: new zipkin.InetAddress('10.1.2.3'),
            port: 8080,
          }),
          t0,
        );
        tracer.recordBinary('http.path', '/home');
        tracer.recordBinary('error', 'upstream timeout');
        tracer.recordMessage('cache miss');
        childId = tracer.createChildId();
        tracer.setId(childId);
        tracer.recordServiceName(`frontend-${version}`);
        tracer.recordRpc('GET /api');
        tracer.recordAnnotation(new zipkin.Annotation.ClientSend!(), t0 + 100);
        tracer.recordAnnotation(
          new zipkin.Annotation.ServerAddr!({
            serviceName: 'api',
            host: new zipkin.InetAddress('10.9.9.9'),
            port: 9000,
          }),
          t0 + 100,
        );
        tracer.recordAnnotation(new zipkin.Annotation.ClientRecv!(), t0 + 400);
        tracer.setId(rootId);
        tracer.recordAnnotation(new zipkin.Annotation.ServerSend!(), t0 + 900);
      });
      const sent = new Promise<void>((resolve, reject) => {
        logger.on('success', () => resolve());
        logger.on('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
      });
      logger.processQueue(logger.fetchImplementation);
      await sent;

      const spans = byName(await readAll(rootId.traceId));
      const root = spans.get('get /home') as { span: Span; resource: Record<string, string> };
      const child = spans.get('get /api') as { span: Span; resource: Record<string, string> };
      assert.ok(root && child, `spans: ${[...spans.keys()].join(', ')}`);
      assert.equal(root.span.spanId, rootId.spanId);
      assert.equal(child.span.parentSpanId, rootId.spanId);
      assert.deepEqual([root.span.kind, child.span.kind], [2, 3]);
      assert.equal(root.span.startTimeUnixNano, `${t0}000`);
      assert.equal(root.span.endTimeUnixNano, `${t0 + 900}000`);
      assert.equal(child.span.startTimeUnixNano, `${t0 + 100}000`);
      assert.equal(child.span.endTimeUnixNano, `${t0 + 400}000`);
      assert.deepEqual(
        root.span.events.map((e) => e.name),
        ['cache miss'],
      );
      assert.equal(root.span.statusCode, 2);
      if (version === 'v2') {
        assert.deepEqual(root.resource, { 'service.name': 'string:frontend-v2' });
        assert.deepEqual(attrs(root.span.attributes), {
          'http.path': 'string:/home',
          error: 'string:upstream timeout',
          'network.local.address': 'string:10.1.2.3',
          'net.host.port': 'int:8080',
        });
        assert.deepEqual(attrs(child.span.attributes), {
          'service.peer.name': 'string:api',
          'network.peer.address': 'string:10.9.9.9',
          'net.peer.port': 'int:9000',
        });
      } else {
        assert.equal(root.resource['service.name'], 'string:frontend-v1');
        assert.deepEqual(root.resource, {
          'service.name': 'string:frontend-v1',
          ipv4: 'string:10.1.2.3',
          port: 'string:8080',
        });
        assert.deepEqual(attrs(root.span.attributes), { 'http.path': 'string:/home' });
        assert.deepEqual(child.resource, { 'service.name': 'string:frontend-v1' });
        assert.deepEqual(attrs(child.span.attributes), {
          'service.peer.name': 'string:api',
          'network.peer.address': 'string:10.9.9.9',
          'net.peer.port': 'int:9000',
        });
      }
    });
  }

  it('takes v2 protobuf', async () => {
    const root = protobuf.loadSync(
      fileURLToPath(new URL('../../../shared/proto/zipkin/zipkin.proto', import.meta.url)),
    );
    const type = root.lookupType('zipkin.proto3.ListOfSpans');
    const traceId = 'e'.repeat(32);
    const msg = type.fromObject({
      spans: [
        {
          traceId: Buffer.from(traceId, 'hex'),
          id: Buffer.from('1122334455667788', 'hex'),
          kind: 3,
          name: 'publish',
          timestamp: 1_750_000_000_000_000,
          duration: 50,
          localEndpoint: {
            serviceName: 'queue',
            ipv6: Buffer.from('20010db8000000000000000000000001', 'hex'),
          },
          tags: { topic: 'orders' },
        },
      ],
    });
    const res = await fetch(`http://127.0.0.1:${port('zipkin')}/api/v2/spans`, {
      method: 'POST',
      body: type.encode(msg).finish(),
      headers: { 'Content-Type': 'application/x-protobuf' },
    });
    assert.equal(res.status, 202);
    const { span, resource } = byName(await readAll(traceId)).get('publish') as {
      span: Span;
      resource: Record<string, string>;
    };
    assert.deepEqual(resource, { 'service.name': 'string:queue' });
    assert.equal(span.kind, 4);
    assert.equal(span.endTimeUnixNano, '1750000000000050000');
    assert.deepEqual(attrs(span.attributes), {
      topic: 'string:orders',
      'network.local.address': 'string:2001:db8::1',
    });
  });
});

describe('multi-tenancy', () => {
  let mt: TestServer;
  before(async () => {
    mt = await startTestServer({
      multitenancyEnabled: true,
      receivers: {
        jaegerThriftHttp: { ...free, maxRequestBodyBytes: 1 << 20 },
        jaegerThriftCompact: { ...free, maxPacketBytes: 65_000 },
        zipkin: { ...free, maxRequestBodyBytes: 1 << 20, parseStringTags: false },
      },
    });
  });
  after(() => mt.close());

  it('stores Jaeger and Zipkin spans under X-Scope-OrgID; refuses requests without it', async () => {
    const jaegerUrl = `http://127.0.0.1:${mt.app.ports['jaeger_thrift_http']}/api/traces`;
    const zipkinUrl = `http://127.0.0.1:${mt.app.ports['zipkin']}/api/v2/spans`;
    const thrift = { 'Content-Type': 'application/x-thrift' };
    const noTenant = await fetch(jaegerUrl, {
      method: 'POST',
      body: thriftBatch(BATCH),
      headers: thrift,
    });
    assert.deepEqual(
      [noTenant.status, await noTenant.text()],
      [401, 'no org id: multi-tenancy is on, set the X-Scope-OrgID header\n'],
    );
    const ok = await fetch(jaegerUrl, {
      method: 'POST',
      body: thriftBatch(BATCH),
      headers: { ...thrift, 'X-Scope-OrgID': 'team-a' },
    });
    assert.equal(ok.status, 202);
    const zipkinTrace = 'f'.repeat(32);
    const z = await fetch(zipkinUrl, {
      method: 'POST',
      body: JSON.stringify([
        { traceId: zipkinTrace, id: 'f'.repeat(16), name: 'z', timestamp: 1_750_000_000_000_000 },
      ]),
      headers: { 'Content-Type': 'application/json', 'X-Scope-OrgID': 'team-b' },
    });
    assert.equal(z.status, 202);
    const read = (id: string, tenant: string) =>
      fetch(`${mt.api}/api/v2/traces/${id}`, { headers: { 'X-Scope-OrgID': tenant } }).then(
        (r) => r.status,
      );
    const jaegerTrace = BATCH.spans[0]?.traceId as string;
    assert.deepEqual(
      [
        await read(jaegerTrace, 'team-a'),
        await read(jaegerTrace, 'team-b'),
        await read(zipkinTrace, 'team-b'),
        await read(zipkinTrace, 'team-a'),
      ],
      [200, 404, 200, 404],
    );
  });

  it('refuses agent datagrams, which cannot carry a tenant, and counts them', async () => {
    const counter =
      'vivace_receiver_datagrams_refused_total{receiver="jaeger_thrift_compact",reason="multitenancy"}';
    const text = async () => (await fetch(`${mt.api}/metrics`)).text();
    await sendUdp(
      mt.app.ports['jaeger_thrift_compact'] as number,
      emitBatchDatagram(BATCH, 'compact'),
    );
    const deadline = Date.now() + 3000;
    while (!(await text()).includes(`${counter} 1`)) {
      if (Date.now() > deadline) assert.fail('the datagram was not counted');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
});
