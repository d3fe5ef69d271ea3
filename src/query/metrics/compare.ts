/**
 * `compare({filter}[, topN[, start, end]])`, as Tempo's engine computes it: every span the query's
 * pipeline matches in the range is a *selection* span when the filter holds for it (and, with a
 * window, it started in `(start, end]`), a *baseline* span otherwise; every attribute of the span
 * counts its value per interval, in its group. Out come, per group and attribute, the series of
 * its top N values (by count over the range) and one total series (value nil) of every value.
 * Pure: the caller gives each span's attributes as `compareAttributes` lists them.
 */
import type { Attribute, MetricsCompare } from '../../traceql/index.js';
import { printField } from '../../traceql/index.js';
import { decodeAttr } from '../search/values.js';
import { toAnyValue } from '../search/field-eval.js';
import type { EvalSpan, EvalTrace } from '../search/model.js';
import {
  exemplarSlice,
  exemplarSlices,
  intervalCount,
  intervalOf,
  sortSeries,
  timestampOf,
  type Exemplar,
  type Intervals,
  type Label,
  type LabelValue,
  type Series,
} from './series.js';
import { labelOf, labelValueOf } from './values.js';

/** An attribute of a span: its label key and value (undefined for nil). */
export type CompareAttribute = readonly [string, LabelValue | undefined];

const STATUS = ['unset', 'ok', 'error'];
const KIND = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function attributeKey(scope: Attribute['scope'], name: string): string {
  return printField({ kind: 'Attribute', scope, parent: false, name });
}

/**
 * The attributes `compare()` counts for a span, in Tempo's order (trace, resource, scope, span):
 * the root's service and name, resource attributes, `instrumentation:name` and `:version` and
 * scope attributes, `name`, `status`, `statusMessage`, `kind`, then span attributes; each key
 * once (the first of duplicates). Durations, ids, times and tree numbers are not counted; an
 * array counts as nil.
 */
export function compareAttributes(span: EvalSpan, trace: EvalTrace): CompareAttribute[] {
  const out: CompareAttribute[] = [];
  const seen = new Set<string>();
  const put = (key: string, value: LabelValue | undefined) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push([key, value]);
  };
  const str = (v: string | null | undefined): LabelValue | undefined =>
    v === null || v === undefined ? undefined : { type: 'string', value: v };
  put('rootServiceName', str(trace.rootService));
  put('rootName', str(trace.rootName));
  for (const a of span.resource?.a ?? [])
    put(attributeKey('resource', a.k ?? ''), labelOf(decodeAttr(a)));
  if (span.scope !== undefined) {
    put('instrumentation:name', str(span.scope.n ?? ''));
    put('instrumentation:version', str(span.scope.v ?? ''));
    for (const a of span.scope.a ?? []) {
      put(attributeKey('instrumentation', a.k ?? ''), labelOf(decodeAttr(a)));
    }
  }
  const line = span.line;
  put('name', str(line.n));
  put('status', str(STATUS[line.sc ?? 0]));
  put('statusMessage', str(line.sm ?? ''));
  put('kind', str(KIND[line.k]));
  for (const a of line.a ?? []) put(attributeKey('span', a.k ?? ''), labelOf(decodeAttr(a)));
  return out;
}

/** The labels of an exemplar: the trace id, the span's attributes that have a value, its duration. */
export function compareExemplarLabels(
  traceId: string,
  attrs: readonly CompareAttribute[],
  durationNs: bigint,
): Label[] {
  const labels: Label[] = [
    { key: 'trace:id', value: { type: 'string', value: traceId.replace(/^0+(?=.)/, '') } },
  ];
  for (const [key, value] of attrs) if (value !== undefined) labels.push({ key, value });
  const duration = labelValueOf(toAnyValue({ t: 'duration', v: durationNs }));
  if (duration !== undefined) labels.push({ key: 'duration', value: duration });
  return labels;
}

const NIL: LabelValue = { type: 'string', value: 'nil' };
const GROUPS = ['baseline', 'selection'] as const;

interface Counted {
  value: LabelValue | undefined;
  counts: number[];
}

interface Chosen {
  selection: boolean;
  interval: number;
  timestampMs: number;
  keys: ReadonlySet<string>;
  labels: Label[];
}

/** The text a value is told apart by. */
function valueKey(v: LabelValue | undefined): string {
  return v === undefined ? 'nil' : `${v.type}:${String(v.value)}`;
}

export interface CompareStage {
  topN: number;
  /** The selection window (unix ns, `(start, end]`); 0 and 0 for none. */
  windowStartNs: bigint;
  windowEndNs: bigint;
  /** Exemplars at most (0: none): at most 2 per N/2 time slices, one per trace. */
  exemplars: number;
}

export class CompareAccumulator {
  readonly #stage: CompareStage;
  readonly #range: Intervals;
  readonly #count: number;
  /** Per group (0 baseline, 1 selection): per attribute key, the counts of each value. */
  readonly #values = [
    new Map<string, Map<string, Counted>>(),
    new Map<string, Map<string, Counted>>(),
  ];
  readonly #totals = [new Map<string, number[]>(), new Map<string, number[]>()];
  readonly #exemplarTraces = new Set<string>();
  readonly #slices: number[];
  readonly #chosen: Chosen[] = [];

  /** The accumulator of a `compare()` over a range. */
  static of(fn: MetricsCompare, range: Intervals, exemplars: number): CompareAccumulator {
    return new CompareAccumulator(
      {
        topN: Number(fn.topN),
        windowStartNs: fn.startUnixNano,
        windowEndNs: fn.endUnixNano,
        exemplars,
      },
      range,
    );
  }

  constructor(stage: CompareStage, range: Intervals) {
    this.#stage = stage;
    this.#range = range;
    this.#count = intervalCount(range);
    this.#slices = new Array<number>(exemplarSlices(stage.exemplars)).fill(0);
  }

  /** Whether a span that the filter `matches` (or not) and started then is a selection span. */
  isSelection(startNs: bigint, matches: () => boolean): boolean {
    const { windowStartNs: from, windowEndNs: to } = this.#stage;
    if (from > 0n && to > 0n && !(startNs > from && startNs <= to)) return false;
    return matches();
  }

  /** Counts a span's attributes; offers it as its trace's exemplar. */
  add(
    startNs: bigint,
    selection: boolean,
    attrs: readonly CompareAttribute[],
    exemplar?: { traceId: string; durationNs: bigint },
  ): void {
    const i = intervalOf(this.#range, startNs);
    if (i < 0) return;
    this.addCounts(i, selection, attrs, 1);
    if (exemplar !== undefined) this.#offerExemplar(i, startNs, selection, attrs, exemplar);
  }

  /** Counts `n` spans of interval `interval` that have these attributes. */
  addCounts(
    interval: number,
    selection: boolean,
    attrs: readonly CompareAttribute[],
    n: number,
  ): void {
    if (interval < 0 || interval >= this.#count) return;
    const group = selection ? 1 : 0;
    const values = this.#values[group] as Map<string, Map<string, Counted>>;
    const totals = this.#totals[group] as Map<string, number[]>;
    for (const [key, value] of attrs) {
      let byValue = values.get(key);
      if (byValue === undefined) values.set(key, (byValue = new Map<string, Counted>()));
      const vk = valueKey(value);
      let c = byValue.get(vk);
      if (c === undefined) {
        c = { value, counts: new Array<number>(this.#count).fill(0) };
        byValue.set(vk, c);
      }
      c.counts[interval] = (c.counts[interval] as number) + n;
      let total = totals.get(key);
      if (total === undefined) totals.set(key, (total = new Array<number>(this.#count).fill(0)));
      total[interval] = (total[interval] as number) + n;
    }
  }

  /** Offers a span counted through `addCounts` as its trace's exemplar. */
  offerExemplar(
    startNs: bigint,
    selection: boolean,
    attrs: readonly CompareAttribute[],
    exemplar: { traceId: string; durationNs: bigint },
  ): void {
    const i = intervalOf(this.#range, startNs);
    if (i >= 0) this.#offerExemplar(i, startNs, selection, attrs, exemplar);
  }

  #offerExemplar(
    interval: number,
    startNs: bigint,
    selection: boolean,
    attrs: readonly CompareAttribute[],
    ex: { traceId: string; durationNs: bigint },
  ): void {
    if (this.#stage.exemplars <= 0 || this.#exemplarTraces.has(ex.traceId)) return;
    const slice = exemplarSlice(this.#range, this.#slices.length, startNs);
    if ((this.#slices[slice] as number) >= 2) return;
    // Each total series the exemplar is shown on counts towards the cap, as in Tempo.
    const copies = this.#chosen.reduce((n, c) => n + c.keys.size, 0);
    if (copies + attrs.length > this.#stage.exemplars) return;
    this.#slices[slice] = (this.#slices[slice] as number) + 1;
    this.#exemplarTraces.add(ex.traceId);
    this.#chosen.push({
      selection,
      interval,
      timestampMs: Number(startNs / 1_000_000n),
      keys: new Set(attrs.map(([k]) => k)),
      labels: compareExemplarLabels(ex.traceId, attrs, ex.durationNs),
    });
  }

  finish(): Series[] {
    const out: Series[] = [];
    const samples = (counts: readonly number[]) =>
      counts.map((value, i) => ({ timestampMs: timestampOf(this.#range, i), value }));
    const meta = (type: string): Label => ({
      key: '__meta_type',
      value: { type: 'string', value: type },
    });
    GROUPS.forEach((group, g) => {
      for (const [key, byValue] of this.#values[g] as Map<string, Map<string, Counted>>) {
        for (const c of topValues([...byValue.values()], this.#stage.topN)) {
          out.push({
            labels: [meta(group), { key, value: c.value ?? NIL }],
            samples: samples(c.counts),
          });
        }
      }
      for (const [key, counts] of this.#totals[g] as Map<string, number[]>) {
        const exemplars: Exemplar[] = this.#chosen
          .filter((c) => c.selection === (g === 1) && c.keys.has(key))
          .map((c) => ({
            labels: c.labels,
            value: counts[c.interval] ?? 0,
            timestampMs: c.timestampMs,
          }))
          .sort((a, b) => a.timestampMs - b.timestampMs);
        out.push({
          labels: [meta(`${group}_total`), { key, value: NIL }],
          samples: samples(counts),
          ...(exemplars.length > 0 ? { exemplars } : {}),
        });
      }
    });
    return sortSeries(out);
  }
}

/**
 * The `n` values counted most over the range; ties (which Tempo leaves to chance) go to the
 * value that sorts first.
 */
function topValues(values: Counted[], n: number): Counted[] {
  if (values.length <= n) return values;
  const sum = (c: Counted) => c.counts.reduce((a, b) => a + b, 0);
  return values
    .map((c) => ({ c, total: sum(c), key: valueKey(c.value) }))
    .sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, n)
    .map((x) => x.c);
}
