/**
 * Tempo's tag search routes (reference/tempo.md §1.5–1.6, grafana-client.md §1.5):
 * `GET /api/search/tags`, `/api/v2/search/tags`, `/api/search/tag/{name}/values` and
 * `/api/v2/search/tag/{name}/values`, answered as Tempo's jsonpb (zero values and empty lists
 * left out, 64-bit integers as strings). `q` never causes an error: what does not parse is ignored.
 */
import { InvalidRequestError } from '../../model/index.js';
import {
  capValues,
  DEFAULT_MAX_TAG_BYTES,
  parseTagIdentifier,
  textSize,
  type TagNamesOptions,
  type TagNamesResult,
  type TagScope,
  type TagSearchOptions,
  type TagTarget,
  type TagValue,
  type TagValuesResult,
} from '../../query/tags/index.js';
import { compareStrings } from '../../query/search/values.js';
import type { IntrinsicName } from '../../traceql/index.js';
import { parseTimeRange } from './params.js';
import type { RequestContext, Router } from './router.js';

/** What the routes need from storage (the Storage class implements it with src/query/tags). */
export interface TagSearcher {
  searchTagNames(tenant: string, opts: TagNamesOptions): Promise<TagNamesResult>;
  searchTagValues(
    tenant: string,
    tag: string | TagTarget,
    opts: TagSearchOptions,
  ): Promise<TagValuesResult>;
}

export interface TagRouteDeps {
  tags: TagSearcher;
  tenantOf: (ctx: RequestContext) => string;
  /** Tempo's per-tenant `max_bytes_per_tag_values_query` (default 1 MB; 0: no limit). */
  maxBytesPerTagValuesQuery?: number;
}

type Json = Record<string, unknown>;

function sendJson(ctx: RequestContext, body: Json): void {
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.end(JSON.stringify(body));
}

/** Tempo's MetadataMetrics: only what is not zero (`{}` when nothing was read). */
function metricsJson(inspectedBytes: number): Json {
  return inspectedBytes > 0 ? { inspectedBytes: String(inspectedBytes) } : {};
}

/** `limit` (0 or absent: no limit); anything but a non-negative integer is a 400, as in Tempo's querier. */
function parseLimit(q: URLSearchParams): number | undefined {
  const raw = q.get('limit');
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 0xffffffff) {
    throw new InvalidRequestError(`invalid limit "${raw}": expected a non-negative integer`);
  }
  return Number(raw);
}

function baseOptions(ctx: RequestContext, deps: TagRouteDeps, useQ = true): TagSearchOptions {
  const range = parseTimeRange(ctx.query);
  const q = useQ ? ctx.query.get('q') : null;
  return {
    ...(range ?? {}),
    ...(q ? { q } : {}),
    limit: parseLimit(ctx.query),
    maxBytes: deps.maxBytesPerTagValuesQuery ?? DEFAULT_MAX_TAG_BYTES,
  };
}

/**
 * `scope`: Tempo accepts the attribute scopes, `intrinsic`, `trace` (no attributes: nothing)
 * and `none` or nothing (every scope).
 */
function parseScope(q: URLSearchParams): TagScope | 'trace' | undefined {
  const raw = q.get('scope') ?? '';
  switch (raw) {
    case '':
    case 'none':
      return undefined;
    case 'span':
    case 'resource':
    case 'event':
    case 'link':
    case 'instrumentation':
    case 'intrinsic':
    case 'trace':
      return raw;
    default:
      throw new InvalidRequestError(
        `invalid scope: ${raw} (expected one of resource, span, event, link, instrumentation, intrinsic, none)`,
      );
  }
}

async function tagNames(
  ctx: RequestContext,
  deps: TagRouteDeps,
): Promise<{ scope: TagScope | 'trace' | undefined; result: TagNamesResult }> {
  const scope = parseScope(ctx.query);
  const opts = baseOptions(ctx, deps);
  if (scope === 'trace') return { scope, result: { scopes: new Map(), inspectedBytes: 0 } };
  const result = await deps.tags.searchTagNames(deps.tenantOf(ctx), { ...opts, scope });
  return { scope, result };
}

/** `GET /api/search/tags`: one list; intrinsics only with `scope=intrinsic`. */
async function tagsV1(ctx: RequestContext, deps: TagRouteDeps): Promise<void> {
  const { scope, result } = await tagNames(ctx, deps);
  const all = new Set<string>();
  for (const [name, tags] of result.scopes) {
    if (scope === undefined && name === 'intrinsic') continue;
    for (const t of tags) all.add(t);
  }
  const names = capValues(
    [...all].sort(compareStrings),
    textSize,
    parseLimit(ctx.query),
    deps.maxBytesPerTagValuesQuery ?? DEFAULT_MAX_TAG_BYTES,
  );
  const body: Json = {};
  if (names.length > 0) body.tagNames = names;
  body.metrics = metricsJson(result.inspectedBytes);
  sendJson(ctx, body);
}

/** `GET /api/v2/search/tags`: names per scope, the intrinsic list included without a scope. */
async function tagsV2(ctx: RequestContext, deps: TagRouteDeps): Promise<void> {
  const { result } = await tagNames(ctx, deps);
  const body: Json = {};
  const scopes = [...result.scopes].map(([name, tags]) => ({ name, tags }));
  if (scopes.length > 0) body.scopes = scopes;
  body.metrics = metricsJson(result.inspectedBytes);
  sendJson(ctx, body);
}

/**
 * The tag of a values route, once decoded by the router. Grafana encodes it twice
 * (`encodeURIComponent`, then its backend again), so text that still holds %-escapes is decoded
 * again, if the result is acceptable (a TraceQL identifier for v2): attribute names may contain
 * `%`, so the once-decoded text often parses too.
 */
export function decodeTagName(once: string, acceptable: (name: string) => boolean): string {
  if (!/%[0-9a-fA-F]{2}/.test(once)) return once;
  let twice: string;
  try {
    twice = decodeURIComponent(once);
  } catch {
    return once;
  }
  return acceptable(twice) ? twice : once;
}

function requireName(name: string | undefined): string {
  if (name === undefined || name === '') {
    throw new InvalidRequestError('please provide a non-empty tagName');
  }
  return name;
}

/** `GET /api/v2/search/tag/{identifier}/values`: typed values. */
async function valuesV2(ctx: RequestContext, deps: TagRouteDeps): Promise<void> {
  const raw = requireName(ctx.params.name);
  const name = decodeTagName(raw, (n) => parseTagIdentifier(n) !== undefined);
  const target = parseTagIdentifier(name);
  if (target === undefined) {
    throw new InvalidRequestError(
      `please provide a valid tagName: "${name}" is not a TraceQL identifier (such as resource.service.name, span.http.method, .a, name or span:status)`,
    );
  }
  const opts = baseOptions(ctx, deps);
  const result = await deps.tags.searchTagValues(deps.tenantOf(ctx), target, opts);
  const body: Json = {};
  if (result.values.length > 0) body.tagValues = result.values.map(typedValueJson);
  body.metrics = metricsJson(result.inspectedBytes);
  sendJson(ctx, body);
}

/** A TagValue as jsonpb writes it: an empty `value` is left out. */
function typedValueJson(v: TagValue): Json {
  return v.value === '' ? { type: v.type } : { type: v.type, value: v.value };
}

const RESOURCE_COLUMNS = new Set([
  'service.name',
  'cluster',
  'namespace',
  'pod',
  'container',
  'k8s.namespace.name',
  'k8s.cluster.name',
  'k8s.pod.name',
  'k8s.container.name',
]);
const SPAN_COLUMNS = new Set(['http.method', 'http.url', 'http.status_code']);

/**
 * A v1 tag name (unscoped, not TraceQL) as Tempo's vParquet4 resolves it
 * (`translateTagToAttribute`, `nonTraceQLAttributes`): a few names are intrinsics or dedicated
 * resource and span columns; every other name is an unscoped attribute.
 */
export function v1TagTarget(name: string): TagTarget {
  const intrinsic = V1_INTRINSICS.get(name);
  if (intrinsic !== undefined) return { kind: 'intrinsic', intrinsic };
  const scope = RESOURCE_COLUMNS.has(name)
    ? 'resource'
    : SPAN_COLUMNS.has(name)
      ? 'span'
      : 'unscoped';
  return { kind: 'attribute', scope, name, parent: false };
}

// Maps, not object literals: a tag named `constructor` must not find Object's.
const V1_INTRINSICS: ReadonlyMap<string, IntrinsicName> = new Map([
  ['name', 'name'],
  ['status.code', 'status'],
  ['root.name', 'rootName'],
  ['rootName', 'rootName'],
  ['root.service.name', 'rootServiceName'],
  ['rootServiceName', 'rootServiceName'],
  ['trace:id', 'traceId'],
  ['span:id', 'spanId'],
]);

/** Tempo's `search.GetVirtualTagValues`: `error` always offers `true`. */
const V1_VIRTUAL: ReadonlyMap<string, readonly string[]> = new Map([['error', ['true']]]);

/** `GET /api/search/tag/{name}/values`: values as text, sorted. `q` is not used (as in Tempo). */
async function valuesV1(ctx: RequestContext, deps: TagRouteDeps): Promise<void> {
  const raw = requireName(ctx.params.name);
  const name = decodeTagName(raw, () => true);
  const opts = baseOptions(ctx, deps, false);
  // Limits apply to the text values below (typed values that print alike are one value here).
  const result = await deps.tags.searchTagValues(deps.tenantOf(ctx), v1TagTarget(name), {
    ...opts,
    limit: undefined,
  });
  const all = new Set<string>(V1_VIRTUAL.get(name) ?? []);
  for (const v of result.values) all.add(v.value);
  const values = capValues([...all].sort(compareStrings), textSize, opts.limit, opts.maxBytes);
  const body: Json = {};
  if (values.length > 0) body.tagValues = values;
  body.metrics = metricsJson(result.inspectedBytes);
  sendJson(ctx, body);
}

/** Adds the four tag routes (GET and HEAD) to the router. */
export function addTagRoutes(router: Router, deps: TagRouteDeps): Router {
  const get = ['GET', 'HEAD'];
  return router
    .add(get, '/api/search/tags', (ctx) => tagsV1(ctx, deps))
    .add(get, '/api/v2/search/tags', (ctx) => tagsV2(ctx, deps))
    .add(get, '/api/search/tag/*name/values', (ctx) => valuesV1(ctx, deps))
    .add(get, '/api/v2/search/tag/*name/values', (ctx) => valuesV2(ctx, deps));
}
