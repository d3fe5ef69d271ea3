/**
 * `GET /api/vivace/service-graph` on a known topology: client/server pairs, a producer/consumer
 * pair, a failed call, a database as a virtual node (db.system), a client span with no peer
 * (left out), the same from the head and from a block; a bad range gets 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postOtlp } from '../helpers/otlp-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MS = 1_000_000n;
const T0 = BigInt(Date.now() - 10 * 60_000) * MS;
const TRACE = 'dead0000000000000000000000000001';

interface Def {
  id: string;
  parent?: string;
  service: string;
  kind: number;
  at: number;
  ms: number;
  error?: boolean;
  attrs?: Record<string, string>;
}

const SPANS: Def[] = [
  { id: '01', service: 'frontend', kind: 2, at: 0, ms: 100 },
  { id: '02', parent: '01', service: 'frontend', kind: 3, at: 5, ms: 80 },
  { id: '03', parent: '02', service: 'checkout', kind: 2, at: 6, ms: 40 },
  {
    id: '04',
    parent: '03',
    service: 'checkout',
    kind: 3,
    at: 7,
    ms: 3,
    attrs: { 'db.system': 'postgresql' },
  },
  { id: '05', parent: '03', service: 'checkout', kind: 4, at: 20, ms: 1 },
  { id: '06', parent: '05', service: 'billing', kind: 5, at: 30, ms: 10 },
  { id: '07', parent: '01', service: 'frontend', kind: 3, at: 50, ms: 20, error: true },
  { id: '08', parent: '07', service: 'checkout', kind: 2, at: 51, ms: 18, error: true },
  { id: '09', parent: '01', service: 'frontend', kind: 3, at: 90, ms: 2 },
];

function body(): string {
  const services = [...new Set(SPANS.map((s) => s.service))];
  return JSON.stringify({
    resourceSpans: services.map((service) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [
        {
          spans: SPANS.filter((s) => s.service === service).map((s) => ({
            traceId: TRACE,
            spanId: s.id.padStart(16, '0'),
            parentSpanId: s.parent ? s.parent.padStart(16, '0') : '',
            name: `op ${s.id}`,
            kind: s.kind,
            startTimeUnixNano: String(T0 + BigInt(s.at) * MS),
            endTimeUnixNano: String(T0 + BigInt(s.at + s.ms) * MS),
            attributes: Object.entries(s.attrs ?? {}).map(([key, v]) => ({
              key,
              value: { stringValue: v },
            })),
            status: s.error ? { code: 2 } : {},
          })),
        },
      ],
    })),
  });
}

/** The upper bound, in ms, of the power-of-two bucket of a duration in ms. */
const bucketMs = (ms: number) => 2 ** Math.ceil(Math.log2(ms * 1e6)) / 1e6;

let server: TestServer;
before(async () => {
  server = await startTestServer();
  const res = await postOtlp(server.otlpHttp, body(), { 'Content-Type': 'application/json' });
  assert.equal(res.status, 200);
});
after(() => server.close());

const range = () => {
  const s = Number(T0 / 1_000_000_000n);
  return `start=${s - 60}&end=${s + 60}`;
};

function check(when: string) {
  it(`edges with calls, failures and server-side latency (${when})`, async () => {
    const res = await fetch(`${server.api}/api/vivace/service-graph?${range()}`);
    assert.equal(res.status, 200);
    const { edges } = (await res.json()) as { edges: unknown[] };
    assert.deepEqual(edges, [
      {
        client: 'checkout',
        server: 'billing',
        virtual: false,
        calls: 1,
        failed: 0,
        p50Ms: bucketMs(10),
        p90Ms: bucketMs(10),
      },
      {
        client: 'checkout',
        server: 'postgresql',
        virtual: true,
        calls: 1,
        failed: 0,
        p50Ms: bucketMs(3),
        p90Ms: bucketMs(3),
      },
      {
        client: 'frontend',
        server: 'checkout',
        virtual: false,
        calls: 2,
        failed: 1,
        p50Ms: bucketMs(18),
        p90Ms: bucketMs(40),
      },
    ]);
  });
}

describe('service graph from the head', () => check('head'));

describe('service graph from a block', () => {
  before(async () => {
    assert.equal((await fetch(`${server.api}/flush`, { method: 'POST' })).status, 204);
  });
  check('block');
  it('a range that ends before it starts is a 400', async () => {
    const res = await fetch(`${server.api}/api/vivace/service-graph?start=200&end=100`);
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'end must be greater than start\n');
  });
});
