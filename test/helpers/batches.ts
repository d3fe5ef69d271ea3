/** Small tools over span batches for storage tests: span counts and id sets, splitting, merging. */
import type { Span, SpanBatch } from '../../src/model/index.js';

/** Every span of a batch, in order. */
export function spansOf(batch: SpanBatch | undefined): Span[] {
  const out: Span[] = [];
  for (const rs of batch?.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans) out.push(...ss.spans);
  }
  return out;
}

/** The sorted span ids of every trace in a batch. */
export function spanIdsByTrace(batch: SpanBatch): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of spansOf(batch)) {
    const list = out.get(s.traceId);
    if (list) list.push(s.spanId);
    else out.set(s.traceId, [s.spanId]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/** The sorted span ids of a trace as read back (empty when not found). */
export function spanIds(trace: SpanBatch | undefined): string[] {
  return spansOf(trace)
    .map((s) => s.spanId)
    .sort();
}

/** The batch with only the spans that `keep` accepts (resources and scopes kept as they are). */
export function filterBatch(
  batch: SpanBatch,
  keep: (s: Span, index: number) => boolean,
): SpanBatch {
  let i = 0;
  return {
    resourceSpans: batch.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.filter((s) => keep(s, i++)),
      })),
    })),
  };
}

/** Deals the spans of each trace round-robin into `parts` batches (a trace with at least `parts`
 * spans is then in every part). */
export function splitBatch(batch: SpanBatch, parts: number): SpanBatch[] {
  const part = new Map<Span, number>();
  const seen = new Map<string, number>();
  for (const s of spansOf(batch)) {
    const n = seen.get(s.traceId) ?? 0;
    seen.set(s.traceId, n + 1);
    part.set(s, n % parts);
  }
  return Array.from({ length: parts }, (_, p) => filterBatch(batch, (s) => part.get(s) === p));
}

/** A span with no events, links, status, flags or dropped counts, unless `over` gives them. */
export function plainSpan(
  over: Pick<Span, 'traceId' | 'spanId' | 'name' | 'startTimeUnixNano' | 'endTimeUnixNano'> &
    Partial<Span>,
): Span {
  return {
    parentSpanId: '',
    traceState: '',
    kind: 2,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: 0,
    statusMessage: '',
    flags: 0,
    ...over,
  };
}

/** One resource of `service.name` = `service` with one scope holding `spans`. */
export function serviceBatch(service: string, spans: Span[]): SpanBatch {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { type: 'string', value: service } }],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'test', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans,
          },
        ],
      },
    ],
  };
}
