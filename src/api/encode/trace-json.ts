/**
 * JSON encoding of a trace as Tempo writes it with gogo `jsonpb` (tempo.md §1.1): lowerCamel
 * names, ids and bytes in base64, 64-bit integers as strings, 32-bit ones as numbers, enums by
 * name, zero values and empty lists omitted, non-finite doubles as "NaN"/"Infinity"/"-Infinity".
 * Keys come in proto declaration order, as jsonpb emits them.
 *
 * The members of `AnyValue.value` are a oneof, so they are written even when zero
 * (`{"intValue":"0"}`, `{"stringValue":""}`); an empty AnyValue is `{}`.
 *
 * As in the protobuf encoder, what Grafana dereferences is always present: `resource` on every
 * ResourceSpans (with `service.name=unknown_service` when it has no attribute, see
 * `resource-defaults.ts`), `scope` on every ScopeSpans and `status` on every span (`{}` when
 * unset), plus `value` on every KeyValue.
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
import { bytesToBase64, hexToBase64 } from './base64.js';
import { resourceAttributesToEncode } from './resource-defaults.js';
import type { TraceByIdMeta } from './response-meta.js';

type JsonObject = Record<string, unknown>;

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;

const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

/**
 * The v1 trace-by-id body (`GET /api/traces/{id}`): `{"batches":[ResourceSpans…]}`, Tempo's
 * `MarshalToJSONV1`. An empty trace is `{}`.
 */
export function traceToJsonV1(trace: SpanBatch): object {
  const out: JsonObject = {};
  if (trace.resourceSpans.length > 0) out['batches'] = resourceSpansListToJson(trace);
  return out;
}

/**
 * The v2 trace-by-id body (`GET /api/v2/traces/{id}`), a `TraceByIDResponse`:
 * `{"trace":{"resourceSpans":[…]},"metrics":{"inspectedBytes":"…"},"status":"PARTIAL","message":"…"}`.
 * `trace` and `metrics` are always present; `status` only when partial.
 */
export function traceToJsonV2(trace: SpanBatch, meta: TraceByIdMeta): object {
  const inner: JsonObject = {};
  if (trace.resourceSpans.length > 0) inner['resourceSpans'] = resourceSpansListToJson(trace);
  const metrics: JsonObject = {};
  const inspectedBytes = Math.trunc(meta.inspectedBytes ?? 0);
  if (inspectedBytes !== 0) metrics['inspectedBytes'] = String(inspectedBytes);
  const out: JsonObject = { trace: inner, metrics };
  if (meta.partial === true) out['status'] = 'PARTIAL';
  if (meta.message !== undefined && meta.message.length > 0) out['message'] = meta.message;
  return out;
}

function resourceSpansListToJson(trace: SpanBatch): JsonObject[] {
  return trace.resourceSpans.map(resourceSpansToJson);
}

function resourceSpansToJson(rs: ResourceSpans): JsonObject {
  const out: JsonObject = { resource: resourceToJson(rs.resource) };
  if (rs.scopeSpans.length > 0) out['scopeSpans'] = rs.scopeSpans.map(scopeSpansToJson);
  if (rs.schemaUrl.length > 0) out['schemaUrl'] = rs.schemaUrl;
  return out;
}

function resourceToJson(resource: Resource): JsonObject {
  const out: JsonObject = { attributes: attributesToJson(resourceAttributesToEncode(resource)) };
  if (resource.droppedAttributesCount !== 0) {
    out['droppedAttributesCount'] = resource.droppedAttributesCount;
  }
  return out;
}

function scopeSpansToJson(ss: ScopeSpans): JsonObject {
  const out: JsonObject = { scope: scopeToJson(ss.scope) };
  if (ss.spans.length > 0) out['spans'] = ss.spans.map(spanToJson);
  if (ss.schemaUrl.length > 0) out['schemaUrl'] = ss.schemaUrl;
  return out;
}

function scopeToJson(scope: Scope): JsonObject {
  const out: JsonObject = {};
  if (scope.name.length > 0) out['name'] = scope.name;
  if (scope.version.length > 0) out['version'] = scope.version;
  setAttributes(out, scope.attributes, scope.droppedAttributesCount);
  return out;
}

/** Sets `attributes` and `droppedAttributesCount` on `out`, each only when non-empty. */
function setAttributes(out: JsonObject, attributes: readonly KeyValue[], dropped: number): void {
  if (attributes.length > 0) out['attributes'] = attributesToJson(attributes);
  if (dropped !== 0) out['droppedAttributesCount'] = dropped;
}

function spanToJson(span: Span): JsonObject {
  const out: JsonObject = {};
  setId(out, 'traceId', span.traceId);
  setId(out, 'spanId', span.spanId);
  if (span.traceState.length > 0) out['traceState'] = span.traceState;
  setId(out, 'parentSpanId', span.parentSpanId);
  if (span.flags !== 0) out['flags'] = span.flags;
  if (span.name.length > 0) out['name'] = span.name;
  if (span.kind !== 0) out['kind'] = SPAN_KINDS[span.kind];
  setTime(out, 'startTimeUnixNano', span.startTimeUnixNano);
  setTime(out, 'endTimeUnixNano', span.endTimeUnixNano);
  setAttributes(out, span.attributes, span.droppedAttributesCount);
  if (span.events.length > 0) out['events'] = span.events.map(eventToJson);
  if (span.droppedEventsCount !== 0) out['droppedEventsCount'] = span.droppedEventsCount;
  if (span.links.length > 0) out['links'] = span.links.map(linkToJson);
  if (span.droppedLinksCount !== 0) out['droppedLinksCount'] = span.droppedLinksCount;
  const status: JsonObject = {};
  if (span.statusMessage.length > 0) status['message'] = span.statusMessage;
  if (span.statusCode !== 0) status['code'] = STATUS_CODES[span.statusCode];
  out['status'] = status;
  return out;
}

function setId(out: JsonObject, key: string, hex: string): void {
  if (hex.length > 0) out[key] = hexToBase64(hex);
}

/** A uint64 time as a JSON string, omitted when zero. */
function setTime(out: JsonObject, key: string, text: string): void {
  if (text.length > 0 && text !== '0') out[key] = text;
}

function eventToJson(event: SpanEvent): JsonObject {
  const out: JsonObject = {};
  setTime(out, 'timeUnixNano', event.timeUnixNano);
  if (event.name.length > 0) out['name'] = event.name;
  setAttributes(out, event.attributes, event.droppedAttributesCount);
  return out;
}

function linkToJson(link: SpanLink): JsonObject {
  const out: JsonObject = {};
  setId(out, 'traceId', link.traceId);
  setId(out, 'spanId', link.spanId);
  if (link.traceState.length > 0) out['traceState'] = link.traceState;
  setAttributes(out, link.attributes, link.droppedAttributesCount);
  if (link.flags !== 0) out['flags'] = link.flags;
  return out;
}

function attributesToJson(attributes: readonly KeyValue[]): JsonObject[] {
  return attributes.map(keyValueToJson);
}

/** `{"key":…,"value":{…}}`; `value` is always present (`{}` for an empty AnyValue). */
function keyValueToJson(kv: KeyValue): JsonObject {
  const out: JsonObject = {};
  if (kv.key.length > 0) out['key'] = kv.key;
  out['value'] = anyValueToJson(kv.value);
  return out;
}

function anyValueToJson(value: AnyValue): JsonObject {
  switch (value.type) {
    case 'string':
      return { stringValue: value.value };
    case 'bool':
      return { boolValue: value.value };
    case 'int':
      return { intValue: value.value };
    case 'double':
      return { doubleValue: doubleToJson(value.value) };
    case 'array':
      return { arrayValue: listToJson(value.value.map(anyValueToJson)) };
    case 'kvlist':
      return { kvlistValue: listToJson(value.value.map(keyValueToJson)) };
    case 'bytes':
      return { bytesValue: bytesToBase64(value.value) };
    case 'empty':
      return {};
  }
}

/** `ArrayValue` / `KeyValueList`: `{"values":[…]}`, or `{}` when empty. */
function listToJson(values: JsonObject[]): JsonObject {
  return values.length > 0 ? { values } : {};
}

/** A double as jsonpb writes it: a number, or "NaN"/"Infinity"/"-Infinity". */
export function doubleToJson(v: number): number | string {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}
