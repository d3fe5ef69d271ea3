/**
 * One OTLP `Span` (with its events, links and status) read straight into the pieces of its WAL
 * line. The protobuf may carry a span's fields in any order, so they are collected in a
 * `SpanFields` first and the line is written afterwards in `encodeSpanLine`'s fixed order. The
 * reads mirror `readSpan` in `protobuf-decode.ts` call for call, so errors match it exactly.
 */

import type { Span, SpanKind, StatusCode } from '../../model/index.js';
import { INVALID_ID } from '../../receivers/otlp/decode-result.js';
import type { ProtoReader } from '../../receivers/otlp/protobuf-reader.js';
import { readId, readParentId, readTime } from '../../receivers/otlp/proto-ids.js';
import { quoteJson } from '../../wal/line-format.js';
import type { GenValue } from '../../generator/gen-span.js';
import {
  appendItem,
  fieldsUpTo,
  lastAttributeKey,
  lastAttributeScalar,
  readAttributeText,
} from './transcode-attributes.js';

const SPAN = 'Span';

/** The fields of the span being read; one instance is reset and reused for every span. */
export class SpanFields {
  traceId = INVALID_ID;
  spanId = INVALID_ID;
  parentSpanId = '';
  traceState = '';
  name = '';
  kind: SpanKind = 0;
  start = '0';
  end = '0';
  /** Halves of start and end as read (the generator's times, without decimal text). */
  startHi = 0;
  startLo = 0;
  endHi = 0;
  endLo = 0;
  /** Comma-separated attribute, event and link texts, without their brackets. */
  attrs = '';
  events = '';
  links = '';
  droppedAttributes = 0;
  droppedEvents = 0;
  droppedLinks = 0;
  statusCode: StatusCode = 0;
  statusMessage = '';
  flags = 0;
  /** Trace and span id of each link in turn (INVALID_ID when unusable), for `spanProblem`. */
  linkIds: string[] = [];
  badLink = false;
  /** Attribute byte limit (0 = off); set once per request. */
  max = 0;
  /** Attribute keys the metrics generator reads (set once per request when it is on). */
  wanted: ReadonlySet<string> | undefined = undefined;
  /** The span's attributes among `wanted` (the shared empty object until one is found). */
  genAttrs: Record<string, GenValue> = NO_ATTRS;

  reset(): void {
    this.traceId = INVALID_ID;
    this.spanId = INVALID_ID;
    this.parentSpanId = '';
    this.traceState = '';
    this.name = '';
    this.kind = 0;
    this.start = '0';
    this.end = '0';
    this.startHi = this.startLo = this.endHi = this.endLo = 0;
    this.attrs = '';
    this.events = '';
    this.links = '';
    this.droppedAttributes = 0;
    this.droppedEvents = 0;
    this.droppedLinks = 0;
    this.statusCode = 0;
    this.statusMessage = '';
    this.flags = 0;
    this.linkIds.length = 0;
    this.badLink = false;
    this.genAttrs = NO_ATTRS;
  }

  /** Whether the decoder would accept the span (`spanProblem` would find nothing). */
  isValid(): boolean {
    return (
      this.traceId !== INVALID_ID &&
      this.spanId !== INVALID_ID &&
      this.parentSpanId !== INVALID_ID &&
      !this.badLink
    );
  }
}

/** Reads the span ending at `end` into `s` (reset first). */
export function readSpanFields(r: ProtoReader, end: number, s: SpanFields): void {
  s.reset();
  while (r.pos < end) {
    const tag = r.tag(end, SPAN);
    if (tag === 0x4a) {
      s.attrs = appendItem(s.attrs, readAttributeText(r, r.lenEnd(end, SPAN), s.max));
      if (s.wanted !== undefined) s.genAttrs = keepWanted(s.wanted, s.genAttrs);
    } else readSpanHead(r, end, tag, s);
  }
}

/** Attributes of a span or resource that has none the generator wants (never written to). */
export const NO_ATTRS: Readonly<Record<string, GenValue>> = Object.freeze({});

/**
 * Adds the attribute just read to `into` when its key is wanted; returns `into`, or a new object
 * when `into` was the shared empty one.
 */
export function keepWanted(
  wanted: ReadonlySet<string>,
  into: Record<string, GenValue>,
): Record<string, GenValue> {
  const key = lastAttributeKey();
  if (!wanted.has(key)) return into;
  const out = into === NO_ATTRS ? {} : into;
  out[key] = lastAttributeScalar() ?? '';
  return out;
}

/** Fields 1 to 8 of `Span`: identity, names and times. */
function readSpanHead(r: ProtoReader, end: number, tag: number, s: SpanFields): void {
  switch (tag) {
    case 0x0a:
      s.traceId = readId(r, end, SPAN, 16, false);
      return;
    case 0x12:
      s.spanId = readId(r, end, SPAN, 8, false);
      return;
    case 0x1a:
      s.traceState = r.string(end, SPAN);
      return;
    case 0x22:
      s.parentSpanId = readParentId(r, end, SPAN);
      return;
    case 0x2a:
      s.name = r.string(end, SPAN);
      return;
    case 0x30: {
      const kind = r.uint32(end, SPAN);
      s.kind = kind <= 5 ? (kind as SpanKind) : 0;
      return;
    }
    case 0x39:
      s.start = readTime(r, end, SPAN);
      s.startHi = r.hi;
      s.startLo = r.lo;
      return;
    case 0x41:
      s.end = readTime(r, end, SPAN);
      s.endHi = r.hi;
      s.endLo = r.lo;
      return;
    default:
      readSpanBody(r, end, tag, s);
  }
}

/** Fields 10 to 16 of `Span`: counts, events, links, status and flags. */
function readSpanBody(r: ProtoReader, end: number, tag: number, s: SpanFields): void {
  switch (tag) {
    case 0x50:
      s.droppedAttributes = r.uint32(end, SPAN);
      return;
    case 0x5a:
      s.events = appendItem(s.events, readEventText(r, r.lenEnd(end, SPAN), s.max));
      return;
    case 0x60:
      s.droppedEvents = r.uint32(end, SPAN);
      return;
    case 0x6a:
      s.links = appendItem(s.links, readLinkText(r, r.lenEnd(end, SPAN), s));
      return;
    case 0x70:
      s.droppedLinks = r.uint32(end, SPAN);
      return;
    case 0x7a:
      readStatus(r, r.lenEnd(end, SPAN), s);
      return;
    case 0x85: // field 16, fixed32
      s.flags = r.fixed32(end, SPAN);
      return;
    default:
      r.skipField(tag, end, SPAN, fieldsUpTo(16));
  }
}

/** Status fields 2 and 3; field 1 (`deprecated_code`, now reserved) is skipped as unknown. */
const STATUS_FIELDS = (1 << 2) | (1 << 3);

function readStatus(r: ProtoReader, end: number, s: SpanFields): void {
  const msg = 'Status';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x12) s.statusMessage = r.string(end, msg);
    else if (tag === 0x18) {
      const code = r.uint32(end, msg);
      s.statusCode = code <= 2 ? (code as StatusCode) : 0;
    } else r.skipField(tag, end, msg, STATUS_FIELDS);
  }
}

/** An event's stored text, `{"t":…,"n":…[,"a":…][,"da":…]}`. */
function readEventText(r: ProtoReader, end: number, max: number): string {
  const msg = 'Event';
  let time = '0';
  let name = '';
  let attrs = '';
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x09) time = readTime(r, end, msg);
    else if (tag === 0x12) name = r.string(end, msg);
    else if (tag === 0x1a) attrs = appendItem(attrs, readAttributeText(r, r.lenEnd(end, msg), max));
    else if (tag === 0x20) dropped = r.uint32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(4));
  }
  let out = '{"t":"' + time + '","n":' + quoteJson(name);
  if (attrs !== '') out += ',"a":[' + attrs + ']';
  if (dropped) out += ',"da":' + dropped;
  return out + '}';
}

/** A link's stored text; records its ids in `s` (an unusable one rejects the span). */
function readLinkText(r: ProtoReader, end: number, s: SpanFields): string {
  const msg = 'Link';
  let traceId = INVALID_ID;
  let spanId = INVALID_ID;
  let traceState = '';
  let attrs = '';
  let dropped = 0;
  let flags = 0;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) traceId = readId(r, end, msg, 16, true);
    else if (tag === 0x12) spanId = readId(r, end, msg, 8, true);
    else if (tag === 0x1a) traceState = r.string(end, msg);
    else if (tag === 0x22)
      attrs = appendItem(attrs, readAttributeText(r, r.lenEnd(end, msg), s.max));
    else if (tag === 0x28) dropped = r.uint32(end, msg);
    else if (tag === 0x35) flags = r.fixed32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(6));
  }
  s.linkIds.push(traceId, spanId);
  if (traceId === INVALID_ID || spanId === INVALID_ID) s.badLink = true;
  let out = '{"t":"' + traceId + '","s":"' + spanId + '"';
  if (traceState) out += ',"ts":' + quoteJson(traceState);
  if (flags) out += ',"f":' + flags;
  if (attrs !== '') out += ',"a":[' + attrs + ']';
  if (dropped) out += ',"da":' + dropped;
  return out + '}';
}

/** The start of the span's line, up to where its resource and scope ids go. */
export function spanLineHead(s: SpanFields): string {
  const head = '{"t":"' + s.traceId + '","s":"' + s.spanId + '"';
  return s.parentSpanId ? head + ',"p":"' + s.parentSpanId + '"' : head;
}

/** The rest of the span's line after its resource and scope ids, with the newline. */
export function spanLineTail(s: SpanFields): string {
  let out = ',"n":' + quoteJson(s.name) + ',"k":' + s.kind;
  out += ',"st":"' + s.start + '","en":"' + s.end + '"';
  if (s.traceState) out += ',"ts":' + quoteJson(s.traceState);
  if (s.flags) out += ',"f":' + s.flags;
  if (s.statusCode) out += ',"sc":' + s.statusCode;
  if (s.statusMessage) out += ',"sm":' + quoteJson(s.statusMessage);
  if (s.attrs !== '') out += ',"a":[' + s.attrs + ']';
  if (s.droppedAttributes) out += ',"da":' + s.droppedAttributes;
  if (s.events !== '') out += ',"e":[' + s.events + ']';
  if (s.droppedEvents) out += ',"de":' + s.droppedEvents;
  if (s.links !== '') out += ',"l":[' + s.links + ']';
  if (s.droppedLinks) out += ',"dl":' + s.droppedLinks;
  return out + '}\n';
}

/**
 * A model span holding just what `spanProblem` reads (ids and link ids), for the rejection
 * message of an invalid span: rare, so built only then.
 */
export function rejectedSpanShape(s: SpanFields): Span {
  const links: Span['links'] = [];
  for (let i = 0; i < s.linkIds.length; i += 2) {
    const traceId = s.linkIds[i] as string;
    const spanId = s.linkIds[i + 1] as string;
    links.push({
      traceId,
      spanId,
      traceState: '',
      attributes: [],
      droppedAttributesCount: 0,
      flags: 0,
    });
  }
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    statusCode: 0,
    statusMessage: '',
    flags: 0,
  };
}
