/**
 * The real OpenTelemetry JS SDK against a running Vivace: every OTLP exporter, every read path.
 * Spans made with the SDK go out through one exporter; each trace is then read back through
 * v1/v2 × JSON/protobuf, first from the WAL (right after the export is acknowledged) and then
 * from a Parquet block (after `POST /flush`), and every field is compared with what the SDK
 * itself recorded (an `InMemorySpanExporter` beside the exporter).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as HttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { AnyValue } from '../../src/model/index.js';
import { expectedTrace } from '../helpers/sdk-expected.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  assertSameSpans,
  READ_PATHS,
  spansById,
  type SpanInContext,
  type TraceReadResult,
} from '../helpers/trace-read.js';
import { runWorkload, type Workload } from '../helpers/otel-workload.js';

interface ExporterCase {
  name: string;
  make(server: TestServer): SpanExporter;
}

type Compression = NonNullable<
  NonNullable<ConstructorParameters<typeof GrpcExporter>[0]>['compression']
>;
/** `CompressionAlgorithm.GZIP` of `@opentelemetry/otlp-exporter-base` (not a direct dependency). */
const GZIP = 'gzip' as Compression;

const EXPORTERS: readonly ExporterCase[] = [
  {
    name: 'OTLP/gRPC',
    make: (s) => new GrpcExporter({ url: `http://${s.otlpGrpc}` }),
  },
  {
    name: 'OTLP/gRPC gzip',
    make: (s) => new GrpcExporter({ url: `http://${s.otlpGrpc}`, compression: GZIP }),
  },
  {
    name: 'OTLP/HTTP protobuf',
    make: (s) => new HttpProtoExporter({ url: `${s.otlpHttp}/v1/traces` }),
  },
  {
    name: 'OTLP/HTTP protobuf gzip',
    make: (s) => new HttpProtoExporter({ url: `${s.otlpHttp}/v1/traces`, compression: GZIP }),
  },
  {
    name: 'OTLP/HTTP JSON',
    make: (s) => new HttpJsonExporter({ url: `${s.otlpHttp}/v1/traces` }),
  },
];

/** The longest a trace may take to become readable after its export is acknowledged. */
const FRESHNESS_MS = 2000;

/** What the workload must contain for the comparisons to mean something. */
const COVERAGE: ReadonlyArray<[string, (spans: SpanInContext[]) => boolean]> = [
  ['every span kind', (ss) => [1, 2, 3, 4, 5].every((k) => ss.some((s) => s.span.kind === k))],
  ['every status', (ss) => [0, 1, 2].every((c) => ss.some((s) => s.span.statusCode === c))],
  ['an error message', (ss) => ss.some((s) => s.span.statusMessage !== '')],
  ['five levels of nesting', (ss) => Math.max(...ss.map((s) => depth(s, ss))) >= 4],
  ['a remote parent', (ss) => ss.some((s) => s.span.flags === 0x301)],
  ['a trace state', (ss) => ss.some((s) => s.span.traceState.includes(','))],
  ['nanosecond digits', (ss) => ss.some((s) => !s.span.startTimeUnixNano.endsWith('000'))],
  ['every attribute type', (ss) => hasTypes(ss, ['string', 'int', 'double', 'bool', 'array'])],
  ['an empty array element', (ss) => hasTypes(ss, ['empty'])],
  ['an exception stack', (ss) => ss.some((s) => eventKeys(s).includes('exception.stacktrace'))],
  ['plain events', (ss) => ss.some((s) => s.span.events.some((e) => e.attributes.length === 0))],
  ['link attributes', (ss) => ss.some((s) => s.span.links.some((l) => l.attributes.length > 0))],
  ['a link trace state', (ss) => ss.some((s) => s.span.links.some((l) => l.traceState !== ''))],
  ['dropped attributes', (ss) => ss.some((s) => s.span.droppedAttributesCount > 0)],
  ['dropped events', (ss) => ss.some((s) => s.span.droppedEventsCount > 0)],
  ['dropped links', (ss) => ss.some((s) => s.span.droppedLinksCount > 0)],
  [
    'dropped event attributes',
    (ss) => ss.some((s) => s.span.events.some((e) => e.droppedAttributesCount > 0)),
  ],
  ['three scopes', (ss) => new Set(ss.map((s) => s.scope.name)).size === 3],
  ['a scope version', (ss) => ss.some((s) => s.scope.version !== '')],
  ['a scope schema URL', (ss) => ss.some((s) => s.scopeSchemaUrl !== '')],
  ['a resource schema URL', (ss) => ss.every((s) => s.resourceSchemaUrl !== '')],
];

function depth(s: SpanInContext, all: SpanInContext[]): number {
  const parent = all.find((p) => p.span.spanId === s.span.parentSpanId);
  return parent ? 1 + depth(parent, all) : 0;
}

function valueTypes(v: AnyValue): string[] {
  return v.type === 'array' ? [v.type, ...v.value.flatMap(valueTypes)] : [v.type];
}

function hasTypes(ss: SpanInContext[], types: string[]): boolean {
  const seen = new Set(ss.flatMap((s) => s.span.attributes.flatMap((a) => valueTypes(a.value))));
  return types.every((t) => seen.has(t));
}

function eventKeys(s: SpanInContext): string[] {
  return s.span.events.flatMap((e) => e.attributes.map((a) => a.key));
}

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.close();
});

/** Reads until the trace is there (or the deadline passes); returns the time it took. */
async function waitReadable(traceId: string, since: number): Promise<number> {
  const deadline = since + FRESHNESS_MS;
  for (;;) {
    const res = await fetch(`${server.api}/api/traces/${traceId}`);
    await res.arrayBuffer();
    if (res.status === 200) return performance.now() - since;
    assert.equal(res.status, 404, `trace ${traceId}`);
    if (performance.now() > deadline) assert.fail(`trace ${traceId} not readable after 2 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const exporter of EXPORTERS) {
  describe(`${exporter.name} exporter`, () => {
    let run: Workload;
    const fromWal = new Map<string, TraceReadResult>();

    before(async () => {
      run = await runWorkload(exporter.make(server), exporter.name);
    });

    test('the workload has everything the comparison should cover', () => {
      const spans = run.traceIds.flatMap((id) => [
        ...spansById(expectedTrace(run.spans, id)).values(),
      ]);
      assert.equal(spans.length, run.spans.length);
      const missing = COVERAGE.filter(([, has]) => !has(spans)).map(([name]) => name);
      assert.deepEqual(missing, []);
    });

    test('each trace is readable within 2 s of the acknowledged export', async (t) => {
      for (const id of run.traceIds) {
        const ms = await waitReadable(id, run.ackedAt);
        assert.ok(ms < FRESHNESS_MS, `trace ${id} took ${ms.toFixed(0)} ms`);
        t.diagnostic(`trace ${id} readable ${ms.toFixed(1)} ms after the export was acknowledged`);
      }
    });

    for (const path of READ_PATHS) {
      test(`${path.name}, from the WAL: every field as the SDK recorded it`, async () => {
        for (const id of run.traceIds) {
          const got = await path.read(server.api, id);
          assertSameSpans(got.batch, expectedTrace(run.spans, id));
          fromWal.set(`${path.name} ${id}`, got);
        }
      });
    }

    test('POST /flush cuts the WAL into a block', async () => {
      const res = await fetch(`${server.api}/flush`, { method: 'POST' });
      assert.equal(res.status, 204);
      assert.equal(server.app.storage.walBytes(), 0);
    });

    for (const path of READ_PATHS) {
      test(`${path.name}, from a block: the same as from the WAL`, async () => {
        for (const id of run.traceIds) {
          const got = await path.read(server.api, id);
          assertSameSpans(got.batch, expectedTrace(run.spans, id));
          const wal = fromWal.get(`${path.name} ${id}`);
          assert.ok(wal, 'read from the WAL first');
          assertSameSpans(got.batch, wal.batch);
          if (path.name.startsWith('v2')) assert.match(got.inspectedBytes, /^[1-9]\d*$/);
        }
      });
    }
  });
}

describe('a span linking to another trace of the same export', () => {
  test('leaves the linked trace readable from the WAL and from a block', async () => {
    const provider = new BasicTracerProvider({
      spanProcessors: [
        new BatchSpanProcessor(EXPORTERS[2]!.make(server), { scheduledDelayMillis: 60_000 }),
      ],
    });
    const tracer = provider.getTracer('e2e-links');
    const target = tracer.startSpan('linked to');
    target.end();
    const linking = tracer.startSpan('linking', { links: [{ context: target.spanContext() }] });
    linking.end();
    await provider.forceFlush();
    await provider.shutdown();
    const ids = [target.spanContext().traceId, linking.spanContext().traceId];
    for (const id of ids) {
      const res = await fetch(`${server.api}/api/traces/${id}`);
      assert.equal(res.status, 200, `WAL: ${id}: ${await res.text()}`);
    }
    assert.equal((await fetch(`${server.api}/flush`, { method: 'POST' })).status, 204);
    for (const id of ids) {
      const res = await fetch(`${server.api}/api/traces/${id}`);
      assert.equal(res.status, 200, `block: ${id}: ${await res.text()}`);
    }
  });
});
