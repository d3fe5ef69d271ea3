/**
 * Tempo's streaming gRPC API on the HTTP API's port (reference/grafana-client.md §3), called with
 * grpc-js as Grafana's Go client calls it: cleartext HTTP/2 with prior knowledge, server-streaming
 * `tempopb.StreamingQuerier` methods. Every answer must carry what the HTTP route answers.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client, Metadata, credentials, type ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { postOtlp } from '../helpers/otlp-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const OTLP_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/proto/otlp',
);

/** The messages of tempo.proto these calls use, against the OTLP package (wire-identical). */
const STREAMING_SUBSET = `
syntax = "proto3";
package tempopb;
import "opentelemetry/proto/common/v1/common.proto";
message SearchRequest {
  map<string, string> Tags = 1;
  uint32 MinDurationMs = 2;
  uint32 MaxDurationMs = 3;
  uint32 Limit = 4;
  uint32 start = 5;
  uint32 end = 6;
  string Query = 8;
  uint32 SpansPerSpanSet = 9;
}
message SearchResponse { repeated TraceSearchMetadata traces = 1; SearchMetrics metrics = 2; }
message TraceSearchMetadata {
  string traceID = 1;
  string rootServiceName = 2;
  string rootTraceName = 3;
  uint64 startTimeUnixNano = 4;
  uint32 durationMs = 5;
  SpanSet spanSet = 6;
  repeated SpanSet spanSets = 7;
  map<string, ServiceStats> serviceStats = 8;
}
message ServiceStats { uint32 spanCount = 1; uint32 errorCount = 2; }
message SpanSet {
  repeated Span spans = 1;
  uint32 matched = 2;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 3;
}
message Span {
  string spanID = 1;
  string name = 2;
  uint64 startTimeUnixNano = 3;
  uint64 durationNanos = 4;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 5;
}
message SearchMetrics {
  uint32 inspectedTraces = 1;
  uint64 inspectedBytes = 2;
  uint32 totalBlocks = 3;
  uint32 completedJobs = 4;
  uint32 totalJobs = 5;
  uint64 totalBlockBytes = 6;
  uint64 inspectedSpans = 7;
}
message QueryRangeRequest { string query = 1; uint64 start = 2; uint64 end = 3; uint64 step = 4; uint32 exemplars = 16; }
message QueryInstantRequest { string query = 1; uint64 start = 2; uint64 end = 3; }
message QueryRangeResponse { repeated TimeSeries series = 1; SearchMetrics metrics = 2; }
message QueryInstantResponse { repeated InstantSeries series = 1; SearchMetrics metrics = 2; }
message TimeSeries {
  repeated opentelemetry.proto.common.v1.KeyValue labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 4;
}
message Sample { double value = 1; int64 timestamp_ms = 2; }
message Exemplar {
  repeated opentelemetry.proto.common.v1.KeyValue labels = 1;
  double value = 2;
  int64 timestamp_ms = 3;
}
message InstantSeries { repeated opentelemetry.proto.common.v1.KeyValue labels = 1; double value = 2; }
`;

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(OTLP_DIR, target);
  root.loadSync('opentelemetry/proto/common/v1/common.proto');
  protobuf.parse(STREAMING_SUBSET, root);
  root.resolveAll();
  return root;
}

const ROOT = loadRoot();
const type = (name: string): protobuf.Type => ROOT.lookupType(`tempopb.${name}`);

/** A decoded message as proto3 JSON spells it (64-bit integers as text, defaults left out). */
function asJson(t: protobuf.Type, bytes: Buffer): Record<string, unknown> {
  return t.toObject(t.decode(bytes), { longs: String, defaults: false });
}

interface StreamResult {
  messages: Buffer[];
  error?: ServiceError;
}

let server: TestServer;
let client: Client;
const addr = (): string => new URL(server.api).host;

/** Calls a server-streaming method and collects its messages until it ends. */
function call(
  method: string,
  request: Uint8Array,
  metadata = new Metadata(),
  on: Client = client,
): Promise<StreamResult> {
  return new Promise((resolve) => {
    const messages: Buffer[] = [];
    const stream = on.makeServerStreamRequest(
      `/tempopb.StreamingQuerier/${method}`,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      request,
      metadata,
    );
    stream.on('data', (m: Buffer) => messages.push(m));
    stream.on('error', (error: ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages }));
  });
}

function searchRequest(fields: Record<string, unknown>): Uint8Array {
  const t = type('SearchRequest');
  return t.encode(t.fromObject(fields)).finish();
}

async function httpJson(pathAndQuery: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.api}${pathAndQuery}`);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Record<string, unknown>;
}

const NOW_S = Math.floor(Date.now() / 1000);
const BIG = 'x'.repeat(3000);

/** Trace i of the data set: a root and a child, services `front` and `pay`, errors on odd i. */
function spans(i: number): unknown[] {
  const traceId = (i + 1).toString(16).padStart(32, '0');
  const start = BigInt(NOW_S - 60) * 1_000_000_000n + BigInt(i) * 1_000_000n;
  const span = (id: number, parent: number, name: string, attrs: unknown[], error = false) => ({
    traceId,
    spanId: id.toString(16).padStart(16, '0'),
    ...(parent > 0 ? { parentSpanId: parent.toString(16).padStart(16, '0') } : {}),
    name,
    kind: 2,
    startTimeUnixNano: String(start + BigInt(id)),
    endTimeUnixNano: String(start + BigInt(id) + 5_000_000n),
    attributes: attrs,
    ...(error ? { status: { code: 2 } } : {}),
  });
  return [
    span(1, 0, 'GET /', [{ key: 'http.status_code', value: { intValue: String(200 + i) } }]),
    span(2, 1, 'Charge', [{ key: 'blob', value: { stringValue: `${i}:${BIG}` } }], i % 2 === 1),
  ];
}

const TRACES = 2000;

before(async () => {
  server = await startTestServer();
  client = new Client(addr(), credentials.createInsecure());
  for (let from = 0; from < TRACES; from += 500) {
    const all = Array.from({ length: 500 }, (_, k) => spans(from + k)).flat() as Array<{
      name: string;
    }>;
    const body = JSON.stringify({
      resourceSpans: ['front', 'pay'].map((service) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans: all.filter((s) => (s.name === 'GET /') === (service === 'front')) }],
      })),
    });
    const sent = await postOtlp(server.otlpHttp, body, { 'Content-Type': 'application/json' });
    assert.equal(sent.status, 200);
  }
});
after(async () => {
  client.close();
  await server.close();
});

describe('streaming search', () => {
  const CASES: Array<[string, Record<string, unknown>, string]> = [
    [
      'a TraceQL query with limit, spss and a range',
      {
        Query: '{ status = error }',
        Limit: 30,
        SpansPerSpanSet: 2,
        start: NOW_S - 600,
        end: NOW_S + 60,
      },
      `q=${encodeURIComponent('{ status = error }')}&limit=30&spss=2&start=${NOW_S - 600}&end=${NOW_S + 60}`,
    ],
    [
      'reported attributes of every type',
      { Query: '{ span.http.status_code >= 1990 }', Limit: 100 },
      `q=${encodeURIComponent('{ span.http.status_code >= 1990 }')}&limit=100`,
    ],
    [
      "no limit: Tempo's default of 20",
      { Query: '{ resource.service.name = "pay" }' },
      `q=${encodeURIComponent('{ resource.service.name = "pay" }')}`,
    ],
    [
      'legacy tags',
      { Tags: { 'service.name': 'front' }, Limit: 5 },
      'tags=service.name%3Dfront&limit=5',
    ],
  ];
  for (const [what, request, query] of CASES) {
    it(`answers as /api/search does: ${what}`, async () => {
      const r = await call('Search', searchRequest(request));
      assert.equal(r.error, undefined);
      assert.equal(r.messages.length, 1);
      const got = asJson(type('SearchResponse'), r.messages[0] as Buffer);
      const want = await httpJson(`/api/search?${query}`);
      assert.ok((want.traces as unknown[]).length > 0);
      assert.deepEqual(got, want);
    });
  }

  it('cuts a large answer into messages under 4 MiB, each with the metrics', async () => {
    const q = '{ span.blob != "" }';
    const r = await call('Search', searchRequest({ Query: q, Limit: 100_000, SpansPerSpanSet: 3 }));
    assert.equal(r.error, undefined);
    assert.ok(r.messages.length >= 3, `${r.messages.length} messages`);
    const want = await httpJson(`/api/search?q=${encodeURIComponent(q)}&limit=100000&spss=3`);
    const traces: unknown[] = [];
    for (const m of r.messages) {
      assert.ok(m.length < 4 * 1024 * 1024, `${m.length} bytes`);
      const got = asJson(type('SearchResponse'), m);
      assert.deepEqual(got.metrics, want.metrics);
      traces.push(...(got.traces as unknown[]));
    }
    assert.equal(traces.length, TRACES);
    assert.deepEqual(traces, want.traces);
  });

  it("answers Grafana's connection test (`{}`, limit 1, the last 15 minutes)", async () => {
    const r = await call(
      'Search',
      searchRequest({ Query: '{}', Limit: 1, start: NOW_S - 900, end: NOW_S + 60 }),
    );
    assert.equal(r.error, undefined);
    const got = asJson(type('SearchResponse'), r.messages[0] as Buffer);
    assert.equal((got.traces as unknown[]).length, 1);
  });

  it('ends a bad query with INVALID_ARGUMENT and the message /api/search gives', async () => {
    const q = '{ span.foo = }';
    const r = await call('Search', searchRequest({ Query: q }));
    const res = await fetch(`${server.api}/api/search?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 400);
    assert.equal(r.error?.code, 3);
    assert.equal(r.error?.details, (await res.text()).trim());
    assert.deepEqual(r.messages, []);
  });

  it('ends a malformed request with INVALID_ARGUMENT saying where', async () => {
    const r = await call('Search', Buffer.from([0x42, 0x05, 0x7b]));
    assert.equal(r.error?.code, 3);
    assert.match(r.error?.details ?? '', /^invalid SearchRequest: .* at byte \d+$/);
  });
});

describe('streaming TraceQL metrics', () => {
  const startNs = BigInt(NOW_S - 300) * 1_000_000_000n;
  const endNs = BigInt(NOW_S) * 1_000_000_000n;
  const range = `start=${startNs}&end=${endNs}`;

  it('answers a range query as /api/metrics/query_range does', async () => {
    const q = '{} | rate() by (resource.service.name)';
    const t = type('QueryRangeRequest');
    const req = t
      .encode(
        t.fromObject({ query: q, start: String(startNs), end: String(endNs), step: '15000000000' }),
      )
      .finish();
    const r = await call('MetricsQueryRange', req);
    assert.equal(r.error, undefined);
    assert.equal(r.messages.length, 1);
    const got = asJson(type('QueryRangeResponse'), r.messages[0] as Buffer);
    const want = await httpJson(
      `/api/metrics/query_range?q=${encodeURIComponent(q)}&${range}&step=15s`,
    );
    assert.equal((want.series as unknown[]).length, 2);
    assert.deepEqual(got, want);
  });

  it('answers an instant query as /api/metrics/query does', async () => {
    const q = '{ status = error } | count_over_time() by (name)';
    const t = type('QueryInstantRequest');
    const req = t
      .encode(t.fromObject({ query: q, start: String(startNs), end: String(endNs) }))
      .finish();
    const r = await call('MetricsQueryInstant', req);
    assert.equal(r.error, undefined);
    const got = asJson(type('QueryInstantResponse'), r.messages[0] as Buffer);
    const want = await httpJson(`/api/metrics/query?q=${encodeURIComponent(q)}&${range}`);
    assert.equal((want.series as unknown[]).length, 1);
    assert.deepEqual(got, want);
  });

  it('ends a search query sent as metrics with INVALID_ARGUMENT', async () => {
    const t = type('QueryRangeRequest');
    const r = await call('MetricsQueryRange', t.encode(t.fromObject({ query: '{}' })).finish());
    assert.equal(r.error?.code, 3);
    assert.equal(r.error?.details, 'not a metrics query');
  });
});

describe('streaming with multi-tenancy', () => {
  let mt: TestServer;
  let mtClient: Client;
  before(async () => {
    mt = await startTestServer({ multitenancyEnabled: true });
    mtClient = new Client(new URL(mt.api).host, credentials.createInsecure());
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }] },
          scopeSpans: [{ spans: spans(0) }],
        },
      ],
    });
    const sent = await postOtlp(mt.otlpHttp, body, {
      'Content-Type': 'application/json',
      'X-Scope-OrgID': 'team-a',
    });
    assert.equal(sent.status, 200);
  });
  after(async () => {
    mtClient.close();
    await mt.close();
  });

  /** `Search` of `{}` on the multi-tenant server as `org` (no metadata when undefined). */
  function searchAs(org: string | undefined): Promise<StreamResult> {
    const metadata = new Metadata();
    if (org !== undefined) metadata.set('x-scope-orgid', org);
    return call('Search', searchRequest({ Query: '{}' }), metadata, mtClient);
  }

  it("reads the tenant from the call's metadata", async () => {
    const traces = async (org: string) => {
      const r = await searchAs(org);
      assert.equal(r.error, undefined);
      return (asJson(type('SearchResponse'), r.messages[0] as Buffer).traces ?? []) as unknown[];
    };
    assert.equal((await traces('team-a')).length, 1);
    assert.equal((await traces('team-b')).length, 0);
  });

  it('ends a call without a tenant with UNAUTHENTICATED', async () => {
    const r = await searchAs(undefined);
    assert.equal(r.error?.code, 16);
    assert.equal(r.error?.details, 'no org id: multi-tenancy is on, set the X-Scope-OrgID header');
  });
});
