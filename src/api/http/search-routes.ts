/**
 * `GET /api/search`: TraceQL (`q`) or the legacy tag search (`tags`, `minDuration`,
 * `maxDuration`), answered with Tempo's `SearchResponse` JSON exactly as Grafana parses it
 * (proto3 JSON: zero values left out, 64-bit integers as strings; reference/grafana-client.md §1.3).
 */
import { InvalidRequestError } from '../../model/index.js';
import type {
  FastStage,
  SearchRequest,
  SearchResult,
  SearchTraceResult,
  Series,
} from '../../query/index.js';
import {
  attribute,
  binary,
  duration,
  filter,
  intrinsic,
  parseDuration,
  parseTraceQL,
  pipeline,
  str,
  validateTraceQL,
  type FieldExpr,
  type Pipeline,
} from '../../traceql/index.js';
import type { RequestContext } from './router.js';

export interface Searcher {
  search(tenant: string, req: SearchRequest): Promise<SearchResult>;
  /** A metrics query's first stage on the SQL path; undefined when it needs the general path. */
  metricsStage?(
    tenant: string,
    pipeline: Pipeline,
    stage: FastStage,
  ): Promise<Series[] | undefined>;
}

export interface SearchLimits {
  /** `query_frontend.search.default_result_limit` (20) and `max_result_limit` (262144). */
  defaultResultLimit: number;
  maxResultLimit: number;
  /** `default_spans_per_span_set` (3) and `max_spans_per_span_set` (100; 0 = no maximum). */
  defaultSpansPerSpanSet: number;
  maxSpansPerSpanSet: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  defaultResultLimit: 20,
  maxResultLimit: 262144,
  defaultSpansPerSpanSet: 3,
  maxSpansPerSpanSet: 100,
};

/** Parameters that are not tags in the oldest form (tags as plain query parameters). */
const NOT_TAGS = new Set(['limit', 'spss', 'minDuration', 'maxDuration', 'start', 'end']);

function parseUint(name: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 0xffffffff) {
    throw new InvalidRequestError(`invalid ${name} "${raw}": expected a non-negative integer`);
  }
  return Number(raw);
}

function parseSeconds(name: string, raw: string): bigint {
  if (!/^\d+$/.test(raw)) {
    throw new InvalidRequestError(`invalid ${name} "${raw}": expected unix epoch seconds`);
  }
  return BigInt(raw);
}

/** Reads the request into a search; throws InvalidRequestError (400) with what is wrong. */
export function parseSearchRequest(q: URLSearchParams, limits: SearchLimits): SearchRequest {
  let limit = limits.defaultResultLimit;
  const rawLimit = q.get('limit');
  if (rawLimit !== null && rawLimit !== '') {
    limit = parseUint('limit', rawLimit);
    if (limit === 0) throw new InvalidRequestError('invalid limit: must be a positive number');
  }
  if (limits.maxResultLimit > 0) limit = Math.min(limit, limits.maxResultLimit);
  let spss = limits.defaultSpansPerSpanSet;
  const rawSpss = q.get('spss');
  if (rawSpss !== null && rawSpss !== '') {
    spss = parseUint('spss', rawSpss);
    if (limits.maxSpansPerSpanSet > 0 && (spss === 0 || spss > limits.maxSpansPerSpanSet)) {
      throw new InvalidRequestError(
        `invalid spss ${spss}: spans per span set must be between 1 and ${limits.maxSpansPerSpanSet}`,
      );
    }
  }
  let startNs: bigint | undefined;
  let endNs: bigint | undefined;
  const start = q.get('start');
  const end = q.get('end');
  if (start && end) {
    const s = parseSeconds('start', start);
    const e = parseSeconds('end', end);
    if (e < s)
      throw new InvalidRequestError(`invalid time range: end (${e}) is before start (${s})`);
    startNs = s * 1_000_000_000n;
    endNs = e * 1_000_000_000n + 999_999_999n;
  }
  const text = q.get('q');
  const tags = q.get('tags');
  if (text !== null && text !== '' && tags !== null && tags !== '') {
    throw new InvalidRequestError('invalid request: q and tags cannot both be given');
  }
  let query: Pipeline;
  if (text !== null && text !== '') query = parseSearchQuery(text);
  else query = legacyQuery(q, tags, start === null && end === null && tags === null);
  return { pipeline: query, limit, spss, startNs, endNs };
}

/** A TraceQL search: parsed and validated; metrics queries belong to /api/metrics. */
export function parseSearchQuery(text: string): Pipeline {
  const root = parseTraceQL(text);
  validateTraceQL(root);
  if (root.query.kind !== 'Pipeline') {
    throw new InvalidRequestError(
      'invalid TraceQL search: metrics queries are answered by /api/metrics/query_range',
    );
  }
  return root.query;
}

/**
 * The legacy tag search as TraceQL: each `key=value` is a case-insensitive substring match of
 * that attribute (span or resource), `status.code` and `name` read the intrinsics, and
 * `minDuration`/`maxDuration` bound the trace's duration.
 */
function legacyQuery(q: URLSearchParams, tags: string | null, tagsAsParams: boolean): Pipeline {
  const pairs: Array<[string, string]> = [];
  if (tags !== null && tags !== '') pairs.push(...parseLogfmt(tags));
  if (tagsAsParams) {
    for (const [k, v] of q) if (!NOT_TAGS.has(k) && k !== 'q' && k !== 'tags') pairs.push([k, v]);
  }
  const seen = new Set<string>();
  const conds: FieldExpr[] = [];
  for (const [k, v] of pairs) {
    if (seen.has(k)) throw new InvalidRequestError(`invalid tags: key "${k}" given twice`);
    seen.add(k);
    conds.push(tagCondition(k, v));
  }
  const min = durationParam(q, 'minDuration');
  const max = durationParam(q, 'maxDuration');
  if (min !== undefined && max !== undefined && min > max) {
    throw new InvalidRequestError('invalid minDuration: must be less than or equal to maxDuration');
  }
  if (min !== undefined) conds.push(binary('>=', intrinsic('traceDuration'), duration(min)));
  if (max !== undefined) conds.push(binary('<=', intrinsic('traceDuration'), duration(max)));
  const body = conds.reduce<FieldExpr | undefined>(
    (acc, c) => (acc === undefined ? c : binary('&&', acc, c)),
    undefined,
  );
  return pipeline(filter(body ?? { kind: 'Static', type: 'bool', value: true }));
}

function durationParam(q: URLSearchParams, name: string): bigint | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const ns = parseDuration(raw);
  if (ns === undefined || ns < 0n)
    throw new InvalidRequestError(
      `invalid ${name} "${raw}": expected a duration such as 100ms or 1.5s`,
    );
  return ns;
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function tagCondition(key: string, value: string): FieldExpr {
  if (key === 'status.code') {
    const v = value.toLowerCase().replace(/^status_code_/, '');
    if (v === 'ok' || v === 'error' || v === 'unset') {
      return binary('=', intrinsic('status'), { kind: 'Static', type: 'status', value: v });
    }
    throw new InvalidRequestError(
      `invalid tags: status.code must be ok, error or unset, not "${value}"`,
    );
  }
  if (key === 'error' && value === 'true') {
    return binary('=', intrinsic('status'), { kind: 'Static', type: 'status', value: 'error' });
  }
  const field = key === 'name' ? intrinsic('name') : attribute('unscoped', key);
  return binary('=~', field, str(`(?i).*${escapeRegex(value)}.*`));
}

/** `k=v k2="v 2"` (logfmt): keys and values, quotes removed. */
export function parseLogfmt(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const re = /\s*([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)\s*/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) {
      throw new InvalidRequestError(`invalid tags "${text}": expected key=value pairs (logfmt)`);
    }
    const raw = m[2] as string;
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    out.push([m[1] as string, value]);
    at = re.lastIndex;
  }
  return out;
}

/** A trace id as Tempo prints it in search results: leading zeros dropped. */
export function printedTraceId(id: string): string {
  const s = id.replace(/^0+/, '');
  return s === '' ? '0' : s;
}

type Json = Record<string, unknown>;

/** Sets `key` only for a non-zero, non-empty value (proto3 JSON leaves defaults out). */
function put(o: Json, key: string, v: unknown): void {
  if (v === undefined || v === '' || v === 0 || v === '0' || v === false) return;
  if (Array.isArray(v) && v.length === 0) return;
  o[key] = v;
}

/** The root service name of a trace whose root span has not arrived (Tempo's words). */
export const NO_ROOT = '<root span not yet received>';

function traceJson(t: SearchTraceResult): Json {
  const spanSets = t.spanSets.map((ss) => {
    const o: Json = {};
    put(
      o,
      'spans',
      ss.spans.map((s) => {
        const span: Json = {};
        put(span, 'spanID', s.spanId);
        put(span, 'name', s.name);
        put(span, 'startTimeUnixNano', s.startNs);
        put(span, 'durationNanos', s.durationNs);
        put(span, 'attributes', s.attributes);
        return span;
      }),
    );
    put(o, 'matched', ss.matched);
    put(o, 'attributes', ss.attributes);
    return o;
  });
  const o: Json = { traceID: printedTraceId(t.traceId) };
  o.rootServiceName = t.rootServiceName ?? NO_ROOT;
  put(o, 'rootTraceName', t.rootTraceName);
  put(o, 'startTimeUnixNano', t.startNs.toString());
  // durationMs is a uint32 of whole milliseconds.
  put(o, 'durationMs', Math.min(Number(t.durationNs / 1_000_000n), 0xffffffff));
  if (spanSets.length > 0) o.spanSet = spanSets[0];
  put(o, 'spanSets', spanSets);
  const stats: Json = {};
  for (const [service, s] of [...t.serviceStats].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const e: Json = {};
    put(e, 'spanCount', s.spanCount);
    put(e, 'errorCount', s.errorCount);
    stats[service] = e;
  }
  if (Object.keys(stats).length > 0) o.serviceStats = stats;
  return o;
}

/** The whole response body. */
export function searchResponseJson(r: SearchResult): Json {
  const metrics: Json = {};
  put(metrics, 'inspectedTraces', r.metrics.inspectedTraces);
  put(metrics, 'inspectedBytes', String(r.metrics.inspectedBytes));
  put(metrics, 'totalBlocks', r.metrics.totalBlocks);
  metrics.completedJobs = 1;
  metrics.totalJobs = 1;
  put(metrics, 'totalBlockBytes', String(r.metrics.totalBlockBytes));
  put(metrics, 'inspectedSpans', String(r.metrics.inspectedSpans));
  return { traces: r.traces.map(traceJson), metrics };
}

export async function searchRoute(
  ctx: RequestContext,
  searcher: Searcher,
  tenant: string,
  limits: SearchLimits,
): Promise<void> {
  const req = parseSearchRequest(ctx.query, limits);
  const result = await searcher.search(tenant, req);
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.end(JSON.stringify(searchResponseJson(result)));
}
