/**
 * Vivace's own metrics (not the metrics generator's): counters, gauges and histograms with labels,
 * written in the Prometheus text exposition format (version 0.0.4). Pure: no clock, no I/O.
 */

type Labels = Readonly<Record<string, string>>;

export interface GaugeSample {
  labels?: Labels;
  value: number;
}

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  expose(): string[];
}

function escapeLabel(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

function labelText(names: readonly string[], values: readonly string[], extra = ''): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

abstract class Labelled<T> implements Metric {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  protected readonly series = new Map<string, { values: string[]; state: T }>();
  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly labelNames: readonly string[],
  ) {}
  protected get(labels: Labels): T {
    const values = this.labelNames.map((n) => labels[n] ?? '');
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { values, state: this.initial() }));
    return s.state;
  }
  protected abstract initial(): T;
  abstract expose(): string[];
}

export class Counter extends Labelled<{ v: number }> {
  readonly type = 'counter';
  protected initial(): { v: number } {
    return { v: 0 };
  }
  inc(labels: Labels = {}, by = 1): void {
    this.get(labels).v += by;
  }
  value(labels: Labels = {}): number {
    return this.get(labels).v;
  }
  expose(): string[] {
    return [...this.series.values()].map(
      (s) => `${this.name}${labelText(this.labelNames, s.values)} ${num(s.state.v)}`,
    );
  }
}

/** A gauge whose values are read when scraped. */
export class Gauge implements Metric {
  readonly type = 'gauge';
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly collect: () => GaugeSample[],
  ) {}
  expose(): string[] {
    return this.collect().map((s) => {
      const values = this.labelNames.map((n) => s.labels?.[n] ?? '');
      return `${this.name}${labelText(this.labelNames, values)} ${num(s.value)}`;
    });
  }
}

interface HistState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Labelled<HistState> {
  readonly type = 'histogram';
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
  }
  protected initial(): HistState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }
  observe(labels: Labels, value: number): void {
    const s = this.get(labels);
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  expose(): string[] {
    const out: string[] = [];
    for (const { values, state } of this.series.values()) {
      this.buckets.forEach((b, i) => {
        out.push(
          `${this.name}_bucket${labelText(this.labelNames, values, `le="${num(b)}"`)} ${state.counts[i]}`,
        );
      });
      out.push(
        `${this.name}_bucket${labelText(this.labelNames, values, 'le="+Inf"')} ${state.count}`,
      );
      out.push(`${this.name}_sum${labelText(this.labelNames, values)} ${num(state.sum)}`);
      out.push(`${this.name}_count${labelText(this.labelNames, values)} ${state.count}`);
    }
    return out;
  }
}

export class Registry {
  readonly #metrics: Metric[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#add(new Counter(name, help, labelNames));
  }

  gauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: () => GaugeSample[],
  ): Gauge {
    return this.#add(new Gauge(name, help, labelNames, collect));
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ): Histogram {
    return this.#add(new Histogram(name, help, labelNames, buckets));
  }

  #add<M extends Metric>(m: M): M {
    this.#metrics.push(m);
    return m;
  }

  /** The exposition text of every metric. */
  expose(): string {
    const lines: string[] = [];
    for (const m of this.#metrics) {
      lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.expose());
    }
    return lines.join('\n') + '\n';
  }
}
