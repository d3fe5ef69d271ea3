/**
 * Prometheus remote write (protocol 1.0): collected series as a `prometheus.WriteRequest`,
 * snappy-compressed, POSTed with the protocol's headers. A bounded queue per endpoint keeps
 * requests in order; network errors and 5xx are retried with a doubling backoff (30 ms to 5 s,
 * or the server's `Retry-After`), so a short Prometheus outage loses nothing; other 4xx (and 429,
 * as in Prometheus' default) drop the request. When the queue is full the oldest request goes.
 */

import { ProtoWriter } from '../api/encode/proto-writer.js';
import type { CollectedSeries } from './registry.js';
import { snappyCompress } from './snappy.js';

/** `prometheus.WriteRequest` bytes (uncompressed) of a collection. */
export function encodeWriteRequest(series: readonly CollectedSeries[]): Uint8Array {
  const w = new ProtoWriter(64 * 1024);
  for (const s of series) {
    const ts = w.beginMessage(1);
    for (const [name, value] of s.labels) {
      const l = w.beginMessage(1);
      w.stringField(1, name);
      w.stringField(2, value);
      w.endMessage(l);
    }
    for (const [value, timestamp] of s.samples) {
      const m = w.beginMessage(2);
      w.tag(1, 1);
      w.double(value);
      writeInt64(w, 2, timestamp);
      w.endMessage(m);
    }
    if (s.exemplar) {
      const e = w.beginMessage(3);
      const l = w.beginMessage(1);
      w.stringField(1, 'traceID');
      w.stringField(2, s.exemplar.traceId.replace(/^0+(?=.)/, ''));
      w.endMessage(l);
      w.tag(2, 1);
      w.double(s.exemplar.value);
      writeInt64(w, 3, s.exemplar.timestampMs);
      w.endMessage(e);
    }
    w.endMessage(ts);
  }
  return w.finish();
}

function writeInt64(w: ProtoWriter, field: number, v: number): void {
  w.tag(field, 0);
  w.varint64(Math.floor(v / 4294967296) >>> 0, v >>> 0);
}

export interface RemoteWriteTarget {
  url: string;
  headers: Readonly<Record<string, string>>;
  sendExemplars: boolean;
}

export interface RemoteWriteStats {
  sent(url: string, samples: number): void;
  failed(url: string, samples: number, reason: string): void;
  retried(url: string): void;
}

interface Pending {
  body: Uint8Array;
  samples: number;
  headers: Record<string, string>;
}

const MIN_BACKOFF_MS = 30;
const MAX_BACKOFF_MS = 5000;
const TIMEOUT_MS = 30_000;

/** Sends requests to one endpoint, one at a time, in order. */
export class RemoteWriteQueue {
  readonly #target: RemoteWriteTarget;
  readonly #stats: RemoteWriteStats;
  readonly #maxPending: number;
  readonly #queue: Pending[] = [];
  #running: Promise<void> | undefined;
  #closed = false;
  #wake: (() => void) | undefined;
  readonly #log: (msg: string) => void;
  readonly #userAgent: string;
  #loggedAtMs = 0;

  constructor(
    target: RemoteWriteTarget,
    opts: {
      maxPending: number;
      stats: RemoteWriteStats;
      log: (msg: string) => void;
      userAgent: string;
    },
  ) {
    this.#target = target;
    this.#stats = opts.stats;
    this.#maxPending = opts.maxPending;
    // A down endpoint fails every few seconds: say so once a minute.
    this.#log = (msg) => {
      const now = Date.now();
      if (now - this.#loggedAtMs < 60_000) return;
      this.#loggedAtMs = now;
      opts.log(msg);
    };
    this.#userAgent = opts.userAgent;
  }

  /** Requests waiting or being sent. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Queues a collection; `tenantHeader` adds `X-Scope-OrgID`. */
  push(series: readonly CollectedSeries[], tenantHeader: string | undefined): void {
    if (this.#closed || series.length === 0) return;
    const kept = this.#target.sendExemplars ? series : series.map(({ exemplar: _, ...s }) => s);
    const samples = kept.reduce((n, s) => n + s.samples.length, 0);
    const headers: Record<string, string> = { ...this.#target.headers };
    const hasOrgId = Object.keys(headers).some((k) => k.toLowerCase() === 'x-scope-orgid');
    if (tenantHeader !== undefined && !hasOrgId) headers['X-Scope-OrgID'] = tenantHeader;
    this.#queue.push({ body: snappyCompress(encodeWriteRequest(kept)), samples, headers });
    while (this.#queue.length > this.#maxPending) {
      const dropped = this.#queue.shift() as Pending;
      this.#stats.failed(this.#target.url, dropped.samples, 'queue_full');
    }
    this.#running ??= this.#run().finally(() => (this.#running = undefined));
  }

  /** Tries to send what is queued within `deadlineMs`, then stops. */
  async close(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (this.#queue.length > 0 && Date.now() < deadline && this.#running) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.#closed = true;
    this.#wake?.();
    await this.#running;
  }

  async #run(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (!this.#closed && this.#queue.length > 0) {
      const item = this.#queue[0] as Pending;
      const outcome = await this.#send(item);
      if (outcome.done) {
        if (this.#queue[0] === item) this.#queue.shift();
        backoff = MIN_BACKOFF_MS;
        continue;
      }
      this.#stats.retried(this.#target.url);
      const wait = outcome.retryAfterMs ?? backoff;
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async #send(item: Pending): Promise<{ done: boolean; retryAfterMs?: number }> {
    const url = this.#target.url;
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: item.body,
        headers: {
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'User-Agent': this.#userAgent,
          ...item.headers,
        },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.ok) {
        this.#stats.sent(url, item.samples);
        return { done: true };
      }
      if (res.status >= 500) {
        this.#log(
          `remote_write to ${url}: HTTP ${res.status}, retrying: ${text.trim().slice(0, 200)}`,
        );
        return { done: false, ...retryAfter(res.headers.get('retry-after')) };
      }
      this.#stats.failed(url, item.samples, `http_${res.status}`);
      this.#log(
        `remote_write to ${url}: HTTP ${res.status}, samples dropped: ${text.trim().slice(0, 200)}`,
      );
      return { done: true };
    } catch (err) {
      this.#log(`remote_write to ${url} failed, retrying: ${(err as Error).message}`);
      return { done: false };
    }
  }
}

function retryAfter(header: string | null): { retryAfterMs?: number } {
  if (header === null) return {};
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterMs: seconds * 1000 };
  const date = Date.parse(header);
  return Number.isNaN(date) ? {} : { retryAfterMs: Math.max(0, date - Date.now()) };
}
