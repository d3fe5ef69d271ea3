/**
 * A strict reader of the trace JSON that Tempo's API writes (gogo jsonpb, tempo.md §1.1) into the
 * span model, for end-to-end tests. It checks the form as well as the content: ids are base64,
 * 64-bit integers are strings, 32-bit ones numbers, enums are names, no unknown keys, and the
 * members that are always present (`resource`, `scope`, `status`, `value`) are there. A value
 * of the wrong form throws with its path, so that a test fails on the first difference.
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
  SpanKind,
  SpanLink,
  StatusCode,
} from '../../src/model/index.js';

type Obj = Record<string, unknown>;

const KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function fail(path: string, what: string, v: unknown): never {
  throw new Error(`${path}: expected ${what}, got ${JSON.stringify(v)}`);
}

function obj(v: unknown, path: string, keys: readonly string[]): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'an object', v);
  const extra = Object.keys(v).filter((k) => !keys.includes(k));
  if (extra.length > 0) fail(path, `only keys ${keys.join(', ')}`, extra);
  return v as Obj;
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length === 0) fail(path, 'a non-empty array (or no key)', v);
  return v;
}

function str(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (v === undefined) return '';
  if (typeof v !== 'string' || v === '') fail(`${path}.${key}`, 'a non-empty string', v);
  return v;
}

function uint32(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    fail(`${path}.${key}`, 'a positive integer number', v);
  }
  return v;
}

/** A uint64 as jsonpb writes it: a decimal string, omitted when zero. */
function uint64(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (v === undefined) return '0';
  if (typeof v !== 'string' || !/^[1-9]\d*$/.test(v)) fail(`${path}.${key}`, 'a uint64 string', v);
  return v;
}

/** Bytes in base64 as hex, '' when absent. */
function id(o: Obj, key: string, path: string, size: number): string {
  const v = o[key];
  if (v === undefined) return '';
  const bytes = typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
  if (bytes?.length !== size || bytes.toString('base64') !== v) {
    fail(`${path}.${key}`, `${size} bytes in base64`, v);
  }
  return bytes.toString('hex');
}

function enumOf(o: Obj, key: string, path: string, names: readonly string[]): number {
  const v = o[key];
  if (v === undefined) return 0;
  const i = typeof v === 'string' ? names.indexOf(v) : -1;
  if (i <= 0) fail(`${path}.${key}`, `one of ${names.slice(1).join(', ')}`, v);
  return i;
}

function double(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  const special: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity };
  if (typeof v === 'string' && v in special) return special[v] as number;
  return fail(path, 'a double', v);
}

function anyValue(v: unknown, path: string): AnyValue {
  const keys = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue'];
  const o = obj(v, path, [...keys, 'kvlistValue', 'bytesValue']);
  const present = Object.keys(o);
  if (present.length === 0) return { type: 'empty' };
  if (present.length > 1) fail(path, 'one value', o);
  const key = present[0] as string;
  const x = o[key];
  switch (key) {
    case 'stringValue':
      return typeof x === 'string' ? { type: 'string', value: x } : fail(path, 'a string', x);
    case 'boolValue':
      return typeof x === 'boolean' ? { type: 'bool', value: x } : fail(path, 'a boolean', x);
    case 'intValue':
      if (typeof x !== 'string' || !/^-?\d+$/.test(x)) fail(path, 'an int64 string', x);
      return { type: 'int', value: x };
    case 'doubleValue':
      return { type: 'double', value: double(x, path) };
    case 'bytesValue':
      if (typeof x !== 'string') fail(path, 'base64', x);
      return { type: 'bytes', value: new Uint8Array(Buffer.from(x, 'base64')) };
    case 'arrayValue': {
      const values = list(obj(x, path, ['values'])['values'], `${path}.values`);
      return { type: 'array', value: values.map((e, i) => anyValue(e, `${path}[${i}]`)) };
    }
    default: {
      const values = list(obj(x, path, ['values'])['values'], `${path}.values`);
      return { type: 'kvlist', value: values.map((e, i) => keyValue(e, `${path}[${i}]`)) };
    }
  }
}

function keyValue(v: unknown, path: string): KeyValue {
  const o = obj(v, path, ['key', 'value']);
  if (o['value'] === undefined) fail(path, 'a value', o);
  return { key: str(o, 'key', path), value: anyValue(o['value'], `${path}.value`) };
}

function attributes(o: Obj, path: string): KeyValue[] {
  return list(o['attributes'], `${path}.attributes`).map((a, i) =>
    keyValue(a, `${path}.attributes[${i}]`),
  );
}

function resource(v: unknown, path: string): Resource {
  const o = obj(v, path, ['attributes', 'droppedAttributesCount']);
  return {
    attributes: attributes(o, path),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount', path),
  };
}

function scope(v: unknown, path: string): Scope {
  const o = obj(v, path, ['name', 'version', 'attributes', 'droppedAttributesCount']);
  return {
    name: str(o, 'name', path),
    version: str(o, 'version', path),
    attributes: attributes(o, path),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount', path),
  };
}

const EVENT_KEYS = ['timeUnixNano', 'name', 'attributes', 'droppedAttributesCount'];

function event(v: unknown, path: string): SpanEvent {
  const o = obj(v, path, EVENT_KEYS);
  return {
    timeUnixNano: uint64(o, 'timeUnixNano', path),
    name: str(o, 'name', path),
    attributes: attributes(o, path),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount', path),
  };
}

const LINK_KEYS = ['traceId', 'spanId', 'traceState', 'attributes', 'droppedAttributesCount'];

function link(v: unknown, path: string): SpanLink {
  const o = obj(v, path, [...LINK_KEYS, 'flags']);
  return {
    traceId: id(o, 'traceId', path, 16),
    spanId: id(o, 'spanId', path, 8),
    traceState: str(o, 'traceState', path),
    attributes: attributes(o, path),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount', path),
    flags: uint32(o, 'flags', path),
  };
}

const SPAN_KEYS = [
  ...['traceId', 'spanId', 'traceState', 'parentSpanId', 'flags', 'name', 'kind'],
  ...['startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'droppedAttributesCount', 'events'],
  ...['droppedEventsCount', 'links', 'droppedLinksCount', 'status'],
];

function span(v: unknown, path: string): Span {
  const o = obj(v, path, SPAN_KEYS);
  const status = obj(o['status'], `${path}.status`, ['code', 'message']);
  return {
    traceId: id(o, 'traceId', path, 16),
    spanId: id(o, 'spanId', path, 8),
    parentSpanId: id(o, 'parentSpanId', path, 8),
    traceState: str(o, 'traceState', path),
    name: str(o, 'name', path),
    kind: enumOf(o, 'kind', path, KINDS) as SpanKind,
    startTimeUnixNano: uint64(o, 'startTimeUnixNano', path),
    endTimeUnixNano: uint64(o, 'endTimeUnixNano', path),
    attributes: attributes(o, path),
    droppedAttributesCount: uint32(o, 'droppedAttributesCount', path),
    events: list(o['events'], `${path}.events`).map((e, i) => event(e, `${path}.events[${i}]`)),
    droppedEventsCount: uint32(o, 'droppedEventsCount', path),
    links: list(o['links'], `${path}.links`).map((l, i) => link(l, `${path}.links[${i}]`)),
    droppedLinksCount: uint32(o, 'droppedLinksCount', path),
    statusCode: enumOf(status, 'code', `${path}.status`, STATUS_CODES) as StatusCode,
    statusMessage: str(status, 'message', `${path}.status`),
    flags: uint32(o, 'flags', path),
  };
}

function scopeSpans(v: unknown, path: string): ScopeSpans {
  const o = obj(v, path, ['scope', 'spans', 'schemaUrl']);
  return {
    scope: scope(o['scope'], `${path}.scope`),
    schemaUrl: str(o, 'schemaUrl', path),
    spans: list(o['spans'], `${path}.spans`).map((s, i) => span(s, `${path}.spans[${i}]`)),
  };
}

function resourceSpans(v: unknown, path: string): ResourceSpans {
  const o = obj(v, path, ['resource', 'scopeSpans', 'schemaUrl']);
  return {
    resource: resource(o['resource'], `${path}.resource`),
    schemaUrl: str(o, 'schemaUrl', path),
    scopeSpans: list(o['scopeSpans'], `${path}.scopeSpans`).map((s, i) =>
      scopeSpans(s, `${path}.scopeSpans[${i}]`),
    ),
  };
}

/** Reads a jsonpb list of ResourceSpans (`batches` of v1, `trace.resourceSpans` of v2). */
export function tempoJsonToModel(list: unknown, path: string): SpanBatch {
  if (!Array.isArray(list)) fail(path, 'an array', list);
  return { resourceSpans: list.map((rs, i) => resourceSpans(rs, `${path}[${i}]`)) };
}

/** Reads a JSON object with exactly the given keys (for response envelopes). */
export function jsonEnvelope(v: unknown, path: string, keys: readonly string[]): Obj {
  const o = obj(v, path, keys);
  const missing = keys.filter((k) => !(k in o));
  if (missing.length > 0) fail(path, `keys ${missing.join(', ')}`, v);
  return o;
}
