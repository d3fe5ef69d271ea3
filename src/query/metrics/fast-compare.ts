/**
 * `compare()` on the SQL path (docs/rfc/0002-traceql-metrics.md): when the query's filters and
 * `compare()`'s own compile exactly, the blocks are counted by two statements (`compareSql`:
 * span columns with their trace's root, and span attribute rows) and the head span by span; a
 * trace split between the head and the blocks has its root from either side.
 */
import {
  compareSql,
  compileFilter,
  traceRootsSql,
  type Block,
  type CompareSqlOptions,
  type CompiledFilter,
  type Row,
} from '../../blocks/index.js';
import { printField } from '../../traceql/index.js';
import type { MetricsCompare, Pipeline, SpansetFilter } from '../../traceql/index.js';
import type { StoredAttr, StoredResource, StoredScope, StoredSpan } from '../../wal/index.js';
import { spanMatches } from '../search/field-eval.js';
import { evalSpan, serviceOf, type EvalTrace } from '../search/model.js';
import type { SearchSources } from '../search/search.js';
import { decodeAttr } from '../search/values.js';
import { inBlocks, withData } from '../read-data.js';
import { CompareAccumulator, compareAttributes } from './compare.js';
import {
  CANDIDATES_PER_EXEMPLAR,
  NO_TRACE,
  parseDouble,
  planSpans,
  unionOfMaps,
} from './fast-shared.js';
import { intervalOf, type Intervals, type Series } from './series.js';
import { labelOf } from './values.js';

/** The SQL path's plan for `compare()`: the query's filters, and the selection filter compiled. */
function planFastCompare(
  pipeline: Pipeline,
  fn: MetricsCompare,
  arrayKeys: ReadonlySet<string>,
): { filters: SpansetFilter[]; compiled: CompiledFilter[]; selection: CompiledFilter } | undefined {
  const spans = planSpans(pipeline, arrayKeys);
  const selection = compileFilter(fn.filter.expr, { spanArrayKeys: arrayKeys });
  return spans === undefined || !selection.exact ? undefined : { ...spans, selection };
}

/**
 * Runs `compare()` on the SQL path (blocks by two statements, the head span by span), or answers
 * undefined when the query needs the general path. A trace's root is known from the blocks read
 * for block spans and from the head for head spans.
 */
export async function runFastCompare(
  src: SearchSources,
  tenant: string,
  pipeline: Pipeline,
  fn: MetricsCompare,
  range: Intervals,
  exemplars: number,
): Promise<Series[] | undefined> {
  return withData(src, tenant, range, async ({ segments, acquired, arrayKeys }) => {
    const plan = planFastCompare(pipeline, fn, arrayKeys);
    if (plan === undefined) return undefined;
    const acc = CompareAccumulator.of(fn, range, exemplars);
    const built = inBlocks(tenant, acquired);
    const head = [];
    for (const seg of segments) {
      if (seg.spanCount === 0 || built(seg)) continue;
      head.push({ lines: await seg.readAllSpans(), resources: seg.resources, scopes: seg.scopes });
    }
    // A trace in the head and in blocks has its root in one of them: each side learns the other's.
    const roots = headRoots(head);
    const shared = [...new Set(head.flatMap((h) => h.lines.map((l) => l.t)))].filter((id) =>
      acquired.some((b) => b.mayContain(id)),
    );
    if (shared.length > 0) await addBlockRoots(src, acquired, shared, roots);
    const headShared = shared.flatMap((id) => {
      const r = roots.get(id);
      return r === undefined
        ? []
        : [{ traceId: id, name: r.name, service: r.service, startNs: r.st }];
    });
    if (acquired.length > 0) {
      await compareBlocks(src, acquired, plan, fn, range, exemplars, acc, headShared);
    }
    for (const h of head)
      compareHead(h.lines, h.resources, h.scopes, roots, plan.filters, fn, range, acc);
    return acc.finish();
  });
}

type Roots = Map<string, { st: bigint; name: string; service: string }>;

/** A root span, kept if it started before the one known. */
function noteRoot(roots: Roots, traceId: string, st: bigint, name: string, service: string): void {
  const known = roots.get(traceId);
  if (known === undefined || st < known.st) roots.set(traceId, { st, name, service });
}

/** The roots of the head's traces. */
function headRoots(
  head: readonly { lines: readonly StoredSpan[]; resources: ReadonlyMap<string, StoredResource> }[],
): Roots {
  const roots: Roots = new Map();
  for (const { lines, resources } of head) {
    for (const line of lines) {
      if (!line.p)
        noteRoot(roots, line.t, BigInt(line.st), line.n, serviceOf(resources.get(line.r)));
    }
  }
  return roots;
}

/** Adds the roots the blocks hold of some traces. */
async function addBlockRoots(
  src: SearchSources,
  blocks: readonly Block[],
  traceIds: readonly string[],
  roots: Roots,
): Promise<void> {
  const rows = await src.db.json(
    traceRootsSql(
      blocks.map((b) => ({ dir: b.dir })),
      traceIds,
    ),
  );
  for (const r of rows) {
    noteRoot(
      roots,
      r.t as string,
      BigInt(r.root_start as string),
      r.root_name as string,
      r.root_service as string,
    );
  }
}

/** Counts the head's matched spans, with their traces' roots. */
function compareHead(
  lines: readonly StoredSpan[],
  resources: ReadonlyMap<string, StoredResource>,
  scopes: ReadonlyMap<string, StoredScope>,
  roots: Roots,
  filters: readonly SpansetFilter[],
  fn: MetricsCompare,
  range: Intervals,
  acc: CompareAccumulator,
): void {
  for (const line of lines) {
    const startNs = BigInt(line.st);
    if (intervalOf(range, startNs) < 0) continue;
    const span = evalSpan(line, resources.get(line.r), scopes.get(line.c));
    const root = roots.get(line.t);
    const trace: EvalTrace = {
      ...NO_TRACE,
      traceId: line.t,
      rootName: root?.name,
      rootService: root?.service,
    };
    if (!filters.some((f) => spanMatches(f.expr, span, trace))) continue;
    const selection = acc.isSelection(startNs, () => spanMatches(fn.filter.expr, span, trace));
    const end = BigInt(line.en);
    acc.add(startNs, selection, compareAttributes(span, trace), {
      traceId: line.t,
      durationNs: end > startNs ? end - startNs : 0n,
    });
  }
}

/** Counts the blocks' matched spans: span columns and roots in one statement, attributes in another. */
async function compareBlocks(
  src: SearchSources,
  blocks: readonly Block[],
  plan: { compiled: CompiledFilter[]; selection: CompiledFilter },
  fn: MetricsCompare,
  range: Intervals,
  exemplars: number,
  acc: CompareAccumulator,
  roots: NonNullable<CompareSqlOptions['roots']>,
): Promise<void> {
  const sql = compareSql({
    roots,
    sources: blocks.map((b) => ({ dir: b.dir })),
    filters: plan.compiled,
    selection: plan.selection,
    ...(fn.startUnixNano > 0n && fn.endUnixNano > 0n
      ? { window: { startNs: fn.startUnixNano, endNs: fn.endUnixNano } }
      : {}),
    startNs: range.startNs,
    endNs: range.endNs,
    stepNs: range.stepNs,
  });
  const [columns, attrs, resources, scopes] = await Promise.all([
    src.db.json(sql.columns),
    src.db.json(sql.attrs),
    unionOfMaps(blocks.map((b) => b.resources(src.db))),
    unionOfMaps(blocks.map((b) => b.scopes(src.db))),
  ]);
  const groups = columns.map((r) => {
    const span = evalSpan(
      {
        t: '',
        s: '',
        r: r.resource_id as string,
        c: r.scope_id as string,
        n: r.name as string,
        k: Number(r.kind),
        st: '0',
        en: '0',
        sc: Number(r.status_code),
        sm: r.status_message as string,
        a: [],
      },
      resources.get(r.resource_id as string),
      scopes.get(r.scope_id as string),
    );
    const trace: EvalTrace = {
      ...NO_TRACE,
      rootName: (r.root_name as string | null) ?? undefined,
      rootService: (r.root_service as string | null) ?? undefined,
    };
    acc.addCounts(Number(r.i), r.sel === 1, compareAttributes(span, trace), Number(r.n));
    return { r, trace };
  });
  for (const r of attrs) {
    const attr: StoredAttr = {
      k: r.k as string,
      t: Number(r.vt),
      s: (r.vs as string | null) ?? null,
      i: (r.vi as string | null) ?? null,
      d: typeof r.vd === 'string' ? parseDouble(r.vd) : null,
      b: typeof r.vb === 'boolean' ? r.vb : null,
    };
    const key = printField({ kind: 'Attribute', scope: 'span', parent: false, name: attr.k ?? '' });
    acc.addCounts(Number(r.i), r.sel === 1, [[key, labelOf(decodeAttr(attr))]], Number(r.n));
  }
  if (exemplars > 0) await compareExemplars(src, blocks, groups, exemplars, resources, scopes, acc);
}

/** Offers exemplars from spans the column groups name, read whole, spread over the intervals. */
async function compareExemplars(
  src: SearchSources,
  blocks: readonly Block[],
  groups: { r: Row; trace: EvalTrace }[],
  exemplars: number,
  resources: ReadonlyMap<string, StoredResource>,
  scopes: ReadonlyMap<string, StoredScope>,
  acc: CompareAccumulator,
): Promise<void> {
  const sorted = [...groups].sort((a, b) => Number(a.r.i) - Number(b.r.i));
  const want = exemplars * CANDIDATES_PER_EXEMPLAR;
  const every = Math.max(1, sorted.length / want);
  const picked = new Map<bigint, (typeof groups)[number]>();
  for (let x = 0; x < sorted.length && picked.size < want; x += every) {
    const g = sorted[Math.floor(x)] as (typeof groups)[number];
    for (const k of [g.r.ex1, g.r.ex2]) if (typeof k === 'string') picked.set(BigInt(k), g);
  }
  const rows = blocks.map((): number[] => []);
  for (const key of picked.keys()) rows[Number(key >> 32n)]?.push(Number(key & 0xffffffffn));
  const read = await Promise.all(blocks.map((b, i) => b.readRows(src.db, rows[i] ?? [])));
  const spans = [...picked].flatMap(([key, g]) => {
    const line = read[Number(key >> 32n)]?.get(Number(key & 0xffffffffn));
    return line === undefined ? [] : [{ line, g }];
  });
  spans.sort((a, b) => (BigInt(b.line.st) > BigInt(a.line.st) ? 1 : -1));
  for (const { line, g } of spans) {
    const span = evalSpan(line, resources.get(line.r), scopes.get(line.c));
    const startNs = BigInt(line.st);
    const end = BigInt(line.en);
    acc.offerExemplar(startNs, g.r.sel === 1, compareAttributes(span, g.trace), {
      traceId: line.t,
      durationNs: end > startNs ? end - startNs : 0n,
    });
  }
}
