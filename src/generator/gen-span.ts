/**
 * What the metrics generator needs of a span, gathered where the span is decoded (the encode
 * workers) and handed to the processors on the main thread: ids, service, name, kind, status,
 * times, its size, and only the attributes the configured processors read.
 */

import {
  serviceNameOf,
  type AnyValue,
  type KeyValue,
  type SpanBatch,
  type SpanKind,
  type StatusCode,
} from '../model/index.js';

/** An attribute value as a processor uses it: text, a number or a bool. */
export type GenValue = string | number | boolean;

export interface GenSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  /** The resource's `service.name`, '' when it has none. */
  service: string;
  name: string;
  kind: SpanKind;
  statusCode: StatusCode;
  statusMessage: string;
  /** Start and end, milliseconds since the epoch (fractional). */
  startMs: number;
  endMs: number;
  /** end − start in seconds, exact to the nanosecond for any real duration; 0 when negative. */
  durationSec: number;
  /** Size of the span's protobuf message, bytes (`traces_spanmetrics_size_total`). */
  sizeBytes: number;
  /** The span's attributes among the wanted keys. */
  attrs: Record<string, GenValue>;
  /** The resource's attributes among the wanted keys. */
  resourceAttrs: Record<string, GenValue>;
}

/** A value as the generator keeps it: scalars as they are; arrays, maps, bytes and empty as ''. */
export function genValue(v: AnyValue): GenValue {
  switch (v.type) {
    case 'string':
    case 'bool':
    case 'double':
      return v.value;
    case 'int':
      return Number(v.value);
    case 'bytes':
    case 'empty':
    case 'array':
    case 'kvlist':
      return '';
  }
}

function pick(attrs: readonly KeyValue[], wanted: ReadonlySet<string>): Record<string, GenValue> {
  const out: Record<string, GenValue> = {};
  if (wanted.size === 0) return out;
  for (const kv of attrs) if (wanted.has(kv.key)) out[kv.key] = genValue(kv.value);
  return out;
}

/** Milliseconds of decimal nanosecond text. */
export function nanosToMs(text: string): number {
  return text.length <= 6
    ? Number(text) / 1e6
    : Number(text.slice(0, -6)) + Number(text.slice(-6)) / 1e6;
}

/** (end − start) in seconds from decimal nanosecond texts; exact below 2^53 ns (104 days). */
export function durationSeconds(start: string, end: string): number {
  const d = Number(BigInt(end) - BigInt(start));
  return d > 0 ? d / 1e9 : 0;
}

/** The generator's view of every span of a decoded batch. `sizeOf` gives a span's protobuf size. */
export function genSpansOf(
  batch: SpanBatch,
  wanted: ReadonlySet<string>,
  sizeOf: (rs: number, ss: number, span: number) => number,
): GenSpan[] {
  const out: GenSpan[] = [];
  batch.resourceSpans.forEach((rs, r) => {
    const service = serviceNameOf(rs.resource);
    const resourceAttrs = pick(rs.resource.attributes, wanted);
    rs.scopeSpans.forEach((ss, s) => {
      ss.spans.forEach((span, i) => {
        out.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId,
          service,
          name: span.name,
          kind: span.kind,
          statusCode: span.statusCode,
          statusMessage: span.statusMessage,
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          durationSec: durationSeconds(span.startTimeUnixNano, span.endTimeUnixNano),
          sizeBytes: sizeOf(r, s, i),
          attrs: pick(span.attributes, wanted),
          resourceAttrs,
        });
      });
    });
  });
  return out;
}
