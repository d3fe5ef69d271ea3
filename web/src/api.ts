/**
 * Vivace's own API as the UI uses it (same origin: the UI port forwards `/api/` to the API).
 * A 4xx answer becomes an `ApiError` carrying the server's message.
 */
import { text, traceFromJson, type UiTrace } from './trace/model';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson(path: string, params: Record<string, string> = {}): Promise<unknown> {
  const query = new URLSearchParams(params).toString();
  const res = await fetch(query ? `${path}?${query}` : path, {
    headers: { Accept: 'application/json' },
  });
  if (!res.ok) throw new ApiError(res.status, (await res.text()).trim() || res.statusText);
  return res.json();
}

export interface MatchedSpan {
  spanId: string;
  name: string;
  startMs: number;
  durationMs: number;
}

export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootTraceName: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  matched: MatchedSpan[];
  matchedCount: number;
}

type Json = Record<string, unknown>;

/** `GET /api/search`: the newest `limit` traces matching `q` in `[startS, endS]`. */
export async function searchTraces(
  q: string,
  startS: number,
  endS: number,
  limit: number,
): Promise<TraceSummary[]> {
  const body = (await getJson('/api/search', {
    q,
    start: String(Math.floor(startS)),
    end: String(Math.ceil(endS)),
    limit: String(limit),
    spss: '3',
  })) as Json;
  return ((body.traces ?? []) as Json[]).map((t) => {
    const stats = Object.values((t.serviceStats ?? {}) as Record<string, Json>);
    const sets = (t.spanSets ?? (t.spanSet ? [t.spanSet] : [])) as Json[];
    return {
      traceId: text(t.traceID),
      rootServiceName: text(t.rootServiceName, '<root span not yet received>'),
      rootTraceName: text(t.rootTraceName),
      startMs: Number(BigInt(text(t.startTimeUnixNano, '0')) / 1_000_000n),
      durationMs: Number(t.durationMs ?? 0),
      spanCount: stats.reduce((n, s) => n + Number(s.spanCount ?? 0), 0),
      errorCount: stats.reduce((n, s) => n + Number(s.errorCount ?? 0), 0),
      matched: sets.flatMap((set) =>
        ((set.spans ?? []) as Json[]).map((s) => ({
          spanId: text(s.spanID),
          name: text(s.name),
          startMs: Number(BigInt(text(s.startTimeUnixNano, '0')) / 1_000_000n),
          durationMs: Number(s.durationNanos ?? 0) / 1e6,
        })),
      ),
      matchedCount: sets.reduce((n, set) => n + Number(set.matched ?? 0), 0),
    };
  });
}

/** `GET /api/v2/traces/<id>`: the whole trace and its JSON; undefined when there is none. */
export async function fetchTrace(
  traceId: string,
): Promise<{ trace: UiTrace; json: unknown } | undefined> {
  try {
    const json = await getJson(`/api/v2/traces/${encodeURIComponent(traceId)}`);
    return { trace: traceFromJson(json), json };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

/** `GET /api/v2/search/tags?scope=`: the attribute names of a scope. */
export async function tagNames(scope: string): Promise<string[]> {
  const body = (await getJson('/api/v2/search/tags', { scope })) as Json;
  const scopes = (body.scopes ?? []) as Json[];
  return scopes.flatMap((s) => ((s.tags ?? []) as unknown[]).map((t) => text(t)));
}

/** `GET /api/v2/search/tag/<tag>/values`: the values a tag takes, typed. */
export async function tagValues(tag: string): Promise<Array<{ type: string; value: string }>> {
  const body = (await getJson(`/api/v2/search/tag/${encodeURIComponent(tag)}/values`)) as Json;
  return ((body.tagValues ?? []) as Json[]).map((v) => ({
    type: text(v.type),
    value: text(v.value),
  }));
}

export interface ServiceEdge {
  client: string;
  server: string;
  virtual: boolean;
  calls: number;
  failed: number;
  p50Ms: number;
  p90Ms: number;
}

/** `GET /api/vivace/service-graph`: the edges between services over a range (unix seconds). */
export async function fetchServiceGraph(startS: number, endS: number): Promise<ServiceEdge[]> {
  const body = (await getJson('/api/vivace/service-graph', {
    start: String(Math.floor(startS)),
    end: String(Math.ceil(endS)),
  })) as { edges?: ServiceEdge[] };
  return body.edges ?? [];
}

/** A series of a metrics answer: its labels (as text) and its points. */
export interface MetricSeries {
  labels: Record<string, string>;
  points: Array<{ timeMs: number; value: number }>;
}

function labelsOf(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of (list ?? []) as Json[]) {
    const v = (l.value ?? {}) as Json;
    out[text(l.key)] = text(v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue);
  }
  return out;
}

/** `GET /api/metrics/query`: one value per series over the range. */
export async function metricsInstant(
  q: string,
  startS: number,
  endS: number,
): Promise<MetricSeries[]> {
  const body = (await getJson('/api/metrics/query', {
    q,
    start: String(Math.floor(startS)),
    end: String(Math.ceil(endS)),
  })) as Json;
  return ((body.series ?? []) as Json[]).map((s) => ({
    labels: labelsOf(s.labels),
    points: [{ timeMs: endS * 1000, value: Number(s.value ?? 0) }],
  }));
}

/** `GET /api/metrics/query_range`: the series over the range at `stepS` seconds. */
export async function metricsRange(
  q: string,
  startS: number,
  endS: number,
  stepS: number,
): Promise<MetricSeries[]> {
  const body = (await getJson('/api/metrics/query_range', {
    q,
    start: String(Math.floor(startS)),
    end: String(Math.ceil(endS)),
    step: `${Math.max(1, Math.round(stepS))}s`,
  })) as Json;
  return ((body.series ?? []) as Json[]).map((s) => ({
    labels: labelsOf(s.labels),
    points: ((s.samples ?? []) as Json[]).map((p) => ({
      timeMs: Number(text(p.timestampMs, '0')),
      value: Number(p.value ?? 0),
    })),
  }));
}

export interface StatusReport {
  version: string;
  ready: boolean;
  uptimeSeconds: number;
  components: Array<{ name: string; port: number }>;
  retention: { blockRetentionMs: number; compactedBlockRetentionMs: number; maxTotalBytes: number };
  metrics: Record<string, Array<{ labels: Record<string, string>; value: number }>>;
}

/** `GET /api/vivace/status`. */
export async function fetchStatus(): Promise<StatusReport> {
  return (await getJson('/api/vivace/status')) as StatusReport;
}
