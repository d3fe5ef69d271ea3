/**
 * A tenant's generated series, as Tempo's generator registry keeps them: counters and classic
 * histograms with running totals since the series appeared, collected whole at every
 * `collection_interval` (new series first get a 0 sample a second before the minute, so that
 * `rate()` sees their first increment), removed once not updated for `stale_duration`, capped at
 * `max_active_series` (what does not fit goes to one `metric_overflow="true"` series).
 *
 * Processors give label values in the fixed label-name order of their metric; an empty value
 * drops the label. Time is passed in (milliseconds), so the registry is pure and testable.
 */

import { goFloatText, truncateBytes } from './labels.js';

/** A sample ready for remote write or exposition: sorted labels (with `__name__`) and values. */
export interface CollectedSeries {
  labels: Array<[string, string]>;
  /** `[value, timestamp ms]`, oldest first. */
  samples: Array<[number, number]>;
  /** The bucket's last observation since the previous collection (histograms only). */
  exemplar?: { traceId: string; value: number; timestampMs: number };
}

export interface RegistryOptions {
  /** Labels added to every series (over same-named processor labels). */
  externalLabels: Readonly<Record<string, string>>;
  /** Series at most (a histogram costs 2 + its buckets); 0 = no limit. */
  maxActiveSeries: number;
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  /** Called with the cost of each series refused by the limit. */
  onLimited?: (cost: number) => void;
  /** Labels only collected series get (Tempo's `__metrics_gen_instance`), not the exposition. */
  collectedLabels?: Readonly<Record<string, string>>;
}

interface SeriesBase {
  /** Processor labels, sorted, empty values dropped. */
  labels: Array<[string, string]>;
  updatedMs: number;
  /** Not collected yet: it gets the zero sample first. */
  fresh: boolean;
}

interface CounterSeries extends SeriesBase {
  value: number;
}

interface HistogramSeries extends SeriesBase {
  /** Per bucket (the last is +Inf), not cumulative. */
  counts: Float64Array;
  sum: number;
  count: number;
  /** Latest observation per bucket since the last collection. */
  exemplars: Array<{ traceId: string; value: number } | undefined>;
}

const OVERFLOW_KEY = '\u0000overflow';
const OVERFLOW_LABELS: Array<[string, string]> = [['metric_overflow', 'true']];

/** The start of the current UTC minute minus one second: Tempo's time for a new series' 0. */
function zeroSampleTime(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000 - 1000;
}

abstract class Metric<S extends SeriesBase> {
  readonly series = new Map<string, S>();

  constructor(
    readonly registry: Registry,
    readonly name: string,
    /** Label names, in the order processors give values; duplicates: the last non-empty wins. */
    readonly labelNames: readonly string[],
  ) {}

  /** What a new series costs against `max_active_series`. */
  abstract readonly cost: number;
  protected abstract create(labels: Array<[string, string]>, nowMs: number): S;

  /**
   * The series for these label values (`key`: their join, when the caller has it), created if the
   * limit allows, else the overflow series.
   */
  protected seriesFor(values: readonly string[], nowMs: number, key = values.join('\u0001')): S {
    let s = this.series.get(key);
    if (s) {
      s.updatedMs = nowMs;
      return s;
    }
    if (!this.registry.admit(this.cost)) {
      s = this.series.get(OVERFLOW_KEY);
      if (!s) {
        s = this.create(OVERFLOW_LABELS, nowMs);
        this.series.set(OVERFLOW_KEY, s);
      }
      s.updatedMs = nowMs;
      return s;
    }
    s = this.create(this.registry.labelSet(this.labelNames, values), nowMs);
    this.series.set(key, s);
    return s;
  }

  /** Removes series not updated since `cutoffMs`; returns the cost freed. */
  removeStale(cutoffMs: number): number {
    let freed = 0;
    for (const [key, s] of this.series) {
      if (s.updatedMs >= cutoffMs) continue;
      this.series.delete(key);
      if (key !== OVERFLOW_KEY) freed += this.cost;
    }
    return freed;
  }

  abstract collect(nowMs: number, out: CollectedSeries[]): void;
  abstract expose(out: Exposition, extra: ReadonlyArray<[string, string]>): void;

  /** This metric's lines in `out`, created with its `# TYPE` line. */
  protected linesIn(out: Exposition, type: string): string[] {
    let group = out.get(this.name);
    if (!group) {
      group = { type, lines: [] };
      out.set(this.name, group);
    }
    return group.lines;
  }
}

/** Exposition lines by metric name (several registries may add to one metric). */
export type Exposition = Map<string, { type: string; lines: string[] }>;

/** Prometheus text of an exposition. */
export function expositionText(out: Exposition): string {
  let text = '';
  for (const [name, { type, lines }] of out) {
    if (lines.length === 0) continue;
    text += `# TYPE ${name} ${type}\n${lines.join('\n')}\n`;
  }
  return text;
}

export class Counter extends Metric<CounterSeries> {
  readonly cost = 1;

  protected create(labels: Array<[string, string]>, nowMs: number): CounterSeries {
    return { labels, updatedMs: nowMs, fresh: true, value: 0 };
  }

  inc(values: readonly string[], delta: number, nowMs: number, key?: string): void {
    this.seriesFor(values, nowMs, key).value += delta;
  }

  collect(nowMs: number, out: CollectedSeries[]): void {
    for (const s of this.series.values()) {
      const samples: Array<[number, number]> = [];
      if (s.fresh) samples.push([0, zeroSampleTime(nowMs)]);
      samples.push([s.value, nowMs]);
      s.fresh = false;
      out.push({ labels: this.registry.withName(this.name, s.labels), samples });
    }
  }

  expose(out: Exposition, extra: ReadonlyArray<[string, string]>): void {
    if (this.series.size === 0) return;
    const lines = this.linesIn(out, 'counter');
    for (const s of this.series.values()) {
      const labels = this.registry.withName('', [...s.labels, ...extra]);
      lines.push(`${this.name}${labelsText(labels)} ${goFloatText(s.value)}`);
    }
  }
}

export class Histogram extends Metric<HistogramSeries> {
  readonly cost: number;
  readonly bounds: readonly number[];

  constructor(
    registry: Registry,
    name: string,
    labelNames: readonly string[],
    bounds: readonly number[],
  ) {
    super(registry, name, labelNames);
    this.bounds = bounds;
    this.cost = 2 + bounds.length + 1;
  }

  protected create(labels: Array<[string, string]>, nowMs: number): HistogramSeries {
    const n = this.bounds.length + 1;
    return {
      labels,
      updatedMs: nowMs,
      fresh: true,
      counts: new Float64Array(n),
      sum: 0,
      count: 0,
      exemplars: new Array<undefined>(n).fill(undefined),
    };
  }

  /** Observes `value` with weight `multiplier`; `traceId` ('' for none) becomes the bucket's exemplar. */
  observe(
    values: readonly string[],
    value: number,
    multiplier: number,
    traceId: string,
    nowMs: number,
    key?: string,
  ): void {
    const s = this.seriesFor(values, nowMs, key);
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    s.counts[i] = (s.counts[i] as number) + multiplier;
    s.sum += value * multiplier;
    s.count += multiplier;
    if (traceId !== '') s.exemplars[i] = { traceId, value };
  }

  /** Adds sums computed elsewhere: per-bucket counts (not cumulative), their sum and count. */
  merge(
    values: readonly string[],
    counts: Float64Array,
    sum: number,
    count: number,
    exemplar: { traceId: string; value: number } | undefined,
    nowMs: number,
  ): void {
    const s = this.seriesFor(values, nowMs);
    for (let i = 0; i < counts.length; i++)
      s.counts[i] = (s.counts[i] as number) + (counts[i] as number);
    s.sum += sum;
    s.count += count;
    if (exemplar) {
      let i = 0;
      while (i < this.bounds.length && exemplar.value > (this.bounds[i] as number)) i++;
      s.exemplars[i] = exemplar;
    }
  }

  collect(nowMs: number, out: CollectedSeries[]): void {
    for (const s of this.series.values()) {
      const zero = s.fresh ? zeroSampleTime(nowMs) : undefined;
      let cumulative = 0;
      for (let i = 0; i < s.counts.length; i++) {
        cumulative += s.counts[i] as number;
        const le = i < this.bounds.length ? goFloatText(this.bounds[i] as number) : '+Inf';
        const samples: Array<[number, number]> = zero === undefined ? [] : [[0, zero]];
        samples.push([cumulative, nowMs]);
        const series: CollectedSeries = {
          labels: this.registry.withName(`${this.name}_bucket`, [...s.labels, ['le', le]]),
          samples,
        };
        const ex = s.exemplars[i];
        if (ex) {
          series.exemplar = { traceId: ex.traceId, value: ex.value, timestampMs: nowMs };
          s.exemplars[i] = undefined;
        }
        out.push(series);
      }
      out.push({
        labels: this.registry.withName(`${this.name}_sum`, s.labels),
        samples: [[s.sum, nowMs]],
      });
      out.push({
        labels: this.registry.withName(`${this.name}_count`, s.labels),
        samples:
          zero === undefined
            ? [[s.count, nowMs]]
            : [
                [0, zero],
                [s.count, nowMs],
              ],
      });
      s.fresh = false;
    }
  }

  expose(out: Exposition, extra: ReadonlyArray<[string, string]>): void {
    if (this.series.size === 0) return;
    const lines = this.linesIn(out, 'histogram');
    for (const s of this.series.values()) {
      const base = [...s.labels, ...extra];
      let cumulative = 0;
      for (let i = 0; i < s.counts.length; i++) {
        cumulative += s.counts[i] as number;
        const le = i < this.bounds.length ? goFloatText(this.bounds[i] as number) : '+Inf';
        const labels = this.registry.withName('', [...base, ['le', le]]);
        lines.push(`${this.name}_bucket${labelsText(labels)} ${goFloatText(cumulative)}`);
      }
      const labels = labelsText(this.registry.withName('', base));
      lines.push(`${this.name}_sum${labels} ${goFloatText(s.sum)}`);
      lines.push(`${this.name}_count${labels} ${goFloatText(s.count)}`);
    }
  }
}

/** Prometheus text format labels: `{a="x",b="y"}`, or '' when there are none. */
export function labelsText(labels: ReadonlyArray<[string, string]>): string {
  if (labels.length === 0) return '';
  const parts = labels.map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return `{${parts.join(',')}}`;
}

export class Registry {
  readonly #opts: RegistryOptions;
  readonly #metrics: Array<Metric<SeriesBase>> = [];
  #active = 0;
  /** Label names of the external labels, sorted, for merging. */
  readonly #external: Array<[string, string]>;

  constructor(opts: RegistryOptions) {
    this.#opts = opts;
    this.#external = Object.entries(opts.externalLabels).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
  }

  /** Series currently counted against the limit. */
  get activeSeries(): number {
    return this.#active;
  }

  counter(name: string, labelNames: readonly string[]): Counter {
    const m = new Counter(this, name, labelNames);
    this.#metrics.push(m);
    return m;
  }

  histogram(name: string, labelNames: readonly string[], bounds: readonly number[]): Histogram {
    const m = new Histogram(this, name, labelNames, bounds);
    this.#metrics.push(m);
    return m;
  }

  /** Takes `cost` from the limit; false (and `onLimited`) when it does not fit. */
  admit(cost: number): boolean {
    const max = this.#opts.maxActiveSeries;
    if (max > 0 && this.#active + cost > max) {
      this.#opts.onLimited?.(cost);
      return false;
    }
    this.#active += cost;
    return true;
  }

  /** A series' processor labels: truncated, the last value of a repeated name kept, empties dropped, sorted. */
  labelSet(names: readonly string[], values: readonly string[]): Array<[string, string]> {
    const byName = new Map<string, string>();
    for (let i = 0; i < names.length; i++) {
      const name = truncateBytes(names[i] as string, this.#opts.maxLabelNameLength);
      byName.set(name, truncateBytes(values[i] ?? '', this.#opts.maxLabelValueLength));
    }
    const out: Array<[string, string]> = [];
    for (const [k, v] of byName) if (v !== '') out.push([k, v]);
    return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Sorted labels with the external labels over the top, and for a collected series (`name` not
   * '') `__name__` and the collected-only labels.
   */
  withName(name: string, labels: ReadonlyArray<[string, string]>): Array<[string, string]> {
    const merged = new Map<string, string>(labels);
    for (const [k, v] of this.#external) merged.set(k, v);
    if (name !== '') {
      for (const [k, v] of Object.entries(this.#opts.collectedLabels ?? {})) merged.set(k, v);
      merged.set('__name__', name);
    }
    return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Removes series not updated since `cutoffMs`. */
  removeStale(cutoffMs: number): void {
    for (const m of this.#metrics) this.#active -= m.removeStale(cutoffMs);
  }

  /** Every series' current value at `nowMs` (new series with their 0 sample first). */
  collect(nowMs: number): CollectedSeries[] {
    const out: CollectedSeries[] = [];
    for (const m of this.#metrics) m.collect(nowMs, out);
    return out;
  }

  /** Adds every series to an exposition (no timestamps), with `extra` labels (a tenant). */
  expose(out: Exposition, extra: ReadonlyArray<[string, string]> = []): void {
    for (const m of this.#metrics) m.expose(out, extra);
  }
}
