/**
 * Tempo's `span-metrics` processor: for every span, `traces_spanmetrics_calls_total`,
 * `traces_spanmetrics_latency` (seconds) and `traces_spanmetrics_size_total` (protobuf bytes),
 * labelled `service`, `span_name`, `span_kind`, `status_code` (each can be turned off),
 * optionally `status_message`, and the configured dimensions (resource attribute first, then the
 * span's; a name that clashes with an intrinsic gets a `__` prefix).
 */

import type { SpanMetricsConfig } from '../app/config/types.js';
import type { GenSpan } from './gen-span.js';
import { KIND_NAMES, labelText, sanitizeLabelName, STATUS_NAMES } from './labels.js';
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

/** The sampling multiplier: 1 / the ratio attribute (span first, then resource) when > 0. */
export function spanMultiplier(span: GenSpan, key: string): number {
  if (key === '') return 1;
  const r = span.attrs[key] ?? span.resourceAttrs[key];
  return typeof r === 'number' && r > 0 ? 1 / r : 1;
}

export class SpanMetrics {
  readonly #cfg: SpanMetricsConfig;
  readonly #calls: Counter;
  readonly #latency: Histogram;
  readonly #size: Counter;
  readonly #on: Record<(typeof INTRINSICS)[number], boolean>;

  constructor(registry: Registry, cfg: SpanMetricsConfig) {
    this.#cfg = cfg;
    this.#on = { ...cfg.intrinsicDimensions };
    const names = [...INTRINSICS.filter((n) => this.#on[n]), ...cfg.dimensions.map(dimensionLabel)];
    this.#calls = registry.counter('traces_spanmetrics_calls_total', names);
    this.#latency = registry.histogram('traces_spanmetrics_latency', names, cfg.histogramBuckets);
    this.#size = registry.counter('traces_spanmetrics_size_total', names);
  }

  consume(spans: readonly GenSpan[], nowMs: number): void {
    for (const span of spans) {
      const values = this.#labelValues(span);
      const mult = spanMultiplier(span, this.#cfg.spanMultiplierKey);
      this.#calls.inc(values, mult, nowMs);
      this.#latency.observe(values, span.durationSec, mult, span.traceId, nowMs);
      this.#size.inc(values, span.sizeBytes, nowMs);
    }
  }

  #labelValues(span: GenSpan): string[] {
    const on = this.#on;
    const values: string[] = [];
    if (on.service) values.push(span.service);
    if (on.span_name) values.push(span.name);
    if (on.span_kind) values.push(KIND_NAMES[span.kind]);
    if (on.status_code) values.push(STATUS_NAMES[span.statusCode]);
    if (on.status_message) values.push(span.statusMessage);
    for (const d of this.#cfg.dimensions) {
      values.push(labelText(span.resourceAttrs[d] ?? span.attrs[d]));
    }
    return values;
  }
}
