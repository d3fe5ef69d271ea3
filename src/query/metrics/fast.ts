/**
 * The SQL path of TraceQL metrics (docs/rfc/0002-traceql-metrics.md). When the spanset filters
 * alone say which spans count (one filter, or filters joined by `||`, each compiled exactly) and
 * every field the query reads lies on the span row, its attributes, its resource or its scope, the
 * blocks are aggregated by one DuckDB statement (`metricsSql`) and the head's spans are judged one
 * by one here. A block group and a head span go through the same evaluation of their `by()` and
 * measured fields, so both give the labels the general path gives.
 */
import {
  exemplarSpansSql,
  metricsSql,
  readSpanAttributes,
  type Block,
  type CompiledFilter,
  type MetricsGroupColumn,
  type MetricsMeasure,
  type Row,
} from '../../blocks/index.js';
import type {
  Field,
  MetricsAggregate,
  MetricsFunction,
  Pipeline,
  SpansetFilter,
} from '../../traceql/index.js';
import type { StoredAttr, StoredResource, StoredScope, StoredSpan } from '../../wal/index.js';
import { fieldValue, goDuration, spanMatches } from '../search/field-eval.js';
import { evalSpan, type EvalSpan, type EvalTrace } from '../search/model.js';
import type { SearchSources } from '../search/search.js';
import { inBlocks, withData } from '../read-data.js';
import { runFastCompare } from './fast-compare.js';
import {
  CANDIDATES_PER_EXEMPLAR,
  NO_TRACE,
  parseDouble,
  planSpans,
  unionOfMaps,
} from './fast-shared.js';
import {
  exemplarSlice,
  exemplarSlices,
  FirstStageAccumulator,
  intervalCount,
  intervalOf,
  partialOf,
  type Intervals,
  type ExemplarSource,
  type Label,
  type LabelValue,
  type Measured,
  type PartialSums,
  type Series,
} from './series.js';
import { labelOf, measuredOf } from './values.js';

/** How a query's first stage is computed on the SQL path. */
export interface FastPlan {
  /** A span counts when one of them matches. */
  filters: SpansetFilter[];
  compiled: CompiledFilter[];
  columns: MetricsGroupColumn[];
  spanAttrs: string[];
  measure: MetricsMeasure;
  /** The measured field, when it is read per group here (a resource or scope attribute). */
  perGroup: Field | undefined;
}

const INTRINSIC_COLUMNS: Partial<Record<string, MetricsGroupColumn>> = {
  name: 'name',
  status: 'status_code',
  kind: 'kind',
  statusMessage: 'status_message',
  instrumentationName: 'scope_id',
  instrumentationVersion: 'scope_id',
};

/**
 * Notes what grouping by a field needs (columns, span attribute keys); false when the SQL path
 * cannot read it (trace-level, tree, event and link fields, keys holding arrays).
 */
function groupBy(
  f: Field,
  columns: Set<MetricsGroupColumn>,
  spanAttrs: string[],
  arrayKeys: ReadonlySet<string>,
): boolean {
  if (f.kind === 'Intrinsic') {
    const column = INTRINSIC_COLUMNS[f.intrinsic];
    if (column !== undefined) columns.add(column);
    return column !== undefined;
  }
  if (f.parent) return false;
  switch (f.scope) {
    case 'span':
    case 'unscoped':
      if (arrayKeys.has(f.name)) return false;
      if (!spanAttrs.includes(f.name)) spanAttrs.push(f.name);
      if (f.scope === 'unscoped') columns.add('resource_id');
      return true;
    case 'resource':
      columns.add('resource_id');
      return true;
    case 'instrumentation':
      columns.add('scope_id');
      return true;
    case 'event':
    case 'link':
      return false;
  }
}

/** The SQL path's plan for a first stage, or undefined when the general path must run it. */
export function planFastStage(
  pipeline: Pipeline,
  fn: MetricsAggregate,
  arrayKeys: ReadonlySet<string>,
): FastPlan | undefined {
  const spans = planSpans(pipeline, arrayKeys);
  if (spans === undefined) return undefined;
  const columns = new Set<MetricsGroupColumn>();
  const spanAttrs: string[] = [];
  if (!fn.by.every((f) => groupBy(f, columns, spanAttrs, arrayKeys))) return undefined;
  const a = fn.attribute;
  let measure: MetricsMeasure = { kind: 'none' };
  let perGroup: Field | undefined;
  if (a?.kind === 'Intrinsic') {
    if (a.intrinsic !== 'duration') return undefined;
    measure = { kind: 'duration' };
  } else if (a !== undefined) {
    if (a.parent || a.scope === 'event' || a.scope === 'link') return undefined;
    if (a.scope === 'span' || a.scope === 'unscoped') {
      if (arrayKeys.has(a.name)) return undefined;
      measure = { kind: 'span-attr', key: a.name, presence: a.scope === 'unscoped' };
    }
    if (a.scope !== 'span') {
      columns.add(a.scope === 'instrumentation' ? 'scope_id' : 'resource_id');
      perGroup = a;
    }
  }
  return {
    ...spans,
    columns: [...columns],
    spanAttrs,
    measure,
    perGroup,
  };
}

/** A span attribute row of a group (`a<j>…` columns); undefined when the span lacks the key. */
function groupAttr(r: Row, j: number, key: string): StoredAttr | undefined {
  const t = r[`a${j}t`];
  if (t === null || t === undefined) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const d = text(r[`a${j}d`]);
  const b = r[`a${j}b`];
  return {
    k: key,
    t: Number(t),
    s: text(r[`a${j}s`]),
    i: text(r[`a${j}i`]),
    d: d === null ? null : parseDouble(d),
    b: typeof b === 'boolean' ? b : null,
  };
}

/** A span standing for a group of a block statement: its group columns and attributes. */
function groupSpan(
  r: Row,
  plan: FastPlan,
  resources: ReadonlyMap<string, StoredResource>,
  scopes: ReadonlyMap<string, StoredScope>,
): EvalSpan {
  const attrs = plan.spanAttrs.flatMap((key, j) => groupAttr(r, j, key) ?? []);
  const line: StoredSpan = {
    t: '',
    s: '',
    r: (r.resource_id as string | undefined) ?? '',
    c: (r.scope_id as string | undefined) ?? '',
    n: (r.name as string | undefined) ?? '',
    k: Number(r.kind ?? 0),
    st: '0',
    en: '0',
    sc: Number(r.status_code ?? 0),
    sm: (r.status_message as string | undefined) ?? '',
    a: attrs,
  };
  return evalSpan(line, resources.get(line.r), scopes.get(line.c));
}

/** A text naming a row's group (its group columns, attributes and presence). */
function groupIdentity(plan: FastPlan): (r: Row) => string {
  const names = [
    ...plan.columns,
    ...plan.spanAttrs.flatMap((_, j) => ['t', 's', 'i', 'd', 'b'].map((x) => `a${j}${x}`)),
    'vp',
  ];
  return (r) => JSON.stringify(names.map((n) => r[n] ?? null));
}

/** What a block group adds: from its SQL sums, or from its group's value (per-group fields). */
function groupSums(r: Row, fn: MetricsAggregate, plan: FastPlan, span: EvalSpan): PartialSums {
  const count = Number(r.n);
  const spanValued = plan.measure.kind !== 'span-attr' || !plan.measure.presence || r.vp === true;
  if (plan.perGroup !== undefined && !(plan.measure.kind === 'span-attr' && spanValued)) {
    return partialOf(
      fn.fn,
      measuredOf(plan.perGroup, fieldValue(plan.perGroup, span, NO_TRACE)),
      count,
    );
  }
  const scale = plan.measure.kind === 'duration' ? 1e9 : 1;
  if (fn.fn === 'quantile_over_time' || fn.fn === 'histogram_over_time') {
    const bs = r.bs as (number | null)[];
    const ns = r.ns as number[];
    const buckets = new Map<number, number>();
    bs.forEach((b, k) => b !== null && buckets.set(2 ** b / scale, ns[k] ?? 0));
    return { count, n: 0, sum: 0, min: NaN, max: NaN, buckets };
  }
  const n = Number(r.vn ?? 0);
  if (n === 0) return { count, n: 0, sum: 0, min: NaN, max: NaN };
  const num = (v: unknown) => (typeof v === 'string' ? parseDouble(v) : 0);
  return {
    count,
    n,
    sum: (num(r.vsi) + num(r.vsf)) / scale,
    min: num(r.vmin) / scale,
    max: num(r.vmax) / scale,
  };
}

/** What the SQL sums of a function need. */
function aggregateOf(fn: MetricsAggregate): 'count' | 'sums' | 'buckets' {
  switch (fn.fn) {
    case 'rate':
    case 'count_over_time':
      return 'count';
    case 'quantile_over_time':
    case 'histogram_over_time':
      return 'buckets';
    case 'sum_over_time':
    case 'min_over_time':
    case 'max_over_time':
    case 'avg_over_time':
      return 'sums';
  }
}

/** The exemplar labels of a span: its non-nil `by()` labels, and its duration when measured. */
function exemplarLabels(
  byKeys: readonly string[],
  by: ReadonlyArray<LabelValue | undefined>,
  fn: MetricsAggregate,
  durationNs: bigint,
): Label[] {
  const labels = by.flatMap((v, i) =>
    v === undefined ? [] : [{ key: byKeys[i] as string, value: v }],
  );
  if (fn.attribute?.kind === 'Intrinsic' && fn.attribute.intrinsic === 'duration') {
    labels.push({ key: 'duration', value: { type: 'string', value: goDuration(durationNs) } });
  }
  return labels;
}

/** A first stage to run: its function, `by()` label keys, range and exemplars asked for. */
export interface FastStage {
  fn: MetricsFunction;
  byKeys: readonly string[];
  range: Intervals;
  exemplars: number;
}

/** A first stage with a function other than `compare()`. */
interface AggregateStage extends FastStage {
  fn: MetricsAggregate;
}

/**
 * Runs a first stage on the SQL path, or answers undefined when the query needs the general
 * path. The head's segments already built into one of the blocks read are left out.
 */
export async function runFastStage(
  src: SearchSources,
  tenant: string,
  pipeline: Pipeline,
  stage: FastStage,
): Promise<Series[] | undefined> {
  const { range, fn } = stage;
  if (fn.kind === 'MetricsCompare') {
    return runFastCompare(src, tenant, pipeline, fn, range, stage.exemplars);
  }
  return runFastAggregate(src, tenant, pipeline, { ...stage, fn });
}

async function runFastAggregate(
  src: SearchSources,
  tenant: string,
  pipeline: Pipeline,
  stage: AggregateStage,
): Promise<Series[] | undefined> {
  const { range, fn } = stage;
  return withData(src, tenant, range, async ({ segments, acquired, arrayKeys }) => {
    const plan = planFastStage(pipeline, fn, arrayKeys);
    if (plan === undefined) return undefined;
    const acc = new FirstStageAccumulator(
      {
        fn: stage.fn.fn,
        byKeys: stage.byKeys,
        quantiles: stage.fn.quantiles,
        exemplars: stage.exemplars,
      },
      range,
    );
    const candidates = new Candidates(stage.exemplars, range);
    if (acquired.length > 0) await addBlocks(src, acquired, plan, stage, acc, candidates);
    const built = inBlocks(tenant, acquired);
    for (const seg of segments) {
      if (seg.spanCount === 0 || built(seg)) continue;
      const lines = await seg.readAllSpans();
      for (const line of lines) {
        addHeadSpan(line, seg.resources, seg.scopes, plan, stage, acc, candidates);
      }
    }
    candidates.offerTo(acc);
    return acc.finish();
  });
}

/** Judges a head span and adds it. */
function addHeadSpan(
  line: StoredSpan,
  resources: ReadonlyMap<string, StoredResource>,
  scopes: ReadonlyMap<string, StoredScope>,
  plan: FastPlan,
  stage: AggregateStage,
  acc: FirstStageAccumulator,
  candidates: Candidates,
): void {
  const startNs = BigInt(line.st);
  if (intervalOf(stage.range, startNs) < 0) return;
  const span = evalSpan(line, resources.get(line.r), scopes.get(line.c));
  const trace: EvalTrace = { ...NO_TRACE, traceId: line.t };
  if (!plan.filters.some((f) => spanMatches(f.expr, span, trace))) return;
  const { fn } = stage;
  const by = fn.by.map((f) => labelOf(fieldValue(f, span, trace)));
  const measured: Measured = fn.attribute
    ? measuredOf(fn.attribute, fieldValue(fn.attribute, span, trace))
    : { type: 'other' };
  acc.add(startNs, by, measured);
  if (!candidates.wanted) return;
  const end = BigInt(line.en);
  const labels = exemplarLabels(stage.byKeys, by, fn, end > startNs ? end - startNs : 0n);
  candidates.addHead(
    { startNs, by, measured, exemplar: { traceId: line.t, labels } },
    JSON.stringify(by, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
  );
}

/** A span that may become an exemplar. */
interface Candidate {
  startNs: bigint;
  by: Array<LabelValue | undefined>;
  measured: Measured;
  exemplar: ExemplarSource;
}

/**
 * Exemplar candidates: from the head, the first two spans of distinct traces in each time slice
 * of each series (enough to fill the slice); from the blocks, the spans their groups name. All are
 * offered newest first, as the general path offers its traces.
 */
class Candidates {
  readonly wanted: boolean;
  readonly #range: Intervals;
  readonly #slices: number;
  readonly #list: Candidate[] = [];
  readonly #perSlice = new Map<string, Candidate[]>();

  constructor(exemplars: number, range: Intervals) {
    this.wanted = exemplars > 0;
    this.#range = range;
    this.#slices = exemplarSlices(exemplars);
  }

  /** A block span. */
  add(c: Candidate): void {
    this.#list.push(c);
  }

  /** A head span of the series `series`, kept if its slice of the series has room. */
  addHead(c: Candidate, series: string): void {
    const key = `${exemplarSlice(this.#range, this.#slices, c.startNs)}:${series}`;
    const kept = this.#perSlice.get(key);
    if (kept === undefined) this.#perSlice.set(key, [c]);
    else if (kept.length < 2 && kept.every((k) => k.exemplar.traceId !== c.exemplar.traceId)) {
      kept.push(c);
    }
  }

  offerTo(acc: FirstStageAccumulator): void {
    const all = [...this.#list, ...[...this.#perSlice.values()].flat()];
    all.sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0));
    for (const c of all) acc.offerExemplar(c.startNs, c.by, c.measured, c.exemplar);
  }
}

/** Aggregates the blocks in one statement and adds its groups. */
async function addBlocks(
  src: SearchSources,
  blocks: readonly Block[],
  plan: FastPlan,
  stage: AggregateStage,
  acc: FirstStageAccumulator,
  candidates: Candidates,
): Promise<void> {
  const { fn, range } = stage;
  const [rows, resources, scopes] = await Promise.all([
    src.db.json(
      metricsSql({
        sources: blocks.map((b) => ({ dir: b.dir, attrsOrder: b.attrsOrder })),
        filters: plan.compiled,
        startNs: range.startNs,
        endNs: range.endNs,
        stepNs: range.stepNs,
        columns: plan.columns,
        spanAttrs: plan.spanAttrs,
        measure: plan.measure,
        aggregate: aggregateOf(fn),
        ...(stage.exemplars > 0
          ? {
              exemplars: {
                // Cells finer than the exemplar slices let each slice have its candidates.
                slices:
                  intervalCount(range) < exemplarSlices(stage.exemplars)
                    ? exemplarSlices(stage.exemplars)
                    : undefined,
              },
            }
          : {}),
      }),
    ),
    unionOfMaps(blocks.map((b) => b.resources(src.db))),
    unionOfMaps(blocks.map((b) => b.scopes(src.db))),
  ]);
  // Rows differ by interval, bucket and slice far more often than by group: each group's span
  // and labels are made once.
  const seen = new Map<string, { span: EvalSpan; by: Array<LabelValue | undefined> }>();
  const identity = groupIdentity(plan);
  const groups = rows.map((r) => {
    const id = identity(r);
    let g = seen.get(id);
    if (g === undefined) {
      const span = groupSpan(r, plan, resources, scopes);
      g = { span, by: fn.by.map((f) => labelOf(fieldValue(f, span, NO_TRACE))) };
      seen.set(id, g);
    }
    acc.addSums(Number(r.i), g.by, groupSums(r, fn, plan, g.span));
    return { r, ...g };
  });
  if (candidates.wanted) await addCandidates(src, blocks, plan, stage, groups, candidates);
}

/**
 * Exemplar candidates from the spans the groups name (`ex1`, `ex2`), of groups taken evenly over
 * the intervals: their trace ids, starts and measured values are read by row.
 */
async function addCandidates(
  src: SearchSources,
  blocks: readonly Block[],
  plan: FastPlan,
  stage: AggregateStage,
  groups: { r: Row; span: EvalSpan; by: Array<LabelValue | undefined> }[],
  candidates: Candidates,
): Promise<void> {
  const sorted = groups
    .filter((g) => typeof g.r.ex1 === 'string')
    .sort((a, b) => Number(a.r.i) - Number(b.r.i) || Number(a.r.e ?? 0) - Number(b.r.e ?? 0));
  const want = stage.exemplars * CANDIDATES_PER_EXEMPLAR;
  const every = Math.max(1, sorted.length / want);
  const picked: typeof sorted = [];
  for (let x = 0; x < sorted.length && picked.length < want; x += every) {
    picked.push(sorted[Math.floor(x)] as (typeof sorted)[number]);
  }
  const byKey = new Map(
    picked.flatMap((g) =>
      [g.r.ex1, g.r.ex2].flatMap((k) => (typeof k === 'string' ? [[BigInt(k), g] as const] : [])),
    ),
  );
  const rows = blocks.map((): number[] => []);
  for (const key of byKey.keys()) rows[Number(key >> 32n)]?.push(Number(key & 0xffffffffn));
  const spanAttr = plan.measure.kind === 'span-attr' ? plan.measure.key : undefined;
  const [spans, attrs] = await Promise.all([
    src.db.json(exemplarSpansSql(blocks.map((b, i) => ({ dir: b.dir, rows: rows[i] ?? [] })))),
    spanAttr === undefined
      ? undefined
      : readSpanAttributes(
          src.db,
          blocks.map((block, i) => ({ block, rows: rows[i] ?? [] })),
          [spanAttr],
        ),
  ]);
  const { fn } = stage;
  for (const s of spans) {
    const g = byKey.get((BigInt(s.src as number) << 32n) | BigInt(s.row as number));
    if (g === undefined) continue;
    const startNs = BigInt(s.st as string);
    const durationNs = BigInt(s.d as string);
    let measured: Measured = { type: 'other' };
    if (plan.measure.kind === 'duration')
      measured = { type: 'span-duration', ns: Number(durationNs) };
    else if (fn.attribute !== undefined) {
      const own = attrs?.[Number(s.src)]?.get(Number(s.row)) ?? [];
      const line = { ...g.span.line, a: own };
      const span = evalSpan(line, g.span.resource, g.span.scope);
      measured = measuredOf(fn.attribute, fieldValue(fn.attribute, span, NO_TRACE));
    }
    candidates.add({
      startNs,
      by: g.by,
      measured,
      exemplar: {
        traceId: s.t as string,
        labels: exemplarLabels(stage.byKeys, g.by, fn, durationNs),
      },
    });
  }
}
