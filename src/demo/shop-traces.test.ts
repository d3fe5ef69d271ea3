/**
 * Checks a sample of 2,000 demo traces: that each is a valid trace, and that it holds what the
 * search benchmark's queries look for.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyValue, Span, SpanBatch } from '../model/index.js';
import { isValidSpanId, isValidTraceId, serviceNameOf } from '../model/index.js';
import { ShopTraceGenerator } from './shop-generator.js';

interface SampleSpan {
  readonly span: Span;
  readonly service: string;
  readonly start: bigint;
  readonly end: bigint;
}

interface SampleTrace {
  readonly spans: SampleSpan[];
  readonly byId: Map<string, SampleSpan>;
  readonly services: string[];
  readonly batch: SpanBatch;
}

function makeSample(traces: number): SampleTrace[] {
  const gen = new ShopTraceGenerator({ seed: 2024, startUnixMs: 1_700_000_000_000 });
  const out: SampleTrace[] = [];
  for (let i = 0; i < traces; i++) {
    const batch = gen.nextTrace();
    const spans: SampleSpan[] = [];
    const services = batch.resourceSpans.map((rs) => serviceNameOf(rs.resource));
    for (const rs of batch.resourceSpans) {
      const service = serviceNameOf(rs.resource);
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          spans.push({
            span,
            service,
            start: BigInt(span.startTimeUnixNano),
            end: BigInt(span.endTimeUnixNano),
          });
        }
      }
    }
    out.push({ spans, byId: new Map(spans.map((s) => [s.span.spanId, s])), services, batch });
  }
  return out;
}

const SAMPLE = makeSample(2000);
const ALL = SAMPLE.flatMap((t) => t.spans);

function attr(span: Span, key: string): AnyValue | undefined {
  return span.attributes.find((a) => a.key === key)?.value;
}

/** The value of a string attribute, undefined when absent or of another type. */
function stringAttr(span: Span, key: string): string | undefined {
  const v = attr(span, key);
  return v?.type === 'string' ? v.value : undefined;
}

function parentOf(trace: SampleTrace, s: SampleSpan): SampleSpan | undefined {
  return trace.byId.get(s.span.parentSpanId);
}

function hasAncestorIn(trace: SampleTrace, s: SampleSpan, service: string): boolean {
  for (let p = parentOf(trace, s); p !== undefined; p = parentOf(trace, p)) {
    if (p.service === service) return true;
  }
  return false;
}

function countTraces(pred: (t: SampleTrace) => boolean): number {
  return SAMPLE.filter(pred).length;
}

describe('demo traces are valid traces', () => {
  it('use one valid trace id per trace and valid, unique span ids', () => {
    const spanIds = new Set<string>();
    const traceIds = new Set<string>();
    for (const trace of SAMPLE) {
      const ids = new Set(trace.spans.map((s) => s.span.traceId));
      assert.equal(ids.size, 1);
      const traceId = trace.spans[0]?.span.traceId ?? '';
      assert.ok(/^[0-9a-f]{32}$/.test(traceId) && isValidTraceId(traceId), traceId);
      traceIds.add(traceId);
      for (const { span } of trace.spans) {
        assert.ok(/^[0-9a-f]{16}$/.test(span.spanId) && isValidSpanId(span.spanId), span.spanId);
        spanIds.add(span.spanId);
      }
    }
    assert.equal(traceIds.size, SAMPLE.length);
    assert.equal(spanIds.size, ALL.length);
  });

  it('have exactly one root, and every other span has its parent in the trace', () => {
    for (const trace of SAMPLE) {
      const roots = trace.spans.filter((s) => s.span.parentSpanId === '');
      assert.equal(roots.length, 1);
      for (const s of trace.spans) {
        if (s.span.parentSpanId !== '')
          assert.ok(parentOf(trace, s), `${s.span.name} has no parent`);
      }
    }
  });

  it('end no earlier than they start, and children lie within their parents', () => {
    for (const trace of SAMPLE) {
      for (const s of trace.spans) {
        assert.ok(s.start <= s.end, s.span.name);
        for (const e of s.span.events) {
          const at = BigInt(e.timeUnixNano);
          assert.ok(at >= s.start && at <= s.end, `event of ${s.span.name}`);
        }
        const p = parentOf(trace, s);
        if (p === undefined) continue;
        assert.ok(s.start >= p.start, `${s.span.name} starts before ${p.span.name}`);
        // Consumers run asynchronously: they may end after their producer span.
        if (s.span.kind !== 5)
          assert.ok(s.end <= p.end, `${s.span.name} ends after ${p.span.name}`);
      }
    }
  });

  it('make each client span strictly longer than the server span it called', () => {
    let pairs = 0;
    for (const trace of SAMPLE) {
      for (const s of trace.spans) {
        const p = parentOf(trace, s);
        if (s.span.kind !== 2 || p?.span.kind !== 3) continue;
        pairs++;
        assert.ok(p.start < s.start && s.end < p.end, `${p.span.name} → ${s.span.name}`);
      }
    }
    assert.ok(pairs > 5_000, `${pairs} pairs`);
  });

  it('link each consumer span to its producer', () => {
    let consumers = 0;
    for (const trace of SAMPLE) {
      for (const s of trace.spans.filter((x) => x.span.kind === 5)) {
        consumers++;
        const producer = parentOf(trace, s);
        assert.equal(producer?.span.kind, 4);
        assert.deepEqual(
          s.span.links.map((l) => [l.traceId, l.spanId]),
          [[producer.span.traceId, producer.span.spanId]],
        );
      }
    }
    assert.ok(consumers > 0);
  });

  it('send one ResourceSpans per service of a trace', () => {
    for (const trace of SAMPLE) assert.equal(new Set(trace.services).size, trace.services.length);
  });
});

interface QueryCase {
  /** The benchmark query this data must answer. */
  readonly query: string;
  readonly matches: (t: SampleTrace) => boolean;
}

const isError = (s: SampleSpan): boolean => s.span.statusCode === 2;
const hasName = (t: SampleTrace, name: string): boolean =>
  t.spans.some((s) => s.span.name === name);

const QUERIES: readonly QueryCase[] = [
  { query: '{resource.service.name="payment"}', matches: (t) => t.services.includes('payment') },
  {
    query: '{resource.service.name="payment" && duration > 1s}',
    matches: (t) =>
      t.spans.some((s) => s.service === 'payment' && s.end - s.start > 1_000_000_000n),
  },
  { query: '{status=error}', matches: (t) => t.spans.some(isError) },
  {
    query: '{span.http.status_code >= 500}',
    matches: (t) =>
      t.spans.some((s) => {
        const v = attr(s.span, 'http.status_code');
        return v?.type === 'int' && Number(v.value) >= 500;
      }),
  },
  {
    query: '{name="Charge"} && {name="SELECT users"}',
    matches: (t) => hasName(t, 'Charge') && hasName(t, 'SELECT users'),
  },
  {
    query: '{span.user.id="u-123"}',
    matches: (t) => t.spans.some((s) => stringAttr(s.span, 'user.id') === 'u-123'),
  },
  {
    query: '{resource.service.name="checkout"} >> {status=error}',
    matches: (t) => t.spans.some((s) => isError(s) && hasAncestorIn(t, s, 'checkout')),
  },
  { query: '{} | count() > 20', matches: (t) => t.spans.length > 20 },
];

describe('demo traces answer the search benchmark queries', () => {
  for (const { query, matches } of QUERIES) {
    it(query, () => {
      const n = countTraces(matches);
      console.log(`${query}: ${n} of ${SAMPLE.length} traces`);
      assert.ok(n > 0);
    });
  }

  it('put a payment Charge span in a few percent of traces', () => {
    const share =
      countTraces((t) => t.spans.some((s) => s.service === 'payment' && s.span.name === 'Charge')) /
      SAMPLE.length;
    assert.ok(share > 0.02 && share < 0.08, `share ${share}`);
  });

  it('average 12 to 18 spans per trace', () => {
    const average = ALL.length / SAMPLE.length;
    console.log(`average spans per trace: ${average}`);
    assert.ok(average >= 12 && average <= 18, `average ${average}`);
  });

  it('come from a few thousand users', () => {
    const users = new Set(
      ALL.map((s) => stringAttr(s.span, 'user.id')).filter((v) => v !== undefined),
    );
    assert.ok(users.size > 500, `${users.size} users`);
  });
});

const SERVICES = [
  'api-gateway',
  'auth',
  'cart',
  'catalog',
  'checkout',
  'currency',
  'email',
  'frontend',
  'inventory',
  'payment',
  'recommendation',
  'shipping',
];

/** Span attributes the demo must use somewhere (old and stable semantic conventions). */
const SPAN_KEYS = [
  'http.request.method',
  'http.method',
  'http.route',
  'url.full',
  'http.url',
  'http.response.status_code',
  'http.status_code',
  'server.address',
  'net.peer.name',
  'http.request.header.accept',
  'rpc.system',
  'rpc.service',
  'rpc.method',
  'rpc.grpc.status_code',
  'db.system',
  'db.name',
  'db.statement',
  'messaging.system',
  'messaging.destination.name',
  'messaging.kafka.message.offset',
  'peer.service',
  'user.id',
];

const RESOURCE_KEYS = [
  'service.name',
  'service.version',
  'service.namespace',
  'deployment.environment',
  'host.name',
  'k8s.pod.name',
  'telemetry.sdk.name',
  'telemetry.sdk.language',
  'telemetry.sdk.version',
];

function valuesOf(key: string): Set<unknown> {
  const out = new Set<unknown>();
  for (const s of ALL) {
    const v = attr(s.span, key);
    if (v !== undefined && 'value' in v) out.add(v.value);
  }
  return out;
}

describe('demo traces look like a real shop', () => {
  it('involve all twelve services', () => {
    assert.deepEqual([...new Set(SAMPLE.flatMap((t) => t.services))].sort(), SERVICES);
  });

  it('use every span kind and every status code', () => {
    assert.deepEqual([...new Set(ALL.map((s) => s.span.kind))].sort(), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...new Set(ALL.map((s) => s.span.statusCode))].sort(), [0, 1, 2]);
  });

  it('use attributes of every scalar type and a string array', () => {
    const types = new Set(ALL.flatMap((s) => s.span.attributes.map((a) => a.value.type)));
    assert.deepEqual([...types].sort(), ['array', 'bool', 'double', 'int', 'string']);
  });

  for (const key of SPAN_KEYS) {
    it(`use span attribute ${key}`, () => assert.ok(valuesOf(key).size > 0));
  }

  it('talk to PostgreSQL, Redis and the uninstrumented fraud-check service', () => {
    assert.deepEqual([...valuesOf('db.system')].sort(), ['postgresql', 'redis']);
    assert.ok(valuesOf('peer.service').has('fraud-check'));
  });

  it('record exceptions with type, message and stack trace', () => {
    const events = ALL.flatMap((s) => s.span.events);
    assert.ok(events.length > 0);
    for (const e of events) {
      assert.equal(e.name, 'exception');
      assert.deepEqual(
        e.attributes.map((a) => a.key),
        ['exception.type', 'exception.message', 'exception.stacktrace'],
      );
    }
  });

  it('describe every resource and scope', () => {
    for (const rs of SAMPLE.flatMap((t) => t.batch.resourceSpans)) {
      const keys = new Set(rs.resource.attributes.map((a) => a.key));
      for (const key of RESOURCE_KEYS)
        assert.ok(keys.has(key), `${serviceNameOf(rs.resource)} lacks ${key}`);
      const cpp = serviceNameOf(rs.resource) === 'currency';
      assert.equal(keys.has('process.runtime.name'), !cpp);
      for (const ss of rs.scopeSpans) assert.ok(ss.scope.name !== '' && ss.scope.version !== '');
    }
    const scopes = new Set(
      SAMPLE.flatMap((t) =>
        t.batch.resourceSpans.flatMap((rs) =>
          rs.scopeSpans.map((ss) => `${ss.scope.name}@${ss.scope.version}`),
        ),
      ),
    );
    assert.ok(scopes.has('@opentelemetry/instrumentation-http@0.57.2'));
  });
});
