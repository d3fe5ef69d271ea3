/**
 * A trace as the UI shows it, built from the OTLP JSON that `/api/v2/traces/<id>` answers (ids in
 * base64, as Tempo writes them) or that a user uploads (ids in hex, as the OTLP/HTTP JSON
 * encoding writes them): spans with their resource, scope, events and links, placed in their tree
 * (children by start time; a span whose parent never arrived is a root). Pure.
 */

export interface Attr {
  key: string;
  /** The value as text (arrays and maps as JSON). */
  value: string;
}

export interface SpanEvent {
  /** Microseconds since the span started. */
  offsetUs: number;
  name: string;
  attrs: Attr[];
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attrs: Attr[];
}

export type StatusCode = 'unset' | 'ok' | 'error';

export interface UiSpan {
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  service: string;
  /** Unix microseconds (doubles hold them exactly for 285 years). */
  startUs: number;
  durationUs: number;
  status: StatusCode;
  statusMessage: string;
  attrs: Attr[];
  resource: Attr[];
  scope: { name: string; version: string; attrs: Attr[] };
  events: SpanEvent[];
  links: SpanLink[];
  depth: number;
  children: UiSpan[];
}

export interface UiTrace {
  traceId: string;
  /** Every span, depth first, children by start time. */
  spans: UiSpan[];
  startUs: number;
  endUs: number;
  services: string[];
}

type Json = Record<string, unknown>;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A JSON scalar as text; `fallback` for anything else (absent, objects). */
export function text(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return fallback;
}

/** An id as lowercase hex: hex stays, base64 (of 8 or 16 bytes) is decoded. */
export function idToHex(id: unknown, bytes: number): string {
  if (typeof id !== 'string' || id === '') return '';
  if (/^[0-9a-fA-F]+$/.test(id) && id.length === bytes * 2) return id.toLowerCase();
  if (!BASE64.test(id)) return id;
  const raw = atob(id);
  let hex = '';
  for (let i = 0; i < raw.length; i++) hex += raw.charCodeAt(i).toString(16).padStart(2, '0');
  return hex;
}

/** An OTLP JSON AnyValue as text. */
export function valueText(v: unknown): string {
  const value = (v ?? {}) as Json;
  if ('stringValue' in value) return String(value.stringValue);
  if ('intValue' in value) return String(value.intValue);
  if ('doubleValue' in value) return String(value.doubleValue);
  if ('boolValue' in value) return String(value.boolValue);
  if ('bytesValue' in value) return String(value.bytesValue);
  if ('arrayValue' in value) {
    const values = ((value.arrayValue as Json | undefined)?.values ?? []) as unknown[];
    return `[${values.map(valueText).join(', ')}]`;
  }
  if ('kvlistValue' in value) {
    const kvs = attrsOf((value.kvlistValue as Json | undefined)?.values);
    return `{${kvs.map((a) => `${a.key}: ${a.value}`).join(', ')}}`;
  }
  return '';
}

export function attrsOf(list: unknown): Attr[] {
  if (!Array.isArray(list)) return [];
  return list.map((kv: Json) => ({ key: text(kv.key), value: valueText(kv.value) }));
}

const KINDS: Record<string, string> = {
  SPAN_KIND_UNSPECIFIED: 'unspecified',
  SPAN_KIND_INTERNAL: 'internal',
  SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client',
  SPAN_KIND_PRODUCER: 'producer',
  SPAN_KIND_CONSUMER: 'consumer',
};
const KIND_NUMBERS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function kindOf(k: unknown): string {
  if (typeof k === 'number') return KIND_NUMBERS[k] ?? 'unspecified';
  return KINDS[String(k)] ?? 'unspecified';
}

function statusOf(s: unknown): StatusCode {
  const code = (s as Json | undefined)?.code;
  if (code === 2 || code === 'STATUS_CODE_ERROR') return 'error';
  if (code === 1 || code === 'STATUS_CODE_OK') return 'ok';
  return 'unset';
}

/** Unix nanoseconds (text) as microseconds. */
function micros(ns: unknown): number {
  const t = text(ns, '0');
  return Number(t.length > 3 ? t.slice(0, -3) : '0') + Number(t.slice(-3)) / 1000;
}

/** The trace of an OTLP JSON document (`{resourceSpans}` or Tempo's `{trace: {resourceSpans}}`). */
export function traceFromJson(doc: unknown): UiTrace {
  const root = (doc ?? {}) as Json;
  const body = (root.trace ?? root) as Json;
  const batches = (body.resourceSpans ?? body.batches ?? []) as Json[];
  const spans: UiSpan[] = [];
  let traceId = '';
  for (const rs of batches) {
    const resource = attrsOf((rs.resource as Json | undefined)?.attributes);
    const service = resource.find((a) => a.key === 'service.name')?.value ?? 'unknown_service';
    const scopes = (rs.scopeSpans ?? rs.instrumentationLibrarySpans ?? []) as Json[];
    for (const ss of scopes) {
      const sc = (ss.scope ?? ss.instrumentationLibrary ?? {}) as Json;
      const scope = {
        name: text(sc.name),
        version: text(sc.version),
        attrs: attrsOf(sc.attributes),
      };
      for (const s of (ss.spans ?? []) as Json[]) {
        traceId ||= idToHex(s.traceId, 16);
        const startUs = micros(s.startTimeUnixNano);
        const endUs = micros(s.endTimeUnixNano);
        spans.push({
          spanId: idToHex(s.spanId, 8),
          parentSpanId: idToHex(s.parentSpanId, 8),
          name: text(s.name),
          kind: kindOf(s.kind),
          service,
          startUs,
          durationUs: Math.max(0, endUs - startUs),
          status: statusOf(s.status),
          statusMessage: text((s.status as Json | undefined)?.message),
          attrs: attrsOf(s.attributes),
          resource,
          scope,
          events: ((s.events ?? []) as Json[]).map((e) => ({
            offsetUs: micros(e.timeUnixNano) - startUs,
            name: text(e.name),
            attrs: attrsOf(e.attributes),
          })),
          links: ((s.links ?? []) as Json[]).map((l) => ({
            traceId: idToHex(l.traceId, 16),
            spanId: idToHex(l.spanId, 8),
            attrs: attrsOf(l.attributes),
          })),
          depth: 0,
          children: [],
        });
      }
    }
  }
  return placeInTree(traceId, spans);
}

/** Links spans to their parents and orders them depth first, children by start time. */
export function placeInTree(traceId: string, spans: UiSpan[]): UiTrace {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots: UiSpan[] = [];
  for (const s of spans) {
    const parent = s.parentSpanId === '' ? undefined : byId.get(s.parentSpanId);
    if (parent === undefined || parent === s) roots.push(s);
    else parent.children.push(s);
  }
  const byStart = (a: UiSpan, b: UiSpan) => a.startUs - b.startUs || (a.name < b.name ? -1 : 1);
  const ordered: UiSpan[] = [];
  const seen = new Set<UiSpan>();
  // Iterative depth-first walk: a 10,000-span chain must not overflow the stack; a cycle of
  // parents (bad data) is cut where it closes.
  const stack = roots
    .sort(byStart)
    .map((s) => ({ s, depth: 0 }))
    .reverse();
  while (stack.length > 0) {
    const { s, depth } = stack.pop() as { s: UiSpan; depth: number };
    if (seen.has(s)) continue;
    seen.add(s);
    s.depth = depth;
    ordered.push(s);
    s.children.sort(byStart);
    for (let i = s.children.length - 1; i >= 0; i--) {
      stack.push({ s: s.children[i] as UiSpan, depth: depth + 1 });
    }
  }
  // Spans only reachable through a cycle.
  for (const s of spans) if (!seen.has(s)) ordered.push(s);
  const startUs = Math.min(...spans.map((s) => s.startUs));
  const endUs = Math.max(...spans.map((s) => s.startUs + s.durationUs));
  return {
    traceId,
    spans: ordered,
    startUs: spans.length > 0 ? startUs : 0,
    endUs: spans.length > 0 ? endUs : 0,
    services: [...new Set(ordered.map((s) => s.service))],
  };
}

/**
 * The rows a waterfall shows: every span whose ancestors are all expanded. `collapsed` holds the
 * ids of collapsed spans.
 */
export function visibleSpans(trace: UiTrace, collapsed: ReadonlySet<string>): UiSpan[] {
  const out: UiSpan[] = [];
  let hiddenBelow = Infinity;
  for (const s of trace.spans) {
    if (s.depth > hiddenBelow) continue;
    hiddenBelow = Infinity;
    out.push(s);
    if (collapsed.has(s.spanId) && s.children.length > 0) hiddenBelow = s.depth;
  }
  return out;
}

/** Three significant digits at most, trailing zeros dropped (`12.3`, `100`, `1.5`). */
function short(v: number): string {
  const text = v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** A duration in microseconds, as people read it (`850µs`, `12.3ms`, `1.52s`, `2m 5s`, `3h 4m`, `14d 0h`). */
export function formatDuration(us: number): string {
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 999_500) return `${short(us / 1000)}ms`;
  if (us < 59_950_000) return `${short(us / 1_000_000)}s`;
  const s = Math.round(us / 1_000_000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** A stable colour per service (hue from its name). */
export function serviceColor(service: string): string {
  let h = 0;
  for (let i = 0; i < service.length; i++) h = (h * 31 + service.charCodeAt(i)) >>> 0;
  return `hsl(${h % 360} 60% 52%)`;
}

/**
 * An OTLP/HTTP JSON document (`{resourceSpans}`, ids in hex) of a trace as the API gives it
 * (`{trace: {resourceSpans}}`, ids in base64): what other tools open.
 */
export function toOtlpJson(doc: unknown): { resourceSpans: unknown[] } {
  const root = (doc ?? {}) as Json;
  const body = (root.trace ?? root) as Json;
  const batches = (body.resourceSpans ?? body.batches ?? []) as Json[];
  const hexIds = (o: Json): Json => ({
    ...o,
    ...(o.traceId === undefined ? {} : { traceId: idToHex(o.traceId, 16) }),
    ...(o.spanId === undefined ? {} : { spanId: idToHex(o.spanId, 8) }),
    ...(o.parentSpanId === undefined ? {} : { parentSpanId: idToHex(o.parentSpanId, 8) }),
  });
  return {
    resourceSpans: batches.map((rs) => ({
      ...rs,
      scopeSpans: ((rs.scopeSpans ?? []) as Json[]).map((ss) => ({
        ...ss,
        spans: ((ss.spans ?? []) as Json[]).map((s) => ({
          ...hexIds(s),
          links: ((s.links ?? []) as Json[]).map(hexIds),
        })),
      })),
    })),
  };
}

/** Whether a span's name, service, id, attributes or event names hold `text` (any case). */
export function spanHasText(span: UiSpan, text: string): boolean {
  const t = text.toLowerCase();
  if (t === '') return false;
  const has = (v: string) => v.toLowerCase().includes(t);
  return (
    has(span.name) ||
    has(span.service) ||
    has(span.spanId) ||
    span.attrs.some((a) => has(a.key) || has(a.value)) ||
    span.events.some((e) => has(e.name))
  );
}

/** The ids of a span's ancestors in the trace, nearest first. */
export function ancestorIds(trace: UiTrace, span: UiSpan): string[] {
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  const out: string[] = [];
  const seen = new Set<string>();
  for (
    let p = byId.get(span.parentSpanId);
    p && !seen.has(p.spanId);
    p = byId.get(p.parentSpanId)
  ) {
    seen.add(p.spanId);
    out.push(p.spanId);
  }
  return out;
}
