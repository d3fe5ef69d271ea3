/**
 * TraceQL search over the head (WAL segments not yet in blocks) and the blocks of a tenant
 * (docs/rfc/0001-traceql-engine.md). The head is read and judged here. Blocks go in two steps:
 * a narrow statement finds the traces that can match (newest first), then the spans of those
 * traces are read, by trace id, a batch at a time. When the filters decide the query alone
 * (`SearchPlan.sqlDecides`), the first statement's traces are the answer and only the spans to
 * report are read; otherwise each trace is evaluated whole by the pipeline until a page is full.
 */
import type { Block, BlockStore, DuckDb, Row, SearchSource } from '../../blocks/index.js';
import {
  candidateTracesSql,
  readSpanAttributes,
  SPAN_ROW_COLUMNS,
  SUMMARY_COLUMNS,
  readsSpanAttributes,
  spansByRowSql,
  summaryCandidatesSql,
  traceSpansSql,
  traceSummariesSql,
} from '../../blocks/index.js';
import type { Pipeline, SpansetFilter } from '../../traceql/index.js';
import type { StoredAttr, StoredResource, StoredScope, StoredSpan } from '../../wal/index.js';
import type { Wal } from '../../wal/index.js';
import { VivaceError } from '../../model/index.js';
import { fieldValue, spanMatches, toAnyValue, type TqlValue } from './field-eval.js';
import { evalSpan, serviceOf, type EvalSpan, type EvalTrace } from './model.js';
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
  /** Read the returned spans whole and give each as TraceQL sees it (`SearchSpanResult.span`). */
  rich?: boolean;
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
  /** The span whole, with its resource and scope (`SearchRequest.rich` only). */
  span?: EvalSpan;
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
  /** `line.a` already holds the span attributes a page reports (from the candidate statement). */
  reportedRead: boolean;
}

interface TraceAcc {
  traceId: string;
  spans: FoundSpan[];
  services: Map<string, { spanCount: number; errorCount: number }>;
  startNs: bigint;
  endNs: bigint;
  root: { name: string; service: string; startNs: bigint } | undefined;
  /** Flagged spans counted in SQL (when SQL decides), of which `spans` holds the first. */
  matched?: number;
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

/** A trace that can match, from the blocks, with the blocks that hold it. */
interface Candidate {
  traceId: string;
  startNs: bigint;
  /** The blocks that hold it, with its rows there. */
  parts: { block: number; firstRow: number; rows: number }[];
  spans: number;
  /** Its summary rows (`traceSummariesSql`, `src` a block index), when the search read them. */
  summaries?: Row[];
}

/**
 * Up to this many traces asked for, the spans of the chosen traces are read by trace id (row
 * groups prune most of each block); past it, the statement that chooses them also picks their
 * first spans, as reading thousands of traces by id costs a scan of every block anyway.
 */
const FEW_TRACES = 500;

/** Up to this many spans of chosen traces are read in one statement over all their blocks. */
const ONE_STATEMENT_SPANS = 20_000;

/** Spans read per statement at most when traces are read whole (bounds memory). */
const BATCH_SPANS = 100_000;

export async function searchTraces(
  src: SearchSources,
  tenant: string,
  req: SearchRequest,
): Promise<SearchResult> {
  const head = new Map<string, TraceAcc>();
  const metrics: SearchMetrics = {
    inspectedTraces: 0,
    inspectedBytes: 0,
    inspectedSpans: 0,
    totalBlocks: 0,
    totalBlockBytes: 0,
  };
  await readHead(src, tenant, req, head, metrics);
  const blocks = src.store
    .blocks(tenant)
    .filter((b) => overlaps(b.meta.startUnixMs, b.meta.endUnixMs, req));
  const acquired = blocks.filter((b) => b.acquire());
  try {
    // Keys that never hold an array in these blocks are compared without the array alternative.
    const spanArrayKeys = new Set<string>();
    for (const keys of await Promise.all(acquired.map((b) => b.spanArrayKeys(src.db))))
      for (const k of keys) spanArrayKeys.add(k);
    const plan = planSearch(req.pipeline, { spanArrayKeys });
    let matches: Match[];
    if (acquired.length === 0) matches = evaluateAll(plan, head, req);
    else {
      await Promise.all(acquired.map((b) => b.traceSummary(src.db)));
      const read = new Set<Block>();
      matches = await searchBlocks(src.db, acquired, plan, req, head, read);
      for (const b of acquired) {
        metrics.totalBlocks++;
        metrics.totalBlockBytes += b.meta.size;
        // Inspected: the blocks scanned, not those a first page could leave out.
        if (!read.has(b)) continue;
        metrics.inspectedBytes += b.meta.size;
        metrics.inspectedSpans += b.meta.totalSpans;
        metrics.inspectedTraces += b.meta.totalObjects ?? 0;
      }
    }
    matches.sort(newestFirst);
    const page = matches.slice(0, req.limit);
    await loadOutputSpans(src.db, plan, page, req.spss, req.rich === true);
    return { traces: page.map((m) => toResult(plan, m, req.spss, req.rich === true)), metrics };
  } finally {
    for (const b of acquired) b.release();
  }
}

/** Result order: trace start, newest first, then trace id. */
function byNewest(aStart: bigint, aId: string, bStart: bigint, bId: string): number {
  if (aStart !== bStart) return aStart > bStart ? -1 : 1;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

function newestFirst(a: Match, b: Match): number {
  return byNewest(a.trace.startNs, a.acc.traceId, b.trace.startNs, b.acc.traceId);
}

/** Matches from the blocks and the head; at least the newest `limit` of them. */
async function searchBlocks(
  db: DuckDb,
  blocks: readonly Block[],
  plan: SearchPlan,
  req: SearchRequest,
  head: Map<string, TraceAcc>,
  read: Set<Block>,
): Promise<Match[]> {
  // A trace with spans in the head is judged whole here, its block spans included.
  const headIds = [...head.keys()].filter((id) => blocks.some((b) => b.mayContain(id)));
  if (headIds.length > 0) {
    const routed = blocks.map((b) => headIds.filter((id) => b.mayContain(id)));
    await readTraces(db, blocks, plan, routed, true, head);
  }
  const matches = evaluateAll(plan, head, req);
  if (plan.sqlDecides && req.spss > 0 && req.limit > FEW_TRACES) {
    for (const b of blocks) read.add(b);
    matches.push(...((await decidedPage(db, blocks, plan, req, headIds)) ?? []));
    return matches;
  }
  if (plan.candidatesGrow && req.limit <= FEW_TRACES && blocks.length >= MIN_BLOCKS_TO_STOP_EARLY) {
    const page = await newestBlocksFirst(db, blocks, plan, req, headIds, read);
    if (page !== undefined) {
      matches.push(...page);
      return matches;
    }
  }
  for (const b of blocks) read.add(b);
  const candidates = await findCandidates(db, blocks, plan, req, headIds);
  matches.push(...((await judgeCandidates(db, blocks, plan, req, candidates)) ?? []));
  return matches;
}

/**
 * Below this many blocks, looking at the newest first saves too little to try; it is tried for
 * first pages only (`FEW_TRACES`), as a page holding every match cannot stop early.
 */
const MIN_BLOCKS_TO_STOP_EARLY = 3;

/**
 * A first page from the newest blocks alone, when the plan allows it (`SearchPlan.candidatesGrow`):
 * the candidates of the blocks that end last, read whole (their spans in older blocks too, found
 * by bloom filter), are the answer if the newest `limit` of them started after every older block
 * ended. A matching trace that started later lies wholly in the blocks looked at, so it is among
 * them; one that straddles into older blocks started before those ended. Otherwise the search
 * looks at more blocks, and gives up (undefined) before it would look at all of them.
 */
async function newestBlocksFirst(
  db: DuckDb,
  blocks: readonly Block[],
  plan: SearchPlan,
  req: SearchRequest,
  excluded: readonly string[],
  read: Set<Block>,
): Promise<Match[] | undefined> {
  const order = [...blocks].sort((a, b) => b.meta.endUnixMs - a.meta.endUnixMs);
  const newest = order[0];
  if (newest === undefined) return undefined;
  // First the blocks that end in the later half of the newest one (blocks cut at about the same
  // time overlap), then three times as many.
  const half = (newest.meta.startUnixMs + newest.meta.endUnixMs) / 2;
  const first = Math.max(1, order.filter((b) => b.meta.endUnixMs > half).length);
  for (const n of [first, first * 3]) {
    if (n >= order.length) break;
    const older = order.slice(n);
    // Block times are whole milliseconds, rounded down.
    const endNs = BigInt(Math.max(...older.map((b) => b.meta.endUnixMs)) + 1) * 1_000_000n;
    const looked = order.slice(0, n);
    for (const b of looked) read.add(b);
    if (plan.sqlDecides && req.spss > 0 && readsSpanAttributes(plan.compiled)) {
      // One statement picks the traces and their first spans, and a second reads those spans:
      // reading the traces by id would scan the span attributes again (measured: 30 ms less
      // for a span-attribute filter over two blocks, 5–9 ms more for the others).
      const found = (await decidedPage(db, order, plan, req, excluded, { from: n, endNs }))?.sort(
        newestFirst,
      );
      const kept = found?.[req.limit - 1];
      if (kept !== undefined && kept.trace.startNs > endNs) return found;
      continue;
    }
    const candidates = await findCandidates(db, looked, plan, req, excluded);
    // Started before the older blocks ended: more blocks are needed.
    const last = plan.sqlDecides ? candidates[req.limit - 1] : candidates[0];
    if (last === undefined || last.startNs <= endNs) continue;
    const page = await judgeCandidates(db, order, plan, req, candidates, { from: n, endNs });
    if (page !== undefined) return page;
  }
  return undefined;
}

/** Blocks `from`… of a search that only bloom filters route to (the older ones). */
interface OlderBlocks {
  from: number;
  /** None of their spans ended after this (unix nanoseconds). */
  endNs: bigint;
}

/**
 * Reads and judges candidates, newest first, until `limit` match (in batches unless SQL
 * decides). With `older`, the candidates come from the blocks before `older.from` and are read
 * from older blocks as well where a bloom filter says they may be; the result is then undefined
 * unless it is proved: the `limit`-th match started after the older blocks ended and after the
 * next candidate not read (whose start is at least its trace's).
 */
async function judgeCandidates(
  db: DuckDb,
  blocks: readonly Block[],
  plan: SearchPlan,
  req: SearchRequest,
  candidates: readonly Candidate[],
  older?: OlderBlocks,
): Promise<Match[] | undefined> {
  const matches: Match[] = [];
  let from = 0;
  let count = Math.max(req.limit, 20);
  const proved = (): boolean => {
    if (matches.length < req.limit) return false;
    if (older === undefined) return true;
    matches.sort(newestFirst);
    const kept = matches[req.limit - 1]?.trace.startNs ?? -1n;
    // SQL deciding, the candidates are the newest `limit`: one read judges them all.
    const next = plan.sqlDecides ? undefined : candidates[from]?.startNs;
    return kept > older.endNs && (next === undefined || kept > next);
  };
  while (from < candidates.length && !proved()) {
    // Reading only the first spans of each trace, SQL decides in one go; else in batches.
    const batch = plan.sqlDecides ? candidates.slice(from) : nextBatch(candidates, from, count);
    from += batch.length;
    count *= 2;
    const accs = new Map<string, TraceAcc>();
    const routed = blocks.map((): string[] => []);
    const known = blocks.map((): [number, number][] => []);
    const summaries = batch.flatMap((c) => c.summaries ?? []);
    for (const c of batch) {
      for (const p of c.parts) {
        routed[p.block]?.push(c.traceId);
        known[p.block]?.push([p.firstRow, p.rows]);
      }
      for (let i = older?.from ?? blocks.length; i < blocks.length; i++) {
        if (blocks[i]?.mayContain(c.traceId)) routed[i]?.push(c.traceId);
      }
    }
    if (plan.sqlDecides) {
      await readTraces(db, blocks, plan, routed, false, accs, req.spss, known);
      matches.push(...decided(accs, req));
    } else {
      await readTraces(
        db,
        blocks,
        plan,
        routed,
        plan.needsAllSpans,
        accs,
        undefined,
        known,
        summaries,
      );
      matches.push(...evaluateAll(plan, accs, req));
    }
  }
  return older === undefined || proved() ? matches : undefined;
}

/**
 * The newest `limit` matches when SQL decides: one statement picks the traces with their counts,
 * summaries and the keys of their first flagged spans; a second reads those spans by row. With
 * `older`, the statement looks at the blocks before `older.from` only; the result is undefined
 * when its `limit`-th trace did not start after the older blocks ended, and a trace that may have
 * spans in them (bloom filter) is read whole from every block instead.
 */
async function decidedPage(
  db: DuckDb,
  blocks: readonly Block[],
  plan: SearchPlan,
  req: SearchRequest,
  excluded: readonly string[],
  older?: OlderBlocks,
): Promise<Match[] | undefined> {
  const looked = older === undefined ? blocks : blocks.slice(0, older.from);
  const page = { limit: req.limit, firstPerTrace: req.spss };
  // Keeping the flagged spans in memory saves reading the first ones again, unless they are too
  // many: then only their keys are kept, and the spans read by row.
  const rows = await candidateRows(db, looked, plan, req, excluded, page).catch((err: unknown) => {
    if (!(err instanceof VivaceError && err.code === 'overloaded')) throw err;
    return candidateRows(db, looked, plan, req, excluded, { ...page, keepSpans: false });
  });
  const straddling = blocks.map((): string[] => []);
  if (older !== undefined) {
    const holders = new Map<string, { st: bigint; srcs: number[] }>();
    for (const r of rows) {
      const h = holders.get(r.t as string);
      if (h === undefined)
        holders.set(r.t as string, { st: BigInt(r.st as string), srcs: [Number(r.src)] });
      else h.srcs.push(Number(r.src));
    }
    const starts = [...holders.values()]
      .map((h) => h.st)
      .sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
    const last = starts[req.limit - 1];
    if (last === undefined || last <= older.endNs) return undefined;
    // Bloom filters name the older blocks that may hold a trace; their summaries tell.
    const maybe = blocks.slice(older.from).map((b) => ({
      dir: b.dir,
      traceIds: [...holders.keys()].filter((id) => b.mayContain(id)),
    }));
    const asked = maybe.filter((m) => m.traceIds.length > 0);
    const found =
      asked.length > 0 ? await db.columns(traceSummariesSql(asked), SUMMARY_COLUMNS, 'src') : [];
    for (const r of found) {
      const traceId = r.t as string;
      const i = older.from + maybe.indexOf(asked[Number(r.src)] as (typeof maybe)[number]);
      const h = holders.get(traceId);
      if (h === undefined) continue;
      if (!straddling.some((ids) => ids.includes(traceId))) {
        for (const src of h.srcs) straddling[src]?.push(traceId);
      }
      straddling[i]?.push(traceId);
    }
  }
  const straddlers = new Set(straddling.flat());
  const [resources, scopes] = await Promise.all([
    Promise.all(looked.map((b) => b.resources(db))),
    Promise.all(looked.map((b) => b.scopes(db))),
  ]);
  const accs = new Map<string, TraceAcc>();
  const wanted = looked.map((): number[] => []);
  for (const r of rows) {
    const traceId = r.t as string;
    if (straddlers.has(traceId)) continue;
    const known = accs.has(traceId);
    addSummary(accs, r, r.bst, r.ben);
    const acc = accs.get(traceId);
    if (acc === undefined) continue;
    acc.matched = Number(r.matched);
    const firsts = r.firsts as (Row | number)[] | null;
    if (firsts === null) {
      // Every span is flagged: the trace's first spans in a block are its first rows there.
      const first = Number(r.r);
      const count = Math.min(req.spss, Number(r.n));
      for (let i = 0; i < count; i++) wanted[Number(r.src)]?.push(first + i);
    } else if (!known) {
      for (const f of firsts) {
        if (typeof f !== 'number') addThinSpan(acc, f, looked, resources, scopes);
        else wanted[Math.floor(f / 2 ** 32)]?.push(f % 2 ** 32);
      }
    }
  }
  const sources = looked.map((b, i) => ({ dir: b.dir, rows: wanted[i] ?? [] }));
  const wantedRows = sources.reduce((n, b) => n + b.rows.length, 0);
  if (wantedRows > 0) {
    for (const r of await spanRows(db, spansByRowSql(sources), SPAN_ROW_COLUMNS, wantedRows)) {
      const acc = accs.get(r.t as string);
      if (acc !== undefined) addThinSpan(acc, r, looked, resources, scopes);
    }
  }
  if (straddlers.size > 0) await readTraces(db, blocks, plan, straddling, false, accs, req.spss);
  return decided(accs, req);
}

/**
 * Up to this many span rows, a read takes them as a JSON list per column and block
 * (`DuckDb.columns`); more as JSON objects, in texts of bounded size (`DuckDb.json`), as the
 * lists of every block are held at once.
 */
const COLUMN_READ_MAX_ROWS = 50_000;

/** The rows of a span read (`SPAN_ROW_COLUMNS`, …) of about `rows` rows. */
function spanRows(
  db: DuckDb,
  sql: string,
  columns: readonly string[],
  rows: number,
): Promise<Row[]> {
  return rows <= COLUMN_READ_MAX_ROWS ? db.columns(sql, columns, 'src') : db.json(sql);
}

/** Candidates `from`… : `count` traces, fewer when they hold more than `BATCH_SPANS` spans. */
function nextBatch(candidates: readonly Candidate[], from: number, count: number): Candidate[] {
  let spans = 0;
  let end = from;
  while (end < candidates.length && end - from < count) {
    spans += candidates[end]?.spans ?? 0;
    if (spans > BATCH_SPANS && end > from) break;
    end++;
  }
  return candidates.slice(from, end);
}

/** The rows of `candidateTracesSql` over `blocks` for this plan and request. */
function candidateRows(
  db: DuckDb,
  blocks: readonly Block[],
  plan: SearchPlan,
  req: SearchRequest,
  excluded: readonly string[],
  page: { limit?: number; firstPerTrace?: number; keepSpans?: boolean },
): Promise<Row[]> {
  return db.json(
    candidateTracesSql({
      sources: blocks.map((b) => ({ dir: b.dir })),
      filters: plan.compiled,
      tracePredicate: plan.tracePredicate,
      needsFlag: plan.needsFlag,
      excludeTraceIds: excluded,
      startNs: req.startNs,
      endNs: req.endNs,
      reported: plan.reportedRows,
      ...page,
    }),
  );
}

/** The block traces that can match, newest first (only the newest `limit` when SQL decides). */
async function findCandidates(
  db: DuckDb,
  blocks: readonly Block[],
  plan: SearchPlan,
  req: SearchRequest,
  excluded: readonly string[],
): Promise<Candidate[]> {
  // Candidates that are judged afterwards may be a superset: summaries narrow them without
  // reading a span.
  const rows =
    !plan.sqlDecides && plan.summaries !== undefined
      ? await db.json(
          summaryCandidatesSql({
            sources: blocks.map((b) => ({ dir: b.dir })),
            summaries: plan.summaries,
            tracePredicate: plan.tracePredicate,
            excludeTraceIds: excluded,
            startNs: req.startNs,
            endNs: req.endNs,
          }),
        )
      : await candidateRows(db, blocks, plan, req, excluded, {
          limit: plan.sqlDecides ? req.limit : undefined,
        });
  const byId = new Map<string, Candidate>();
  for (const r of rows) {
    const traceId = r.t as string;
    let c = byId.get(traceId);
    if (c === undefined) {
      c = { traceId, startNs: BigInt(r.st as string), parts: [], spans: 0 };
      byId.set(traceId, c);
    }
    const rowCount = Number(r.n);
    c.parts.push({ block: Number(r.src), firstRow: Number(r.r), rows: rowCount });
    c.spans += rowCount;
    if (r.services !== undefined) (c.summaries ??= []).push(r);
  }
  return [...byId.values()].sort((a, b) => byNewest(a.startNs, a.traceId, b.startNs, b.traceId));
}

/**
 * Reads traces from the blocks into `traces`: their summaries (time range, root, services) and
 * their spans with filter flags: flagged ones, or all with `allSpans`, or with `firstPerTrace`
 * the first flagged ones and the count of all (SQL decides). `routed[i]` are the trace ids to read
 * from block i (a bloom filter's guess will do: the summaries tell which blocks hold them);
 * `known[i]`, when not empty, their rows there, which lets their spans be read beside the
 * summaries rather than after them; `given`, summary rows already read (`src` a block index),
 * which are not read again.
 */
async function readTraces(
  db: DuckDb,
  blocks: readonly Block[],
  plan: SearchPlan,
  routed: readonly string[][],
  allSpans: boolean,
  traces: Map<string, TraceAcc>,
  firstPerTrace?: number,
  known?: readonly (readonly [number, number][])[],
  given?: readonly Row[],
): Promise<void> {
  const first = firstPerTrace !== undefined && firstPerTrace > 0 ? firstPerTrace : undefined;
  const asked = blocks.flatMap((block, i) => {
    const ids = routed[i] ?? [];
    return ids.length > 0 ? [{ block, i, source: { dir: block.dir, traceIds: ids } }] : [];
  });
  if (asked.length === 0) return;
  type Held = { block: Block; source: SearchSource; spans: number };
  const hold = (a: (typeof asked)[number], rows: [number, number][]): Held => ({
    block: a.block,
    source: { ...a.source, rows },
    spans: rows.reduce((n, [, count]) => n + count, 0),
  });
  // Few spans are read in one statement; more a block at a time, as statements over many blocks
  // at once can pass DuckDB's memory limit.
  const readSpans = (held: Held[]) => {
    const together = held.reduce((n, h) => n + h.spans, 0) <= ONE_STATEMENT_SPANS;
    return Promise.all(
      (together ? [held] : held.map((h) => [h]))
        .filter((group) => group.length > 0)
        .map(async (group) => {
          const sources = group.map((h) => h.source);
          const [spans, resources, scopes] = await Promise.all([
            spanRows(
              db,
              traceSpansSql({ sources, filters: plan.compiled, allSpans, firstPerTrace: first }),
              first === undefined ? SPAN_ROW_COLUMNS : ['matched', ...SPAN_ROW_COLUMNS],
              group.reduce((n, h) => n + h.spans, 0),
            ),
            Promise.all(group.map((h) => h.block.resources(db))),
            Promise.all(group.map((h) => h.block.scopes(db))),
          ]);
          return { group, spans, resources, scopes };
        }),
    );
  };
  const early = asked.flatMap((a) => {
    const rows = known?.[a.i] ?? [];
    return rows.length > 0 ? [hold(a, [...rows])] : [];
  });
  const summarised = blocks.map(() => new Set<string>());
  for (const r of given ?? []) {
    summarised[Number(r.src)]?.add(r.t as string);
    addSummary(traces, r, r.bst, r.ben);
  }
  const unsummarised = asked.flatMap((a, k) => {
    const traceIds = a.source.traceIds.filter((id) => summarised[a.i]?.has(id) !== true);
    return traceIds.length > 0 ? [{ k, source: { dir: a.block.dir, traceIds } }] : [];
  });
  // Summaries: the traces' times, roots and services, and the rows of the blocks not known,
  // whose spans are read after them (a block a bloom filter named in vain holds none).
  const [summaries, earlySpans] = await Promise.all([
    unsummarised.length === 0
      ? []
      : db.columns(traceSummariesSql(unsummarised.map((u) => u.source)), SUMMARY_COLUMNS, 'src'),
    readSpans(early),
  ]);
  const found = asked.map((): [number, number][] => []);
  for (const r of summaries) {
    addSummary(traces, r);
    const k = unsummarised[Number(r.src)]?.k;
    if (k !== undefined) found[k]?.push([Number(r.r), Number(r.n)]);
  }
  const late = asked.flatMap((a, k) => {
    const rows = found[k] ?? [];
    return (known?.[a.i]?.length ?? 0) === 0 && rows.length > 0 ? [hold(a, rows)] : [];
  });
  for (const { group, spans, resources, scopes } of [...earlySpans, ...(await readSpans(late))]) {
    const counted = new Set<TraceAcc>();
    for (const r of spans) {
      const acc = traces.get(r.t as string);
      const src = Number(r.src);
      const block = group[src]?.block;
      const resourceMap = resources[src];
      const scopeMap = scopes[src];
      if (acc === undefined || !block || !resourceMap || !scopeMap) continue;
      if (r.matched !== undefined && !counted.has(acc)) {
        // Counted per statement: a trace split over statements sums them.
        counted.add(acc);
        acc.matched = (acc.matched ?? 0) + Number(r.matched);
      }
      acc.spans.push(thinSpan(acc.traceId, r, block, resourceMap, scopeMap));
    }
  }
  if (firstPerTrace === undefined) {
    await loadRich(
      db,
      [...traces.values()].flatMap((acc) => acc.spans.filter((s) => needsRich(plan, s))),
    );
  }
}

/** Adds a span row of block `looked[r.src]` to its trace. */
function addThinSpan(
  acc: TraceAcc,
  r: Row,
  looked: readonly Block[],
  resources: readonly Map<string, StoredResource>[],
  scopes: readonly Map<string, StoredScope>[],
): void {
  const src = Number(r.src);
  const block = looked[src];
  const resourceMap = resources[src];
  const scopeMap = scopes[src];
  if (!block || !resourceMap || !scopeMap) return;
  acc.spans.push(thinSpan(acc.traceId, r, block, resourceMap, scopeMap));
}

/** A span row of `traceSpansSql` as a found span, not yet read whole. */
function thinSpan(
  traceId: string,
  r: Row,
  block: Block,
  resources: Map<string, StoredResource>,
  scopes: Map<string, StoredScope>,
): FoundSpan {
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
  const flags = Number(r.flags);
  const found = foundSpan(
    line,
    resources.get(line.r),
    scopes.get(line.c),
    flags,
    block,
    Number(r.row),
  );
  if (Array.isArray(r.a)) {
    line.a = r.a as StoredAttr[];
    found.reportedRead = true;
  }
  return found;
}

/**
 * A span as the search holds it: rich (attributes, events and links in `line`, judged here) when
 * it has no block. Its own fields are assigned to `evalSpan`'s object: spreading that object into
 * a larger literal cost 3.5 µs a span, ten times more.
 */
function foundSpan(
  line: StoredSpan,
  resource: StoredResource | undefined,
  scope: StoredScope | undefined,
  flags: number,
  block: Block | undefined,
  row: number,
): FoundSpan {
  return Object.assign(evalSpan(line, resource, scope), {
    flags,
    rich: block === undefined,
    block,
    row,
    reportedRead: false,
  });
}

/** Adds a block's `traces.parquet` row to its trace (its times `st`, `en` unless given). */
function addSummary(traces: Map<string, TraceAcc>, r: Row, st = r.st, en = r.en): void {
  const traceId = r.t as string;
  let acc = traces.get(traceId);
  if (acc === undefined) traces.set(traceId, (acc = newAcc(traceId)));
  noteSpanTimes(acc, BigInt(st as string), BigInt(en as string));
  const services = JSON.parse(r.services as string) as (string | number)[];
  for (let i = 0; i + 2 < services.length; i += 3) {
    noteService(acc, String(services[i]), Number(services[i + 1]), Number(services[i + 2]));
  }
  if (r.root_start !== null && r.root_start !== undefined) {
    noteRoot(acc, r.root_name as string, r.root_service as string, BigInt(r.root_start as string));
  }
}

/** Matches decided in SQL: each trace's spans are its first flagged ones, `matched` all of them. */
function decided(traces: Map<string, TraceAcc>, req: SearchRequest): Match[] {
  const out: Match[] = [];
  for (const acc of traces.values()) {
    // Each block gave its first spans: the trace's first are among them.
    const all = dedupe(acc.spans).sort(byStart);
    if (all.length === 0) continue;
    const spans = req.spss > 0 ? all.slice(0, req.spss) : all;
    const trace = traceOf(acc);
    const spanset: ResultSpanset = {
      spans,
      attributes: [],
      matched: req.spss > 0 ? (acc.matched ?? all.length) : all.length,
    };
    out.push({ acc, trace, spansets: [spanset] });
  }
  return out;
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
  acc.spans.push(foundSpan(line, resource, scope, 0, undefined, -1));
}

/** Whether a thin span must be read whole to be judged (an inexact filter, or a value). */
function needsRich(plan: SearchPlan, s: FoundSpan): boolean {
  if (s.rich || s.flags === 0) return false;
  if (plan.valuesNeedAttributes) return true;
  return plan.compiled.some((c, i) => !c.exact && (s.flags & (2 ** i)) !== 0);
}

/** The spans not yet read whole, by the block they come from. */
function thinByBlock(spans: readonly FoundSpan[]): Map<Block, FoundSpan[]> {
  const byBlock = new Map<Block, FoundSpan[]>();
  for (const s of spans) {
    if (s.rich || s.block === undefined) continue;
    const list = byBlock.get(s.block);
    if (list === undefined) byBlock.set(s.block, [s]);
    else list.push(s);
  }
  return byBlock;
}

/** Reads spans whole (attributes, events, links) from their blocks. */
async function loadRich(db: DuckDb, spans: readonly FoundSpan[]): Promise<void> {
  const byBlock = thinByBlock(spans);
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

/** A spanset to report; `matched` when it was counted in SQL rather than listed whole. */
interface ResultSpanset extends Spanset {
  matched?: number;
}

interface Match {
  acc: TraceAcc;
  trace: EvalTrace;
  spansets: ResultSpanset[];
}

function traceOf(acc: TraceAcc): EvalTrace {
  return {
    traceId: acc.traceId,
    rootName: acc.root?.name,
    rootService: acc.root?.service,
    startNs: acc.startNs,
    durationNs: acc.endNs - acc.startNs,
  };
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
    const trace = traceOf(acc);
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

/**
 * Reads what the returned spans report beyond their columns: only the span attributes reported,
 * when those are all (the common case), else the spans whole (events, links, parent fields).
 */
async function loadOutputSpans(
  db: DuckDb,
  plan: SearchPlan,
  page: Match[],
  spss: number,
  rich: boolean,
): Promise<void> {
  // Resource and scope fields come with the resource and scope; span, event and link ones do not.
  const keys: string[] = [];
  let whole = rich;
  for (const { field: f } of plan.outputFields) {
    if (f.kind === 'Intrinsic')
      whole ||= f.intrinsic.startsWith('event') || f.intrinsic.startsWith('link');
    else if (f.parent || f.scope === 'event' || f.scope === 'link') whole = true;
    else if (f.scope === 'span' || f.scope === 'unscoped') keys.push(f.name);
  }
  if (!whole && keys.length === 0) return;
  const spans = page.flatMap((m) =>
    m.spansets.flatMap((ss) => (spss > 0 ? ss.spans.slice(0, spss) : ss.spans) as FoundSpan[]),
  );
  if (whole) return loadRich(db, spans);
  const byBlock = thinByBlock(spans.filter((s) => !s.reportedRead));
  const parts = [...byBlock].map(([block, list]) => ({
    block,
    list,
    rows: list.map((s) => s.row),
  }));
  const attrs = await readSpanAttributes(db, parts, keys);
  for (const [i, { list }] of parts.entries()) {
    // Only the reported keys: enough for `toResult`, which reads nothing else of the span.
    for (const s of list) s.line.a = attrs[i]?.get(s.row) ?? [];
  }
}

function toResult(plan: SearchPlan, m: Match, spss: number, rich: boolean): SearchTraceResult {
  return {
    traceId: m.acc.traceId,
    rootServiceName: m.acc.root?.service,
    rootTraceName: m.acc.root?.name,
    startNs: m.acc.startNs,
    durationNs: m.acc.endNs - m.acc.startNs,
    serviceStats: m.acc.services,
    spanSets: m.spansets.map((ss) => ({
      matched: ss.matched ?? ss.spans.length,
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
          ...(rich ? { span } : {}),
        };
      }),
    })),
  };
}

function keyValue(key: string, v: TqlValue): KeyValueJson[] {
  const value = toAnyValue(v);
  return value === undefined ? [] : [{ key, value }];
}
