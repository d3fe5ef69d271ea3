/**
 * Test support: protobufjs loaded with the OTLP protos from `../shared/proto/otlp` (relative to
 * the project root; wire-identical to tempopb), a local copy of Tempo's `TraceByIDResponse` and
 * `google.rpc.Status`, and a converter from protobufjs objects back to the span model.
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
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
  SpanKind,
  SpanLink,
  StatusCode,
} from '../../../model/index.js';
import { bytesToHex } from '../../../model/index.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const OTLP_DIR = path.resolve(PROJECT_ROOT, '../shared/proto/otlp');

/** The parts of tempo.proto we encode, rewritten against the OTLP package (wire-identical). */
const TEMPO_SUBSET = `
syntax = "proto3";
package tempopb;
message Trace { repeated opentelemetry.proto.trace.v1.ResourceSpans resourceSpans = 1; }
message TraceByIDResponse {
  Trace trace = 1;
  TraceByIDMetrics metrics = 2;
  PartialStatus status = 3;
  string message = 4;
}
message TraceByIDMetrics {
  uint64 inspectedBytes = 1;
  uint64 backendReads = 2;
  uint64 backendBytes = 3;
  map<string, int64> additionalMetrics = 4;
}
enum PartialStatus { COMPLETE = 0; PARTIAL = 1; }
`;

/** google.rpc.Status with `details` as raw bytes (we never write details). */
const RPC_STATUS = `
syntax = "proto3";
package google.rpc;
message Status { int32 code = 1; string message = 2; repeated bytes details = 3; }
`;

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(OTLP_DIR, target);
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  protobuf.parse(TEMPO_SUBSET, root);
  protobuf.parse(RPC_STATUS, root);
  root.resolveAll();
  return root;
}

const ROOT = loadRoot();

/** The protobufjs type of a fully qualified message name. */
export function protoType(name: string): protobuf.Type {
  return ROOT.lookupType(name);
}

export const ExportTraceServiceRequest = protoType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);
export const ExportTraceServiceResponse = protoType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
);
export const TracesData = protoType('opentelemetry.proto.trace.v1.TracesData');
export const TempoTrace = protoType('tempopb.Trace');
export const TraceByIDResponse = protoType('tempopb.TraceByIDResponse');
export const RpcStatus = protoType('google.rpc.Status');

/** toObject options giving JSON-like output: what jsonpb would print. */
export const JSON_LIKE: protobuf.IConversionOptions = {
  longs: String,
  bytes: String,
  enums: String,
  json: true,
};

/** toObject options that `toModel` expects. */
const MODEL_LIKE: protobuf.IConversionOptions = {
  longs: String,
  bytes: Array,
  enums: Number,
  defaults: true,
};

type Obj = Record<string, unknown>;

function arr(v: unknown): Obj[] {
  return (v ?? []) as Obj[];
}

function hex(v: unknown): string {
  return bytesToHex(Uint8Array.from(v as number[]));
}

/** Decodes bytes as `type` (a message whose field 1 is repeated ResourceSpans) into the model. */
export function decodeToModel(type: protobuf.Type, bytes: Uint8Array): SpanBatch {
  return toModel(type.toObject(type.decode(bytes), MODEL_LIKE));
}

/** Converts a protobufjs object (MODEL_LIKE options) of TracesData-like shape to a SpanBatch. */
export function toModel(o: Obj): SpanBatch {
  return { resourceSpans: arr(o['resourceSpans']).map(toResourceSpans) };
}

function toResourceSpans(o: Obj): ResourceSpans {
  const r = (o['resource'] ?? {}) as Obj;
  const resource: Resource = {
    attributes: arr(r['attributes']).map(toKeyValue),
    droppedAttributesCount: (r['droppedAttributesCount'] ?? 0) as number,
  };
  return {
    resource,
    schemaUrl: o['schemaUrl'] as string,
    scopeSpans: arr(o['scopeSpans']).map(toScopeSpans),
  };
}

function toScopeSpans(o: Obj): ScopeSpans {
  const s = (o['scope'] ?? {}) as Obj;
  const scope: Scope = {
    name: (s['name'] ?? '') as string,
    version: (s['version'] ?? '') as string,
    attributes: arr(s['attributes']).map(toKeyValue),
    droppedAttributesCount: (s['droppedAttributesCount'] ?? 0) as number,
  };
  return { scope, schemaUrl: o['schemaUrl'] as string, spans: arr(o['spans']).map(toSpan) };
}

function toSpan(o: Obj): Span {
  const status = (o['status'] ?? {}) as Obj;
  return {
    traceId: hex(o['traceId']),
    spanId: hex(o['spanId']),
    parentSpanId: hex(o['parentSpanId']),
    traceState: o['traceState'] as string,
    name: o['name'] as string,
    kind: o['kind'] as SpanKind,
    startTimeUnixNano: o['startTimeUnixNano'] as string,
    endTimeUnixNano: o['endTimeUnixNano'] as string,
    attributes: arr(o['attributes']).map(toKeyValue),
    droppedAttributesCount: o['droppedAttributesCount'] as number,
    events: arr(o['events']).map(toEvent),
    droppedEventsCount: o['droppedEventsCount'] as number,
    links: arr(o['links']).map(toLink),
    droppedLinksCount: o['droppedLinksCount'] as number,
    statusCode: (status['code'] ?? 0) as StatusCode,
    statusMessage: (status['message'] ?? '') as string,
    flags: o['flags'] as number,
  };
}

function toEvent(o: Obj): SpanEvent {
  return {
    timeUnixNano: o['timeUnixNano'] as string,
    name: o['name'] as string,
    attributes: arr(o['attributes']).map(toKeyValue),
    droppedAttributesCount: o['droppedAttributesCount'] as number,
  };
}

function toLink(o: Obj): SpanLink {
  return {
    traceId: hex(o['traceId']),
    spanId: hex(o['spanId']),
    traceState: o['traceState'] as string,
    attributes: arr(o['attributes']).map(toKeyValue),
    droppedAttributesCount: o['droppedAttributesCount'] as number,
    flags: o['flags'] as number,
  };
}

function toKeyValue(o: Obj): KeyValue {
  return { key: o['key'] as string, value: toAnyValue((o['value'] ?? {}) as Obj) };
}

function toAnyValue(o: Obj): AnyValue {
  if ('stringValue' in o) return { type: 'string', value: o['stringValue'] as string };
  if ('boolValue' in o) return { type: 'bool', value: o['boolValue'] as boolean };
  if ('intValue' in o) return { type: 'int', value: o['intValue'] as string };
  if ('doubleValue' in o) return { type: 'double', value: o['doubleValue'] as number };
  if ('bytesValue' in o)
    return { type: 'bytes', value: Uint8Array.from(o['bytesValue'] as number[]) };
  if ('arrayValue' in o) {
    const values = arr((o['arrayValue'] as Obj)['values']).map(toAnyValue);
    return { type: 'array', value: values };
  }
  if ('kvlistValue' in o) {
    const values = arr((o['kvlistValue'] as Obj)['values']).map(toKeyValue);
    return { type: 'kvlist', value: values };
  }
  return { type: 'empty' };
}
