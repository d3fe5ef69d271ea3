/**
 * Vivace's one span model. Every receiver decodes into it, the WAL writes it, the query path
 * rebuilds it and the API encoders read it. It mirrors OTLP's nesting (resource → scope → span)
 * so that a batch and a trace share one shape.
 *
 * Precision: 64-bit integers (timestamps, int attributes) are carried as decimal text, because a
 * JS number is exact only to 2^53 and BigInt is slow on the hot path. Ids are lowercase hex.
 */

/** Decimal text of an unsigned 64-bit count of nanoseconds since the Unix epoch. */
export type UnixNanoText = string;

/** An attribute value; mirrors OTLP `AnyValue`. `int` is int64 as decimal text. */
export type AnyValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: string }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'array'; readonly value: readonly AnyValue[] }
  | { readonly type: 'kvlist'; readonly value: readonly KeyValue[] }
  | { readonly type: 'empty' };

export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}

/** OTLP `Span.SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export type SpanKind = 0 | 1 | 2 | 3 | 4 | 5;

/** OTLP `Status.StatusCode`: 0 unset, 1 ok, 2 error. */
export type StatusCode = 0 | 1 | 2;

export interface SpanEvent {
  timeUnixNano: UnixNanoText;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface SpanLink {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  traceState: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
}

export interface Span {
  /** 32 lowercase hex characters, never all zero. */
  traceId: string;
  /** 16 lowercase hex characters, never all zero. */
  spanId: string;
  /** 16 lowercase hex characters, or '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: UnixNanoText;
  endTimeUnixNano: UnixNanoText;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  statusCode: StatusCode;
  statusMessage: string;
  /** OTLP `Span.flags` (W3C trace flags in the low byte plus the has-remote-parent bits). */
  flags: number;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface Scope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface ScopeSpans {
  scope: Scope;
  schemaUrl: string;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Resource;
  schemaUrl: string;
  scopeSpans: ScopeSpans[];
}

/** What a receiver hands to ingest, and what trace-by-id gives back: OTLP's nesting. */
export interface SpanBatch {
  resourceSpans: ResourceSpans[];
}

/** The value of `service.name` in a resource, or '' when it has none (or not a string). */
export function serviceNameOf(resource: Resource): string {
  for (const attr of resource.attributes) {
    if (attr.key === 'service.name' && attr.value.type === 'string') return attr.value.value;
  }
  return '';
}

/** Counts the spans of a batch. */
export function countSpans(batch: SpanBatch): number {
  let n = 0;
  for (const rs of batch.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
