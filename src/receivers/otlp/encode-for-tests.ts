/**
 * Test and benchmark support (not used by the server): encodes a request written in the OTLP
 * JSON form to OTLP protobuf with protobufjs and the real `.proto` files, so one input feeds
 * both decoders. protobufjs is a devDependency; only tests and `bench/` import this module.
 *
 * The loaded types are widened for tests: `ResourceSpans` gets back the removed field 1000
 * (`instrumentationLibrarySpans`, laid out as `ScopeSpans`), and every message gets four fields
 * the decoder does not know (`xUnknownVarint` = 90, `xUnknownFixed64` = 91, `xUnknownLen` = 92,
 * `xUnknownFixed32` = 93), one per wire type, to check that unknown fields are skipped.
 */

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The OTLP protos, as the repository's sibling `shared/` folder holds them (also in CI). */
const PROTO_DIR = new URL('../../../../shared/proto/otlp/', import.meta.url);

const MESSAGES = [
  'collector.trace.v1.ExportTraceServiceRequest',
  'trace.v1.ResourceSpans',
  'trace.v1.ScopeSpans',
  'trace.v1.Span',
  'trace.v1.Span.Event',
  'trace.v1.Span.Link',
  'trace.v1.Status',
  'resource.v1.Resource',
  'common.v1.InstrumentationScope',
  'common.v1.KeyValue',
  'common.v1.AnyValue',
  'common.v1.ArrayValue',
  'common.v1.KeyValueList',
];

let requestType: protobuf.Type | undefined;

function loadRequestType(): protobuf.Type {
  if (requestType) return requestType;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => fileURLToPath(new URL(target, PROTO_DIR));
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  for (const name of MESSAGES) {
    const type = root.lookupType(`opentelemetry.proto.${name}`);
    type.add(new protobuf.Field('xUnknownVarint', 90, 'uint64'));
    type.add(new protobuf.Field('xUnknownFixed64', 91, 'fixed64'));
    type.add(new protobuf.Field('xUnknownLen', 92, 'string'));
    type.add(new protobuf.Field('xUnknownFixed32', 93, 'fixed32'));
  }
  const rs = root.lookupType('opentelemetry.proto.trace.v1.ResourceSpans');
  rs.reserved = [];
  const legacy = 'opentelemetry.proto.trace.v1.ScopeSpans';
  rs.add(new protobuf.Field('instrumentationLibrarySpans', 1000, legacy, 'repeated'));
  requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  return requestType;
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Copies a JSON-form value, turning hex ids into bytes (the JSON mapping's one exception). */
function toProtoForm(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => toProtoForm(v));
  if (typeof value === 'string' && ID_KEYS.has(key)) return Buffer.from(value, 'hex');
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = k === 'instrumentationLibrary' ? 'scope' : k;
    out[name] = toProtoForm(v, k);
  }
  return out;
}

/**
 * OTLP protobuf bytes of a request given in OTLP JSON form (camelCase names, hex ids, int64 as
 * decimal strings, `bytesValue` as base64, enums as numbers or names).
 */
export function encodeOtlpProtobuf(request: unknown): Uint8Array {
  const type = loadRequestType();
  const form = toProtoForm(request) as Record<string, unknown>;
  const problem = type.verify(type.fromObject(form));
  if (problem !== null) throw new Error(`bad test request: ${problem}`);
  return type.encode(type.fromObject(form)).finish();
}

/** protobufjs' own decoding of a request to its message objects: the benchmark's baseline. */
export function decodeWithProtobufjs(body: Uint8Array): unknown {
  return loadRequestType().decode(body);
}
