/**
 * A direct transcoder from OTLP/protobuf `ExportTraceServiceRequest` bytes to WAL v1 lines
 * (docs/formats/wal-v1.md), for the encode workers' hot path. It gives exactly what
 * `encodeBatch(truncateAttributes(drop(decodeOtlpProtobuf(body))))` gives, byte for byte, but
 * builds no model objects for spans: the decoder's allocations (spans, attributes, values) and
 * the garbage collection they cost were most of a worker's time.
 *
 * Lines can only be finished once their message is: a span line names its resource and scope by
 * content ids, and protobuf writers put `schema_url` (part of that content) after the spans. So
 * each span is read into two pieces (before and after the ids), and a `ResourceSpans` is written
 * out whole when it ends: its resource line, then each scope line followed by its spans.
 */

import { compareDecimal, type Span } from '../../model/index.js';
import { DecodeTally } from '../../receivers/otlp/decode-result.js';
import { ProtoReader } from '../../receivers/otlp/protobuf-reader.js';
import { resourceLineOf, scopeLineOf, type EncodedBatch } from '../../wal/line-format.js';
import {
  appendItem,
  fieldsUpTo,
  lastServiceName,
  readAttributeText,
} from './transcode-attributes.js';
import type { GenSpan, GenValue } from '../../generator/gen-span.js';
import {
  keepWanted,
  NO_ATTRS,
  readSpanFields,
  rejectedSpanShape,
  SpanFields,
  spanLineHead,
  spanLineTail,
} from './transcode-span.js';

export interface TranscodeOptions {
  /** Longest attribute key or top-level string value kept, in UTF-8 bytes; 0 = no limit. */
  maxAttributeBytes: number;
  /** Traces to leave out (refused by a limit); rejected spans are still counted. */
  dropTraces?: ReadonlySet<string>;
  /**
   * When set, the metrics generator's view of each kept span is given to `sink` (once its
   * resource is complete). The object is reused for the next span: copy what you keep.
   */
  generator?: { wanted: ReadonlySet<string>; sink: (span: GenSpan) => void };
}

/** The WAL lines of a request and its partial-success outcome (as `EncodeOk` without `ok`). */
export interface TranscodeResult {
  encoded: EncodedBatch;
  rejectedSpans: number;
  rejectionMessage: string;
}

const TWO_32 = 4294967296;

/** `instrumentation_library_spans` (field 1000, length-delimited) as a tag value. */
const LEGACY_SCOPE_SPANS = (1000 << 3) | 2;

/** What a request's lines add up to while it is read. */
class Output {
  text = '';
  spanCount = 0;
  minStart = '';
  maxEnd = '';
  readonly perTrace = new Map<string, number>();
  readonly resources: Array<[string, string]> = [];
  readonly scopes: Array<[string, string]> = [];
  readonly tally = new DecodeTally();
  readonly span = new SpanFields();
  readonly max: number;
  readonly drop: ReadonlySet<string> | undefined;
  /** Where generator spans go, and how many of the resource being read wait in `POOL`. */
  readonly genSink: ((span: GenSpan) => void) | undefined;
  genWaiting = 0;

  constructor(opts: TranscodeOptions) {
    this.max = opts.maxAttributeBytes > 0 ? opts.maxAttributeBytes : 0;
    this.span.max = this.max;
    this.drop = opts.dropTraces && opts.dropTraces.size > 0 ? opts.dropTraces : undefined;
    this.genSink = opts.generator?.sink;
    this.span.wanted = opts.generator?.wanted;
  }
}

/** A scope's line and id, and its spans' line pieces (head, tail, head, tail, …). */
interface ScopeChunk {
  id: string;
  line: string;
  pieces: string[];
}

/**
 * Transcodes an OTLP/protobuf `ExportTraceServiceRequest` to WAL lines.
 *
 * @example
 * const { encoded, rejectedSpans } = transcodeOtlpProtobuf(body, { maxAttributeBytes: 2048 });
 * @throws InvalidRequestError when the bytes are not a well-formed request, with the message
 *   `decodeOtlpProtobuf` would give.
 */
export function transcodeOtlpProtobuf(body: Uint8Array, opts: TranscodeOptions): TranscodeResult {
  const r = new ProtoReader(body);
  const out = new Output(opts);
  const end = body.length;
  const msg = 'ExportTraceServiceRequest';
  let index = 0;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) readResourceSpans(r, r.lenEnd(end, msg), out, index++);
    else r.skipField(tag, end, msg, fieldsUpTo(1));
  }
  const { rejectedSpans, rejectionMessage } = out.tally.result({ resourceSpans: [] });
  return { encoded: encodedOf(out), rejectedSpans, rejectionMessage };
}

function encodedOf(out: Output): EncodedBatch {
  return {
    text: Buffer.from(out.text, 'utf8'),
    spanCount: out.spanCount,
    traceIds: [...out.perTrace.keys()],
    traceSpans: [...out.perTrace.values()],
    resources: out.resources,
    scopes: out.scopes,
    minStart: out.minStart,
    maxEnd: out.maxEnd,
  };
}

/** A resource's fields as read so far (`Resource` may come in several parts, which merge). */
interface ResourceParts {
  attrs: string;
  dropped: number;
  serviceName: string | undefined;
  /** Attributes among the generator's wanted keys. */
  genAttrs: Record<string, GenValue>;
}

function readResourceSpans(r: ProtoReader, end: number, out: Output, index: number): void {
  const msg = 'ResourceSpans';
  const resource: ResourceParts = {
    attrs: '',
    dropped: 0,
    serviceName: undefined,
    genAttrs: NO_ATTRS,
  };
  const chunks: ScopeChunk[] = [];
  let schemaUrl = '';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) readResource(r, r.lenEnd(end, msg), resource, out);
    else if (tag === 0x12 || tag === LEGACY_SCOPE_SPANS) {
      const stop = r.lenEnd(end, msg);
      chunks.push(readScopeSpans(r, stop, out, index, chunks.length));
    } else if (tag === 0x1a) schemaUrl = r.string(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(3));
  }
  const attrs = '[' + resource.attrs + ']';
  const res = resourceLineOf(schemaUrl, attrs, resource.dropped, resource.serviceName ?? '');
  writeResourceSpans(out, res, chunks);
  if (out.genSink) {
    // The resource may follow its spans on the wire: they waited for its service and attributes.
    for (let i = 0; i < out.genWaiting; i++) {
      const g = POOL[i] as GenSpan;
      g.service = resource.serviceName ?? '';
      g.resourceAttrs = resource.genAttrs;
      out.genSink(g);
    }
    out.genWaiting = 0;
  }
}

/** Appends a resource line, then each scope line with its span lines. */
function writeResourceSpans(
  out: Output,
  res: { id: string; line: string },
  chunks: readonly ScopeChunk[],
): void {
  let text = res.line;
  out.resources.push([res.id, res.line]);
  for (const chunk of chunks) {
    text += chunk.line;
    out.scopes.push([chunk.id, chunk.line]);
    const ids = ',"r":"' + res.id + '","c":"' + chunk.id + '"';
    const pieces = chunk.pieces;
    for (let i = 0; i < pieces.length; i += 2) {
      text += (pieces[i] as string) + ids + (pieces[i + 1] as string);
    }
  }
  out.text += text;
}

function readResource(r: ProtoReader, end: number, resource: ResourceParts, out: Output): void {
  const msg = 'Resource';
  const wanted = out.span.wanted;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) {
      const text = readAttributeText(r, r.lenEnd(end, msg), out.max);
      resource.attrs = appendItem(resource.attrs, text);
      resource.serviceName ??= lastServiceName();
      if (wanted !== undefined) resource.genAttrs = keepWanted(wanted, resource.genAttrs);
    } else if (tag === 0x10) resource.dropped = r.uint32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(2));
  }
}

/** A scope's fields as read so far (`InstrumentationScope` parts merge, as in the decoder). */
interface ScopeParts {
  name: string;
  version: string;
  attrs: string;
  dropped: number;
}

function readScopeSpans(
  r: ProtoReader,
  end: number,
  out: Output,
  resourceIndex: number,
  index: number,
): ScopeChunk {
  const msg = 'ScopeSpans';
  const scope: ScopeParts = { name: '', version: '', attrs: '', dropped: 0 };
  const pieces: string[] = [];
  let schemaUrl = '';
  let spanIndex = 0;
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x12) {
      const stop = r.lenEnd(end, msg);
      const size = stop - r.pos;
      readSpanFields(r, stop, out.span);
      acceptSpan(out, pieces, resourceIndex, index, spanIndex++, size);
    } else if (tag === 0x0a) readScope(r, r.lenEnd(end, msg), scope, out.max);
    else if (tag === 0x1a) schemaUrl = r.string(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(3));
  }
  const attrs = '[' + scope.attrs + ']';
  const { id, line } = scopeLineOf(scope.name, scope.version, schemaUrl, attrs, scope.dropped);
  return { id, line, pieces };
}

function readScope(r: ProtoReader, end: number, scope: ScopeParts, max: number): void {
  const msg = 'InstrumentationScope';
  while (r.pos < end) {
    const tag = r.tag(end, msg);
    if (tag === 0x0a) scope.name = r.string(end, msg);
    else if (tag === 0x12) scope.version = r.string(end, msg);
    else if (tag === 0x1a) {
      scope.attrs = appendItem(scope.attrs, readAttributeText(r, r.lenEnd(end, msg), max));
    } else if (tag === 0x20) scope.dropped = r.uint32(end, msg);
    else r.skipField(tag, end, msg, fieldsUpTo(4));
  }
}

/**
 * Keeps the span just read (`out.span`) when it is valid and not dropped, or counts it as
 * rejected. The indexes are its position in the request, for the rejection message.
 */
function acceptSpan(
  out: Output,
  pieces: string[],
  resource: number,
  scope: number,
  index: number,
  size: number,
): void {
  const s = out.span;
  if (!s.isValid()) {
    const none: Span[] = [];
    out.tally.accept(none, rejectedSpanShape(s), resource, scope, index);
    return;
  }
  if (out.drop?.has(s.traceId)) return;
  pieces.push(spanLineHead(s), spanLineTail(s));
  out.perTrace.set(s.traceId, (out.perTrace.get(s.traceId) ?? 0) + 1);
  if (out.minStart === '' || compareDecimal(s.start, out.minStart) < 0) out.minStart = s.start;
  if (compareDecimal(s.end, out.maxEnd) > 0) out.maxEnd = s.end;
  out.spanCount++;
  if (out.genSink) fillGenSpan(out.genWaiting++, s, size);
}

/**
 * Generator spans waiting for their resource, reused from request to request (one worker runs
 * one transcode at a time): no allocation per span.
 */
const POOL: GenSpan[] = [];

/** Writes the generator's view of the span just read into `POOL[i]`. */
function fillGenSpan(i: number, s: SpanFields, size: number): void {
  const g = POOL[i] ?? (POOL[i] = emptyGenSpan());
  g.traceId = s.traceId;
  g.spanId = s.spanId;
  g.parentSpanId = s.parentSpanId;
  g.name = s.name;
  g.kind = s.kind;
  g.statusCode = s.statusCode;
  g.statusMessage = s.statusMessage;
  g.startMs = (s.startHi * TWO_32 + s.startLo) / 1e6;
  g.endMs = (s.endHi * TWO_32 + s.endLo) / 1e6;
  g.durationSec = Math.max(0, ((s.endHi - s.startHi) * TWO_32 + (s.endLo - s.startLo)) / 1e9);
  g.sizeBytes = size;
  g.attrs = s.genAttrs;
}

function emptyGenSpan(): GenSpan {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    service: '',
    name: '',
    kind: 0,
    statusCode: 0,
    statusMessage: '',
    startMs: 0,
    endMs: 0,
    durationSec: 0,
    sizeBytes: 0,
    attrs: NO_ATTRS,
    resourceAttrs: NO_ATTRS,
  };
}
