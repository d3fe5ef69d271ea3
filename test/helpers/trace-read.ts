/**
 * The four ways to read a trace by id from the Tempo-compatible API (v1 and v2, JSON and
 * protobuf), each turned back into the span model, plus an order-insensitive comparison that
 * names the span and the field that differ.
 */
import assert from 'node:assert/strict';
import {
  decodeToModel,
  TempoTrace,
  TraceByIDResponse,
} from '../../src/api/encode/testdata/otlp-schema.js';
import type { KeyValue, ResourceSpans, Scope, Span, SpanBatch } from '../../src/model/index.js';
import { jsonEnvelope, tempoJsonToModel } from './tempo-json.js';

export interface TraceReadResult {
  batch: SpanBatch;
  /** `TraceByIDMetrics.inspectedBytes` (v2 only; '0' when absent). */
  inspectedBytes: string;
}

export interface TraceReadPath {
  name: string;
  read(api: string, traceId: string, headers?: Record<string, string>): Promise<TraceReadResult>;
}

const PROTOBUF = { Accept: 'application/protobuf' };

async function get(
  url: string,
  headers: Record<string, string>,
  contentType: string,
): Promise<Response> {
  const res = await fetch(url, { headers });
  if (res.status !== 200) {
    throw new Error(`GET ${url}: status ${res.status}: ${(await res.text()).trim()}`);
  }
  assert.equal(res.headers.get('content-type'), contentType, `Content-Type of ${url}`);
  return res;
}

async function v1Json(api: string, id: string, headers = {}): Promise<TraceReadResult> {
  const res = await get(`${api}/api/traces/${id}`, headers, 'application/json');
  const body = jsonEnvelope(await res.json(), 'v1', ['batches']);
  return { batch: tempoJsonToModel(body['batches'], 'batches'), inspectedBytes: '0' };
}

async function v1Protobuf(api: string, id: string, headers = {}): Promise<TraceReadResult> {
  const res = await get(
    `${api}/api/traces/${id}`,
    { ...headers, ...PROTOBUF },
    'application/protobuf',
  );
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { batch: decodeToModel(TempoTrace, bytes), inspectedBytes: '0' };
}

async function v2Json(api: string, id: string, headers = {}): Promise<TraceReadResult> {
  const res = await get(`${api}/api/v2/traces/${id}`, headers, 'application/json');
  const body = jsonEnvelope(await res.json(), 'v2', ['trace', 'metrics']);
  const trace = jsonEnvelope(body['trace'], 'v2.trace', ['resourceSpans']);
  const metrics = body['metrics'] as Record<string, unknown>;
  const inspected = metrics['inspectedBytes'] ?? '0';
  assert.equal(typeof inspected, 'string', 'metrics.inspectedBytes is a uint64 string');
  return {
    batch: tempoJsonToModel(trace['resourceSpans'], 'trace.resourceSpans'),
    inspectedBytes: inspected as string,
  };
}

async function v2Protobuf(api: string, id: string, headers = {}): Promise<TraceReadResult> {
  const url = `${api}/api/v2/traces/${id}`;
  const res = await get(url, { ...headers, ...PROTOBUF }, 'application/protobuf');
  const message = TraceByIDResponse.decode(new Uint8Array(await res.arrayBuffer()));
  const o = TraceByIDResponse.toObject(message, { longs: String, defaults: true }) as {
    trace: unknown;
    metrics: { inspectedBytes: string } | null;
    status: number;
    message: string;
  };
  assert.equal(o.status, 0, 'TraceByIDResponse.status is COMPLETE');
  assert.equal(o.message, '', 'TraceByIDResponse.message is empty');
  // Field 1 is a tempopb.Trace, wire-identical to TracesData: re-encode it and read it as one.
  const inner = TempoTrace.encode(TempoTrace.fromObject(o.trace as object)).finish();
  return {
    batch: decodeToModel(TempoTrace, inner),
    inspectedBytes: o.metrics?.inspectedBytes ?? '0',
  };
}

/** v1/v2 × JSON/protobuf. */
export const READ_PATHS: readonly TraceReadPath[] = [
  { name: 'v1 JSON', read: v1Json },
  { name: 'v1 protobuf', read: v1Protobuf },
  { name: 'v2 JSON', read: v2Json },
  { name: 'v2 protobuf', read: v2Protobuf },
];

/** One span with everything that applies to it, as the comparison sees it. */
export interface SpanInContext {
  resource: { attributes: KeyValue[]; droppedAttributesCount: number };
  resourceSchemaUrl: string;
  scope: Scope;
  scopeSchemaUrl: string;
  span: Span;
}

function spansOf(rs: ResourceSpans): SpanInContext[] {
  return rs.scopeSpans.flatMap((ss) =>
    ss.spans.map((span) => ({
      resource: rs.resource,
      resourceSchemaUrl: rs.schemaUrl,
      scope: ss.scope,
      scopeSchemaUrl: ss.schemaUrl,
      span,
    })),
  );
}

/** The spans of a batch by span id, each with its resource and scope. */
export function spansById(batch: SpanBatch): Map<string, SpanInContext> {
  const out = new Map<string, SpanInContext>();
  for (const s of batch.resourceSpans.flatMap(spansOf)) {
    assert.ok(!out.has(s.span.spanId), `span ${s.span.spanId} appears twice`);
    out.set(s.span.spanId, s);
  }
  return out;
}

/**
 * Asserts that `actual` holds exactly the spans of `expected`, each with the same resource and
 * scope and every field equal (attribute order included). Grouping into ResourceSpans and
 * ScopeSpans, and the order of spans, may differ.
 */
export function assertSameSpans(actual: SpanBatch, expected: SpanBatch): void {
  const got = spansById(actual);
  const want = spansById(expected);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), 'span ids');
  for (const [id, w] of want) {
    const g = got.get(id) as SpanInContext;
    for (const key of Object.keys(w) as Array<keyof SpanInContext>) {
      assert.deepEqual(g[key], w[key], `span ${id} (${w.span.name}): ${key} differs`);
    }
  }
}
