/**
 * The span-metrics and service-graphs processors and their registry, table-driven with exact
 * series: spans in, `/metrics` text and collected samples out, on a fake clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultGenerator } from '../app/config/defaults.js';
import type { ServiceGraphsConfig, SpanMetricsConfig } from '../app/config/types.js';
import type { GenSpan } from './gen-span.js';
import { goFloatText } from './labels.js';
import { expositionText, Registry, type Exposition } from './registry.js';
import { ServiceGraphs } from './service-graphs.js';
import { SpanMetrics } from './span-metrics.js';

const T0 = 1_800_000_000_000;

function span(over: Partial<GenSpan> = {}): GenSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: '0000000000000001',
    parentSpanId: '',
    service: 'cart',
    name: 'GET /cart',
    kind: 2,
    statusCode: 0,
    statusMessage: '',
    startMs: T0 - 1000,
    endMs: T0 - 900,
    durationSec: 0.1,
    sizeBytes: 120,
    attrs: {},
    resourceAttrs: {},
    ...over,
  };
}

function registry(over: Partial<ConstructorParameters<typeof Registry>[0]> = {}): Registry {
  return new Registry({
    externalLabels: {},
    maxActiveSeries: 0,
    maxLabelNameLength: 1024,
    maxLabelValueLength: 2048,
    ...over,
  });
}

/** The exposition lines of a registry whose metric name starts with `prefix`, sorted. */
function lines(r: Registry, prefix: string): string[] {
  const out: Exposition = new Map();
  r.expose(out);
  return expositionText(out)
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .sort();
}

function spanMetrics(over: Partial<SpanMetricsConfig> = {}, reg = registry()) {
  const cfg = { ...defaultGenerator().spanMetrics, histogramBuckets: [0.05, 0.5], ...over };
  return { reg, sm: new SpanMetrics(reg, cfg) };
}

describe('goFloatText', () => {
  const cases: Array<[number, string]> = [
    [0.1, '0.1'],
    [0.002, '0.002'],
    [16.384, '16.384'],
    [1, '1'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e-8, '-0.000000025'],
    [Infinity, '+Inf'],
  ];
  for (const [v, text] of cases) it(`${v} → ${text}`, () => assert.equal(goFloatText(v), text));
});

describe('span metrics', () => {
  it('counts calls, latency and size with the intrinsic labels', () => {
    const { reg, sm } = spanMetrics();
    sm.consume(
      [
        span(),
        span({ durationSec: 0.3, sizeBytes: 80 }),
        span({ statusCode: 2, statusMessage: 'boom', durationSec: 2 }),
        span({ service: '', kind: 3, name: 'SELECT' }),
      ],
      T0,
    );
    const cart = 'service="cart",span_kind="SPAN_KIND_SERVER",span_name="GET /cart"';
    assert.deepEqual(lines(reg, 'traces_spanmetrics_calls_total'), [
      `traces_spanmetrics_calls_total{${cart},status_code="STATUS_CODE_ERROR"} 1`,
      `traces_spanmetrics_calls_total{${cart},status_code="STATUS_CODE_UNSET"} 2`,
      'traces_spanmetrics_calls_total{span_kind="SPAN_KIND_CLIENT",span_name="SELECT",status_code="STATUS_CODE_UNSET"} 1',
    ]);
    assert.deepEqual(
      lines(reg, 'traces_spanmetrics_latency').filter(
        (l) => l.includes('UNSET') && l.includes('cart'),
      ),
      [
        `traces_spanmetrics_latency_bucket{le="+Inf",${cart},status_code="STATUS_CODE_UNSET"} 2`,
        `traces_spanmetrics_latency_bucket{le="0.05",${cart},status_code="STATUS_CODE_UNSET"} 0`,
        `traces_spanmetrics_latency_bucket{le="0.5",${cart},status_code="STATUS_CODE_UNSET"} 2`,
        `traces_spanmetrics_latency_count{${cart},status_code="STATUS_CODE_UNSET"} 2`,
        `traces_spanmetrics_latency_sum{${cart},status_code="STATUS_CODE_UNSET"} 0.4`,
      ],
    );
    assert.deepEqual(
      lines(reg, 'traces_spanmetrics_size_total').filter(
        (l) => l.includes('UNSET') && l.includes('cart'),
      ),
      [`traces_spanmetrics_size_total{${cart},status_code="STATUS_CODE_UNSET"} 200`],
    );
  });

  it('dimensions: resource before span, sanitised, intrinsic clashes prefixed; intrinsics off', () => {
    const { reg, sm } = spanMetrics({
      dimensions: ['http.method', 'deployment.environment', 'service', 'missing'],
      intrinsicDimensions: {
        service: true,
        span_name: false,
        span_kind: false,
        status_code: false,
        status_message: true,
      },
    });
    sm.consume(
      [
        span({
          attrs: { 'http.method': 'GET', 'deployment.environment': 'span-level', service: 'x' },
          resourceAttrs: { 'deployment.environment': 'prod' },
          statusMessage: 'ok',
        }),
        span({ attrs: { 'http.method': 7 } }),
      ],
      T0,
    );
    assert.deepEqual(lines(reg, 'traces_spanmetrics_calls_total'), [
      'traces_spanmetrics_calls_total{__service="x",deployment_environment="prod",http_method="GET",service="cart",status_message="ok"} 1',
      'traces_spanmetrics_calls_total{http_method="7",service="cart"} 1',
    ]);
  });

  it('the span multiplier (span attribute, then resource) weighs calls and latency, not size', () => {
    const { reg, sm } = spanMetrics({ spanMultiplierKey: 'sampling.ratio' });
    sm.consume(
      [
        span({ attrs: { 'sampling.ratio': 0.25 } }),
        span({ resourceAttrs: { 'sampling.ratio': 0.5 } }),
      ],
      T0,
    );
    const got = lines(reg, 'traces_spanmetrics_').filter((l) => /calls|count|size/.test(l));
    assert.deepEqual(
      got.map((l) => l.replace(/\{.*\}/, '')),
      [
        'traces_spanmetrics_calls_total 6',
        'traces_spanmetrics_latency_count 6',
        'traces_spanmetrics_size_total 240',
      ],
    );
  });
});

describe('registry', () => {
  it('collects new series with a 0 a second before the minute, then only the value', () => {
    const reg = registry({
      externalLabels: { source: 'vivace' },
      collectedLabels: { __metrics_gen_instance: 'h1' },
    });
    const { sm } = spanMetrics({ histogramBuckets: [1] }, reg);
    sm.consume([span()], T0);
    const now = T0 + 30_500;
    const first = reg.collect(now);
    const calls = first.find((s) =>
      s.labels.some(([k, v]) => k === '__name__' && v === 'traces_spanmetrics_calls_total'),
    );
    assert.deepEqual(calls, {
      labels: [
        ['__metrics_gen_instance', 'h1'],
        ['__name__', 'traces_spanmetrics_calls_total'],
        ['service', 'cart'],
        ['source', 'vivace'],
        ['span_kind', 'SPAN_KIND_SERVER'],
        ['span_name', 'GET /cart'],
        ['status_code', 'STATUS_CODE_UNSET'],
      ],
      samples: [
        [0, Math.floor(now / 60_000) * 60_000 - 1000],
        [1, now],
      ],
    });
    const names = (c: typeof first) =>
      c.map(
        (s) =>
          `${s.labels.find(([k]) => k === '__name__')?.[1]}:${s.samples.length}${s.exemplar ? '+ex' : ''}`,
      );
    assert.deepEqual(names(first), [
      'traces_spanmetrics_calls_total:2',
      'traces_spanmetrics_latency_bucket:2+ex',
      'traces_spanmetrics_latency_bucket:2',
      'traces_spanmetrics_latency_sum:1',
      'traces_spanmetrics_latency_count:2',
      'traces_spanmetrics_size_total:2',
    ]);
    assert.deepEqual(first[1]?.exemplar, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      value: 0.1,
      timestampMs: now,
    });
    const second = reg.collect(now + 15_000);
    assert.deepEqual(names(second), [
      'traces_spanmetrics_calls_total:1',
      'traces_spanmetrics_latency_bucket:1',
      'traces_spanmetrics_latency_bucket:1',
      'traces_spanmetrics_latency_sum:1',
      'traces_spanmetrics_latency_count:1',
      'traces_spanmetrics_size_total:1',
    ]);
  });

  it('removes stale series, which start again from 0', () => {
    const reg = registry();
    const { sm } = spanMetrics({}, reg);
    sm.consume([span()], T0);
    sm.consume([span({ name: 'later' })], T0 + 60_000);
    reg.removeStale(T0 + 1);
    assert.deepEqual(
      lines(reg, 'traces_spanmetrics_calls_total').map((l) => /span_name="([^"]*)"/.exec(l)?.[1]),
      ['later'],
    );
    assert.equal(reg.activeSeries, 1 + 1 + 2 + 3);
  });

  it('sends what does not fit max_active_series to one overflow series', () => {
    let limited = 0;
    const reg = registry({ maxActiveSeries: 6, onLimited: (c) => (limited += c) });
    const { sm } = spanMetrics({ histogramBuckets: [1] }, reg);
    sm.consume([span(), span({ name: 'b' }), span({ name: 'c' })], T0);
    // One span's three series cost 1 + (2 + 2) + 1 = 6; the next do not fit.
    assert.deepEqual(lines(reg, 'traces_spanmetrics_calls_total'), [
      'traces_spanmetrics_calls_total{metric_overflow="true"} 2',
      'traces_spanmetrics_calls_total{service="cart",span_kind="SPAN_KIND_SERVER",span_name="GET /cart",status_code="STATUS_CODE_UNSET"} 1',
    ]);
    assert.equal(reg.activeSeries, 6);
    assert.equal(limited, 2 * (1 + 4 + 1));
  });
});

function graphs(over: Partial<ServiceGraphsConfig> = {}) {
  const reg = registry();
  const stats = { edges: 0, expired: [] as string[], dropped: 0 };
  const cfg = {
    ...defaultGenerator().serviceGraphs,
    histogramBuckets: [0.5, 1],
    waitMs: 10_000,
    ...over,
  };
  const sg = new ServiceGraphs(reg, cfg, {
    edge: () => stats.edges++,
    expired: (k) => stats.expired.push(k),
    dropped: () => stats.dropped++,
  });
  return { reg, sg, stats };
}

const CLIENT = span({
  service: 'frontend',
  kind: 3,
  spanId: '00000000000000c1',
  parentSpanId: '00000000000000a0',
  durationSec: 0.7,
});
const SERVER = span({
  service: 'cart',
  kind: 2,
  spanId: '00000000000000d1',
  parentSpanId: '00000000000000c1',
  durationSec: 0.4,
});

function totals(reg: Registry): string[] {
  return lines(reg, 'traces_service_graph_request_').filter((l) => /_total|_count|_sum/.test(l));
}

describe('service graphs', () => {
  for (const [name, order] of [
    ['client first', [CLIENT, SERVER]],
    ['server first', [SERVER, CLIENT]],
  ] as const) {
    it(`pairs a client and its server span (${name}) into one edge`, () => {
      const { reg, sg, stats } = graphs();
      sg.consume([order[0]], T0);
      assert.equal(sg.waiting, 1);
      sg.consume([order[1]], T0 + 10);
      assert.equal(sg.waiting, 0);
      assert.equal(stats.edges, 1);
      assert.deepEqual(totals(reg), [
        'traces_service_graph_request_client_seconds_count{client="frontend",server="cart"} 1',
        'traces_service_graph_request_client_seconds_sum{client="frontend",server="cart"} 0.7',
        'traces_service_graph_request_server_seconds_count{client="frontend",server="cart"} 1',
        'traces_service_graph_request_server_seconds_sum{client="frontend",server="cart"} 0.4',
        'traces_service_graph_request_total{client="frontend",server="cart"} 1',
      ]);
    });
  }

  /** Halves in one request (paired in the worker) and one request each (paired on the main thread). */
  const WAYS = [
    ['one request', (sg: ServiceGraphs, spans: GenSpan[]) => sg.consume(spans, T0)],
    [
      'a request each',
      (sg: ServiceGraphs, spans: GenSpan[]) => spans.forEach((x) => sg.consume([x], T0)),
    ],
  ] as const;

  for (const [way, send] of WAYS) {
    it(`marks an edge failed when either side has status error; messaging spans set connection_type (${way})`, () => {
      const { reg, sg } = graphs({ enableMessagingSystemLatencyHistogram: true });
      send(sg, [CLIENT, { ...SERVER, statusCode: 2 }]);
      send(sg, [
        { ...CLIENT, kind: 4, spanId: '00000000000000e1', service: 'checkout', endMs: T0 - 500 },
        {
          ...SERVER,
          kind: 5,
          parentSpanId: '00000000000000e1',
          service: 'email',
          startMs: T0 - 200,
        },
      ]);
      assert.deepEqual(
        lines(reg, 'traces_service_graph_request_').filter((l) =>
          /total|messaging_system_seconds_(sum|count)/.test(l),
        ),
        [
          'traces_service_graph_request_failed_total{client="frontend",server="cart"} 1',
          'traces_service_graph_request_messaging_system_seconds_count{client="checkout",connection_type="messaging_system",server="email"} 1',
          'traces_service_graph_request_messaging_system_seconds_sum{client="checkout",connection_type="messaging_system",server="email"} 0.3',
          'traces_service_graph_request_total{client="checkout",connection_type="messaging_system",server="email"} 1',
          'traces_service_graph_request_total{client="frontend",server="cart"} 1',
        ],
      );
    });

    it(`dimensions with and without the client/server prefix (${way})`, () => {
      for (const [prefix, want] of [
        [
          false,
          'traces_service_graph_request_total{client="frontend",env="prod-cart",server="cart"} 1',
        ],
        [
          true,
          'traces_service_graph_request_total{client="frontend",client_env="prod-frontend",server="cart",server_env="prod-cart"} 1',
        ],
      ] as const) {
        const { reg, sg } = graphs({ dimensions: ['env'], enableClientServerPrefix: prefix });
        send(sg, [
          { ...CLIENT, resourceAttrs: { env: 'prod-frontend' } },
          { ...SERVER, attrs: { env: 'prod-cart' } },
        ]);
        assert.deepEqual(lines(reg, 'traces_service_graph_request_total'), [want]);
      }
    });

    it(`latency buckets and exemplars of a paired edge (${way})`, () => {
      const { reg, sg } = graphs();
      send(sg, [CLIENT, SERVER]);
      assert.deepEqual(
        lines(reg, 'traces_service_graph_request_').filter((l) => l.includes('_bucket')),
        [
          'traces_service_graph_request_client_seconds_bucket{client="frontend",le="+Inf",server="cart"} 1',
          'traces_service_graph_request_client_seconds_bucket{client="frontend",le="0.5",server="cart"} 0',
          'traces_service_graph_request_client_seconds_bucket{client="frontend",le="1",server="cart"} 1',
          'traces_service_graph_request_server_seconds_bucket{client="frontend",le="+Inf",server="cart"} 1',
          'traces_service_graph_request_server_seconds_bucket{client="frontend",le="0.5",server="cart"} 1',
          'traces_service_graph_request_server_seconds_bucket{client="frontend",le="1",server="cart"} 1',
        ],
      );
      const exemplars = reg
        .collect(T0)
        .filter((x) => x.exemplar)
        .map((x) => x.exemplar?.traceId);
      assert.deepEqual(exemplars, [CLIENT.traceId, CLIENT.traceId]);
    });
  }

  it('turns a client span with a database attribute into a database edge at once', () => {
    const { reg, sg } = graphs();
    sg.consume(
      [
        { ...CLIENT, attrs: { 'db.system': 'postgresql', 'server.address': 'pg-1' } },
        {
          ...CLIENT,
          spanId: '00000000000000c2',
          attrs: {
            'db.system': 'redis',
            'network.peer.address': '10.0.0.7',
            'network.peer.port': 6379,
          },
        },
        { ...CLIENT, spanId: '00000000000000c3', attrs: { 'db.name': 'orders' } },
        {
          ...CLIENT,
          spanId: '00000000000000c4',
          attrs: {
            'db.system': 'mysql',
            'peer.service': 'mysql-main',
            'server.address': 'ignored',
          },
        },
      ],
      T0,
    );
    assert.equal(sg.waiting, 0);
    assert.deepEqual(
      lines(reg, 'traces_service_graph_request_total'),
      ['10.0.0.7:6379', 'mysql-main', 'orders', 'pg-1'].map(
        (server) =>
          `traces_service_graph_request_total{client="frontend",connection_type="database",server="${server}"} 1`,
      ),
    );
  });

  it('expires half edges into virtual nodes, or counts them', () => {
    const { reg, sg, stats } = graphs({ enableVirtualNodeLabel: true });
    sg.consume(
      [
        { ...SERVER, parentSpanId: '' },
        {
          ...SERVER,
          parentSpanId: '',
          traceId: 'f'.repeat(32),
          attrs: { 'peer.service': 'mobile-app' },
        },
        { ...CLIENT, spanId: '00000000000000c5', attrs: { 'peer.service': 'payments-api' } },
        { ...CLIENT, spanId: '00000000000000c6' },
        { ...SERVER, parentSpanId: '0000000000000099' },
      ],
      T0,
    );
    assert.equal(sg.waiting, 5);
    sg.expire(T0 + 9_999);
    assert.equal(sg.waiting, 5);
    sg.expire(T0 + 10_000);
    assert.equal(sg.waiting, 0);
    assert.deepEqual(lines(reg, 'traces_service_graph_request_total'), [
      'traces_service_graph_request_total{client="frontend",connection_type="virtual_node",server="payments-api",virtual_node="server"} 1',
      'traces_service_graph_request_total{client="mobile-app",connection_type="virtual_node",server="cart",virtual_node="client"} 1',
      'traces_service_graph_request_total{client="user",connection_type="virtual_node",server="cart",virtual_node="client"} 1',
    ]);
    assert.deepEqual(stats.expired.sort(), ['SPAN_KIND_CLIENT', 'SPAN_KIND_SERVER']);
  });

  it('drops spans that would open an edge beyond max_items, and still completes waiting ones', () => {
    const { reg, sg, stats } = graphs({ maxItems: 1 });
    // Halves that meet within one request pair at once; max_items bounds edges left waiting.
    sg.consume([CLIENT], T0);
    sg.consume([{ ...CLIENT, spanId: '00000000000000c7' }], T0);
    sg.consume([SERVER], T0);
    assert.equal(stats.dropped, 1);
    assert.deepEqual(lines(reg, 'traces_service_graph_request_total'), [
      'traces_service_graph_request_total{client="frontend",server="cart"} 1',
    ]);
  });

  it('ignores spans without a service and internal spans', () => {
    const { sg } = graphs();
    sg.consume(
      [
        { ...CLIENT, service: '' },
        { ...SERVER, kind: 1 },
      ],
      T0,
    );
    assert.equal(sg.waiting, 0);
  });
});
