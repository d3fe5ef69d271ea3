/**
 * TraceQL search over the head (WAL segments not yet in blocks) and the blocks of a tenant
 * (docs/rfc/0001-traceql-engine.md). Blocks are judged in SQL: one statement flags the spans of
 * every spanset filter and keeps the traces that can match; the head is read and judged here.
 * Each candidate trace is then evaluated whole by the pipeline, newest first.
 */
import type { Block, BlockStore, DuckDb } from '../../blocks/index.js';
import { searchSpansSql } from '../../blocks/index.js';
import type { Pipeline, SpansetFilter } from '../../traceql/index.js';
import type { StoredResource, StoredScope, StoredSpan } from '../../wal/index.js';
import type { Wal } from '../../wal/index.js';
import { fieldValue, spanMatches, toAnyValue, type TqlValue } from './field-eval.js';
import { serviceOf, type EvalSpan, type EvalTrace } from './model.js';
import { evaluatePipeline, type Spanset } from './pipeline.js';
import { planSearch, type SearchPlan } from './plan.js';
import { byStart, numberTree } from './tree.js';

export interface SearchSources {
  db: DuckDb;
  wal: Wal;
  store: BlockStore;
}

export interface SearchRequest {
  pipeline: Pipeline;
  limit: number;
  /** Spans per spanset; 0 for all. */
  spss: number;
  /** Traces must overlap [startNs, endNs] (unix nanoseconds) when given. */
  startNs?: bigint;
  endNs?: bigint;
}

export interface KeyValueJson {
  key: string;
  value: Record<string, unknown>;
}

export interface SearchSpanResult {
  spanId: string;
  name: string;
  startNs: string;
  durationNs: string;
  attributes: KeyValueJson[];
}

export interface SearchSpansetResult {
  spans: SearchSpanResult[];
  matched: number;
  attributes: KeyValueJson[];
}

export interface SearchTraceResult {
  traceId: string;
  rootServiceName: string | undefined;
  rootTraceName: string | undefined;
  startNs: bigint;
  durationNs: bigint;
  spanSets: SearchSpansetResult[];
  serviceStats: Map<string, { spanCount: number; errorCount: number }>;
}

export interface SearchMetrics {
  inspectedTraces: number;
  inspectedBytes: number;
  inspectedSpans: number;
  totalBlocks: number;
  totalBlockBytes: number;
}

export interface SearchResult {
  traces: SearchTraceResult[];
  metrics: SearchMetrics;
}

/** A span found by a search, with where it came from. */
interface FoundSpan extends EvalSpan {
  /** Filter flags computed in SQL (thin spans); ignored for rich spans. */
  flags: number;
  /** True when `line` holds the attributes, events and links (judged here, not by flags). */
  rich: boolean;
  block: Block | undefined;
  row: number;
}

interface TraceAcc {
  traceId: string;
  spans: FoundSpan[];
  services: Map<string, { spanCount: number; errorCount: number }>;
  startNs: bigint;
  endNs: bigint;
  root: { name: string; service: string; startNs: bigint } | undefined;
}

function newAcc(traceId: string): TraceAcc {
  return { traceId, spans: [], services: new Map(), startNs: -1n, endNs: -1n, root: undefined };
}

function noteSpanTimes(acc: TraceAcc, st: bigint, en: bigint): void {
  if (acc.startNs < 0n || st < acc.startNs) acc.startNs = st;
  if (en > acc.endNs) acc.endNs = en;
}

function noteRoot(acc: TraceAcc, name: string, service: string, st: bigint): void {
  if (acc.root === undefined || st < acc.root.startNs) acc.root = { name, service, startNs: st };
}

function noteService(acc: TraceAcc, service: string, spans: number, errors: number): void {
  const s = acc.services.get(service);
  if (s === undefined) acc.services.set(service, { spanCount: spans, errorCount: errors });
  else {
    s.spanCount += spans;
    s.errorCount += errors;
  }
}

function overlaps(startMs: number, endMs: number, req: SearchRequest): boolean {
  if (req.startNs !== undefined && BigInt(endMs) * 1_000_000n + 999_999n < req.startNs)
    return false;
  if (req.endNs !== undefined && BigInt(startMs) * 1_000_000n > req.endNs) return false;
  return true;
}

export async function searchTraces(
  src: SearchSources,
  tenant: string,
  req: SearchRequest,
): Promise<SearchResult> {
  const plan = planSearch(req.pipeline);
  const traces = new Map<string, TraceAcc>();
  const metrics: SearchMetrics = {
    inspectedTraces: 0,
    inspectedBytes: 0,
    inspectedSpans: 0,
    totalBlocks: 0,
    totalBlockBytes: 0,
  };
  await readHead(src, tenant, req, traces, metrics);
  const blocks = src.store
    .blocks(tenant)
    .filter((b) => overlaps(b.meta.startUnixMs, b.meta.endUnixMs, req));
  const acquired = blocks.filter((b) => b.acquire());
  try {
    if (acquired.length > 0) await readBlocks(src.db, acquired, plan, req, traces, metrics);
    const matches = evaluateAll(plan, traces, req);
    matches.sort((a, b) =>
      a.trace.startNs !== b.trace.startNs
        ? a.trace.startNs > b.trace.startNs
          ? -1
          : 1
        : a.acc.traceId < b.acc.traceId
          ? -1
          : 1,
    );
    const page = matches.slice(0, req.limit);
    await loadOutputSpans(src.db, plan, page, req.spss);
    return { traces: page.map((m) => toResult(plan, m, req.spss)), metrics };
  } finally {
    for (const b of acquired) b.release();
  }
}

/** The head: every span of the live WAL segments, judged here. */
async function readHead(
  src: SearchSources,
  tenant: string,
  req: SearchRequest,
  traces: Map<string, TraceAcc>,
  metrics: SearchMetrics,
): Promise<void> {
  for (const seg of await src.wal.liveSegments(tenant)) {
    if (seg.spanCount === 0 || !overlaps(seg.minStartMs, seg.maxEndMs, req)) continue;
    const lines = await seg.readAllSpans();
    metrics.inspectedBytes += seg.size;
    metrics.inspectedSpans += lines.length;
    for (const line of lines) {
      let acc = traces.get(line.t);
      if (acc === undefined) traces.set(line.t, (acc = newAcc(line.t)));
      const resource = seg.resources.get(line.r);
      addRichSpan(acc, line, resource, seg.scopes.get(line.c));
    }
  }
}

function addRichSpan(
  acc: TraceAcc,
  line: StoredSpan,
  resource: StoredResource | undefined,
  scope: StoredScope | undefined,
): void {
  const st = BigInt(line.st);
  const en = BigInt(line.en) < st ? st : BigInt(line.en);
  const service = serviceOf(resource);
  noteSpanTimes(acc, st, en);
  noteService(acc, service, 1, line.sc === 2 ? 1 : 0);
  if (!line.p) noteRoot(acc, line.n, service, st);
  acc.spans.push({
    line,
    resource,
    scope,
    nestedSetLeft: 0,
    nestedSetRight: 0,
    nestedSetParent: 0,
    childCount: 0,
    flags: 0,
    rich: true,
    block: undefined,
    row: -1,
  });
}

/** The blocks, in one statement: flagged spans of the candidate traces, and their summaries. */
async function readBlocks(
  db: DuckDb,
  blocks: readonly Block[],
  plan: SearchPlan,
  req: SearchRequest,
  traces: Map<string, TraceAcc>,
  metrics: SearchMetrics,
): Promise<void> {
  for (const b of blocks) {
    metrics.totalBlocks++;
    metrics.inspectedBytes += b.meta.size;
    metrics.totalBlockBytes += b.meta.size;
    metrics.inspectedSpans += b.meta.totalSpans;
    metrics.inspectedTraces += b.meta.totalObjects ?? 0;
  }
  // Traces with spans in the head are judged whole: their block spans come back whatever flags.
  const headIds = [...traces.keys()].filter((id) => blocks.some((b) => b.mayContain(id)));
  const sql = searchSpansSql({
    sources: blocks.map((b) => ({ dir: b.dir })),
    filters: plan.compiled,
    tracePredicate: plan.tracePredicate,
    allSpans: plan.needsAllSpans,
    alsoTraceIds: headIds,
    startNs: req.startNs,
    endNs: req.endNs,
  });
  const rows = await db.all(sql);
  const resources = await Promise.all(blocks.map((b) => b.resources(db)));
  const scopes = await Promise.all(blocks.map((b) => b.scopes(db)));
  for (const r of rows) {
    const traceId = r.t as string;
    let acc = traces.get(traceId);
    if (acc === undefined) traces.set(traceId, (acc = newAcc(traceId)));
    if (r.kind === 1) {
      const st = BigInt(r.st as string);
      const en = BigInt(r.en as string);
      noteSpanTimes(acc, st, en);
      noteService(acc, r.sv as string, Number(r.cnt), Number(r.errors));
      if (r.root_st !== null)
        noteRoot(acc, r.root_name as string, r.sv as string, BigInt(r.root_st as string));
      continue;
    }
    const src = Number(r.src);
    const line: StoredSpan = {
      t: traceId,
      s: r.s as string,
      p: r.p as string,
      r: r.r as string,
      c: r.c as string,
      n: r.n as string,
      k: Number(r.k),
      st: r.st as string,
      en: r.en as string,
      sc: Number(r.sc),
      sm: r.sm as string,
    };
    acc.spans.push({
      line,
      resource: resources[src]?.get(line.r),
      scope: scopes[src]?.get(line.c),
      nestedSetLeft: 0,
      nestedSetRight: 0,
      nestedSetParent: 0,
      childCount: 0,
      flags: Number(r.flags),
      rich: false,
      block: blocks[src],
      row: Number(r.row),
    });
  }
  await loadRich(
    db,
    [...traces.values()].flatMap((acc) => acc.spans.filter((s) => needsRich(plan, s))),
  );
}

/** Whether a thin span must be read whole to be judged (an inexact filter, or a value). */
function needsRich(plan: SearchPlan, s: FoundSpan): boolean {
  if (s.rich || s.flags === 0) return false;
  if (plan.valuesNeedAttributes) return true;
  return plan.compiled.some((c, i) => !c.exact && (s.flags & (2 ** i)) !== 0);
}

/** Reads spans whole (attributes, events, links) from their blocks. */
async function loadRich(db: DuckDb, spans: readonly FoundSpan[]): Promise<void> {
  const byBlock = new Map<Block, FoundSpan[]>();
  for (const s of spans) {
    if (s.rich || s.block === undefined) continue;
    const list = byBlock.get(s.block);
    if (list === undefined) byBlock.set(s.block, [s]);
    else list.push(s);
  }
  await Promise.all(
    [...byBlock].map(async ([block, list]) => {
      const lines = await block.readRows(
        db,
        list.map((s) => s.row),
      );
      for (const s of list) {
        const line = lines.get(s.row);
        if (line === undefined) continue;
        (s as { line: StoredSpan }).line = line;
        s.rich = true;
      }
    }),
  );
}

interface Match {
  acc: TraceAcc;
  trace: EvalTrace;
  spansets: Spanset[];
}

/** Drops a second copy of a span (same id and kind, e.g. in the head and a block). */
function dedupe(spans: FoundSpan[]): FoundSpan[] {
  const seen = new Set<string>();
  return spans.filter((s) => {
    const key = `${s.line.s}:${s.line.k}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function evaluateAll(plan: SearchPlan, traces: Map<string, TraceAcc>, req: SearchRequest): Match[] {
  const out: Match[] = [];
  for (const acc of traces.values()) {
    if (acc.startNs < 0n) continue;
    if (req.startNs !== undefined && acc.endNs < req.startNs) continue;
    if (req.endNs !== undefined && acc.startNs > req.endNs) continue;
    const spans = dedupe(acc.spans).sort(byStart);
    if (spans.length === 0) continue;
    const trace: EvalTrace = {
      traceId: acc.traceId,
      rootName: acc.root?.name,
      rootService: acc.root?.service,
      startNs: acc.startNs,
      durationNs: acc.endNs - acc.startNs,
    };
    if (plan.needsTree) numberTree(spans);
    const spansets = evaluatePipeline(plan.pipeline, spans, {
      matches: (f: SpansetFilter, span: EvalSpan) => {
        const s = span as FoundSpan;
        if (s.rich) return spanMatches(f.expr, s, trace);
        const i = plan.index.get(f) ?? 0;
        return (s.flags & (2 ** i)) !== 0;
      },
      value: (e, span) => fieldValue(e, span, trace),
    });
    if (spansets.length > 0) out.push({ acc, trace, spansets });
  }
  return out;
}

/** Reads whole the returned spans whose reported fields need attributes. */
async function loadOutputSpans(
  db: DuckDb,
  plan: SearchPlan,
  page: Match[],
  spss: number,
): Promise<void> {
  const needs = plan.outputFields.some(
    (f) =>
      f.field.kind === 'Attribute' ||
      f.field.intrinsic.startsWith('event') ||
      f.field.intrinsic.startsWith('link') ||
      f.field.intrinsic.startsWith('instrumentation'),
  );
  if (!needs) return;
  const spans = page.flatMap((m) =>
    m.spansets.flatMap((ss) => (spss > 0 ? ss.spans.slice(0, spss) : ss.spans) as FoundSpan[]),
  );
  await loadRich(db, spans);
}

function toResult(plan: SearchPlan, m: Match, spss: number): SearchTraceResult {
  return {
    traceId: m.acc.traceId,
    rootServiceName: m.acc.root?.service,
    rootTraceName: m.acc.root?.name,
    startNs: m.acc.startNs,
    durationNs: m.acc.endNs - m.acc.startNs,
    serviceStats: m.acc.services,
    spanSets: m.spansets.map((ss) => ({
      matched: ss.spans.length,
      attributes: ss.attributes.flatMap((a) => keyValue(a.key, a.value)),
      spans: (spss > 0 ? ss.spans.slice(0, spss) : ss.spans).map((span) => {
        const line = span.line;
        const st = BigInt(line.st);
        const en = BigInt(line.en);
        return {
          spanId: line.s,
          name: line.n,
          startNs: line.st,
          durationNs: String(en > st ? en - st : 0n),
          attributes: plan.outputFields.flatMap((f) =>
            keyValue(f.key, fieldValue(f.field, span, m.trace)),
          ),
        };
      }),
    })),
  };
}

function keyValue(key: string, v: TqlValue): KeyValueJson[] {
  const value = toAnyValue(v);
  return value === undefined ? [] : [{ key, value }];
}
