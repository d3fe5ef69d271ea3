/**
 * Decoder from OTLP/JSON `ExportTraceServiceRequest` text to a `SpanBatch`, with the same
 * choices as the protobuf decoder (see `protobuf-decode.ts`): the same content decodes to the same
 * batch, the same rejected spans and the same rejection message. JSON-only rules are in
 * `json-values.ts`; unknown fields are ignored.
 */

import {
  InvalidRequestError,
  type AnyValue,
  type KeyValue,
  type Resource,
  type ResourceSpans,
  type Scope,
  type ScopeSpans,
  type Span,
  type SpanEvent,
  type SpanKind,
  type SpanLink,
  type StatusCode,
} from '../../model/index.js';
import { DecodeTally, type DecodeResult } from './decode-result.js';
import {
  asString,
  JsonCursor,
  pick,
  readBool,
  readBytes,
  readDouble,
  readElement,
  readEnum,
  readId,
  readInt64,
  readList,
  readObject,
  readParentId,
  readString,
  readTime,
  readUint32,
  type JsonObject,
} from './json-values.js';

/** Deepest nesting of arrays and kvlists inside an attribute value that is accepted. */
const MAX_VALUE_DEPTH = 100;

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

const EMPTY: AnyValue = Object.freeze({ type: 'empty' });

/** V8's JSON.parse messages end with the character index of the fault, when they know it. */
const PARSE_POSITION = /position (\d+)/;

/**
 * Our message for text JSON.parse rejected: V8's own words are not passed on, only the place it
 * names, turned from a character index into a UTF-8 byte offset in the body.
 */
function notJsonMessage(text: string, err: unknown): string {
  const found = err instanceof Error ? PARSE_POSITION.exec(err.message) : null;
  const near =
    found?.[1] === undefined
      ? ''
      : ` (near byte ${Buffer.byteLength(text.slice(0, Number(found[1])), 'utf8')})`;
  return `invalid OTLP JSON: the body is not valid JSON${near}`;
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest`.
 *
 * @example
 * const { batch, rejectedSpans } = decodeOtlpJson(await request.text());
 * @throws InvalidRequestError when the text is not JSON, or a field has the wrong type; the
 *   message gives the field's path, e.g. `resourceSpans[0].scopeSpans[1].spans[3].kind`.
 */
export function decodeOtlpJson(text: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidRequestError(notJsonMessage(text, err));
  }
  const c = new JsonCursor();
  const request = readObject(c, parsed, '') ?? {};
  const tally = new DecodeTally();
  const list = readList(c, pick(request, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  const resourceSpans: ResourceSpans[] = [];
  c.path.push('resourceSpans', 0);
  for (let i = 0; i < list.length; i++) {
    c.path[1] = i;
    resourceSpans.push(readResourceSpans(c, readElement(c, list[i], ''), tally, i));
  }
  return tally.result({ resourceSpans });
}

function readResourceSpans(
  c: JsonCursor,
  o: JsonObject,
  tally: DecodeTally,
  index: number,
): ResourceSpans {
  c.path.push('resource');
  const resource = readResource(c, readObject(c, pick(o, 'resource'), '') ?? {});
  c.path.pop();
  const rs: ResourceSpans = {
    resource,
    schemaUrl: readString(c, o, 'schemaUrl', 'schema_url'),
    scopeSpans: [],
  };
  readScopeSpansList(c, o, 'scopeSpans', 'scope_spans', rs, tally, index);
  // Old SDKs send the pre-1.0 name; its messages have the layout of ScopeSpans.
  const legacy = 'instrumentationLibrarySpans';
  readScopeSpansList(c, o, legacy, 'instrumentation_library_spans', rs, tally, index);
  return rs;
}

function readResource(c: JsonCursor, o: JsonObject): Resource {
  return {
    attributes: readAttributes(c, o, 0),
    droppedAttributesCount: readUint32(c, o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

function readScopeSpansList(
  c: JsonCursor,
  o: JsonObject,
  key: string,
  alt: string,
  rs: ResourceSpans,
  tally: DecodeTally,
  resourceIndex: number,
): void {
  const list = readList(c, pick(o, key, alt), key);
  if (list.length === 0) return;
  const slot = c.path.push(key, 0) - 1;
  for (let i = 0; i < list.length; i++) {
    c.path[slot] = i;
    const ss = readElement(c, list[i], '');
    rs.scopeSpans.push(readScopeSpans(c, ss, tally, resourceIndex, rs.scopeSpans.length));
  }
  c.path.length = slot - 1;
}

function readScopeSpans(
  c: JsonCursor,
  o: JsonObject,
  tally: DecodeTally,
  resourceIndex: number,
  index: number,
): ScopeSpans {
  let scopeKey = 'scope';
  let scopeValue = pick(o, 'scope');
  if (scopeValue === undefined) {
    scopeKey = 'instrumentationLibrary';
    scopeValue = pick(o, scopeKey, 'instrumentation_library');
  }
  c.path.push(scopeKey);
  const scope = readScope(c, readObject(c, scopeValue, '') ?? {});
  c.path.pop();
  const ss: ScopeSpans = {
    scope,
    schemaUrl: readString(c, o, 'schemaUrl', 'schema_url'),
    spans: [],
  };
  const list = readList(c, pick(o, 'spans'), 'spans');
  const slot = c.path.push('spans', 0) - 1;
  for (let i = 0; i < list.length; i++) {
    c.path[slot] = i;
    tally.accept(ss.spans, readSpan(c, readElement(c, list[i], '')), resourceIndex, index, i);
  }
  c.path.length = slot - 1;
  return ss;
}

function readScope(c: JsonCursor, o: JsonObject): Scope {
  return {
    name: readString(c, o, 'name'),
    version: readString(c, o, 'version'),
    attributes: readAttributes(c, o, 0),
    droppedAttributesCount: readUint32(c, o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

function readSpan(c: JsonCursor, o: JsonObject): Span {
  const span: Span = {
    traceId: readId(c, o, 'traceId', 'trace_id', 16, false),
    spanId: readId(c, o, 'spanId', 'span_id', 8, false),
    parentSpanId: readParentId(c, o),
    traceState: readString(c, o, 'traceState', 'trace_state'),
    name: readString(c, o, 'name'),
    kind: readEnum(c, o, 'kind', SPAN_KINDS, 'SpanKind') as SpanKind,
    startTimeUnixNano: readTime(c, o, 'startTimeUnixNano', 'start_time_unix_nano'),
    endTimeUnixNano: readTime(c, o, 'endTimeUnixNano', 'end_time_unix_nano'),
    attributes: readAttributes(c, o, 0),
    droppedAttributesCount: readUint32(c, o, 'droppedAttributesCount', 'dropped_attributes_count'),
    events: readMessages(c, o, 'events', undefined, readEvent),
    droppedEventsCount: readUint32(c, o, 'droppedEventsCount', 'dropped_events_count'),
    links: readMessages(c, o, 'links', undefined, readLink),
    droppedLinksCount: readUint32(c, o, 'droppedLinksCount', 'dropped_links_count'),
    statusCode: 0,
    statusMessage: '',
    flags: readUint32(c, o, 'flags'),
  };
  const status = readObject(c, pick(o, 'status'), 'status');
  if (status !== undefined) {
    c.path.push('status');
    span.statusMessage = readString(c, status, 'message');
    span.statusCode = readEnum(c, status, 'code', STATUS_CODES, 'StatusCode') as StatusCode;
    c.path.pop();
  }
  return span;
}

function readEvent(c: JsonCursor, o: JsonObject): SpanEvent {
  return {
    timeUnixNano: readTime(c, o, 'timeUnixNano', 'time_unix_nano'),
    name: readString(c, o, 'name'),
    attributes: readAttributes(c, o, 0),
    droppedAttributesCount: readUint32(c, o, 'droppedAttributesCount', 'dropped_attributes_count'),
  };
}

function readLink(c: JsonCursor, o: JsonObject): SpanLink {
  return {
    traceId: readId(c, o, 'traceId', 'trace_id', 16, true),
    spanId: readId(c, o, 'spanId', 'span_id', 8, true),
    traceState: readString(c, o, 'traceState', 'trace_state'),
    attributes: readAttributes(c, o, 0),
    droppedAttributesCount: readUint32(c, o, 'droppedAttributesCount', 'dropped_attributes_count'),
    flags: readUint32(c, o, 'flags'),
  };
}

/** A repeated message field, each element read by `read` with the path extended. */
function readMessages<T>(
  c: JsonCursor,
  o: JsonObject,
  key: string,
  alt: string | undefined,
  read: (c: JsonCursor, o: JsonObject, depth: number) => T,
  depth = 0,
): T[] {
  const list = readList(c, pick(o, key, alt), key);
  const out: T[] = [];
  if (list.length === 0) return out;
  const slot = c.path.push(key, 0) - 1;
  for (let i = 0; i < list.length; i++) {
    c.path[slot] = i;
    out.push(read(c, readElement(c, list[i], ''), depth));
  }
  c.path.length = slot - 1;
  return out;
}

function readAttributes(c: JsonCursor, o: JsonObject, depth: number): KeyValue[] {
  return readMessages(c, o, 'attributes', undefined, readKeyValue, depth);
}

function readKeyValue(c: JsonCursor, o: JsonObject, depth: number): KeyValue {
  const key = readString(c, o, 'key');
  const v = readObject(c, pick(o, 'value'), 'value');
  if (v === undefined) return { key, value: EMPTY };
  c.path.push('value');
  const value = readAnyValue(c, v, depth);
  c.path.pop();
  return { key, value };
}

/** An AnyValue: at most one member set (`null` members count as unset); none is 'empty'. */
function readAnyValue(c: JsonCursor, o: JsonObject, depth: number): AnyValue {
  let value = EMPTY;
  let member = '';
  for (const k in o) {
    const v = o[k];
    if (v === null || v === undefined) continue;
    const next = readMember(c, k, v, depth);
    if (next === undefined) continue;
    if (member !== '') c.fail('', `more than one value set (${member} and ${k})`);
    member = k;
    value = next;
  }
  return value;
}

/** The value of AnyValue member `k`, or undefined when `k` is not a member. */
function readMember(c: JsonCursor, k: string, v: unknown, depth: number): AnyValue | undefined {
  switch (k) {
    case 'stringValue':
    case 'string_value':
      return { type: 'string', value: asString(c, v, k) };
    case 'boolValue':
    case 'bool_value':
      return { type: 'bool', value: readBool(c, v, k) };
    case 'intValue':
    case 'int_value':
      return { type: 'int', value: readInt64(c, v, k) };
    case 'doubleValue':
    case 'double_value':
      return { type: 'double', value: readDouble(c, v, k) };
    case 'bytesValue':
    case 'bytes_value':
      return { type: 'bytes', value: readBytes(c, v, k) };
    case 'arrayValue':
    case 'array_value':
    case 'kvlistValue':
    case 'kvlist_value':
      return readNested(c, k, v, depth + 1);
    default:
      return undefined;
  }
}

/** An `arrayValue` or `kvlistValue`: an object whose `values` hold AnyValues or KeyValues. */
function readNested(c: JsonCursor, k: string, v: unknown, depth: number): AnyValue {
  const o = readObject(c, v, k) ?? {};
  if (depth > MAX_VALUE_DEPTH) c.fail(k, `nested deeper than ${MAX_VALUE_DEPTH} levels`);
  c.path.push(k);
  let value: AnyValue;
  if (k === 'arrayValue' || k === 'array_value') {
    value = { type: 'array', value: readMessages(c, o, 'values', undefined, readAnyValue, depth) };
  } else {
    value = { type: 'kvlist', value: readMessages(c, o, 'values', undefined, readKeyValue, depth) };
  }
  c.path.pop();
  return value;
}
