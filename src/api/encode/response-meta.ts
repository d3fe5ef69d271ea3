/** Inputs of the response encoders besides the trace itself. */

/** What `TraceByIDResponse` carries besides the trace. */
export interface TraceByIdMeta {
  /** The trace is incomplete (truncated by a size limit, filtered or pruned): status PARTIAL. */
  readonly partial?: boolean;
  /** Why it is partial; Grafana shows it beside the trace. Omitted when empty. */
  readonly message?: string;
  /** Bytes read to assemble the trace (`TraceByIDMetrics.inspectedBytes`, uint64). */
  readonly inspectedBytes?: number;
}

/** The outcome of an OTLP export, as `ExportTracePartialSuccess` reports it. */
export interface ExportTraceOutcome {
  /** Spans refused; only a positive count is reported. */
  readonly rejectedSpans: number;
  /** Why; '' when there is nothing to say. */
  readonly errorMessage: string;
}

/** True when the outcome needs a `partial_success` field (OTLP: omit it on full success). */
export function hasPartialSuccess(r: ExportTraceOutcome): boolean {
  return r.rejectedSpans > 0 || r.errorMessage.length > 0;
}
