/**
 * The metrics generator: Tempo's span-metrics and service-graphs processors over every stored span,
 * one registry per tenant, collected every `collection_interval` into each `remote_write`
 * endpoint, and exposed on `/metrics`. Spans whose end is further than
 * `metrics_ingestion_time_range_slack` from now (either way) are not counted.
 */

import type { GeneratorConfig } from '../app/config/types.js';
import type { Registry as SelfRegistry } from '../telemetry/index.js';
import { aggregate, type GenBatch, type GenPlan } from './aggregate.js';
import type { GenSpan } from './gen-span.js';
import { expositionText, Registry, type Exposition } from './registry.js';
import { RemoteWriteQueue, type RemoteWriteStats } from './remote-write.js';
import { ServiceGraphs } from './service-graphs.js';
import { SpanMetrics, spanMetricsKeys, spanMetricsPlan } from './span-metrics.js';

export interface GeneratorOptions {
  config: GeneratorConfig;
  /** Processor names from the overrides (`service-graphs`, `span-metrics`, sub-processors). */
  processors: readonly string[];
  /** With multi-tenancy on, `/metrics` labels each series with `tenant` (unless the config injects it). */
  multitenancy: boolean;
  now: () => number;
  log: (msg: string) => void;
  /** Where the generator's own counters go (Vivace's `/metrics` registry). */
  selfMetrics: SelfRegistry;
  /** `__metrics_gen_instance` on remote-written series. */
  instance: string;
  /** `User-Agent` of remote writes. */
  userAgent: string;
}

/** Vivace's cap on series per tenant when `max_active_series` is 0. */
export const DEFAULT_MAX_ACTIVE_SERIES = 100_000;
const EXPIRE_EVERY_MS = 2000;
const STALE_CHECK_EVERY_MS = 5 * 60_000;
/** Collections waiting per remote-write endpoint (each holds every series): ~1 h at 15 s. */
const MAX_PENDING_REQUESTS = 240;

interface TenantInstance {
  registry: Registry;
  spanMetrics: SpanMetrics | undefined;
  serviceGraphs: ServiceGraphs | undefined;
}

/** Which processors a list of processor names turns on. */
export function enabledProcessors(names: readonly string[]): {
  spanMetrics: boolean;
  serviceGraphs: boolean;
} {
  return {
    spanMetrics: names.some((n) => n.startsWith('span-metrics')),
    serviceGraphs: names.some((n) => n.startsWith('service-graphs')),
  };
}

export class MetricsGenerator {
  /** What the encode workers need to reduce each request's spans. */
  readonly plan: GenPlan;
  readonly #opts: GeneratorOptions;
  readonly #on: { spanMetrics: boolean; serviceGraphs: boolean };
  readonly #tenants = new Map<string, TenantInstance>();
  readonly #queues: RemoteWriteQueue[];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #self: ReturnType<typeof selfMetrics>;
  #limitWarnedMs = 0;

  constructor(opts: GeneratorOptions) {
    this.#opts = opts;
    this.#on = enabledProcessors(opts.processors);
    const cfg = opts.config;
    const keys = new Set<string>();
    if (this.#on.spanMetrics) for (const k of spanMetricsKeys(cfg.spanMetrics)) keys.add(k);
    if (this.#on.serviceGraphs) {
      const sg = cfg.serviceGraphs;
      for (const k of [...sg.dimensions, ...sg.peerAttributes, ...sg.databaseNameAttributes])
        keys.add(k);
      for (const k of [
        'peer.service',
        'server.address',
        'network.peer.address',
        'network.peer.port',
      ])
        keys.add(k);
    }
    this.plan = {
      keys: [...keys],
      slackMs: cfg.ingestionSlackMs,
      ...(this.#on.spanMetrics ? { spanMetrics: spanMetricsPlan(cfg.spanMetrics) } : {}),
      ...(this.#on.serviceGraphs ? { serviceGraphs: cfg.serviceGraphs } : {}),
    };
    this.#self = selfMetrics(opts.selfMetrics);
    const stats: RemoteWriteStats = {
      sent: (url, n) => this.#self.rwSamples.inc({ url }, n),
      failed: (url, n, reason) => this.#self.rwFailed.inc({ url, reason }, n),
      retried: (url) => this.#self.rwRetries.inc({ url }),
    };
    this.#queues = cfg.remoteWrite.map(
      (target) =>
        new RemoteWriteQueue(target, {
          maxPending: MAX_PENDING_REQUESTS,
          stats,
          log: opts.log,
          userAgent: opts.userAgent,
        }),
    );
    opts.selfMetrics.gauge(
      'tempo_metrics_generator_registry_active_series',
      'Generated series per tenant.',
      ['tenant'],
      () =>
        [...this.#tenants].map(([tenant, t]) => ({
          labels: { tenant },
          value: t.registry.activeSeries,
        })),
    );
    opts.selfMetrics.gauge(
      'vivace_generator_remote_write_pending_requests',
      'Remote-write requests waiting, per endpoint.',
      ['url'],
      () =>
        this.#queues.map((q, i) => ({
          labels: { url: cfg.remoteWrite[i]?.url ?? '' },
          value: q.pending,
        })),
    );
  }

  /** Whether any processor is on. */
  get enabled(): boolean {
    return this.#on.spanMetrics || this.#on.serviceGraphs;
  }

  /** Counts a tenant's stored spans, as a worker reduced them. */
  consume(tenant: string, batch: GenBatch): void {
    const now = this.#opts.now();
    this.#self.received.inc({ tenant }, batch.received);
    if (batch.discarded > 0) {
      this.#self.discarded.inc(
        { tenant, reason: 'outside_metrics_ingestion_slack', processor: 'all' },
        batch.discarded,
      );
    }
    if (batch.received === batch.discarded) return;
    const t = this.#instance(tenant);
    if (t.spanMetrics && batch.sm) t.spanMetrics.merge(batch.sm, now);
    if (t.serviceGraphs) {
      if (batch.sgEdges) this.#self.edges.inc({ tenant }, batch.sgEdges);
      if (batch.sgSums) t.serviceGraphs.mergeSums(batch.sgSums, now);
      if (batch.sg) t.serviceGraphs.consumeHalves(batch.sg, now);
    }
  }

  /** Counts spans directly (tests): reduced as a worker would. */
  consumeSpans(tenant: string, spans: readonly GenSpan[]): void {
    this.consume(tenant, aggregate(this.plan, this.#opts.now(), spans));
  }

  /** Starts the expiry, collection and staleness timers. */
  start(): void {
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(EXPIRE_EVERY_MS, () => this.expire());
    every(this.#opts.config.collectionIntervalMs, () => this.collect());
    every(STALE_CHECK_EVERY_MS, () => this.removeStale());
  }

  /** Expires service-graph edges whose wait is over. */
  expire(): void {
    const now = this.#opts.now();
    for (const t of this.#tenants.values()) t.serviceGraphs?.expire(now);
  }

  /** Collects every tenant's series and queues them for each remote-write endpoint. */
  collect(): void {
    const now = this.#opts.now();
    for (const [tenant, t] of this.#tenants) {
      if (this.#queues.length === 0) continue;
      const series = t.registry.collect(now);
      const orgId =
        this.#opts.config.remoteWriteAddOrgIdHeader && tenant !== 'single-tenant'
          ? tenant
          : undefined;
      for (const q of this.#queues) q.push(series, orgId);
    }
  }

  removeStale(): void {
    const cutoff = this.#opts.now() - this.#opts.config.staleDurationMs;
    for (const t of this.#tenants.values()) t.registry.removeStale(cutoff);
  }

  /** The generated series in Prometheus text format. */
  exposition(): string {
    const out: Exposition = new Map();
    const tenantLabel = this.#opts.multitenancy && this.#opts.config.injectTenantIdAs === '';
    for (const [tenant, t] of this.#tenants) {
      t.registry.expose(out, tenantLabel ? [['tenant', tenant]] : []);
    }
    return expositionText(out);
  }

  /** Stops the timers, collects once more and sends what is queued (for at most `deadlineMs`). */
  async close(deadlineMs = 60_000): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.length = 0;
    this.collect();
    await Promise.all(this.#queues.map((q) => q.close(deadlineMs)));
  }

  #instance(tenant: string): TenantInstance {
    let t = this.#tenants.get(tenant);
    if (t) return t;
    const cfg = this.#opts.config;
    const external: Record<string, string> = { ...cfg.externalLabels };
    if (cfg.injectTenantIdAs !== '') external[cfg.injectTenantIdAs] = tenant;
    const registry = new Registry({
      externalLabels: external,
      collectedLabels: { __metrics_gen_instance: this.#opts.instance },
      maxActiveSeries: cfg.maxActiveSeries > 0 ? cfg.maxActiveSeries : DEFAULT_MAX_ACTIVE_SERIES,
      maxLabelNameLength: cfg.maxLabelNameLength,
      maxLabelValueLength: cfg.maxLabelValueLength,
      onLimited: (cost) => this.#limited(tenant, cost),
    });
    t = {
      registry,
      spanMetrics: this.#on.spanMetrics ? new SpanMetrics(registry, cfg.spanMetrics) : undefined,
      serviceGraphs: this.#on.serviceGraphs
        ? new ServiceGraphs(registry, cfg.serviceGraphs, {
            edge: () => this.#self.edges.inc({ tenant }),
            expired: (kind) => this.#self.expired.inc({ tenant, unmatched_span_kind: kind }),
            dropped: () => this.#self.droppedSpans.inc({ tenant }),
          })
        : undefined,
    };
    this.#tenants.set(tenant, t);
    return t;
  }

  #limited(tenant: string, cost: number): void {
    this.#self.limited.inc({ tenant }, cost);
    const now = this.#opts.now();
    if (now - this.#limitWarnedMs < 60_000) return;
    this.#limitWarnedMs = now;
    const cfg = this.#opts.config;
    const max = cfg.maxActiveSeries > 0 ? cfg.maxActiveSeries : DEFAULT_MAX_ACTIVE_SERIES;
    this.#opts.log(
      `metrics generator: tenant ${tenant} reached ${max} active series; new series go to the metric_overflow="true" series (raise overrides.defaults.metrics_generator.max_active_series, or use fewer dimensions)`,
    );
  }
}

function selfMetrics(r: SelfRegistry) {
  return {
    received: r.counter(
      'tempo_metrics_generator_spans_received_total',
      'Spans given to the metrics generator.',
      ['tenant'],
    ),
    discarded: r.counter(
      'tempo_metrics_generator_spans_discarded_total',
      'Spans the metrics generator did not count, by reason.',
      ['tenant', 'reason', 'processor'],
    ),
    limited: r.counter(
      'tempo_metrics_generator_registry_series_limited_total',
      'Series (cost) refused by max_active_series and sent to the overflow series.',
      ['tenant'],
    ),
    edges: r.counter(
      'tempo_metrics_generator_processor_service_graphs_edges',
      'Service-graph edges created.',
      ['tenant'],
    ),
    expired: r.counter(
      'tempo_metrics_generator_processor_service_graphs_expired_edges',
      'Service-graph edges that expired without their other half.',
      ['tenant', 'unmatched_span_kind'],
    ),
    droppedSpans: r.counter(
      'tempo_metrics_generator_processor_service_graphs_dropped_spans',
      'Spans dropped because max_items edges were waiting.',
      ['tenant'],
    ),
    rwSamples: r.counter(
      'vivace_generator_remote_write_samples_total',
      'Samples remote-written, per endpoint.',
      ['url'],
    ),
    rwFailed: r.counter(
      'vivace_generator_remote_write_samples_failed_total',
      'Samples not delivered (refused with 4xx, or dropped from a full queue), per endpoint.',
      ['url', 'reason'],
    ),
    rwRetries: r.counter(
      'vivace_generator_remote_write_retries_total',
      'Remote-write attempts that failed and were retried, per endpoint.',
      ['url'],
    ),
  };
}
