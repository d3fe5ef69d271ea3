/**
 * Jaeger spans → Vivace's span model, as the OpenTelemetry Collector's Jaeger translator maps them
 * (the version Tempo ships). The rules, with the protocol differences, are in the README of this
 * folder; in short:
 * - the process becomes the resource (`service.name`, its tags; `hostname` → `host.name`,
 *   `jaeger.version` → `opencensus.exporterversion`);
 * - `span.kind`, a true `error`, `otel.status_code` / `otel.status_description` and
 *   `http.status_code` give kind and status;
 * - the parent is thrift's `parentSpanId`, else the first same-trace CHILD_OF reference, else the
 *   first FOLLOWS_FROM; the other references become links tagged `opentracing.ref_type`;
 * - logs become events named by their `event` field;
 * - protobuf only: spans with their own process get their own resource, `otel.scope.name` /
 *   `otel.scope.version` tags give the scope, `w3c.tracestate` the trace state.
 */

import type {
  AnyValue,
  KeyValue,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanKind,
  SpanLink,
  StatusCode,
} from '../../model/index.js';
import { DecodeTally, type DecodeResult } from '../otlp/decode-result.js';
import {
  instantSumText,
  instantText,
  type JaegerBatch,
  type JaegerProcess,
  type JaegerSpan,
} from './jaeger-model.js';

export type JaegerProtocol = 'thrift' | 'proto';

const KINDS: Readonly<Record<string, SpanKind>> = {
  client: 3,
  server: 2,
  producer: 4,
  consumer: 5,
  internal: 1,
};

/** Maps a decoded Jaeger batch; spans with unusable ids are left out and counted. */
export function jaegerToSpanBatch(batch: JaegerBatch, protocol: JaegerProtocol): DecodeResult {
  const tally = new DecodeTally();
  const resourceSpans: ResourceSpans[] = [];
  if (protocol === 'thrift') {
    const spans: Span[] = [];
    const ss: ScopeSpans = { scope: emptyScope(), schemaUrl: '', spans };
    resourceSpans.push({
      resource: resourceOf(batch.process, protocol),
      schemaUrl: '',
      scopeSpans: [ss],
    });
    batch.spans.forEach((js, i) => tally.acceptNth(spans, toSpan(js, protocol), i));
    return tally.result({ resourceSpans });
  }
  // Protobuf: one resource per distinct process, one scope per distinct (name, version).
  const byProcess = new Map<string, { rs: ResourceSpans; scopes: Map<string, ScopeSpans> }>();
  batch.spans.forEach((js, i) => {
    const process = js.process ?? batch.process;
    const key = processKey(process);
    let group = byProcess.get(key);
    if (!group) {
      group = {
        rs: { resource: resourceOf(process, protocol), schemaUrl: '', scopeSpans: [] },
        scopes: new Map(),
      };
      byProcess.set(key, group);
      resourceSpans.push(group.rs);
    }
    const scope = takeScope(js);
    const scopeKey = `${scope.name}\u0000${scope.version}`;
    let ss = group.scopes.get(scopeKey);
    if (!ss) {
      ss = { scope, schemaUrl: '', spans: [] };
      group.scopes.set(scopeKey, ss);
      group.rs.scopeSpans.push(ss);
    }
    tally.acceptNth(ss.spans, toSpan(js, protocol), i);
  });
  return tally.result({ resourceSpans });
}

function emptyScope(): ScopeSpans['scope'] {
  return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
}

/** Processes that are equal (name and tags in order) share a resource. */
function processKey(p: JaegerProcess | undefined): string {
  if (!p) return '';
  let key = p.serviceName;
  for (const t of p.tags) key += `\u0000${t.key}\u0001${valueKey(t.value)}`;
  return key;
}

function valueKey(v: AnyValue): string {
  if (v.type === 'bytes') return `b${Buffer.from(v.value).toString('hex')}`;
  return JSON.stringify(v);
}

/** The Collector's protobuf translator leaves a process with this service name out. */
const NO_SERVICE_NAME = 'OTLPResourceNoServiceName';

function resourceOf(
  p: JaegerProcess | undefined,
  protocol: JaegerProtocol,
): ResourceSpans['resource'] {
  const attributes: KeyValue[] = [];
  if (p && !(protocol === 'proto' && p.serviceName === NO_SERVICE_NAME)) {
    if (p.serviceName !== '') attributes.push(str('service.name', p.serviceName));
    for (const t of p.tags) put(attributes, t);
    const hostname = indexOf(attributes, 'hostname');
    if (hostname >= 0 && indexOf(attributes, 'host.name') < 0) {
      const [h] = attributes.splice(hostname, 1);
      attributes.push({ key: 'host.name', value: (h as KeyValue).value });
    }
    const version = indexOf(attributes, 'jaeger.version');
    if (version >= 0 && indexOf(attributes, 'opencensus.exporterversion') < 0) {
      const [v] = attributes.splice(version, 1);
      attributes.push(str('opencensus.exporterversion', `Jaeger-${stringOf(v as KeyValue)}`));
    }
  }
  return { attributes, droppedAttributesCount: 0 };
}

/** Protobuf: takes the first `otel.scope.name` (and then `otel.scope.version`) tag out of a span. */
function takeScope(js: JaegerSpan): ScopeSpans['scope'] {
  const scope = emptyScope();
  const n = js.tags.findIndex((t) => t.key === 'otel.scope.name');
  if (n < 0) return scope;
  scope.name = stringOf(js.tags[n] as KeyValue);
  js.tags.splice(n, 1);
  const v = js.tags.findIndex((t) => t.key === 'otel.scope.version');
  if (v >= 0) {
    scope.version = stringOf(js.tags[v] as KeyValue);
    js.tags.splice(v, 1);
  }
  return scope;
}

function stringOf(kv: KeyValue): string {
  return kv.value.type === 'string' ? kv.value.value : '';
}

function str(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

function indexOf(attrs: readonly KeyValue[], key: string): number {
  for (let i = 0; i < attrs.length; i++) if ((attrs[i] as KeyValue).key === key) return i;
  return -1;
}

/** Adds an attribute; a repeated key replaces the earlier value (in its place). */
function put(attrs: KeyValue[], kv: KeyValue): void {
  const i = indexOf(attrs, kv.key);
  if (i >= 0) attrs[i] = kv;
  else attrs.push(kv);
}

/** Takes an attribute out; returns it, or undefined when absent. */
function take(attrs: KeyValue[], key: string): KeyValue | undefined {
  const i = indexOf(attrs, key);
  return i < 0 ? undefined : attrs.splice(i, 1)[0];
}

function toSpan(js: JaegerSpan, protocol: JaegerProtocol): Span {
  const attributes: KeyValue[] = [];
  for (const t of js.tags) put(attributes, t);
  const kindTag = take(attributes, 'span.kind');
  const kind: SpanKind = kindTag?.value.type === 'string' ? (KINDS[kindTag.value.value] ?? 0) : 0;
  const status = takeStatus(attributes, kind);
  let traceState = '';
  if (protocol === 'proto') {
    const ts = take(attributes, 'w3c.tracestate');
    if (ts) traceState = stringOf(ts);
  }
  const parentSpanId = parentOf(js);
  return {
    traceId: js.traceId,
    spanId: js.spanId,
    parentSpanId,
    traceState,
    name: js.operationName,
    kind,
    startTimeUnixNano: instantText(js.startTime),
    endTimeUnixNano: instantSumText(js.startTime, js.duration),
    attributes,
    droppedAttributesCount: 0,
    events: js.logs.map((log) => {
      const attrs: KeyValue[] = [];
      for (const f of log.fields) put(attrs, f);
      const name = take(attrs, 'event');
      return {
        timeUnixNano: instantText(log.timestamp),
        name: name ? stringOf(name) : '',
        attributes: attrs,
        droppedAttributesCount: 0,
      };
    }),
    droppedEventsCount: 0,
    links: linksOf(js, parentSpanId),
    droppedLinksCount: 0,
    statusCode: status.code,
    statusMessage: status.message,
    flags: 0,
  };
}

/** Thrift's parentSpanId, else the first same-trace CHILD_OF reference, else FOLLOWS_FROM. */
function parentOf(js: JaegerSpan): string {
  if (js.parentSpanId !== '') return js.parentSpanId;
  let followsFrom = '';
  for (const ref of js.references) {
    if (ref.traceId !== js.traceId) continue;
    if (ref.refType === 0) return ref.spanId;
    if (followsFrom === '' && ref.refType === 1) followsFrom = ref.spanId;
  }
  return followsFrom;
}

function linksOf(js: JaegerSpan, parent: string): SpanLink[] {
  const links: SpanLink[] = [];
  for (const ref of js.references) {
    if (ref.refType === 0 && ref.spanId === parent) continue;
    links.push({
      traceId: ref.traceId,
      spanId: ref.spanId,
      traceState: '',
      attributes: [str('opentracing.ref_type', ref.refType === 0 ? 'child_of' : 'follows_from')],
      droppedAttributesCount: 0,
      flags: 0,
    });
  }
  return links;
}

/** The status a span's tags give, taking the tags that say it out of `attrs`. */
function takeStatus(attrs: KeyValue[], kind: SpanKind): { code: StatusCode; message: string } {
  let code: StatusCode = 0;
  let message = '';
  let set = false;
  const error = attrs[indexOf(attrs, 'error')];
  if (error?.value.type === 'bool' && error.value.value) {
    take(attrs, 'error');
    code = 2;
    const desc = take(attrs, 'otel.status_description');
    message = desc
      ? textOf(desc.value)
      : textOf(attrs[indexOf(attrs, 'http.status_message')]?.value);
    set = true;
  }
  const otel = take(attrs, 'otel.status_code');
  if (otel && !set) {
    const v = otel.value.type === 'string' ? otel.value.value.toUpperCase() : '';
    code = v === 'OK' ? 1 : v === 'ERROR' ? 2 : 0;
    const desc = take(attrs, 'otel.status_description');
    message = desc ? textOf(desc.value) : '';
    set = true;
  }
  if (!set) {
    const http = httpStatus(attrs[indexOf(attrs, 'http.status_code')]?.value);
    if (http !== undefined && httpIsError(http, kind)) {
      code = 2;
      message = textOf(attrs[indexOf(attrs, 'http.status_message')]?.value);
    }
  }
  return { code, message };
}

function httpStatus(v: AnyValue | undefined): number | undefined {
  if (v?.type === 'int') return Number(v.value);
  if (v?.type === 'string' && /^[+-]?\d+$/.test(v.value)) {
    // Go's ParseInt refuses what does not fit in int64.
    return v.value.replace(/^[+-]/, '').replace(/^0+/, '').length <= 18
      ? Number(v.value)
      : undefined;
  }
  return undefined;
}

/** HTTP status → error, as the Collector's translator decides (4xx is not a server's error). */
function httpIsError(code: number, kind: SpanKind): boolean {
  if (code >= 400 && code <= 499) {
    if (kind === 3) return true;
    if (kind === 2) return false;
  }
  return !(code >= 100 && code <= 398);
}

/** A value as the Collector's `AsString` writes it (strings as they are). */
function textOf(v: AnyValue | undefined): string {
  if (!v) return '';
  switch (v.type) {
    case 'string':
      return v.value;
    case 'bool':
    case 'int':
    case 'double':
      return String(v.value);
    case 'bytes':
      return Buffer.from(v.value).toString('base64');
    case 'array':
    case 'kvlist':
    case 'empty':
      return '';
  }
}
