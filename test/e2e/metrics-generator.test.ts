/**
 * The metrics generator against a real Prometheus (Debian's `prometheus`, remote-write receiver
 * on): a known topology is sent with the OpenTelemetry JS SDK, then the PromQL Grafana's service
 * map and RED table send must find every edge, rate, error count and latency bucket. A second
 * Prometheus scrapes `/metrics`, and starts only after Vivace has been remote-writing to its port
 * for a while: the samples of the outage must arrive once it is up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { defaultGenerator } from '../../src/app/config/defaults.js';
import { thriftBatch } from '../helpers/jaeger-wire.js';
import { freePort, startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const TRACES = 6;
const FAILING = 2;

/** Sends the shop topology, `TRACES` times; the first `FAILING` payments fail. */
async function sendTopology(server: TestServer): Promise<void> {
  const providers = new Map<string, BasicTracerProvider>();
  const tracer = (service: string) => {
    let p = providers.get(service);
    if (!p) {
      p = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [
          new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.otlpHttp}/v1/traces` })),
        ],
      });
      providers.set(service, p);
    }
    return p.getTracer('topology');
  };
  const child = (
    parent: Span,
    service: string,
    name: string,
    kind: SpanKind,
    startMs: number,
    attrs = {},
  ) =>
    tracer(service).startSpan(
      name,
      { kind, startTime: startMs, attributes: attrs },
      trace.setSpan(context.active(), parent),
    );
  const t0 = Date.now() - 3000;
  for (let i = 0; i < TRACES; i++) {
    const root = tracer('frontend').startSpan('GET /checkout', {
      kind: SpanKind.SERVER,
      startTime: t0,
    });
    const call = child(root, 'frontend', 'POST /api/checkout', SpanKind.CLIENT, t0 + 10);
    const checkout = child(call, 'checkout', 'POST /api/checkout', SpanKind.SERVER, t0 + 20);
    child(checkout, 'checkout', 'SELECT orders', SpanKind.CLIENT, t0 + 30, {
      'db.system': 'postgresql',
      'server.address': 'pg-main',
    }).end(t0 + 80);
    const charge = child(checkout, 'checkout', 'charge', SpanKind.CLIENT, t0 + 100);
    const payment = child(charge, 'payment', 'charge', SpanKind.SERVER, t0 + 110);
    if (i < FAILING) payment.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    payment.end(t0 + 360);
    charge.end(t0 + 400);
    const publish = child(checkout, 'checkout', 'publish order', SpanKind.PRODUCER, t0 + 410);
    publish.end(t0 + 420);
    child(publish, 'email', 'send receipt', SpanKind.CONSUMER, t0 + 500).end(t0 + 550);
    checkout.end(t0 + 700);
    call.end(t0 + 800);
    root.end(t0 + 1000);
  }
  await Promise.all([...providers.values()].map((p) => p.forceFlush()));
  await Promise.all([...providers.values()].map((p) => p.shutdown()));
}

function generatorConfig(remoteWriteUrl: string) {
  const base = defaultGenerator();
  return {
    ...base,
    collectionIntervalMs: 1000,
    externalLabels: { source: 'vivace-test' },
    serviceGraphs: { ...base.serviceGraphs, waitMs: 500 },
    remoteWrite: [{ url: remoteWriteUrl, headers: {}, sendExemplars: true }],
  };
}

/** Polls `check` until it passes (or `ms` is over, then its last error is thrown). */
async function eventually(check: () => Promise<void>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const edge = (r: { metric: Record<string, string> }) => `${r.metric.client}→${r.metric.server}`;
const sorted = (rows: Array<{ metric: Record<string, string>; value: number }>, key = edge) =>
  rows.map((r) => [key(r), r.value] as const).sort(([a], [b]) => (a < b ? -1 : 1));

describe('service graph and RED metrics in Prometheus, by remote write', () => {
  let prom: TestPrometheus;
  let server: TestServer;
  before(async () => {
    prom = await startPrometheus();
    server = await startTestServer({
      overrides: { metricsGeneratorProcessors: ['service-graphs', 'span-metrics'] },
      generator: generatorConfig(`${prom.url}/api/v1/write`),
    });
    await sendTopology(server);
  });
  after(async () => {
    await server.close();
    await prom.stop();
  });

  it("answers Grafana's service map queries: edges, connection types, errors", async () => {
    const edges = [
      'checkout→email',
      'checkout→payment',
      'checkout→pg-main',
      'frontend→checkout',
      'user→frontend',
    ];
    await eventually(async () => {
      const rate = await prom.query(
        'sum by (client, server) (rate(traces_service_graph_request_total[5m]))',
      );
      assert.deepEqual(rate.map(edge).sort(), edges);
      assert.ok(rate.every((r) => r.value > 0));
    });
    const types = await prom.query(
      'group by (client, connection_type, server) (traces_service_graph_request_total)',
    );
    assert.deepEqual(
      sorted(types, (r) => `${edge(r)}:${r.metric.connection_type ?? ''}`).map(([k]) => k),
      [
        'checkout→email:messaging_system',
        'checkout→payment:',
        'checkout→pg-main:database',
        'frontend→checkout:',
        'user→frontend:virtual_node',
      ],
    );
    const failed = await prom.query(
      'sum by (client, server) (rate(traces_service_graph_request_failed_total[5m]))',
    );
    assert.deepEqual(failed.map(edge), ['checkout→payment']);
    // `_sum` has no zero sample (as in Tempo): its rate needs a second collection.
    await eventually(async () => {
      for (const m of [
        'traces_service_graph_request_server_seconds_sum',
        'traces_service_graph_request_server_seconds_bucket',
      ]) {
        const rows = await prom.query(`sum by (client, server) (rate(${m}[5m]))`);
        assert.deepEqual(rows.map(edge).sort(), edges, m);
      }
    });
  });

  it('counts every call, failure and latency bucket exactly', async () => {
    const total = await prom.query('sum by (client, server) (traces_service_graph_request_total)');
    assert.deepEqual(sorted(total), [
      ['checkout→email', TRACES],
      ['checkout→payment', TRACES],
      ['checkout→pg-main', TRACES],
      ['frontend→checkout', TRACES],
      ['user→frontend', TRACES],
    ]);
    assert.deepEqual(
      sorted(
        await prom.query('sum by (client, server) (traces_service_graph_request_failed_total)'),
      ),
      [['checkout→payment', FAILING]],
    );
    // payment's server spans take 250 ms, checkout's client spans 300 ms: buckets 0.4 and above.
    const buckets = await prom.query(
      'sum by (le) (traces_service_graph_request_server_seconds_bucket{client="checkout",server="payment"})',
    );
    assert.deepEqual(
      sorted(buckets, (r) => r.metric.le ?? ''),
      [
        ['+Inf', TRACES],
        ['0.1', 0],
        ['0.2', 0],
        ['0.4', TRACES],
        ['0.8', TRACES],
        ['1.6', TRACES],
        ['12.8', TRACES],
        ['3.2', TRACES],
        ['6.4', TRACES],
      ],
    );
    const external = await prom.query('count by (source) (traces_service_graph_request_total)');
    assert.deepEqual(
      external.map((r) => r.metric.source),
      ['vivace-test'],
    );
  });

  it("answers Grafana's RED table queries from span metrics", async () => {
    const top = await prom.query(
      'topk(5, sum(rate(traces_spanmetrics_calls_total{span_kind="SPAN_KIND_SERVER",service="payment"}[5m])) by (span_name))',
    );
    assert.deepEqual(
      top.map((r) => r.metric.span_name),
      ['charge'],
    );
    const errors = await prom.query(
      'topk(5, sum(rate(traces_spanmetrics_calls_total{status_code="STATUS_CODE_ERROR",span_name=~"charge"}[5m])) by (span_name))',
    );
    assert.deepEqual(
      errors.map((r) => r.metric.span_name),
      ['charge'],
    );
    const [p90] = await prom.query(
      'histogram_quantile(.9, sum(rate(traces_spanmetrics_latency_bucket{span_name=~"charge",service="payment"}[5m])) by (le))',
    );
    assert.ok(p90 && p90.value > 0.128 && p90.value <= 0.256, `p90 ${p90?.value}`);
    const calls = await prom.query(
      'sum by (service, span_kind, status_code) (traces_spanmetrics_calls_total{service="payment"})',
    );
    assert.deepEqual(
      sorted(calls, (r) => `${r.metric.span_kind}/${r.metric.status_code}`),
      [
        ['SPAN_KIND_SERVER/STATUS_CODE_ERROR', FAILING],
        ['SPAN_KIND_SERVER/STATUS_CODE_UNSET', TRACES - FAILING],
      ],
    );
  });
});

describe('scraping /metrics, and remote write through a Prometheus outage', () => {
  let prom: TestPrometheus | undefined;
  let server: TestServer;
  let port: number;
  before(async () => {
    port = await freePort();
    server = await startTestServer({
      overrides: { metricsGeneratorProcessors: ['service-graphs', 'span-metrics'] },
      generator: generatorConfig(`http://127.0.0.1:${port}/api/v1/write`),
    });
  });
  after(async () => {
    await server.close();
    await prom?.stop();
  });

  it('delivers the samples collected while Prometheus was down once it is up', async () => {
    await sendTopology(server);
    // Every edge is counted (the virtual node last, when its wait is over) ...
    await eventually(async () => {
      const text = await (await fetch(`${server.api}/metrics`)).text();
      assert.match(text, /traces_service_graph_request_total\{client="user"/);
    });
    // ... then several collections fail while nothing listens; the queue keeps them, in order.
    await new Promise((r) => setTimeout(r, 2500));
    const downSince = Date.now() / 1000;
    const api = new URL(server.api);
    prom = await startPrometheus({ port, scrape: [`${api.host}`] });
    const p = prom;
    await eventually(async () => {
      const rows = await p.query(
        'sum(traces_service_graph_request_total{__metrics_gen_instance!=""})',
      );
      assert.equal(rows[0]?.value, 5 * TRACES);
    });
    // A sample from before Prometheus started, i.e. one that waited in the queue.
    const early = await p.query(
      'sum(traces_service_graph_request_total{__metrics_gen_instance!=""})',
      downSince - 0.5,
    );
    assert.equal(early[0]?.value, 5 * TRACES);
    await eventually(async () => {
      const scraped = await p.query(
        'sum by (job) (traces_spanmetrics_calls_total{job="vivace",service="payment",status_code="STATUS_CODE_ERROR"})',
      );
      assert.deepEqual(
        scraped.map((r) => [r.metric.job, r.value]),
        [['vivace', FAILING]],
      );
    });
    const up = await p.query('up{job="vivace"}');
    assert.equal(up[0]?.value, 1);
  });
});

describe('spans from every receiver are counted, per tenant', () => {
  let server: TestServer;
  before(async () => {
    const free = { host: '127.0.0.1', port: 0 };
    server = await startTestServer({
      multitenancyEnabled: true,
      overrides: { metricsGeneratorProcessors: ['span-metrics'] },
      receivers: {
        jaegerThriftHttp: { ...free, maxRequestBodyBytes: 1 << 20 },
        zipkin: { ...free, maxRequestBodyBytes: 1 << 20, parseStringTags: false },
      },
    });
  });
  after(() => server.close());

  it('counts Zipkin JSON and Jaeger thrift spans under their tenants', async () => {
    const nowUs = Date.now() * 1000;
    const zipkin = await fetch(`http://127.0.0.1:${server.app.ports['zipkin']}/api/v2/spans`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Scope-OrgID': 'team-z' },
      body: JSON.stringify([
        {
          traceId: 'a'.repeat(32),
          id: 'a'.repeat(16),
          name: 'get /z',
          kind: 'SERVER',
          timestamp: nowUs - 2000,
          duration: 1000,
          localEndpoint: { serviceName: 'zsvc' },
        },
      ]),
    });
    assert.equal(zipkin.status, 202);
    const batch = thriftBatch({
      process: { serviceName: 'jsvc' },
      spans: [
        {
          traceId: 'b'.repeat(32),
          spanId: 'b'.repeat(16),
          operationName: 'op',
          startUs: nowUs - 3000,
          durationUs: 500,
          tags: [{ key: 'span.kind', type: 'string', value: 'client' }],
        },
      ],
    });
    const jaeger = await fetch(
      `http://127.0.0.1:${server.app.ports['jaeger_thrift_http']}/api/traces`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-thrift', 'X-Scope-OrgID': 'team-j' },
        body: batch,
      },
    );
    assert.equal(jaeger.status, 202);
    const text = await (await fetch(`${server.api}/metrics`)).text();
    const calls = text
      .split('\n')
      .filter((l) => l.startsWith('traces_spanmetrics_calls_total{'))
      .sort();
    assert.deepEqual(calls, [
      'traces_spanmetrics_calls_total{service="jsvc",span_kind="SPAN_KIND_CLIENT",span_name="op",status_code="STATUS_CODE_UNSET",tenant="team-j"} 1',
      'traces_spanmetrics_calls_total{service="zsvc",span_kind="SPAN_KIND_SERVER",span_name="get /z",status_code="STATUS_CODE_UNSET",tenant="team-z"} 1',
    ]);
  });
});
