/**
 * Makes the spans of one trace. Times are integers of nanoseconds from the trace's base
 * millisecond, so that they stay exact; they become UnixNano text only when a span is written.
 */

import type { KeyValue, Span, SpanKind, SpanLink, UnixNanoText } from '../model/index.js';
import type { BatchCollector } from './batch-collector.js';
import type { Prng } from './prng.js';
import type { ExceptionInfo } from './shop-faults.js';
import type { ScopeRole, ServiceNode, Shop } from './shop-services.js';
import { str } from './shop-attributes.js';

export const NS_PER_MS = 1_000_000;

/**
 * UnixNano text of `baseMs` milliseconds plus `offsetNs` nanoseconds (both non-negative
 * integers), built from the millisecond part and a six-digit remainder so that no float ever
 * holds the full nanosecond count (which would exceed 2^53).
 */
export function nanoText(baseMs: number, offsetNs: number): UnixNanoText {
  const ms = Math.floor(offsetNs / NS_PER_MS);
  const sub = offsetNs - ms * NS_PER_MS;
  const totalMs = baseMs + ms;
  if (totalMs === 0) return String(sub);
  return String(totalMs) + String(sub).padStart(6, '0');
}

/** OTLP span flags: W3C "sampled", plus "has-is-remote" and, for spans with a remote parent, "is-remote". */
const FLAGS_LOCAL = 0x101;
const FLAGS_REMOTE_PARENT = 0x301;

/** Span kinds, named. */
export const KIND = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
} as const satisfies Record<string, SpanKind>;

export class TraceBuilder {
  readonly prng: Prng;
  readonly shop: Shop;
  /** Next offset of each partition of the `order-events` Kafka topic; grows across traces. */
  readonly kafkaOffsets: number[] = [
    1_204_331, 1_198_872, 1_210_045, 1_201_517, 1_207_760, 1_199_403,
  ];
  #collector: BatchCollector;
  #traceId = '';
  #baseMs = 0;
  /** The replica (resource) each service uses in the current trace, -1 before its first span. */
  #replicas: number[];

  constructor(prng: Prng, shop: Shop, collector: BatchCollector) {
    this.prng = prng;
    this.shop = shop;
    this.#collector = collector;
    this.#replicas = shop.all.map(() => -1);
  }

  /** Starts a new trace whose times count from `baseMs`; its spans go to `collector`. */
  begin(baseMs: number, collector: BatchCollector): void {
    this.#collector = collector;
    this.#baseMs = baseMs;
    this.#traceId = this.#nonZeroHex(4);
    this.#replicas.fill(-1);
  }

  /** A new span of `svc`, started at `at`; finish it with `end`. */
  span(
    parent: Span | undefined,
    svc: ServiceNode,
    role: ScopeRole,
    name: string,
    kind: SpanKind,
    at: number,
    attributes: KeyValue[],
  ): Span {
    const remote = kind === KIND.server || kind === KIND.consumer;
    const span: Span = {
      traceId: this.#traceId,
      spanId: this.#nonZeroHex(2),
      parentSpanId: parent === undefined ? '' : parent.spanId,
      traceState: '',
      name,
      kind,
      startTimeUnixNano: nanoText(this.#baseMs, at),
      endTimeUnixNano: '',
      attributes,
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      statusCode: 0,
      statusMessage: '',
      flags: remote && parent !== undefined ? FLAGS_REMOTE_PARENT : FLAGS_LOCAL,
    };
    this.#collector.add(this.#resourceOf(svc), svc.scopes[role], span);
    return span;
  }

  end(span: Span, at: number): void {
    span.endTimeUnixNano = nanoText(this.#baseMs, at);
  }

  /** Marks a span as failed; with `exception`, also records an `exception` event at `at`. */
  fail(span: Span, at: number, message: string, exception?: ExceptionInfo): void {
    span.statusCode = 2;
    span.statusMessage = message;
    if (exception !== undefined) this.recordException(span, at, exception);
  }

  /** Records an `exception` event at `at` (without changing the span's status). */
  recordException(span: Span, at: number, exception: ExceptionInfo): void {
    span.events.push({
      timeUnixNano: nanoText(this.#baseMs, at),
      name: 'exception',
      attributes: [
        str('exception.type', exception.type),
        str('exception.message', exception.message),
        str('exception.stacktrace', exception.stacktrace),
      ],
      droppedAttributesCount: 0,
    });
  }

  /** Adds a link from `span` to `target` (same trace). */
  link(span: Span, target: Span, attributes: KeyValue[] = []): void {
    const link: SpanLink = {
      traceId: target.traceId,
      spanId: target.spanId,
      traceState: '',
      attributes,
      droppedAttributesCount: 0,
      flags: FLAGS_LOCAL,
    };
    span.links.push(link);
  }

  /** A one-way network delay inside the cluster: 0.1 to about 2 ms. */
  net(): number {
    return Math.round(this.prng.logNormal(350_000, 0.5));
  }

  /** A short pause between two steps of one handler: 5 to about 300 µs. */
  gap(): number {
    return 5_000 + Math.round(this.prng.logNormal(40_000, 0.6));
  }

  /** Work that takes `medianMs` milliseconds in the median, as integer nanoseconds. */
  work(medianMs: number, sigma = 0.5): number {
    return Math.max(1_000, Math.round(this.prng.logNormal(medianMs * NS_PER_MS, sigma)));
  }

  #resourceOf(svc: ServiceNode) {
    let replica = this.#replicas[svc.index] as number;
    if (replica < 0) {
      replica = this.prng.int(svc.resources.length);
      this.#replicas[svc.index] = replica;
    }
    return svc.resources[replica] as ServiceNode['resources'][number];
  }

  /** `words` × 32 random bits as hex, never all zero (an invalid id in OTLP). */
  #nonZeroHex(words: number): string {
    for (;;) {
      let out = '';
      for (let i = 0; i < words; i++) out += this.prng.hex32();
      if (out !== '0'.repeat(out.length)) return out;
    }
  }
}
