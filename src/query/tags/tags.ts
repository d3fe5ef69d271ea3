/**
 * Tag names and tag values over the head and the blocks of a tenant (Tempo's
 * `/api/v2/search/tags` and `/api/v2/search/tag/{name}/values`; reference/tempo.md §1.5–1.6).
 *
 * Blocks and segments are chosen by time as Tempo chooses blocks: a block or segment that
 * overlaps the range counts whole. `q` narrows the spans when it lenient-parses to a filter: the
 * head judges it exactly (per span, in JavaScript); the blocks use the compiled SQL, which is a
 * superset where the compiler is not exact (event, link, trace-level and tree conditions), so
 * suggestions there may include values of spans the filter would not keep. Never an error.
 */
import type {
  Block,
  BlockStore,
  DuckDb,
  Row,
  TagAttributeScope,
  TagIntrinsicColumn,
  TagValuesSqlTarget,
} from '../../blocks/index.js';
import { compileFilter, tagNamesSql, tagValuesSql } from '../../blocks/index.js';
import { InvalidRequestError } from '../../model/index.js';
import { parseLenientFilter, type FieldExpr } from '../../traceql/index.js';
import type { StoredAttr, StoredSpan, Wal } from '../../wal/index.js';
import { spanIdText, traceIdText } from '../search/field-eval.js';
import type { EvalSpan } from '../search/model.js';
import { compareStrings } from '../search/values.js';
import { headRoots, overlapsRange, scanHead, type HeadScan } from './head.js';
import { serviceOf } from '../search/model.js';
import {
  ATTRIBUTE_SCOPES,
  attributeScopes,
  INTRINSIC_TAGS,
  intrinsicSource,
  parseTagIdentifier,
  type TagScope,
  type TagTarget,
} from './target.js';
import {
  capValues,
  DEFAULT_MAX_TAG_BYTES,
  TagValueSet,
  textSize,
  typedSize,
  type TagValue,
} from './values.js';

export interface TagSources {
  db: DuckDb;
  wal: Wal;
  store: BlockStore;
}

export interface TagSearchOptions {
  /** TraceQL (often unfinished) narrowing the spans; ignored when nothing usable parses. */
  q?: string;
  /** Blocks and head segments overlapping [startMs, endMs] (unix ms) are read; all without. */
  startMs?: number;
  endMs?: number;
  /** Per scope for names (not the intrinsic list), in all for values; 0 or absent: no limit. */
  limit?: number;
  /** Total bytes of the answer (Tempo's max_bytes_per_tag_values_query); default 1 MB. */
  maxBytes?: number;
}

export interface TagNamesOptions extends TagSearchOptions {
  /** One scope; absent: every attribute scope and the intrinsic list. */
  scope?: TagScope;
}

export interface TagNamesResult {
  /** Sorted names per scope, in response order; scopes without names are absent. */
  scopes: Map<TagScope, string[]>;
  inspectedBytes: number;
}

export interface TagValuesResult {
  /** Distinct values, sorted by text (status and kind keywords in Tempo's order). */
  values: TagValue[];
  inspectedBytes: number;
}

/** The filter `q` stands for, if any; a filter that keeps every span is no filter. */
function filterOf(q: string | undefined): FieldExpr | undefined {
  if (q === undefined || q.trim() === '') return undefined;
  const f = parseLenientFilter(q);
  if (f === undefined) return undefined;
  if (f.expr.kind === 'Static' && f.expr.type === 'bool' && f.expr.value) return undefined;
  return f.expr;
}

/** Runs `read` over the blocks overlapping the range, holding them meanwhile. */
async function withBlocks<T>(
  store: BlockStore,
  tenant: string,
  o: TagSearchOptions,
  read: (blocks: readonly Block[]) => Promise<T>,
): Promise<{ result: T | undefined; bytes: number }> {
  const candidates = store
    .blocks(tenant)
    .filter((b) => overlapsRange(b.meta.startUnixMs, b.meta.endUnixMs, o));
  const held = candidates.filter((b) => b.acquire());
  try {
    if (held.length === 0) return { result: undefined, bytes: 0 };
    const result = await read(held);
    return { result, bytes: held.reduce((n, b) => n + b.meta.size, 0) };
  } finally {
    for (const b of held) b.release();
  }
}

/**
 * Runs a block statement with the compiled filter; should the filter's SQL fail (it comes from
 * user text), runs it unfiltered: a suggestion is better than an error.
 */
async function allFiltered(
  db: DuckDb,
  filter: FieldExpr | undefined,
  sql: (filterSql: string | undefined) => string,
): Promise<Row[]> {
  if (filter === undefined) return db.all(sql(undefined));
  const compiled = compileFilter(filter);
  if (compiled.sql === 'true') return db.all(sql(undefined));
  try {
    return await db.all(sql(compiled.sql));
  } catch {
    return db.all(sql(undefined));
  }
}

// ---- names ----

/** The order of scopes in a response (Tempo's is a Go map's: any order is Tempo's). */
const SCOPE_ORDER: readonly TagScope[] = [
  'resource',
  'span',
  'intrinsic',
  'event',
  'link',
  'instrumentation',
];

type AttrList = readonly StoredAttr[] | null | undefined;

/** Calls `visit` with each attribute list of `scope` in head spans (each resource or scope once). */
function eachAttrList(
  spans: readonly EvalSpan[],
  scope: TagAttributeScope,
  visit: (attrs: AttrList) => void,
): void {
  const seen = new Set<unknown>();
  for (const s of spans) {
    switch (scope) {
      case 'span':
        visit(s.line.a);
        break;
      case 'resource':
        if (!seen.has(s.resource)) visit(s.resource?.a);
        seen.add(s.resource);
        break;
      case 'instrumentation':
        if (!seen.has(s.scope)) visit(s.scope?.a);
        seen.add(s.scope);
        break;
      case 'event':
        for (const e of s.line.e ?? []) visit(e.a);
        break;
      case 'link':
        for (const l of s.line.l ?? []) visit(l.a);
        break;
    }
  }
}

function headNames(scan: HeadScan, scope: TagAttributeScope, out: Set<string>): void {
  eachAttrList(scan.spans, scope, (attrs) => {
    for (const a of attrs ?? []) out.add(a.k ?? '');
  });
}

/** Distinct attribute keys per scope, and the intrinsic list, as Tempo's v2 tags endpoint. */
export async function searchTagNames(
  src: TagSources,
  tenant: string,
  o: TagNamesOptions,
): Promise<TagNamesResult> {
  const wanted: readonly TagAttributeScope[] =
    o.scope === undefined ? ATTRIBUTE_SCOPES : o.scope === 'intrinsic' ? [] : [o.scope];
  const found = new Map<TagAttributeScope, Set<string>>(wanted.map((sc) => [sc, new Set()]));
  let inspectedBytes = 0;
  if (wanted.length > 0) {
    const filter = filterOf(o.q);
    const scan = await scanHead(src.wal, tenant, o, filter);
    inspectedBytes += scan.bytes;
    for (const [scope, set] of found) headNames(scan, scope, set);
    const blocks = await withBlocks(src.store, tenant, o, (held) =>
      allFiltered(src.db, filter, (f) => tagNamesSql({ sources: held, scopes: wanted, filter: f })),
    );
    inspectedBytes += blocks.bytes;
    for (const r of blocks.result ?? []) {
      found.get(r.scope as TagAttributeScope)?.add(typeof r.k === 'string' ? r.k : '');
    }
  }
  return { scopes: capNames(found, o), inspectedBytes };
}

/**
 * Response order (resource, span, intrinsic, event, link, instrumentation), `limit` per
 * attribute scope, and the byte budget over all, the intrinsic list first (Tempo's frontend adds
 * it first "so that they aren't dropped by the response size limit").
 */
function capNames(
  found: Map<TagAttributeScope, Set<string>>,
  o: TagNamesOptions,
): Map<TagScope, string[]> {
  const max = o.maxBytes ?? DEFAULT_MAX_TAG_BYTES;
  let bytes = 0;
  let full = false;
  // Tempo's ScopedDistinctString: a name that would pass the budget stops the whole collection.
  const take = (names: readonly string[], limit: number | undefined): string[] => {
    const kept: string[] = [];
    for (const name of names) {
      if (full || (limit !== undefined && limit > 0 && kept.length >= limit)) break;
      const size = textSize(name);
      if (max > 0 && bytes + size > max) {
        full = true;
        break;
      }
      bytes += size;
      kept.push(name);
    }
    return kept;
  };
  const capped = new Map<TagScope, string[]>();
  if (o.scope === undefined || o.scope === 'intrinsic') {
    capped.set('intrinsic', take(INTRINSIC_TAGS, undefined));
  }
  for (const scope of ATTRIBUTE_SCOPES) {
    const set = found.get(scope);
    if (set !== undefined) capped.set(scope, take([...set].sort(compareStrings), o.limit));
  }
  const out = new Map<TagScope, string[]>();
  for (const scope of SCOPE_ORDER) {
    const names = capped.get(scope);
    if (names !== undefined && names.length > 0) out.set(scope, names);
  }
  return out;
}

// ---- values ----

function headAttributeValues(
  spans: readonly EvalSpan[],
  scopes: readonly TagAttributeScope[],
  name: string,
  out: TagValueSet,
): void {
  for (const scope of scopes) {
    eachAttrList(spans, scope, (attrs) => {
      for (const a of attrs ?? []) if (a.k === name) out.addAttr(a);
    });
  }
}

/** A column value as TraceQL prints it (ids: vParquet5's hex forms). */
function columnText(column: TagIntrinsicColumn, v: string): string {
  switch (column) {
    case 'traceId':
    case 'linkTraceId':
      return traceIdText(v);
    case 'spanId':
    case 'parentId':
    case 'linkSpanId':
      return spanIdText(v);
    case 'name':
    case 'statusMessage':
    case 'rootName':
    case 'rootServiceName':
    case 'eventName':
    case 'instrumentationName':
    case 'instrumentationVersion':
      return v;
  }
}

function headIntrinsicValues(scan: HeadScan, column: TagIntrinsicColumn, out: TagValueSet): void {
  const add = (v: string | null | undefined): void => {
    if (v) out.addString(columnText(column, v));
  };
  if (column === 'rootName' || column === 'rootServiceName') {
    for (const r of headRoots(scan)) {
      add(column === 'rootName' ? r.line.n : serviceOf(r.resource));
    }
    return;
  }
  for (const s of scan.spans) addSpanIntrinsic(s, column, add);
}

function addSpanIntrinsic(
  s: EvalSpan,
  column: TagIntrinsicColumn,
  add: (v: string | null | undefined) => void,
): void {
  const line: StoredSpan = s.line;
  switch (column) {
    case 'name':
      return add(line.n);
    case 'statusMessage':
      return add(line.sm);
    case 'traceId':
      return add(line.t);
    case 'spanId':
      return add(line.s);
    case 'parentId':
      return add(line.p);
    case 'eventName':
      for (const e of line.e ?? []) add(e.n);
      return;
    case 'linkTraceId':
      for (const l of line.l ?? []) add(l.t);
      return;
    case 'linkSpanId':
      for (const l of line.l ?? []) add(l.s);
      return;
    case 'instrumentationName':
      return add(s.scope?.n);
    case 'instrumentationVersion':
      return add(s.scope?.v);
    case 'rootName':
    case 'rootServiceName':
      // Per trace, not per span: headIntrinsicValues reads them from the roots.
      return;
  }
}

/** The tag of a request: identifier text (400 when it does not parse) or an already resolved one. */
function resolveTarget(tag: string | TagTarget): TagTarget {
  if (typeof tag !== 'string') return tag;
  const t = parseTagIdentifier(tag);
  if (t === undefined) {
    throw new InvalidRequestError(
      `invalid tag name "${tag}": expected a TraceQL identifier such as resource.service.name, .http.method or name`,
    );
  }
  return t;
}

/** Distinct typed values of one tag, as Tempo's v2 tag-values endpoint. */
export async function searchTagValues(
  src: TagSources,
  tenant: string,
  tag: string | TagTarget,
  o: TagSearchOptions,
): Promise<TagValuesResult> {
  const target = resolveTarget(tag);
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_TAG_BYTES;
  let sqlTarget: TagValuesSqlTarget;
  if (target.kind === 'attribute') {
    if (target.parent) return { values: [], inspectedBytes: 0 };
    sqlTarget = { kind: 'attribute', scopes: attributeScopes(target.scope), name: target.name };
  } else {
    const source = intrinsicSource(target.intrinsic);
    if (source.kind === 'none') return { values: [], inspectedBytes: 0 };
    if (source.kind === 'keywords') {
      // Static, nothing read (Tempo returns these before reading any data).
      const values = source.values.map((value): TagValue => ({ type: 'keyword', value }));
      return { values: capValues(values, typedSize, o.limit, maxBytes), inspectedBytes: 0 };
    }
    sqlTarget = { kind: 'intrinsic', column: source.column };
  }
  const filter = filterOf(o.q);
  const found = new TagValueSet();
  const scan = await scanHead(src.wal, tenant, o, filter);
  if (sqlTarget.kind === 'attribute') {
    headAttributeValues(scan.spans, sqlTarget.scopes, sqlTarget.name, found);
  } else {
    headIntrinsicValues(scan, sqlTarget.column, found);
  }
  const t = sqlTarget;
  const blocks = await withBlocks(src.store, tenant, o, (held) =>
    allFiltered(src.db, filter, (f) => tagValuesSql({ sources: held, target: t, filter: f })),
  );
  for (const r of blocks.result ?? []) {
    if (t.kind === 'attribute') found.addAttr(r as unknown as StoredAttr);
    else if (typeof r.v === 'string' && r.v !== '') found.addString(columnText(t.column, r.v));
  }
  return {
    values: capValues(found.sorted(), typedSize, o.limit, maxBytes),
    inspectedBytes: scan.bytes + blocks.bytes,
  };
}
