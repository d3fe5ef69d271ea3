/**
 * What the OpenTelemetry JS SDK recorded, in Vivace's span model: the expected side of the
 * end-to-end comparisons. The mapping is OTLP's, written from the specification rather than
 * taken from the SDK's own exporter code:
 *
 * - kind: the API's `SpanKind` + 1 (OTLP has UNSPECIFIED = 0);
 * - times: `HrTime` [seconds, nanoseconds] as exact decimal nanoseconds;
 * - attributes: a string, boolean, integer number (`int`), other number (`double`), array of
 *   those, and `null` inside an array as an empty value;
 * - flags: the W3C trace flags in the low byte, plus bit 8 (`HAS_IS_REMOTE`) and bit 9
 *   (`IS_REMOTE`, when the parent span context, or the linked one, is remote).
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type {
  AnyValue,
  KeyValue,
  Span,
  SpanBatch,
  SpanEvent,
  SpanKind,
  SpanLink,
} from '../../src/model/index.js';

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** Exact nanoseconds since the epoch of an `HrTime`, as decimal text. */
export function hrTimeToNanosText(t: HrTime): string {
  return (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
}

function scalarValue(v: unknown): AnyValue {
  if (v === null || v === undefined) return { type: 'empty' };
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'boolean') return { type: 'bool', value: v };
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { type: 'int', value: String(v) } : { type: 'double', value: v };
  }
  throw new Error(`not an attribute value: ${JSON.stringify(v)}`);
}

function attributeValue(v: AttributeValue | undefined): AnyValue {
  if (Array.isArray(v)) return { type: 'array', value: v.map(scalarValue) };
  return scalarValue(v);
}

/** OTLP key-values of an SDK attribute map, in the map's order. */
export function attributesOf(attrs: Attributes | undefined): KeyValue[] {
  return Object.entries(attrs ?? {}).map(([key, value]) => ({ key, value: attributeValue(value) }));
}

function flagsOf(ctx: SpanContext, remote: boolean | undefined): number {
  return (ctx.traceFlags & 0xff) | HAS_IS_REMOTE | (remote === true ? IS_REMOTE : 0);
}

function eventOf(e: TimedEvent): SpanEvent {
  return {
    timeUnixNano: hrTimeToNanosText(e.time),
    name: e.name,
    attributes: attributesOf(e.attributes),
    droppedAttributesCount: e.droppedAttributesCount ?? 0,
  };
}

function linkOf(l: Link): SpanLink {
  return {
    traceId: l.context.traceId,
    spanId: l.context.spanId,
    traceState: l.context.traceState?.serialize() ?? '',
    attributes: attributesOf(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount ?? 0,
    flags: flagsOf(l.context, l.context.isRemote),
  };
}

/** One recorded span in the model. */
export function spanOf(s: ReadableSpan): Span {
  const ctx = s.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    traceState: ctx.traceState?.serialize() ?? '',
    name: s.name,
    kind: (s.kind + 1) as SpanKind,
    startTimeUnixNano: hrTimeToNanosText(s.startTime),
    endTimeUnixNano: hrTimeToNanosText(s.endTime),
    attributes: attributesOf(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map(eventOf),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map(linkOf),
    droppedLinksCount: s.droppedLinksCount,
    statusCode: s.status.code,
    statusMessage: s.status.message ?? '',
    flags: flagsOf(ctx, s.parentSpanContext?.isRemote),
  };
}

/**
 * The spans of one trace as a batch: one ResourceSpans per span, each with its resource and
 * scope. The comparison flattens batches, so grouping does not matter.
 */
export function expectedTrace(spans: readonly ReadableSpan[], traceId: string): SpanBatch {
  return {
    resourceSpans: spans
      .filter((s) => s.spanContext().traceId === traceId)
      .map((s) => ({
        resource: { attributes: attributesOf(s.resource.attributes), droppedAttributesCount: 0 },
        schemaUrl: s.resource.schemaUrl ?? '',
        scopeSpans: [
          {
            scope: {
              name: s.instrumentationScope.name,
              version: s.instrumentationScope.version ?? '',
              attributes: [],
              droppedAttributesCount: 0,
            },
            schemaUrl: s.instrumentationScope.schemaUrl ?? '',
            spans: [spanOf(s)],
          },
        ],
      })),
  };
}
