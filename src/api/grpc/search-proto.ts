/**
 * Search and metrics answers as Tempo's protobuf messages (`../shared/proto/tempo/tempo.proto`):
 * `SearchResponse`, `QueryRangeResponse` and `QueryInstantResponse`, for the streaming gRPC API.
 * They carry what the JSON answers of `/api/search` and `/api/metrics/*` carry, field for field;
 * proto3 defaults are left out as there.
 */
import { ProtoWriter, WireType, writeAttributes } from '../encode/index.js';
import type { AnyValue, KeyValue } from '../../model/index.js';
import type {
  KeyValueJson,
  Label,
  SearchMetrics,
  SearchSpansetResult,
  SearchTraceResult,
  Series,
} from '../../query/index.js';
import { NO_ROOT, printedTraceId } from '../http/search-routes.js';

/** `SearchResponse` {traces=1, metrics=2} of some traces. */
export function encodeSearchResponseProto(
  traces: readonly SearchTraceResult[],
  metrics: SearchMetrics,
): Uint8Array {
  const w = new ProtoWriter();
  for (const t of traces) writeTrace(w, t);
  writeSearchMetrics(w, 2, metrics);
  return w.finish();
}

/** `TraceSearchMetadata` under field 1. */
function writeTrace(w: ProtoWriter, t: SearchTraceResult): void {
  const mark = w.beginMessage(1);
  w.stringField(1, printedTraceId(t.traceId));
  w.stringField(2, t.rootServiceName ?? NO_ROOT);
  w.stringField(3, t.rootTraceName ?? '');
  uint64Field(w, 4, t.startNs);
  // durationMs is a uint32 of whole milliseconds.
  w.uint32Field(5, Math.min(Number(t.durationNs / 1_000_000n), 0xffffffff));
  const first = t.spanSets[0];
  // `spanSet` (6, deprecated) repeats the first of `spanSets` (7), as Tempo fills both.
  if (first !== undefined) writeSpanSet(w, 6, first);
  for (const ss of t.spanSets) writeSpanSet(w, 7, ss);
  const services = [...t.serviceStats].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [service, s] of services) {
    // map<string, ServiceStats> serviceStats = 8: entries {key=1, value=2}.
    const entry = w.beginMessage(8);
    w.stringField(1, service);
    const value = w.beginMessage(2);
    w.uint32Field(1, s.spanCount);
    w.uint32Field(2, s.errorCount);
    w.endMessage(value);
    w.endMessage(entry);
  }
  w.endMessage(mark);
}

/** `SpanSet` {spans=1, matched=2, attributes=3}; `Span` {spanID=1, name=2, start=3, duration=4, attributes=5}. */
function writeSpanSet(w: ProtoWriter, field: number, ss: SearchSpansetResult): void {
  const mark = w.beginMessage(field);
  for (const s of ss.spans) {
    const span = w.beginMessage(1);
    w.stringField(1, s.spanId);
    w.stringField(2, s.name);
    uint64Field(w, 3, BigInt(s.startNs));
    uint64Field(w, 4, BigInt(s.durationNs));
    writeJsonAttributes(w, 5, s.attributes);
    w.endMessage(span);
  }
  w.uint32Field(2, ss.matched);
  writeJsonAttributes(w, 3, ss.attributes);
  w.endMessage(mark);
}

/** `SearchMetrics` under `field`, with the counters the JSON answer gives (one job, done). */
function writeSearchMetrics(w: ProtoWriter, field: number, m: SearchMetrics): void {
  const mark = w.beginMessage(field);
  w.uint32Field(1, m.inspectedTraces);
  w.varint64NumberField(2, m.inspectedBytes);
  w.uint32Field(3, m.totalBlocks);
  w.uint32Field(4, 1);
  w.uint32Field(5, 1);
  w.varint64NumberField(6, m.totalBlockBytes);
  w.varint64NumberField(7, m.inspectedSpans);
  w.endMessage(mark);
}

/** Repeated `KeyValue` {key=1, value=2} from the proto3 JSON form a search reports. */
function writeJsonAttributes(w: ProtoWriter, field: number, attrs: readonly KeyValueJson[]): void {
  writeAttributes(
    w,
    field,
    attrs.map((kv) => ({ key: kv.key, value: fromJson(kv.value) })),
  );
}

/**
 * An `AnyValue` of the span model from proto3 JSON (`toAnyValue`'s forms: `intValue` as decimal
 * text, non-finite `doubleValue`s as text, `arrayValue.values`).
 */
function fromJson(v: Record<string, unknown>): AnyValue {
  if (typeof v.stringValue === 'string') return { type: 'string', value: v.stringValue };
  if (typeof v.boolValue === 'boolean') return { type: 'bool', value: v.boolValue };
  if (typeof v.intValue === 'string') return { type: 'int', value: v.intValue };
  if (v.doubleValue !== undefined) return { type: 'double', value: Number(v.doubleValue) };
  if (typeof v.arrayValue === 'object' && v.arrayValue !== null) {
    const values = (v.arrayValue as { values?: Record<string, unknown>[] }).values ?? [];
    return { type: 'array', value: values.map(fromJson) };
  }
  return { type: 'empty' };
}

/** Repeated `KeyValue` of series labels (typed, as the JSON answer's `labels`). */
function writeLabels(w: ProtoWriter, field: number, labels: readonly Label[]): void {
  writeAttributes(
    w,
    field,
    labels.map((l): KeyValue => {
      const v = l.value;
      return {
        key: l.key,
        value: v.type === 'int' ? { type: 'int', value: v.value.toString() } : v,
      };
    }),
  );
}

/** A uint64 varint field, left out when 0. */
function uint64Field(w: ProtoWriter, field: number, v: bigint): void {
  if (v <= 0n) return;
  w.tag(field, WireType.varint);
  w.varint64(Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn));
}

/** A double field, left out when 0 (proto3; NaN is written). */
function doubleField(w: ProtoWriter, field: number, v: number): void {
  if (v === 0) return;
  w.tag(field, WireType.fixed64);
  w.double(v);
}

/**
 * `QueryRangeResponse` {series=1, metrics=2}: `TimeSeries` {labels=1, samples=2, exemplars=4},
 * `Sample` {value=1, timestamp_ms=2}, `Exemplar` {labels=1, value=2, timestamp_ms=3}.
 */
export function encodeQueryRangeProto(series: readonly Series[]): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    const mark = w.beginMessage(1);
    writeLabels(w, 1, s.labels);
    for (const x of s.samples) {
      const m = w.beginMessage(2);
      doubleField(w, 1, x.value);
      w.varint64NumberField(2, x.timestampMs);
      w.endMessage(m);
    }
    for (const e of s.exemplars ?? []) {
      const m = w.beginMessage(4);
      writeLabels(w, 1, e.labels);
      doubleField(w, 2, e.value);
      w.varint64NumberField(3, e.timestampMs);
      w.endMessage(m);
    }
    w.endMessage(mark);
  }
  w.endMessage(w.beginMessage(2));
  return w.finish();
}

/**
 * `QueryInstantResponse` {series=1, metrics=2}: `InstantSeries` {labels=1, value=2}, a series'
 * first sample as its value; series whose value is NaN are left out, as in the JSON answer.
 */
export function encodeQueryInstantProto(series: readonly Series[]): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    const first = s.samples[0];
    if (!first || Number.isNaN(first.value)) continue;
    const mark = w.beginMessage(1);
    writeLabels(w, 1, s.labels);
    doubleField(w, 2, first.value);
    w.endMessage(mark);
  }
  w.endMessage(w.beginMessage(2));
  return w.finish();
}
