/**
 * Tempo's `span-metrics` processor: for every span, `traces_spanmetrics_calls_total`,
 * `traces_spanmetrics_latency` (seconds) and `traces_spanmetrics_size_total` (protobuf bytes),
 * labelled `service`, `span_name`, `span_kind`, `status_code` (each can be turned off),
 * optionally `status_message`, and the configured dimensions (resource attribute first, then the
 * span's; a name that clashes with an intrinsic gets a `__` prefix).
 */

import type { SpanMetricsConfig } from '../app/config/types.js';
import { aggregate, SM_LAYOUT, type GenBatch, type GenPlan } from './aggregate.js';
import type { GenSpan } from './gen-span.js';
import { sanitizeLabelName } from './labels.js';
import type { Counter, Histogram, Registry } from './registry.js';

const INTRINSICS = ['service', 'span_name', 'span_kind', 'status_code', 'status_message'] as const;

/** The label name of a dimension: sanitised, `__`-prefixed when it clashes with an intrinsic. */
export function dimensionLabel(dimension: string): string {
  const name = sanitizeLabelName(dimension);
  return (INTRINSICS as readonly string[]).includes(name) ? `__${name}` : name;
}

/** The attribute keys the processor reads. */
export function spanMetricsKeys(cfg: SpanMetricsConfig): string[] {
  return [...cfg.dimensions, ...(cfg.spanMultiplierKey ? [cfg.spanMultiplierKey] : [])];
}

/** The workers' part of the configuration. */
export function spanMetricsPlan(cfg: SpanMetricsConfig): NonNullable<GenPlan['spanMetrics']> {
  return {
    intrinsics: { ...cfg.intrinsicDimensions },
    dimensions: cfg.dimensions,
    buckets: cfg.histogramBuckets,
    multiplierKey: cfg.spanMultiplierKey,
  };
}

export class SpanMetrics {
  readonly #plan: NonNullable<GenPlan['spanMetrics']>;
  readonly #labelCount: number;
  readonly #calls: Counter;
  readonly #latency: Histogram;
  readonly #size: Counter;

  constructor(registry: Registry, cfg: SpanMetricsConfig) {
    this.#plan = spanMetricsPlan(cfg);
    const names = [
      ...INTRINSICS.filter((n) => cfg.intrinsicDimensions[n]),
      ...cfg.dimensions.map(dimensionLabel),
    ];
    this.#labelCount = names.length;
    this.#calls = registry.counter('traces_spanmetrics_calls_total', names);
    this.#latency = registry.histogram('traces_spanmetrics_latency', names, cfg.histogramBuckets);
    this.#size = registry.counter('traces_spanmetrics_size_total', names);
  }

  /** Adds a request's series sums (computed in a worker). */
  merge(sm: NonNullable<GenBatch['sm']>, nowMs: number): void {
    const n = this.#labelCount;
    const buckets = this.#plan.buckets.length + 1;
    const stride = SM_LAYOUT.buckets + buckets;
    const keys = sm.exemplars.length;
    for (let k = 0; k < keys; k++) {
      const values = sm.values.slice(k * n, (k + 1) * n);
      const at = k * stride;
      const calls = sm.nums[at + SM_LAYOUT.calls] as number;
      this.#calls.inc(values, calls, nowMs);
      this.#size.inc(values, sm.nums[at + SM_LAYOUT.size] as number, nowMs);
      const exemplarTrace = sm.exemplars[k] as string;
      this.#latency.merge(
        values,
        sm.nums.subarray(at + SM_LAYOUT.buckets, at + stride),
        sm.nums[at + SM_LAYOUT.sum] as number,
        calls,
        exemplarTrace === ''
          ? undefined
          : { traceId: exemplarTrace, value: sm.nums[at + SM_LAYOUT.exemplar] as number },
        nowMs,
      );
    }
  }

  /** Counts spans directly (tests; the model path aggregates first too). */
  consume(spans: readonly GenSpan[], nowMs: number): void {
    const plan: GenPlan = { keys: [], slackMs: Infinity, spanMetrics: this.#plan };
    const sm = aggregate(plan, nowMs, spans).sm;
    if (sm) this.merge(sm, nowMs);
  }
}
