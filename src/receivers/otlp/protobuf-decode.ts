/**
 * Hand-written decoder from OTLP/protobuf `ExportTraceServiceRequest` bytes to a `SpanBatch`.
 * One function per message, each a loop over tags that compares the whole tag value
 * (`field << 3 | wireType`) with the expected ones, so a known field costs a few integer
 * comparisons and no lookup. Strings go through a small intern table (`string-intern.ts`) and
 * ids through a hex table (`buffer-text.ts`), the two costs that dominate after allocation.
 *
 * Choices, where the protos leave room:
 * - A span kind outside 0..5 becomes 0 (unspecified) and a status code outside 0..2 becomes 0
 *   (unset): newer senders may add values, and a span is worth more than its enum.
 * - An 8-byte all-zero parent_span_id means "no parent" (''), as some exporters send for roots.
 * - `ResourceSpans` field 1000 (`instrumentation_library_spans`, removed from the protos but
 *   still sent by old SDKs) has the layout of `ScopeSpans` and is read as one.
 * - Unknown fields are skipped by wire type; a known field with the wrong wire type, field
 *   number 0, and wire types 3, 4 (groups), 6 and 7 are errors. `entity_refs` of `Resource` and the
 *   `*_strindex` fields (used by profiles only) are skipped.
 * - When a oneof member or a singular field appears twice, the last one wins (protobuf's rule
 *   for scalars; for a repeated `status`, its fields merge).
 * - Strings that are not valid UTF-8 (which proto3 forbids) are kept, with U+FFFD in place of
 *   each bad sequence, rather than failing the request.
 */

import {
  i64ToDecimal,
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
import { DecodeTally, INVALID_ID, type DecodeResult } from './decode-result.js';
import { failAt, ProtoReader } from './protobuf-reader.js';
import { readId, readParentId, readTime } from './proto-ids.js';

/** Deepest nesting of arrays and kvlists inside an attribute value that is accepted. */
const MAX_VALUE_DEPTH = 100;

/** Bit n set for each field number n the message defines (see `ProtoReader.skip`). */
const fieldsUpTo = (n: number): number => ((1 << (n + 1)) - 2) >>> 0;

const EMPTY: AnyValue = Object.freeze({ type: 'empty' });

/**
 * Decodes an OTLP/protobuf `ExportTraceServiceRequest`.
 *
 * @example
 * const { batch, rejectedSpans } = decodeOtlpProtobuf(new Uint8Array(body));
 * @throws InvalidRequestError when the bytes are not a well-formed request; the message names
 *   the field, the message type and the byte offset.
 */
export function decodeOtlpProtobuf(body: Uint8Array): DecodeResult {
  const r = new ProtoReader(body);
  const tally = new DecodeTally();
  const resourceSpans: ResourceSpans[] = [];
  const end = body.length;
  const msg = 'ExportTraceServiceRequest';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) {
      const stop = r.lenEnd(end, msg);
      resourceSpans.push(readResourceSpans(r, stop, tally, resourceSpans.length));
    } else {
      r.skipField(tag, end, msg, fieldsUpTo(1));
    }
  }
  return tally.result({ resourceSpans });
}

/** `instrumentation_library_spans` (field 1000, length-delimited) as a tag value. */
const LEGACY_SCOPE_SPANS = (1000 << 3) | 2;

function readResourceSpans(
  r: ProtoReader,
  end: number,
  tally: DecodeTally,
  index: number,
): ResourceSpans {
  const msg = 'ResourceSpans';
  const rs: ResourceSpans = {
    resource: { attributes: [], droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeSpans: [],
  };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) readResource(r, r.lenEnd(end, msg), rs.resource);
    else if (tag === 0x12 || tag === LEGACY_SCOPE_SPANS) {
      const stop = r.lenEnd(end, msg);
      rs.scopeSpans.push(readScopeSpans(r, stop, tally, index, rs.scopeSpans.length));
    } else if (tag === 0x1a) rs.schemaUrl = r.string(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(3));
  }
  return rs;
}

function readResource(r: ProtoReader, end: number, resource: Resource): void {
  const msg = 'Resource';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) resource.attributes.push(readKeyValue(r, r.lenEnd(end, msg), 0));
    else if (tag === 0x10) resource.droppedAttributesCount = r.uint32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
}

function readScopeSpans(
  r: ProtoReader,
  end: number,
  tally: DecodeTally,
  resourceIndex: number,
  index: number,
): ScopeSpans {
  const msg = 'ScopeSpans';
  const ss: ScopeSpans = {
    scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
    schemaUrl: '',
    spans: [],
  };
  let spanIndex = 0;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x12) {
      const span = readSpan(r, r.lenEnd(end, msg));
      tally.accept(ss.spans, span, resourceIndex, index, spanIndex++);
    } else if (tag === 0x0a) readScope(r, r.lenEnd(end, msg), ss.scope);
    else if (tag === 0x1a) ss.schemaUrl = r.string(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(3));
  }
  return ss;
}

function readScope(r: ProtoReader, end: number, scope: Scope): void {
  const msg = 'InstrumentationScope';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) scope.name = r.string(end, msg);
    else if (tag === 0x12) scope.version = r.string(end, msg);
    else if (tag === 0x1a) scope.attributes.push(readKeyValue(r, r.lenEnd(end, msg), 0));
    else if (tag === 0x20) scope.droppedAttributesCount = r.uint32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(4));
  }
}

const SPAN = 'Span';

function readSpan(r: ProtoReader, end: number): Span {
  const span: Span = {
    traceId: INVALID_ID,
    spanId: INVALID_ID,
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: 0,
    statusMessage: '',
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.tag(end, SPAN);
    // Attributes are most of a span's fields: test for them before the two switches.
    if (tag === 0x4a) span.attributes.push(readKeyValue(r, r.lenEnd(end, SPAN), 0));
    else readSpanHead(r, end, tag, span);
  }
  return span;
}

/** Fields 1 to 8 of `Span`: identity, names and times. */
function readSpanHead(r: ProtoReader, end: number, tag: number, span: Span): void {
  switch (tag) {
    case 0x0a:
      span.traceId = readId(r, end, SPAN, 16, false);
      return;
    case 0x12:
      span.spanId = readId(r, end, SPAN, 8, false);
      return;
    case 0x1a:
      span.traceState = r.string(end, SPAN);
      return;
    case 0x22:
      span.parentSpanId = readParentId(r, end, SPAN);
      return;
    case 0x2a:
      span.name = r.string(end, SPAN);
      return;
    case 0x30:
      span.kind = toSpanKind(r.uint32(end, SPAN));
      return;
    case 0x39:
      span.startTimeUnixNano = readTime(r, end, SPAN);
      return;
    case 0x41:
      span.endTimeUnixNano = readTime(r, end, SPAN);
      return;
    default:
      readSpanBody(r, end, tag, span);
  }
}

/** Fields 10 to 16 of `Span`: counts, events, links, status and flags (9 is in `readSpan`). */
function readSpanBody(r: ProtoReader, end: number, tag: number, span: Span): void {
  switch (tag) {
    case 0x50:
      span.droppedAttributesCount = r.uint32(end, SPAN);
      return;
    case 0x5a:
      span.events.push(readEvent(r, r.lenEnd(end, SPAN)));
      return;
    case 0x60:
      span.droppedEventsCount = r.uint32(end, SPAN);
      return;
    case 0x6a:
      span.links.push(readLink(r, r.lenEnd(end, SPAN)));
      return;
    case 0x70:
      span.droppedLinksCount = r.uint32(end, SPAN);
      return;
    case 0x7a:
      readStatus(r, r.lenEnd(end, SPAN), span);
      return;
    case 0x85: // field 16, fixed32
      span.flags = r.fixed32(end, SPAN);
      return;
    default:
      r.skipField(tag, end, SPAN, fieldsUpTo(16));
  }
}

function toSpanKind(n: number): SpanKind {
  return n <= 5 ? (n as SpanKind) : 0;
}

/** Status fields 2 and 3; field 1 (`deprecated_code`, now reserved) is skipped as unknown. */
const STATUS_FIELDS = (1 << 2) | (1 << 3);

function readStatus(r: ProtoReader, end: number, span: Span): void {
  const msg = 'Status';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x12) span.statusMessage = r.string(end, msg);
    else if (tag === 0x18) {
      const code = r.uint32(end, msg);
      span.statusCode = code <= 2 ? (code as StatusCode) : 0;
    } else r.skipField(tag, end, msg, STATUS_FIELDS);
  }
}

function readEvent(r: ProtoReader, end: number): SpanEvent {
  const msg = 'Event';
  const event: SpanEvent = {
    timeUnixNano: '0',
    name: '',
    attributes: [],
    droppedAttributesCount: 0,
  };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x09) event.timeUnixNano = readTime(r, end, msg);
    else if (tag === 0x12) event.name = r.string(end, msg);
    else if (tag === 0x1a) event.attributes.push(readKeyValue(r, r.lenEnd(end, msg), 0));
    else if (tag === 0x20) event.droppedAttributesCount = r.uint32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(4));
  }
  return event;
}

function readLink(r: ProtoReader, end: number): SpanLink {
  const msg = 'Link';
  const link: SpanLink = {
    traceId: INVALID_ID,
    spanId: INVALID_ID,
    traceState: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
  };
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) link.traceId = readId(r, end, msg, 16, true);
    else if (tag === 0x12) link.spanId = readId(r, end, msg, 8, true);
    else if (tag === 0x1a) link.traceState = r.string(end, msg);
    else if (tag === 0x22) link.attributes.push(readKeyValue(r, r.lenEnd(end, msg), 0));
    else if (tag === 0x28) link.droppedAttributesCount = r.uint32(end, msg);
    else if (tag === 0x35) link.flags = r.fixed32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(6));
  }
  return link;
}

function readKeyValue(r: ProtoReader, end: number, depth: number): KeyValue {
  const msg = 'KeyValue';
  let key = '';
  let value = EMPTY;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) key = r.string(end, msg);
    else if (tag === 0x12) value = readAnyValue(r, r.lenEnd(end, msg), depth);
    else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
  return { key, value };
}

const ANY = 'AnyValue';

function readAnyValue(r: ProtoReader, end: number, depth: number): AnyValue {
  let value = EMPTY;
  while (r.pos < end) {
    const tag = r.tag(end, ANY);
    switch (tag) {
      case 0x0a:
        value = { type: 'string', value: r.string(end, ANY) };
        break;
      case 0x10:
        value = { type: 'bool', value: r.bool(end, ANY) };
        break;
      case 0x18:
        r.varint64(end, ANY);
        value = { type: 'int', value: i64ToDecimal(r.hi, r.lo) };
        break;
      case 0x21:
        value = { type: 'double', value: r.double(end, ANY) };
        break;
      case 0x2a:
      case 0x32:
        value = readNested(r, tag, r.lenEnd(end, ANY), depth + 1);
        break;
      case 0x3a:
        value = { type: 'bytes', value: r.bytes(end, ANY) };
        break;
      default:
        r.skipField(tag, end, ANY, fieldsUpTo(7));
    }
  }
  return value;
}

/** An `ArrayValue` (tag 0x2a) or `KeyValueList` (tag 0x32) inside an `AnyValue`. */
function readNested(r: ProtoReader, tag: number, end: number, depth: number): AnyValue {
  if (depth > MAX_VALUE_DEPTH)
    failAt(`AnyValue nested deeper than ${MAX_VALUE_DEPTH} levels`, r.tagPos);
  const isArray = tag === 0x2a;
  const msg = isArray ? 'ArrayValue' : 'KeyValueList';
  const values: AnyValue[] = [];
  const pairs: KeyValue[] = [];
  while (r.pos < end) {
    const t = r.tag(end, msg);
    if (t !== 0x0a) r.skipField(t, end, msg, fieldsUpTo(1));
    else if (isArray) values.push(readAnyValue(r, r.lenEnd(end, msg), depth));
    else pairs.push(readKeyValue(r, r.lenEnd(end, msg), depth));
  }
  return isArray ? { type: 'array', value: values } : { type: 'kvlist', value: pairs };
}
