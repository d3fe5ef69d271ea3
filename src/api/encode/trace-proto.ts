/**
 * Protobuf encoding of a trace (`tempopb.Trace`, wire-identical to OTLP `TracesData` and
 * `ExportTraceServiceRequest`) and of Tempo's `TraceByIDResponse`.
 *
 * Field numbers follow `opentelemetry/proto/trace/v1/trace.proto` and `tempo.proto`; fields are
 * written in field-number order, proto3 zero values are omitted, and the members of
 * `AnyValue.value` (a oneof) are always written, zero or not, because a oneof has presence.
 *
 * Grafana dereferences some sub-messages without a nil check (grafana-client.md §2), so these are
 * always written, as tag + length 0 when empty: `ResourceSpans.resource`, `ScopeSpans.scope`,
 * `Span.status`, `KeyValue.value` and `TraceByIDResponse.trace`. See `resource-defaults.ts` for
 * the `service.name` given to a resource without attributes.
 */

import type {
  AnyValue,
  KeyValue,
  Resource,
  ResourceSpans,
  Scope,
  ScopeSpans,
  Span,
  SpanBatch,
  SpanEvent,
  SpanLink,
} from '../../model/index.js';
import { countSpans } from '../../model/index.js';
import { ProtoWriter, WireType } from './proto-writer.js';
import { resourceAttributesToEncode } from './resource-defaults.js';
import type { TraceByIdMeta } from './response-meta.js';

/** Options of `encodeTraceProto`. */
export interface EncodeTraceProtoOptions {
  /**
   * Write `service.name=unknown_service` for a resource without attributes (default true), so
   * that Grafana shows its spans. Turn it off to encode a batch exactly, as an OTLP client would.
   */
  readonly fillEmptyResource?: boolean;
}

/** Bytes per span to pre-size the buffer with; the writer grows past it when needed. */
const BYTES_PER_SPAN_GUESS = 384;

function newWriterFor(trace: SpanBatch): ProtoWriter {
  return new ProtoWriter(1024 + countSpans(trace) * BYTES_PER_SPAN_GUESS);
}

/** Writes the ResourceSpans of a trace as repeated field 1 of the enclosing message. */
function writeTraceBody(w: ProtoWriter, trace: SpanBatch, fillEmptyResource: boolean): void {
  for (const rs of trace.resourceSpans) writeResourceSpans(w, 1, rs, fillEmptyResource);
}

/**
 * Encodes a trace as `tempopb.Trace`: field 1 is `repeated ResourceSpans`, so the bytes are also
 * a valid OTLP `TracesData` and `ExportTraceServiceRequest`.
 */
export function encodeTraceProto(
  trace: SpanBatch,
  options: EncodeTraceProtoOptions = {},
): Uint8Array {
  const w = newWriterFor(trace);
  writeTraceBody(w, trace, options.fillEmptyResource ?? true);
  return w.finish();
}

/**
 * Encodes `tempopb.TraceByIDResponse` {trace=1, metrics=2, status=3, message=4}. `trace` and
 * `metrics` are always present (Grafana panics on a 200 without `trace`).
 */
export function encodeTraceByIdResponseProto(trace: SpanBatch, meta: TraceByIdMeta): Uint8Array {
  const w = newWriterFor(trace);
  const traceMark = w.beginMessage(1);
  writeTraceBody(w, trace, true);
  w.endMessage(traceMark);
  const metricsMark = w.beginMessage(2);
  w.varint64NumberField(1, meta.inspectedBytes ?? 0);
  w.endMessage(metricsMark);
  w.uint32Field(3, meta.partial === true ? 1 : 0);
  w.stringField(4, meta.message ?? '');
  return w.finish();
}

function writeResourceSpans(
  w: ProtoWriter,
  field: number,
  rs: ResourceSpans,
  fillEmptyResource: boolean,
): void {
  const mark = w.beginMessage(field);
  writeResource(w, rs.resource, fillEmptyResource);
  for (const ss of rs.scopeSpans) writeScopeSpans(w, ss);
  w.stringField(3, rs.schemaUrl);
  w.endMessage(mark);
}

/** `Resource` {attributes=1, dropped_attributes_count=2} as field 1 of ResourceSpans. */
function writeResource(w: ProtoWriter, resource: Resource, fillEmptyResource: boolean): void {
  const mark = w.beginMessage(1);
  const attributes = fillEmptyResource ? resourceAttributesToEncode(resource) : resource.attributes;
  writeAttributes(w, 1, attributes);
  w.uint32Field(2, resource.droppedAttributesCount);
  w.endMessage(mark);
}

/** `ScopeSpans` {scope=1, spans=2, schema_url=3} as field 2 of ResourceSpans. */
function writeScopeSpans(w: ProtoWriter, ss: ScopeSpans): void {
  const mark = w.beginMessage(2);
  writeScope(w, ss.scope);
  for (const span of ss.spans) writeSpan(w, span);
  w.stringField(3, ss.schemaUrl);
  w.endMessage(mark);
}

/** `InstrumentationScope` {name=1, version=2, attributes=3, dropped=4} as field 1 of ScopeSpans. */
function writeScope(w: ProtoWriter, scope: Scope): void {
  const mark = w.beginMessage(1);
  w.stringField(1, scope.name);
  w.stringField(2, scope.version);
  writeAttributes(w, 3, scope.attributes);
  w.uint32Field(4, scope.droppedAttributesCount);
  w.endMessage(mark);
}

/** `Span` as field 2 of ScopeSpans. */
function writeSpan(w: ProtoWriter, span: Span): void {
  const mark = w.beginMessage(2);
  writeSpanFields(w, span);
  w.endMessage(mark);
}

const sizeWriter = new ProtoWriter(4096);

/** Bytes of a span's protobuf message (without its field tag and length): Tempo's span size. */
export function spanProtoSize(span: Span): number {
  writeSpanFields(sizeWriter, span);
  const n = sizeWriter.length;
  sizeWriter.finish();
  return n;
}

function writeSpanFields(w: ProtoWriter, span: Span): void {
  w.hexBytesField(1, span.traceId);
  w.hexBytesField(2, span.spanId);
  w.stringField(3, span.traceState);
  w.hexBytesField(4, span.parentSpanId);
  w.stringField(5, span.name);
  w.uint32Field(6, span.kind);
  w.fixed64DecimalField(7, span.startTimeUnixNano);
  w.fixed64DecimalField(8, span.endTimeUnixNano);
  writeAttributes(w, 9, span.attributes);
  w.uint32Field(10, span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  w.uint32Field(12, span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  w.uint32Field(14, span.droppedLinksCount);
  // Status {message=2, code=3}: always present, Grafana reads it without a nil check.
  const statusMark = w.beginMessage(15);
  w.stringField(2, span.statusMessage);
  w.uint32Field(3, span.statusCode);
  w.endMessage(statusMark);
  w.fixed32Field(16, span.flags);
}

/** `Span.Event` {time_unix_nano=1, name=2, attributes=3, dropped=4} as field 11 of Span. */
function writeEvent(w: ProtoWriter, event: SpanEvent): void {
  const mark = w.beginMessage(11);
  w.fixed64DecimalField(1, event.timeUnixNano);
  w.stringField(2, event.name);
  writeAttributes(w, 3, event.attributes);
  w.uint32Field(4, event.droppedAttributesCount);
  w.endMessage(mark);
}

/** `Span.Link` {trace_id=1, span_id=2, trace_state=3, attributes=4, dropped=5, flags=6}, field 13. */
function writeLink(w: ProtoWriter, link: SpanLink): void {
  const mark = w.beginMessage(13);
  w.hexBytesField(1, link.traceId);
  w.hexBytesField(2, link.spanId);
  w.stringField(3, link.traceState);
  writeAttributes(w, 4, link.attributes);
  w.uint32Field(5, link.droppedAttributesCount);
  w.fixed32Field(6, link.flags);
  w.endMessage(mark);
}

/** Repeated `KeyValue` {key=1, value=2} under `field`; `value` is always written. */
export function writeAttributes(
  w: ProtoWriter,
  field: number,
  attributes: readonly KeyValue[],
): void {
  for (const kv of attributes) {
    const mark = w.beginMessage(field);
    w.stringField(1, kv.key);
    const valueMark = w.beginMessage(2);
    writeAnyValueBody(w, kv.value);
    w.endMessage(valueMark);
    w.endMessage(mark);
  }
}

/** The fields of an `AnyValue`; the oneof member is written even when it holds a zero value. */
function writeAnyValueBody(w: ProtoWriter, value: AnyValue): void {
  switch (value.type) {
    case 'string':
      w.tag(1, WireType.lengthDelimited);
      w.string(value.value);
      return;
    case 'bool':
      w.tag(2, WireType.varint);
      w.varint32(value.value ? 1 : 0);
      return;
    case 'int':
      w.tag(3, WireType.varint);
      w.int64Decimal(value.value);
      return;
    case 'double':
      w.tag(4, WireType.fixed64);
      w.double(value.value);
      return;
    case 'array':
      writeArrayValue(w, value.value);
      return;
    case 'kvlist': {
      const mark = w.beginMessage(6);
      writeAttributes(w, 1, value.value);
      w.endMessage(mark);
      return;
    }
    case 'bytes':
      w.tag(7, WireType.lengthDelimited);
      w.bytes(value.value);
      return;
    case 'empty':
      return;
  }
}

/** `AnyValue.array_value` (field 5): `ArrayValue` {values=1 repeated AnyValue}. */
function writeArrayValue(w: ProtoWriter, values: readonly AnyValue[]): void {
  const mark = w.beginMessage(5);
  for (const item of values) {
    const itemMark = w.beginMessage(1);
    writeAnyValueBody(w, item);
    w.endMessage(itemMark);
  }
  w.endMessage(mark);
}
