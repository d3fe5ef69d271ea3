/**
 * Jaeger's span model as both of its wire formats carry it (thrift `jaeger.thrift`, protobuf
 * `api_v2/model.proto`), with the differences already settled: ids are lowercase hex, values are
 * Vivace's `AnyValue`s, times are seconds and nanoseconds. `toSpanBatch` maps it to Vivace's model.
 */

import type { KeyValue } from '../../model/index.js';

/** A time or a duration: whole seconds and nanoseconds (0 ≤ nanos < 1e9). */
export interface Instant {
  sec: number;
  nanos: number;
}

export interface JaegerProcess {
  serviceName: string;
  tags: KeyValue[];
}

export interface JaegerLog {
  timestamp: Instant;
  fields: KeyValue[];
}

/** `SpanRefType`: 0 CHILD_OF, 1 FOLLOWS_FROM. */
export interface JaegerRef {
  refType: number;
  /** 32 hex characters, or INVALID_ID. */
  traceId: string;
  /** 16 hex characters, or INVALID_ID. */
  spanId: string;
}

export interface JaegerSpan {
  /** 32 hex characters, or INVALID_ID (all zero). */
  traceId: string;
  /** 16 hex characters, or INVALID_ID (all zero). */
  spanId: string;
  /** Thrift's `parentSpanId`; '' when 0 or absent (protobuf carries the parent as a reference). */
  parentSpanId: string;
  operationName: string;
  references: JaegerRef[];
  flags: number;
  startTime: Instant;
  duration: Instant;
  tags: KeyValue[];
  logs: JaegerLog[];
  /** A span's own process (protobuf only); when absent the batch's applies. */
  process: JaegerProcess | undefined;
}

export interface JaegerBatch {
  process: JaegerProcess | undefined;
  spans: JaegerSpan[];
}

/** A span with every field empty (ids INVALID_ID), for a decoder to fill. */
export function emptyJaegerSpan(invalidId: string): JaegerSpan {
  return {
    traceId: invalidId,
    spanId: invalidId,
    parentSpanId: '',
    operationName: '',
    references: [],
    flags: 0,
    startTime: { sec: 0, nanos: 0 },
    duration: { sec: 0, nanos: 0 },
    tags: [],
    logs: [],
    process: undefined,
  };
}

/** An Instant from a count of microseconds (thrift's unit); negative counts become 0. */
export function instantFromMicros(us: number): Instant {
  if (!(us > 0)) return { sec: 0, nanos: 0 };
  const sec = Math.floor(us / 1e6);
  return { sec, nanos: (us - sec * 1e6) * 1000 };
}

/** Decimal nanoseconds since the epoch of `a + b`. */
export function instantSumText(a: Instant, b: Instant): string {
  let sec = a.sec + b.sec;
  let nanos = a.nanos + b.nanos;
  if (nanos >= 1e9) {
    nanos -= 1e9;
    sec++;
  }
  return instantText({ sec, nanos });
}

/** Decimal nanoseconds since the epoch of an Instant. */
export function instantText(t: Instant): string {
  if (t.sec <= 0) return String(Math.max(0, t.nanos));
  const n = String(t.nanos);
  return String(t.sec) + '000000000'.slice(n.length) + n;
}
