/** `GET /api/vivace/status`: the process, its ports, retention and the status page's metrics. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { parseExposition } from '../../src/api/http/vivace-routes.js';
import { postOtlp } from '../helpers/otlp-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

it('reads samples of the named metrics from a text exposition, labels unescaped', () => {
  const text = [
    '# HELP a_total A.',
    '# TYPE a_total counter',
    'a_total{tenant="t1",reason="rate \\"limited\\""} 3',
    'a_total{tenant="t2"} 4.5',
    'b 7',
    'c{x="y"} 1',
  ].join('\n');
  assert.deepEqual(parseExposition(text, new Set(['a_total', 'b'])), {
    a_total: [
      { labels: { tenant: 't1', reason: 'rate "limited"' }, value: 3 },
      { labels: { tenant: 't2' }, value: 4.5 },
    ],
    b: [{ labels: {}, value: 7 }],
  });
});

it('answers what the process is, on which ports, and how many spans it took', async () => {
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 's' } }] },
        scopeSpans: [
          {
            spans: [1, 2, 3].map((i) => ({
              traceId: 'ab'.repeat(16),
              spanId: String(i).padStart(16, '0'),
              name: 'x',
              startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
              endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
            })),
          },
        ],
      },
    ],
  });
  const sent = await postOtlp(server.otlpHttp, body, { 'Content-Type': 'application/json' });
  assert.equal(sent.status, 200);
  const res = await fetch(`${server.api}/api/vivace/status`);
  assert.equal(res.status, 200);
  const status = (await res.json()) as {
    ready: boolean;
    version: string;
    components: Array<{ name: string; port: number }>;
    retention: Record<string, number>;
    metrics: Record<string, Array<{ labels: Record<string, string>; value: number }>>;
  };
  assert.equal(status.ready, true);
  assert.match(status.version, /^\d+\.\d+\.\d+/);
  const names = status.components.map((c) => c.name);
  for (const n of ['api', 'otlp_http', 'otlp_grpc']) assert.ok(names.includes(n), n);
  assert.equal(status.components.find((c) => c.name === 'api')?.port, server.app.ports.api);
  assert.equal(status.retention.blockRetentionMs, server.config.compactor.blockRetentionMs);
  assert.deepEqual(status.metrics.tempo_distributor_spans_received_total, [
    { labels: { tenant: 'single-tenant', receiver: 'otlp_http_json' }, value: 3 },
  ]);
  assert.ok((status.metrics.vivace_wal_segments?.[0]?.value ?? 0) >= 1);
});
