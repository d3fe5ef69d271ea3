/**
 * The first stage of a TraceQL metrics query over matched spans: intervals, grouping by the
 * `by()` values and each function's arithmetic, as Tempo's metrics engine computes them
 * (docs/rfc/0002-traceql-metrics.md). Pure: the caller gives each span's start, its `by()` values
 * and its measured value; series come out labelled and sorted as Tempo sorts them.
 */

import type { MetricsFunctionName } from '../../traceql/index.js';

/** A label value, as Tempo's `AnyValue` JSON writes it. */
export type LabelValue =
  | { type: 'string'; value: string }
  | { type: 'int'; value: bigint }
  | { type: 'double'; value: number }
  | { type: 'bool'; value: boolean };

export interface Label {
  key: string;
  value: LabelValue;
}

/** The measured value of a span: durations in nanoseconds, `other` for what has no number. */
export type Measured =
  | { type: 'span-duration'; ns: number }
  | { type: 'duration'; ns: number }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'other' };

export interface Sample {
  timestampMs: number;
  value: number;
}

export interface Exemplar {
  labels: Label[];
  value: number;
  timestampMs: number;
}

export interface Series {
  labels: Label[];
  samples: Sample[];
  /** Range queries only; absent when there are none. */
  exemplars?: Exemplar[];
}

/** What a span offers as an exemplar: its trace and the labels it shows. */
export interface ExemplarSource {
  traceId: string;
  labels: Label[];
}

/** A chosen exemplar, before its series and value are known. */
interface Candidate {
  interval: number;
  timestampMs: number;
  labels: Label[];
  /** The span's own value (value functions), or its bucket (histograms). */
  value: number;
  bucket: number | undefined;
}

/** Aligned query intervals: right-closed `(start + i·step, start + (i+1)·step]`. */
export interface Intervals {
  startNs: bigint;
  endNs: bigint;
  stepNs: bigint;
}

/** The interval of a time, or -1 outside `(start, end]`. */
export function intervalOf(r: Intervals, tNs: bigint): number {
  if (tNs <= r.startNs || tNs > r.endNs) return -1;
  const offset = tNs - r.startNs;
  return Number((offset + r.stepNs - 1n) / r.stepNs) - 1;
}

export function intervalCount(r: Intervals): number {
  return Number((r.endNs - r.startNs + r.stepNs - 1n) / r.stepNs);
}

/** The timestamp of an interval: its end, in ms. */
export function timestampOf(r: Intervals, i: number): number {
  return Number((r.startNs + BigInt(i + 1) * r.stepNs) / 1_000_000n);
}

/** The smallest power of two ≥ v, for v ≥ 2; undefined below (Tempo drops those values). */
export function log2Bucket(v: number): number | undefined {
  if (!(v >= 2)) return undefined;
  return 2 ** Math.ceil(Math.log2(v));
}

/**
 * The q-quantile of log2 buckets (`[upper bound, count]`, ascending), interpolated between the
 * bucket bounds on a log2 scale, as Tempo does; 0 when empty.
 */
export function log2Quantile(q: number, buckets: ReadonlyArray<[number, number]>): number {
  const total = buckets.reduce((n, [, c]) => n + c, 0);
  if (total === 0) return 0;
  const need = Math.max(1, Math.ceil(q * total));
  let acc = 0;
  for (let i = 0; i < buckets.length; i++) {
    const [max, count] = buckets[i] as [number, number];
    if (acc + count > need) {
      const f = (need - acc) / count;
      const hi = Math.log2(max);
      const lo = i === 0 ? hi - 1 : Math.log2((buckets[i - 1] as [number, number])[0]);
      return 2 ** (lo + (hi - lo) * f);
    }
    acc += count;
    if (acc === need) return max;
  }
  return (buckets[buckets.length - 1] as [number, number])[0];
}

/** The time slices of a query's exemplars: at most two exemplars come from each. */
export function exemplarSlices(exemplars: number): number {
  return Math.max(1, Math.floor(exemplars / 2));
}

/** The time slice of a span start in the range, of `slices` equal ones. */
export function exemplarSlice(r: Intervals, slices: number, startNs: bigint): number {
  const fraction = Number(startNs - r.startNs) / Number(r.endNs - r.startNs);
  return Math.max(0, Math.min(slices - 1, Math.floor(fraction * slices)));
}

export interface FirstStage {
  fn: MetricsFunctionName;
  /** Label keys of the `by()` fields, in order. */
  byKeys: readonly string[];
  /** `quantile_over_time` only. */
  quantiles: readonly number[];
  /** Exemplars at most (0: none): at most 2 per N/2 equal time slices, one per trace. */
  exemplars?: number;
}

const NIL: LabelValue = { type: 'string', value: 'nil' };

/** Sums of one series in one interval. */
interface Cell {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Values seen (avg), and log2 buckets (quantile, histogram). */
  n: number;
  buckets: Map<number, number> | undefined;
}

function newCell(): Cell {
  return { count: 0, sum: 0, min: NaN, max: NaN, n: 0, buckets: undefined };
}

/**
 * What some spans of one series add to one interval: their count; for sum/min/max/avg the count,
 * sum, min and max of their numbers (`numberOf`); for quantiles and histograms their count per
 * log2 bucket (`bucketOf`, by upper bound).
 */
export interface PartialSums {
  count: number;
  n: number;
  sum: number;
  min: number;
  max: number;
  buckets?: ReadonlyMap<number, number>;
}

/** The partial sums of `count` spans that all measure `m`, for function `fn`. */
export function partialOf(fn: MetricsFunctionName, m: Measured, count: number): PartialSums {
  if (fn === 'quantile_over_time' || fn === 'histogram_over_time') {
    const b = bucketOf(m);
    return {
      count,
      n: 0,
      sum: 0,
      min: NaN,
      max: NaN,
      buckets: b === undefined ? undefined : new Map([[b, count]]),
    };
  }
  const v = numberOf(m);
  return Number.isNaN(v)
    ? { count, n: 0, sum: 0, min: NaN, max: NaN }
    : { count, n: count, sum: v * count, min: v, max: v };
}

function mergeInto(cell: Cell, part: PartialSums): void {
  cell.count += part.count;
  if (part.buckets !== undefined) {
    cell.buckets ??= new Map();
    for (const [b, c] of part.buckets) cell.buckets.set(b, (cell.buckets.get(b) ?? 0) + c);
  }
  if (part.n === 0) return;
  cell.n += part.n;
  cell.sum += part.sum;
  if (!(cell.min <= part.min)) cell.min = part.min;
  if (!(cell.max >= part.max)) cell.max = part.max;
}

function isValueFunction(fn: MetricsFunctionName): boolean {
  return (
    fn === 'sum_over_time' ||
    fn === 'min_over_time' ||
    fn === 'max_over_time' ||
    fn === 'avg_over_time'
  );
}

/** A span's number for sum/min/max/avg: span durations in seconds, other durations in ns. */
function numberOf(m: Measured): number {
  switch (m.type) {
    case 'span-duration':
      return m.ns / 1e9;
    case 'duration':
      return m.ns;
    case 'int':
    case 'float':
      return m.value;
    case 'other':
      return NaN;
  }
}

/** A span's log2 bucket for quantile/histogram (seconds for durations); undefined when dropped. */
function bucketOf(m: Measured): number | undefined {
  switch (m.type) {
    case 'span-duration':
    case 'duration': {
      const b = log2Bucket(m.ns);
      return b === undefined ? undefined : b / 1e9;
    }
    case 'int':
      return log2Bucket(m.value);
    case 'float':
    case 'other':
      return undefined;
  }
}

/** Accumulates matched spans into the first stage's series. */
export class FirstStageAccumulator {
  readonly #stage: FirstStage;
  readonly #range: Intervals;
  readonly #count: number;
  readonly #series = new Map<
    string,
    { by: Array<LabelValue | undefined>; cells: Cell[]; exemplars: Candidate[] }
  >();
  /** The series of `by()` arrays already seen (callers pass one array for many cells). */
  readonly #byArray = new WeakMap<
    Array<LabelValue | undefined>,
    { by: Array<LabelValue | undefined>; cells: Cell[]; exemplars: Candidate[] }
  >();
  /** Exemplars taken per time slice, and the traces that gave one. */
  readonly #slices: number[];
  readonly #exemplarTraces = new Set<string>();
  #exemplarCount = 0;

  constructor(stage: FirstStage, range: Intervals) {
    this.#stage = stage;
    this.#range = range;
    this.#count = intervalCount(range);
    this.#slices = new Array<number>(exemplarSlices(stage.exemplars ?? 0)).fill(0);
  }

  /** Adds a span: its start, its `by()` values (undefined for nil) and what it measures. */
  add(
    startNs: bigint,
    by: Array<LabelValue | undefined>,
    measured: Measured,
    exemplar?: ExemplarSource,
  ): void {
    const i = intervalOf(this.#range, startNs);
    if (i < 0) return;
    const s = this.#seriesOf(by);
    if (exemplar) this.#offerExemplar(s.exemplars, i, startNs, measured, exemplar);
    mergeInto(s.cells[i] as Cell, partialOf(this.#stage.fn, measured, 1));
  }

  /** Adds the partial sums of spans of interval `interval` with these `by()` values. */
  addSums(interval: number, by: Array<LabelValue | undefined>, part: PartialSums): void {
    if (interval < 0 || interval >= this.#count) return;
    mergeInto(this.#seriesOf(by).cells[interval] as Cell, part);
  }

  /** Offers a span counted through `addSums` as an exemplar. */
  offerExemplar(
    startNs: bigint,
    by: Array<LabelValue | undefined>,
    measured: Measured,
    exemplar: ExemplarSource,
  ): void {
    const i = intervalOf(this.#range, startNs);
    if (i >= 0) this.#offerExemplar(this.#seriesOf(by).exemplars, i, startNs, measured, exemplar);
  }

  #seriesOf(by: Array<LabelValue | undefined>) {
    const known = this.#byArray.get(by);
    if (known !== undefined) return known;
    if (by.length !== this.#stage.byKeys.length) by = by.slice(0, this.#stage.byKeys.length);
    const key = JSON.stringify(by, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    let s = this.#series.get(key);
    if (!s) {
      s = { by, cells: Array.from({ length: this.#count }, newCell), exemplars: [] };
      this.#series.set(key, s);
    }
    this.#byArray.set(by, s);
    return s;
  }

  /** Keeps a span as an exemplar while its time slice and the total have room. */
  #offerExemplar(
    into: Candidate[],
    interval: number,
    startNs: bigint,
    measured: Measured,
    ex: ExemplarSource,
  ): void {
    // A span that would show nothing (no number, no bucket) does not take its trace's place.
    const fn = this.#stage.fn;
    const bucketed = fn === 'quantile_over_time' || fn === 'histogram_over_time';
    if (
      bucketed
        ? bucketOf(measured) === undefined
        : isValueFunction(fn) && Number.isNaN(numberOf(measured))
    )
      return;
    const limit = this.#stage.exemplars ?? 0;
    if (this.#exemplarCount >= limit || this.#exemplarTraces.has(ex.traceId)) return;
    const slice = exemplarSlice(this.#range, this.#slices.length, startNs);
    if ((this.#slices[slice] as number) >= 2) return;
    this.#slices[slice] = (this.#slices[slice] as number) + 1;
    this.#exemplarTraces.add(ex.traceId);
    this.#exemplarCount++;
    const labels: Label[] = [
      { key: 'trace:id', value: { type: 'string', value: ex.traceId.replace(/^0+(?=.)/, '') } },
      ...ex.labels,
    ];
    const value =
      this.#stage.fn === 'quantile_over_time'
        ? measured.type === 'span-duration' || measured.type === 'duration'
          ? measured.ns / 1e9
          : numberOf(measured)
        : numberOf(measured);
    into.push({
      interval,
      timestampMs: Number(startNs / 1_000_000n),
      labels,
      value,
      bucket: bucketOf(measured),
    });
  }

  /** Attaches candidates to a series: `valueAt` gives the value shown (undefined: not shown). */
  #attach(series: Series, candidates: Candidate[], valueAt: (c: Candidate) => number | undefined) {
    const exemplars = candidates.flatMap((c) => {
      const value = valueAt(c);
      return value === undefined || Number.isNaN(value)
        ? []
        : [{ labels: c.labels, value, timestampMs: c.timestampMs }];
    });
    if (exemplars.length > 0)
      series.exemplars = exemplars.sort((a, b) => a.timestampMs - b.timestampMs);
  }

  /** The series, sorted as Tempo sorts them; series without samples are left out. */
  finish(): Series[] {
    const out: Series[] = [];
    const { fn, quantiles } = this.#stage;
    const stepSeconds = Number(this.#range.stepNs) / 1e9;
    for (const { by, cells, exemplars } of this.#series.values()) {
      const labels = this.#byLabels(by);
      const at = (series: Series, i: number) =>
        series.samples.find((x) => x.timestampMs === timestampOf(this.#range, i))?.value;
      const sample = (i: number, value: number): Sample => ({
        timestampMs: timestampOf(this.#range, i),
        value,
      });
      switch (fn) {
        case 'rate':
        case 'count_over_time': {
          const div = fn === 'rate' ? stepSeconds : 1;
          const series = { labels, samples: cells.map((c, i) => sample(i, c.count / div)) };
          this.#attach(series, exemplars, (c) => at(series, c.interval));
          out.push(series);
          break;
        }
        case 'sum_over_time':
        case 'min_over_time':
        case 'max_over_time':
        case 'avg_over_time': {
          const value = (c: Cell) =>
            c.n === 0
              ? NaN
              : fn === 'sum_over_time'
                ? c.sum
                : fn === 'min_over_time'
                  ? c.min
                  : fn === 'max_over_time'
                    ? c.max
                    : c.sum / c.n;
          const samples = cells.flatMap((c, i) => (c.n === 0 ? [] : [sample(i, value(c))]));
          if (samples.length === 0) break;
          const series: Series = { labels, samples };
          this.#attach(series, exemplars, (c) => c.value);
          out.push(series);
          break;
        }
        case 'quantile_over_time': {
          const bucketsOf = (c: Cell) =>
            [...(c.buckets ?? new Map<number, number>())].sort(([a], [b]) => a - b);
          const bySeries = quantiles.map((q) => ({
            labels: [...labels, { key: 'p', value: { type: 'double' as const, value: q } }],
            samples: cells.map((c, i) => sample(i, log2Quantile(q, bucketsOf(c)))),
          }));
          // Each exemplar goes to the quantile whose value in its interval is the closest.
          bySeries.forEach((series, qi) =>
            this.#attach(series, exemplars, (c) => {
              const dist = bySeries.map((x) => Math.abs((at(x, c.interval) ?? NaN) - c.value));
              const best = dist.indexOf(Math.min(...dist.filter((d) => !Number.isNaN(d))));
              return best === qi ? c.value : undefined;
            }),
          );
          out.push(...bySeries);
          break;
        }
        case 'histogram_over_time': {
          const bounds = new Set<number>();
          for (const c of cells) for (const b of c.buckets?.keys() ?? []) bounds.add(b);
          for (const b of [...bounds].sort((x, y) => x - y)) {
            const series = {
              labels: [
                ...labels,
                { key: '__bucket', value: { type: 'double' as const, value: b } },
              ],
              samples: cells.map((c, i) => sample(i, c.buckets?.get(b) ?? 0)),
            };
            this.#attach(series, exemplars, (c) =>
              c.bucket === b ? at(series, c.interval) : undefined,
            );
            out.push(series);
          }
          break;
        }
      }
    }
    return sortSeries(out);
  }

  /** `by()` labels: nil values left out; all nil gives the first key = "nil"; none gives `__name__`. */
  #byLabels(by: ReadonlyArray<LabelValue | undefined>): Label[] {
    const { fn, byKeys } = this.#stage;
    const bucketed = fn === 'quantile_over_time' || fn === 'histogram_over_time';
    if (byKeys.length === 0) {
      return bucketed ? [] : [{ key: '__name__', value: { type: 'string', value: fn } }];
    }
    const labels: Label[] = [];
    by.forEach((v, i) => v !== undefined && labels.push({ key: byKeys[i] as string, value: v }));
    if (labels.length === 0 && !bucketed) labels.push({ key: byKeys[0] as string, value: NIL });
    return labels;
  }
}

/** The compact text of a value, as Tempo's sort compares it (type name, then value). */
function valueText(v: LabelValue): string {
  switch (v.type) {
    case 'bool':
      return `bool_value:${String(v.value)}`;
    case 'double':
      return `double_value:${String(v.value)}`;
    case 'int':
      return `int_value:${String(v.value)}`;
    case 'string':
      return `string_value:${JSON.stringify(v.value)}`;
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Tempo's order: by label count, then label by label by key, then by value text. */
export function sortSeries(series: Series[]): Series[] {
  return series.sort((a, b) => {
    if (a.labels.length !== b.labels.length) return a.labels.length - b.labels.length;
    for (let i = 0; i < a.labels.length; i++) {
      const x = a.labels[i] as Label;
      const y = b.labels[i] as Label;
      const k = compareBytes(x.key, y.key);
      if (k !== 0) return k;
      const v = compareBytes(valueText(x.value), valueText(y.value));
      if (v !== 0) return v;
    }
    return 0;
  });
}
