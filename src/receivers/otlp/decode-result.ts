/**
 * What both OTLP trace decoders return, and the partial-success bookkeeping they share: a span
 * whose ids are unusable is left out of the batch and counted, and the first one is described.
 */

import type { Span, SpanBatch } from '../../model/index.js';

/** The outcome of decoding one `ExportTraceServiceRequest`. */
export interface DecodeResult {
  /** The accepted spans, nested as in the request (a scope whose spans were all rejected stays, empty). */
  batch: SpanBatch;
  /** Number of spans in `batch`. */
  spanCount: number;
  /** Spans left out because their ids were invalid: OTLP `partial_success.rejected_spans`. */
  rejectedSpans: number;
  /** Why, for the first rejected span (OTLP `partial_success.error_message`); '' when none. */
  rejectionMessage: string;
}

/**
 * Marks an id that cannot be used (wrong length; or all zero where that is forbidden) while a
 * span is being decoded. It is not hex, so it never collides with a real id, and a span holding
 * it never leaves the decoder.
 */
export const INVALID_ID = 'invalid';

/** Why a decoded span must be rejected, or '' when it is fine. */
export function spanProblem(span: Span): string {
  if (span.traceId === INVALID_ID) return 'an invalid trace_id (must be 16 bytes, not all zero)';
  if (span.spanId === INVALID_ID) return 'an invalid span_id (must be 8 bytes, not all zero)';
  if (span.parentSpanId === INVALID_ID) {
    return 'an invalid parent_span_id (must be empty or 8 bytes)';
  }
  const links = span.links;
  for (let i = 0; i < links.length; i++) {
    const link = links[i] as Span['links'][number];
    if (link.traceId === INVALID_ID) return `link ${i} with an invalid trace_id (must be 16 bytes)`;
    if (link.spanId === INVALID_ID) return `link ${i} with an invalid span_id (must be 8 bytes)`;
  }
  return '';
}

/** Counts accepted and rejected spans while a request is decoded. */
export class DecodeTally {
  spanCount = 0;
  rejectedSpans = 0;
  #first = '';

  /**
   * Adds `span` to `spans` when it is valid; otherwise counts it as rejected. The indexes are the
   * span's position in the request, for the rejection message.
   */
  accept(spans: Span[], span: Span, resource: number, scope: number, index: number): void {
    const problem = spanProblem(span);
    if (problem === '') {
      spans.push(span);
      this.spanCount++;
      return;
    }
    if (this.rejectedSpans === 0) {
      this.#first = `span ${index} of scope ${scope} of resource ${resource} has ${problem}`;
    }
    this.rejectedSpans++;
  }

  /** As `accept`, for formats without OTLP's nesting: the span is named by its place in the request. */
  acceptNth(spans: Span[], span: Span, index: number): void {
    const problem = spanProblem(span);
    if (problem === '') {
      spans.push(span);
      this.spanCount++;
      return;
    }
    if (this.rejectedSpans === 0) this.#first = `span ${index} has ${problem}`;
    this.rejectedSpans++;
  }

  result(batch: SpanBatch): DecodeResult {
    const n = this.rejectedSpans;
    const rejectionMessage =
      n === 0 ? '' : `${n} span${n === 1 ? '' : 's'} rejected: ${this.#first}`;
    return { batch, spanCount: this.spanCount, rejectedSpans: n, rejectionMessage };
  }
}
