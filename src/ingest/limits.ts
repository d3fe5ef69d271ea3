/**
 * Per-tenant ingestion limits, as Tempo's overrides: a byte-rate token bucket, a cap on live traces
 * and on the bytes of one trace. Pure: the caller passes the clock value.
 */

export interface IngestionLimits {
  rateLimitBytes: number;
  burstSizeBytes: number;
  /** 0 = no limit. */
  maxTracesPerUser: number;
  /** 0 = no limit. */
  maxBytesPerTrace: number;
}

/** A token bucket of bytes: `rate` per second, holding at most `burst`. */
export class ByteBucket {
  #tokens: number;
  #lastMs: number;
  constructor(
    readonly rate: number,
    readonly burst: number,
    nowMs: number,
  ) {
    this.#tokens = burst;
    this.#lastMs = nowMs;
  }

  /** Takes `bytes` if available; false (and nothing taken) otherwise. */
  take(bytes: number, nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.#lastMs) / 1000;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.rate);
    this.#lastMs = nowMs;
    if (bytes > this.#tokens) return false;
    this.#tokens -= bytes;
    return true;
  }
}

interface LiveTrace {
  bytes: number;
  lastSeenMs: number;
}

export type TraceVerdict = 'ok' | 'live_traces_exceeded' | 'trace_too_large';

/**
 * Traces that received spans within the idle period ("live" in Tempo's sense), with their sizes.
 */
export class LiveTraces {
  readonly #traces = new Map<string, LiveTrace>();
  #lastSweepMs = 0;

  constructor(
    private readonly idlePeriodMs: number,
    private readonly limits: Pick<IngestionLimits, 'maxTracesPerUser' | 'maxBytesPerTrace'>,
  ) {}

  get size(): number {
    return this.#traces.size;
  }

  /** Records `bytes` more for a trace, unless a limit refuses them. */
  admit(traceId: string, bytes: number, nowMs: number): TraceVerdict {
    this.#sweep(nowMs);
    const t = this.#traces.get(traceId);
    if (t === undefined) {
      const max = this.limits.maxTracesPerUser;
      if (max > 0 && this.#traces.size >= max) return 'live_traces_exceeded';
      if (this.limits.maxBytesPerTrace > 0 && bytes > this.limits.maxBytesPerTrace) {
        return 'trace_too_large';
      }
      this.#traces.set(traceId, { bytes, lastSeenMs: nowMs });
      return 'ok';
    }
    if (this.limits.maxBytesPerTrace > 0 && t.bytes + bytes > this.limits.maxBytesPerTrace) {
      return 'trace_too_large';
    }
    t.bytes += bytes;
    t.lastSeenMs = nowMs;
    return 'ok';
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < Math.min(1000, this.idlePeriodMs)) return;
    this.#lastSweepMs = nowMs;
    for (const [id, t] of this.#traces) {
      if (nowMs - t.lastSeenMs >= this.idlePeriodMs) this.#traces.delete(id);
    }
  }
}
