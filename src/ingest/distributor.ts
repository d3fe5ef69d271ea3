/**
 * The distributor: checks received spans against the tenant's limits, truncates oversized
 * attributes, and appends what is accepted to the WAL. It answers OTLP's partial success.
 * OTLP requests arrive raw and are decoded and encoded by the worker pool.
 */
import type { PushOutcome, RawRequest, ReceivedBatch } from '../model/index.js';
import { LimitExceededError, OverloadedError } from '../model/index.js';
import { encodeBatch, type EncodedBatch } from '../wal/index.js';
import { aggregate, type GenBatch, type GenPlan } from '../generator/aggregate.js';
import { dropTraces, genSpansOfBatch, type EncodeJob } from './encode-job.js';
import type { EncodePool } from './encode-pool.js';
import { ByteBucket, LiveTraces, type IngestionLimits, type TraceVerdict } from './limits.js';
import { truncateAttributes } from './truncate.js';

export interface DistributorOptions {
  limits: IngestionLimits;
  /** 0 = no truncation. */
  maxAttributeBytes: number;
  traceIdlePeriodMs: number;
  now: () => number;
  pool: EncodePool;
  /** Appends to the WAL; resolves once durable. */
  append: (tenant: string, enc: EncodedBatch) => Promise<void>;
  /** A reason to refuse everything for now (storage behind), or undefined. */
  overloaded: () => string | undefined;
  metrics: DistributorMetrics;
  /** The metrics generator, when a processor is on: it is given every span that was stored. */
  generator?: GeneratorSink;
}

/** Where stored spans go for the metrics generator. */
export interface GeneratorSink {
  /** What the encode workers need to reduce a request's spans for it. */
  readonly plan: GenPlan;
  consume(tenant: string, batch: GenBatch): void;
}

export interface DistributorMetrics {
  received(tenant: string, receiver: string, spans: number, bytes: number): void;
  discarded(tenant: string, reason: string, spans: number): void;
  /** A whole request refused before its spans were counted (or with them: rate limits). */
  refused(tenant: string, reason: 'overloaded' | 'rate_limited'): void;
}

type Refusal = Exclude<TraceVerdict, 'ok'>;

const REASON_TEXT: Record<Refusal, string> = {
  live_traces_exceeded:
    'LIVE_TRACES_EXCEEDED: the tenant has too many live traces (max_traces_per_user)',
  trace_too_large: 'TRACE_TOO_LARGE: the trace is larger than max_bytes_per_trace',
};

interface Decoded {
  encoded: EncodedBatch;
  rejectedSpans: number;
  rejectionMessage: string;
  gen?: GenBatch;
}

/** A request encoded again without some traces: its lines and its generator spans. */
interface Reencoded {
  encoded: EncodedBatch;
  gen?: GenBatch;
}

export class Distributor {
  readonly #opts: DistributorOptions;
  readonly #buckets = new Map<string, ByteBucket>();
  readonly #live = new Map<string, LiveTraces>();

  constructor(opts: DistributorOptions) {
    this.#opts = opts;
  }

  /** Pushes a raw OTLP request: decoded and encoded in the worker pool. */
  async pushRaw(tenant: string, raw: RawRequest): Promise<PushOutcome> {
    this.#checkOverload(tenant);
    const job: EncodeJob = {
      format: raw.format,
      body: raw.body,
      maxAttributeBytes: this.#opts.maxAttributeBytes,
      receivedAtMs: this.#opts.now(),
      ...(raw.parseStringTags ? { parseStringTags: true } : {}),
      ...(this.#opts.generator ? { generator: this.#opts.generator.plan } : {}),
    };
    const decoded = await this.#opts.pool.encode(job);
    return this.#admitAndAppend(tenant, decoded, raw.body.length, raw.receiver, async (drop) => {
      return this.#opts.pool.encode({ ...job, dropTraces: drop });
    });
  }

  /** Pushes an already decoded batch (encoded here, on the event loop). */
  async push(tenant: string, received: ReceivedBatch): Promise<PushOutcome> {
    this.#checkOverload(tenant);
    const max = this.#opts.maxAttributeBytes;
    if (max > 0) truncateAttributes(received.batch, max);
    const plan = this.#opts.generator?.plan;
    const encode = (): Reencoded => ({
      encoded: encodeBatch(received.batch),
      ...(plan
        ? { gen: aggregate(plan, this.#opts.now(), genSpansOfBatch(received.batch, plan.keys)) }
        : {}),
    });
    const decoded = {
      ...encode(),
      rejectedSpans: received.rejectedSpans,
      rejectionMessage: received.rejectionMessage,
    };
    return this.#admitAndAppend(tenant, decoded, received.bytes, received.receiver, (drop) => {
      dropTraces(received.batch, new Set(drop));
      return Promise.resolve(encode());
    });
  }

  #checkOverload(tenant: string): void {
    const busy = this.#opts.overloaded();
    if (busy !== undefined) {
      this.#opts.metrics.refused(tenant, 'overloaded');
      throw new OverloadedError(busy);
    }
  }

  async #admitAndAppend(
    tenant: string,
    decoded: Decoded,
    bytes: number,
    receiver: string,
    reencode: (drop: string[]) => Promise<Reencoded>,
  ): Promise<PushOutcome> {
    const { metrics, now } = this.#opts;
    let enc = decoded.encoded;
    let gen = decoded.gen;
    if (decoded.rejectedSpans > 0) metrics.discarded(tenant, 'invalid', decoded.rejectedSpans);
    if (!this.#bucket(tenant).take(bytes, now())) {
      metrics.discarded(tenant, 'rate_limited', enc.spanCount);
      metrics.refused(tenant, 'rate_limited');
      const { rateLimitBytes, burstSizeBytes } = this.#opts.limits;
      throw new LimitExceededError(
        `RATE_LIMITED: ingestion rate limit (${rateLimitBytes} bytes/s, burst ${burstSizeBytes} bytes) reached for tenant ${tenant}`,
      );
    }
    const perSpan = bytes / Math.max(1, enc.spanCount + decoded.rejectedSpans);
    const refused = this.#refusedTraces(tenant, enc, perSpan);
    let refusedSpans = 0;
    let reason = '';
    if (refused.size > 0) {
      const before = enc.spanCount;
      ({ encoded: enc, gen } = await reencode([...refused.keys()]));
      refusedSpans = before - enc.spanCount;
      reason = this.#describe(tenant, refused, refusedSpans, decoded.encoded);
    }
    if (enc.spanCount > 0) await this.#opts.append(tenant, enc);
    metrics.received(tenant, receiver, enc.spanCount, bytes);
    if (gen && gen.received > 0) this.#opts.generator?.consume(tenant, gen);
    const messages = [decoded.rejectionMessage, reason].filter((m) => m !== '');
    return {
      rejectedSpans: decoded.rejectedSpans + refusedSpans,
      errorMessage: messages.join('; '),
    };
  }

  #refusedTraces(tenant: string, enc: EncodedBatch, perSpan: number): Map<string, Refusal> {
    const live = this.#liveTraces(tenant);
    const nowMs = this.#opts.now();
    const refused = new Map<string, Refusal>();
    for (let i = 0; i < enc.traceIds.length; i++) {
      const id = enc.traceIds[i] as string;
      const verdict = live.admit(id, (enc.traceSpans[i] as number) * perSpan, nowMs);
      if (verdict !== 'ok') refused.set(id, verdict);
    }
    return refused;
  }

  #describe(
    tenant: string,
    refused: Map<string, Refusal>,
    refusedSpans: number,
    original: EncodedBatch,
  ): string {
    const byReason = new Map<Refusal, number>();
    original.traceIds.forEach((id, i) => {
      const why = refused.get(id);
      if (why) byReason.set(why, (byReason.get(why) ?? 0) + (original.traceSpans[i] as number));
    });
    for (const [why, n] of byReason) this.#opts.metrics.discarded(tenant, why, n);
    const reasons = [...byReason.keys()].map((k) => REASON_TEXT[k]).join('; ');
    return `${refusedSpans} span${refusedSpans === 1 ? '' : 's'} refused: ${reasons}`;
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
}
