/**
 * A varied workload made with the real OpenTelemetry JS SDK: two traces whose spans use every
 * kind, every attribute type the API allows, events (plain and exceptions), links with attributes,
 * every status, explicit times with nanosecond digits, a remote parent with a trace state, three
 * instrumentation scopes, and span limits low enough to give dropped counts.
 *
 * Each span is ended through a provider that feeds both the exporter under test (batched) and an
 * `InMemorySpanExporter`, so the expected values are what the SDK itself recorded.
 */
import { randomBytes } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  createTraceState,
  trace,
  type Attributes,
  type Context,
  type HrTime,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export interface Workload {
  /** What the SDK recorded, span by span. */
  spans: ReadableSpan[];
  /** Hex trace ids: the main trace, then the one continued from a remote parent. */
  traceIds: [string, string];
  /** `performance.now()` when `forceFlush` resolved, i.e. when the export was acknowledged. */
  ackedAt: number;
}

/** Attributes of every type the OpenTelemetry API allows. */
export const EVERY_ATTRIBUTE_TYPE: Attributes = {
  'http.request.method': 'GET',
  'http.response.status_code': 200,
  'retry.count': -3,
  'max.safe': Number.MAX_SAFE_INTEGER,
  'min.safe': Number.MIN_SAFE_INTEGER,
  ratio: 0.125,
  'latency.ms': 12.345678901234,
  tiny: 5e-324,
  'cache.hit': true,
  'cache.stale': false,
  empty: '',
  unicode: 'żółć ✓ 🚀 "quoted" \\ back\nline',
  tags: ['a', 'b', ''],
  ports: [80, 443, -1],
  weights: [0.5, 1.25],
  mixed: [1, 2.5],
  switches: [true, false],
  holes: ['x', null, 'y'],
  none: [],
};

const EXCEPTION_STACK = [
  'TypeError: cannot read properties of undefined',
  '    at chargeCard (/srv/pay/card.ts:42:13)',
  '    at async pay (/srv/pay/index.ts:17:5)',
].join('\n');

/** Export results as the SDK defines them (`ExportResultCode` of `@opentelemetry/core`). */
interface ExportResult {
  code: number;
  error?: Error;
}

/** Passes spans on to an exporter and keeps its results: `forceFlush` does not report failures. */
class RecordingExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly results: Array<{ spans: number; result: ExportResult }> = [];

  constructor(inner: SpanExporter) {
    this.#inner = inner;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.#inner.export(spans, (result) => {
      this.results.push({ spans: spans.length, result });
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }

  /** Throws unless every export succeeded and `total` spans went out. */
  assertAllExported(total: number): void {
    const failed = this.results.find((r) => r.result.code !== 0);
    if (failed) throw new Error(`export failed: ${failed.result.error?.message ?? 'no reason'}`);
    const sent = this.results.reduce((n, r) => n + r.spans, 0);
    if (sent !== total) throw new Error(`exported ${sent} spans, expected ${total}`);
  }
}

/** Seconds and nanoseconds after a base second: explicit times with sub-millisecond digits. */
function at(baseSec: number, ms: number, extraNanos = 0): HrTime {
  const nanos = Math.round((ms % 1000) * 1e6) + extraNanos;
  return [baseSec + Math.floor(ms / 1000) + Math.floor(nanos / 1e9), nanos % 1e9];
}

function under(parent: Span): Context {
  return trace.setSpan(ROOT_CONTEXT, parent);
}

interface Tracers {
  web: Tracer;
  db: Tracer;
  mq: Tracer;
}

function tracersOf(provider: BasicTracerProvider): Tracers {
  return {
    web: provider.getTracer('e2e-web', '1.4.2', {
      schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
    }),
    db: provider.getTracer('e2e-db', '0.9.0-beta.1'),
    mq: provider.getTracer('e2e-mq'),
  };
}

/** The main trace: a server root with children five levels deep and every span kind. */
function mainTrace(t: Tracers, base: number): Span {
  const root = t.web.startSpan('GET /checkout', {
    kind: SpanKind.SERVER,
    startTime: at(base, 0, 123_456),
    attributes: EVERY_ATTRIBUTE_TYPE,
  });
  root.addEvent('request.received', { 'body.bytes': 512, 'body.type': 'json' }, at(base, 1, 7));
  root.addEvent('no attributes', at(base, 2, 999_999));
  const validate = t.web.startSpan(
    'validate cart',
    { kind: SpanKind.INTERNAL, startTime: at(base, 3, 1) },
    under(root),
  );
  validate.setStatus({ code: SpanStatusCode.OK });
  validate.end(at(base, 4, 2));
  const order = t.web.startSpan('process order', { startTime: at(base, 5, 3) }, under(root));
  const query = t.db.startSpan(
    'SELECT orders',
    {
      kind: SpanKind.CLIENT,
      startTime: at(base, 6, 4),
      attributes: { 'db.system': 'postgresql', 'db.rows': 3 },
    },
    under(order),
  );
  const decode = t.db.startSpan('decode rows', { startTime: at(base, 7, 5) }, under(query));
  const row = t.db.startSpan('map row', { startTime: at(base, 7, 600_000) }, under(decode));
  row.end(at(base, 8, 1));
  decode.end(at(base, 8, 2));
  query.recordException(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
  query.setStatus({ code: SpanStatusCode.ERROR, message: 'db timeout: 30s elapsed' });
  query.end(at(base, 40, 5));
  order.end(at(base, 41, 6));
  messaging(t, base, root);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(at(base, 60, 987_654));
  return root;
}

/** A producer and its consumer, linked, plus a span over the limits (dropped counts). */
function messaging(t: Tracers, base: number, root: Span): void {
  const publish = t.mq.startSpan(
    'orders publish',
    { kind: SpanKind.PRODUCER, startTime: at(base, 42, 11) },
    under(root),
  );
  publish.end(at(base, 43, 12));
  const consume = t.mq.startSpan(
    'orders process',
    {
      kind: SpanKind.CONSUMER,
      startTime: at(base, 44, 13),
      links: [
        {
          context: publish.spanContext(),
          attributes: { 'messaging.batch.index': 0, 'link.reason': 'follows' },
        },
      ],
    },
    under(publish),
  );
  for (let i = 0; i < 40; i++) consume.setAttribute(`attr.${i}`, i * 1.5);
  for (let i = 0; i < 5; i++) consume.addEvent(`retry ${i}`, { n: i, a: 1, b: 2, c: 3 });
  for (let i = 0; i < 3; i++)
    consume.addLink({ context: root.spanContext(), attributes: { i, x: 1, y: 2, z: 3 } });
  consume.end(at(base, 50, 14));
}

/** A span of a trace that is not sent: the target of a link. */
const FOREIGN_SPAN: SpanContext = {
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  traceFlags: TraceFlags.NONE,
  isRemote: true,
  traceState: createTraceState('congo=t61rcWkgMzE'),
};

/** The second trace: continued from a remote parent with a trace state, linked to another. */
function remoteTrace(t: Tracers, base: number): Span {
  // A fresh trace id per run: the runs share one server.
  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=opaque-1,other=42'),
  });
  const pay = t.web.startSpan(
    'POST /pay',
    {
      kind: SpanKind.SERVER,
      startTime: at(base, 100, 1),
      links: [{ context: FOREIGN_SPAN, attributes: { 'link.kind': 'batch', 'link.n': 2 } }],
    },
    remote,
  );
  const charge = t.web.startSpan('charge card', { kind: SpanKind.CLIENT }, under(pay));
  const err = new TypeError('cannot read properties of undefined');
  err.stack = EXCEPTION_STACK;
  charge.recordException(err, at(base, 101, 2));
  charge.setStatus({ code: SpanStatusCode.ERROR });
  charge.end();
  pay.end(at(base, 200, 3));
  return pay;
}

/**
 * Runs the workload through `exporter` and waits for the export to be acknowledged. `label`
 * goes into the resource so that runs with different exporters can be told apart.
 */
export async function runWorkload(exporter: SpanExporter, label: string): Promise<Workload> {
  const memory = new InMemorySpanExporter();
  const recorder = new RecordingExporter(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(
      {
        'service.name': 'e2e-shop',
        'service.version': '2.3.1',
        'deployment.environment.name': 'test',
        'e2e.exporter': label,
        'host.cpu.count': 8,
        'process.runtime.debug': false,
        'load.factor': 0.75,
      },
      { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' },
    ),
    spanLimits: {
      attributeCountLimit: 32,
      eventCountLimit: 3,
      linkCountLimit: 2,
      attributePerEventCountLimit: 3,
      attributePerLinkCountLimit: 3,
    },
    spanProcessors: [
      new SimpleSpanProcessor(memory),
      new BatchSpanProcessor(recorder, { maxExportBatchSize: 1000, scheduledDelayMillis: 60_000 }),
    ],
  });
  const tracers = tracersOf(provider);
  // Recent times: far-past spans could fall outside the block retention.
  const base = Math.floor(Date.now() / 1000) - 300;
  const first = mainTrace(tracers, base);
  const second = remoteTrace(tracers, base);
  await provider.forceFlush();
  const ackedAt = performance.now();
  const spans = memory.getFinishedSpans().slice();
  await provider.shutdown();
  recorder.assertAllExported(spans.length);
  return {
    spans,
    traceIds: [first.spanContext().traceId, second.spanContext().traceId],
    ackedAt,
  };
}
