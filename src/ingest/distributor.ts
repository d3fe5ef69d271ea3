/**
 * The distributor: checks a received batch against the tenant's limits, truncates oversized
 * attributes, and appends what is accepted to storage. It answers OTLP's partial success.
 */
import type { PushOutcome, ReceivedBatch, Span, SpanBatch } from '../model/index.js';
import { LimitExceededError, OverloadedError } from '../model/index.js';
import { ByteBucket, LiveTraces, type IngestionLimits, type TraceVerdict } from './limits.js';
import { truncateAttributes } from './truncate.js';

export interface DistributorOptions {
  limits: IngestionLimits;
  /** 0 = no truncation. */
  maxAttributeBytes: number;
  traceIdlePeriodMs: number;
  now: () => number;
  /** Appends to storage; resolves once durable. */
  append: (tenant: string, batch: SpanBatch) => Promise<void>;
  /** A reason to refuse everything for now (storage behind), or undefined. */
  overloaded: () => string | undefined;
  metrics: DistributorMetrics;
}

export interface DistributorMetrics {
  received(tenant: string, receiver: string, spans: number, bytes: number): void;
  discarded(tenant: string, reason: string, spans: number): void;
}

const REASON_TEXT: Record<Exclude<TraceVerdict, 'ok'>, string> = {
  live_traces_exceeded:
    'LIVE_TRACES_EXCEEDED: the tenant has too many live traces (max_traces_per_user)',
  trace_too_large: 'TRACE_TOO_LARGE: the trace is larger than max_bytes_per_trace',
};

export class Distributor {
  readonly #opts: DistributorOptions;
  readonly #buckets = new Map<string, ByteBucket>();
  readonly #live = new Map<string, LiveTraces>();

  constructor(opts: DistributorOptions) {
    this.#opts = opts;
  }

  async push(tenant: string, received: ReceivedBatch): Promise<PushOutcome> {
    const { metrics, now } = this.#opts;
    const total = received.spanCount + received.rejectedSpans;
    if (received.rejectedSpans > 0) metrics.discarded(tenant, 'invalid', received.rejectedSpans);
    const busy = this.#opts.overloaded();
    if (busy !== undefined) {
      metrics.discarded(tenant, 'overloaded', received.spanCount);
      throw new OverloadedError(busy);
    }
    if (!this.#bucket(tenant).take(received.bytes, now())) {
      metrics.discarded(tenant, 'rate_limited', received.spanCount);
      const { rateLimitBytes, burstSizeBytes } = this.#opts.limits;
      throw new LimitExceededError(
        `RATE_LIMITED: ingestion rate limit (${rateLimitBytes} bytes/s, burst ${burstSizeBytes} bytes) reached for tenant ${tenant}`,
      );
    }
    const perSpan = total > 0 ? received.bytes / total : 0;
    const { batch, refused, reason } = this.#admit(tenant, received.batch, perSpan);
    if (this.#opts.maxAttributeBytes > 0) truncateAttributes(batch, this.#opts.maxAttributeBytes);
    const accepted = received.spanCount - refused;
    if (accepted > 0) await this.#opts.append(tenant, batch);
    metrics.received(tenant, received.receiver, accepted, received.bytes);
    const rejectedSpans = received.rejectedSpans + refused;
    const messages = [received.rejectionMessage, reason].filter((m) => m !== '');
    return { rejectedSpans, errorMessage: messages.join('; ') };
  }

  #bucket(tenant: string): ByteBucket {
    let b = this.#buckets.get(tenant);
    if (!b) {
      const { rateLimitBytes, burstSizeBytes } = this.#opts.limits;
      b = new ByteBucket(
        rateLimitBytes,
        Math.max(burstSizeBytes, rateLimitBytes),
        this.#opts.now(),
      );
      this.#buckets.set(tenant, b);
    }
    return b;
  }

  #liveTraces(tenant: string): LiveTraces {
    let l = this.#live.get(tenant);
    if (!l) {
      l = new LiveTraces(this.#opts.traceIdlePeriodMs, this.#opts.limits);
      this.#live.set(tenant, l);
    }
    return l;
  }

  /** Applies the live-trace and trace-size limits; refused spans are taken out of the batch. */
  #admit(tenant: string, batch: SpanBatch, perSpan: number) {
    const live = this.#liveTraces(tenant);
    const nowMs = this.#opts.now();
    const bytesByTrace = new Map<string, number>();
    for (const rs of batch.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans)
          bytesByTrace.set(s.traceId, (bytesByTrace.get(s.traceId) ?? 0) + perSpan);
      }
    }
    const refusedTraces = new Map<string, Exclude<TraceVerdict, 'ok'>>();
    for (const [id, bytes] of bytesByTrace) {
      const verdict = live.admit(id, bytes, nowMs);
      if (verdict !== 'ok') refusedTraces.set(id, verdict);
    }
    if (refusedTraces.size === 0) return { batch, refused: 0, reason: '' };
    return this.#dropRefused(tenant, batch, refusedTraces);
  }

  #dropRefused(
    tenant: string,
    batch: SpanBatch,
    refusedTraces: Map<string, Exclude<TraceVerdict, 'ok'>>,
  ) {
    let refused = 0;
    const counts = new Map<string, number>();
    const keep = (s: Span): boolean => {
      const why = refusedTraces.get(s.traceId);
      if (why === undefined) return true;
      refused++;
      counts.set(why, (counts.get(why) ?? 0) + 1);
      return false;
    };
    const out: SpanBatch = {
      resourceSpans: batch.resourceSpans.map((rs) => ({
        ...rs,
        scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.filter(keep) })),
      })),
    };
    for (const [why, n] of counts) this.#opts.metrics.discarded(tenant, why, n);
    const reason = [...counts.keys()]
      .map((k) => REASON_TEXT[k as Exclude<TraceVerdict, 'ok'>])
      .join('; ');
    return { batch: out, refused, reason: `${refused} spans refused: ${reason}` };
  }
}
