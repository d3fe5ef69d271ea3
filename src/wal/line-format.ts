/**
 * WAL v1 line format (docs/formats/wal-v1.md): span batches to NDJSON lines and back. Pure.
 * The same line objects come back from Parquet blocks (the block schema aliases its columns to
 * these keys), so one decoder rebuilds spans from both.
 */
import { createHash } from 'node:crypto';
import type {
  AnyValue,
  KeyValue,
  Resource,
  Scope,
  Span,
  SpanEvent,
  SpanKind,
  SpanBatch,
  SpanLink,
  StatusCode,
} from '../model/index.js';
import { compareDecimal, serviceNameOf } from '../model/index.js';

/** Attribute value types as stored (WAL `t`, Parquet `attrs.t`). */
export const ValueType = {
  empty: 0,
  string: 1,
  int: 2,
  double: 3,
  bool: 4,
  bytes: 5,
  array: 6,
  kvlist: 7,
} as const;

/** Characters that JSON text must escape (plus lone surrogates, which JSON.stringify escapes). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal; the common case (nothing to escape) skips JSON.stringify. */
function q(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

export { q as quoteJson };

/** `{"k":<key>,` for attribute keys, which repeat endlessly: cached. */
const keyPrefixes = new Map<string, string>();

export function keyPrefix(key: string): string {
  let p = keyPrefixes.get(key);
  if (p === undefined) {
    p = `{"k":${q(key)},`;
    if (keyPrefixes.size >= 10_000) keyPrefixes.clear();
    keyPrefixes.set(key, p);
  }
  return p;
}

/** A double as stored: a JSON number, or a string for NaN and the infinities. */
export function doubleText(d: number): string {
  return Number.isFinite(d) ? String(d) : q(String(d));
}

function valueFields(v: AnyValue): string {
  switch (v.type) {
    case 'string':
      return `"t":1,"s":${q(v.value)}`;
    case 'int':
      return `"t":2,"i":"${v.value}"`;
    case 'double':
      return `"t":3,"d":${doubleText(v.value)}`;
    case 'bool':
      return `"t":4,"b":${v.value}`;
    case 'bytes':
      return `"t":5,"s":"${Buffer.from(v.value).toString('base64')}"`;
    case 'array':
      return `"t":6,"s":${q('[' + v.value.map((e) => '{' + valueFields(e) + '}').join(',') + ']')}`;
    case 'kvlist':
      return `"t":7,"s":${q(encodeAttrs(v.value))}`;
    case 'empty':
      return '"t":0';
  }
}

/** JSON text of an attribute list in the stored form. */
export function encodeAttrs(attrs: readonly KeyValue[]): string {
  if (attrs.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i] as KeyValue;
    if (i > 0) out += ',';
    out += keyPrefix(a.key) + valueFields(a.value) + '}';
  }
  return out + ']';
}

function encodeEvents(events: readonly SpanEvent[]): string {
  let out = '[';
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as SpanEvent;
    if (i > 0) out += ',';
    out += `{"t":"${e.timeUnixNano}","n":${q(e.name)}`;
    if (e.attributes.length > 0) out += `,"a":${encodeAttrs(e.attributes)}`;
    if (e.droppedAttributesCount) out += `,"da":${e.droppedAttributesCount}`;
    out += '}';
  }
  return out + ']';
}

function encodeLinks(links: readonly SpanLink[]): string {
  let out = '[';
  for (let i = 0; i < links.length; i++) {
    const l = links[i] as SpanLink;
    if (i > 0) out += ',';
    out += `{"t":"${l.traceId}","s":"${l.spanId}"`;
    if (l.traceState) out += `,"ts":${q(l.traceState)}`;
    if (l.flags) out += `,"f":${l.flags}`;
    if (l.attributes.length > 0) out += `,"a":${encodeAttrs(l.attributes)}`;
    if (l.droppedAttributesCount) out += `,"da":${l.droppedAttributesCount}`;
    out += '}';
  }
  return out + ']';
}

/** One span line (with its trailing newline). `resourceId`/`scopeId` come from the resource and scope lines. */
export function encodeSpanLine(s: Span, resourceId: string, scopeId: string): string {
  let out = `{"t":"${s.traceId}","s":"${s.spanId}"`;
  if (s.parentSpanId) out += `,"p":"${s.parentSpanId}"`;
  out += `,"r":"${resourceId}","c":"${scopeId}","n":${q(s.name)},"k":${s.kind},"st":"${s.startTimeUnixNano}","en":"${s.endTimeUnixNano}"`;
  if (s.traceState) out += `,"ts":${q(s.traceState)}`;
  if (s.flags) out += `,"f":${s.flags}`;
  if (s.statusCode) out += `,"sc":${s.statusCode}`;
  if (s.statusMessage) out += `,"sm":${q(s.statusMessage)}`;
  if (s.attributes.length > 0) out += `,"a":${encodeAttrs(s.attributes)}`;
  if (s.droppedAttributesCount) out += `,"da":${s.droppedAttributesCount}`;
  if (s.events.length > 0) out += `,"e":${encodeEvents(s.events)}`;
  if (s.droppedEventsCount) out += `,"de":${s.droppedEventsCount}`;
  if (s.links.length > 0) out += `,"l":${encodeLinks(s.links)}`;
  if (s.droppedLinksCount) out += `,"dl":${s.droppedLinksCount}`;
  return out + '}\n';
}

const contentIds = new Map<string, string>();

/** The first 16 hex digits of the SHA-1 of a line body (cached: the same resources recur). */
function contentId(body: string): string {
  let id = contentIds.get(body);
  if (id === undefined) {
    id = createHash('sha1').update(body).digest('hex').slice(0, 16);
    if (contentIds.size >= 4096) contentIds.clear();
    contentIds.set(body, id);
  }
  return id;
}

/** A resource line's id and text. */
export function encodeResourceLine(
  resource: Resource,
  schemaUrl: string,
): { id: string; line: string } {
  const attrs = encodeAttrs(resource.attributes);
  const dropped = resource.droppedAttributesCount;
  return resourceLineOf(schemaUrl, attrs, dropped, serviceNameOf(resource));
}

/** A resource line's id and text from its parts (`attrs` as `encodeAttrs` writes them). */
export function resourceLineOf(
  schemaUrl: string,
  attrs: string,
  droppedAttributesCount: number,
  serviceName: string,
): { id: string; line: string } {
  let body = `"u":${q(schemaUrl)},"a":${attrs}`;
  if (droppedAttributesCount) body += `,"da":${droppedAttributesCount}`;
  body += `,"sv":${q(serviceName)}`;
  const id = contentId('R' + body);
  return { id, line: `{"rid":"${id}",${body}}\n` };
}

/** A scope line's id and text. */
export function encodeScopeLine(scope: Scope, schemaUrl: string): { id: string; line: string } {
  const attrs = encodeAttrs(scope.attributes);
  const dropped = scope.droppedAttributesCount;
  return scopeLineOf(scope.name, scope.version, schemaUrl, attrs, dropped);
}

/** A scope line's id and text from its parts (`attrs` as `encodeAttrs` writes them). */
export function scopeLineOf(
  name: string,
  version: string,
  schemaUrl: string,
  attrs: string,
  droppedAttributesCount: number,
): { id: string; line: string } {
  let body = `"n":${q(name)},"v":${q(version)},"u":${q(schemaUrl)},"a":${attrs}`;
  if (droppedAttributesCount) body += `,"da":${droppedAttributesCount}`;
  const id = contentId('C' + body);
  return { id, line: `{"sid":"${id}",${body}}\n` };
}

// ---- decoding (line objects from the WAL or from a block) ----

/** A stored attribute as parsed from a line or read from Parquet (nulls for absent fields). */
export interface StoredAttr {
  k?: string | null;
  t: number;
  s?: string | null;
  i?: string | number | null;
  d?: number | string | null;
  b?: boolean | null;
}

export interface StoredEvent {
  t: string;
  n?: string | null;
  a?: StoredAttr[] | null;
  da?: number | null;
}

export interface StoredLink {
  t: string;
  s: string;
  ts?: string | null;
  f?: number | null;
  a?: StoredAttr[] | null;
  da?: number | null;
}

export interface StoredSpan {
  t: string;
  s: string;
  p?: string | null;
  r: string;
  c: string;
  n: string;
  k: number;
  st: string;
  en: string;
  ts?: string | null;
  f?: number | null;
  sc?: number | null;
  sm?: string | null;
  a?: StoredAttr[] | null;
  da?: number | null;
  e?: StoredEvent[] | null;
  de?: number | null;
  l?: StoredLink[] | null;
  dl?: number | null;
}

export interface StoredResource {
  rid: string;
  u?: string | null;
  a?: StoredAttr[] | null;
  da?: number | null;
  sv?: string | null;
}

export interface StoredScope {
  sid: string;
  n?: string | null;
  v?: string | null;
  u?: string | null;
  a?: StoredAttr[] | null;
  da?: number | null;
}

function decodeDouble(d: number | string | null | undefined): number {
  if (typeof d === 'number') return d;
  return d === null || d === undefined ? 0 : Number(d);
}

function decodeValue(a: StoredAttr): AnyValue {
  switch (a.t) {
    case 1:
      return { type: 'string', value: a.s ?? '' };
    case 2:
      return { type: 'int', value: String(a.i ?? '0') };
    case 3:
      return { type: 'double', value: decodeDouble(a.d) };
    case 4:
      return { type: 'bool', value: a.b === true };
    case 5:
      return { type: 'bytes', value: new Uint8Array(Buffer.from(a.s ?? '', 'base64')) };
    case 6:
      return { type: 'array', value: (JSON.parse(a.s ?? '[]') as StoredAttr[]).map(decodeValue) };
    case 7:
      return { type: 'kvlist', value: decodeAttrs(JSON.parse(a.s ?? '[]') as StoredAttr[]) };
    default:
      return { type: 'empty' };
  }
}

/** Attributes from their stored form. */
export function decodeAttrs(attrs: readonly StoredAttr[] | null | undefined): KeyValue[] {
  if (!attrs) return [];
  return attrs.map((a) => ({ key: a.k ?? '', value: decodeValue(a) }));
}

function decodeEvent(e: StoredEvent): SpanEvent {
  return {
    timeUnixNano: String(e.t),
    name: e.n ?? '',
    attributes: decodeAttrs(e.a),
    droppedAttributesCount: e.da ?? 0,
  };
}

function decodeLink(l: StoredLink): SpanLink {
  return {
    traceId: l.t,
    spanId: l.s,
    traceState: l.ts ?? '',
    attributes: decodeAttrs(l.a),
    droppedAttributesCount: l.da ?? 0,
    flags: l.f ?? 0,
  };
}

/** A model span from its stored form. */
export function decodeSpan(s: StoredSpan): Span {
  return {
    traceId: s.t,
    spanId: s.s,
    parentSpanId: s.p ?? '',
    traceState: s.ts ?? '',
    name: s.n,
    kind: s.k as SpanKind,
    startTimeUnixNano: String(s.st),
    endTimeUnixNano: String(s.en),
    attributes: decodeAttrs(s.a),
    droppedAttributesCount: s.da ?? 0,
    events: (s.e ?? []).map(decodeEvent),
    droppedEventsCount: s.de ?? 0,
    links: (s.l ?? []).map(decodeLink),
    droppedLinksCount: s.dl ?? 0,
    statusCode: (s.sc ?? 0) as StatusCode,
    statusMessage: s.sm ?? '',
    flags: s.f ?? 0,
  };
}

export function decodeResource(r: StoredResource): { resource: Resource; schemaUrl: string } {
  return {
    resource: { attributes: decodeAttrs(r.a), droppedAttributesCount: r.da ?? 0 },
    schemaUrl: r.u ?? '',
  };
}

export function decodeScope(c: StoredScope): { scope: Scope; schemaUrl: string } {
  return {
    scope: {
      name: c.n ?? '',
      version: c.v ?? '',
      attributes: decodeAttrs(c.a),
      droppedAttributesCount: c.da ?? 0,
    },
    schemaUrl: c.u ?? '',
  };
}

/** A batch turned into WAL lines, ready to append (what the encode workers hand back). */
export interface EncodedBatch {
  /** Resource and scope lines first, then one line per span. */
  text: Uint8Array;
  spanCount: number;
  /** Distinct trace ids and, at the same index, how many spans each has in the batch. */
  traceIds: string[];
  traceSpans: number[];
  /** Ids and lines of the resources and scopes the batch declares. */
  resources: Array<[string, string]>;
  scopes: Array<[string, string]>;
  /** Decimal unix ns of the earliest start and latest end ('' when no span). */
  minStart: string;
  maxEnd: string;
}

/**
 * Encodes a batch as self-contained WAL lines: every resource and scope it uses is declared in it
 * (repeats across records are harmless: readers keep one per id).
 */
export function encodeBatch(batch: SpanBatch): EncodedBatch {
  let text = '';
  let spanCount = 0;
  let minStart = '';
  let maxEnd = '';
  const perTrace = new Map<string, number>();
  const resources: Array<[string, string]> = [];
  const scopes: Array<[string, string]> = [];
  for (const rs of batch.resourceSpans) {
    const r = encodeResourceLine(rs.resource, rs.schemaUrl);
    text += r.line;
    resources.push([r.id, r.line]);
    for (const ss of rs.scopeSpans) {
      const c = encodeScopeLine(ss.scope, ss.schemaUrl);
      text += c.line;
      scopes.push([c.id, c.line]);
      for (const span of ss.spans) {
        text += encodeSpanLine(span, r.id, c.id);
        perTrace.set(span.traceId, (perTrace.get(span.traceId) ?? 0) + 1);
        if (minStart === '' || compareDecimal(span.startTimeUnixNano, minStart) < 0) {
          minStart = span.startTimeUnixNano;
        }
        if (compareDecimal(span.endTimeUnixNano, maxEnd) > 0) maxEnd = span.endTimeUnixNano;
        spanCount++;
      }
    }
  }
  return {
    text: Buffer.from(text, 'utf8'),
    spanCount,
    traceIds: [...perTrace.keys()],
    traceSpans: [...perTrace.values()],
    resources,
    scopes,
    minStart,
    maxEnd,
  };
}
