/**
 * The head (live WAL segments) for tag searches: its spans, with their resource and scope, and
 * which of them match the `q` filter. A filter is judged per span in JavaScript, with the trace
 * assembled from the head's spans (trace-level and tree intrinsics need it).
 */
import type { FieldExpr } from '../../traceql/index.js';
import type { Wal } from '../../wal/index.js';
import { spanMatches } from '../search/field-eval.js';
import { evalSpan, serviceOf, type EvalSpan, type EvalTrace } from '../search/model.js';
import { numberTree } from '../search/tree.js';

export interface TimeRange {
  startMs?: number;
  endMs?: number;
}

/** Whether [fromMs, toMs] overlaps the range (open ends when not given). */
export function overlapsRange(fromMs: number, toMs: number, r: TimeRange): boolean {
  if (r.startMs !== undefined && toMs < r.startMs) return false;
  if (r.endMs !== undefined && fromMs > r.endMs) return false;
  return true;
}

export interface HeadTrace {
  spans: EvalSpan[];
  /** Some span matched the filter (every trace when there is none). */
  matched: boolean;
}

export interface HeadScan {
  /** The spans that count: the matching ones, or all without a filter. */
  spans: EvalSpan[];
  /** Every trace of the head, by id. */
  traces: Map<string, HeadTrace>;
  /** Bytes of the segments read. */
  bytes: number;
}

/** The trace-level fields of a head trace (its root: the earliest span without a parent). */
function evalTrace(traceId: string, spans: readonly EvalSpan[]): EvalTrace {
  let start = -1n;
  let end = -1n;
  let root: EvalSpan | undefined;
  for (const s of spans) {
    const st = BigInt(s.line.st);
    const en = BigInt(s.line.en) < st ? st : BigInt(s.line.en);
    if (start < 0n || st < start) start = st;
    if (en > end) end = en;
    if (!s.line.p && (root === undefined || st < BigInt(root.line.st))) root = s;
  }
  return {
    traceId,
    rootName: root?.line.n,
    rootService: root === undefined ? undefined : serviceOf(root.resource),
    startNs: start,
    durationNs: end - start,
  };
}

function matches(expr: FieldExpr, span: EvalSpan, trace: EvalTrace): boolean {
  try {
    return spanMatches(expr, span, trace);
  } catch {
    // A run-time error (division by zero…) must not fail a suggestion: count the span.
    return true;
  }
}

/** Reads the head's segments overlapping the range and judges the filter. */
export async function scanHead(
  wal: Wal,
  tenant: string,
  range: TimeRange,
  filter: FieldExpr | undefined,
): Promise<HeadScan> {
  const traces = new Map<string, HeadTrace>();
  let bytes = 0;
  for (const seg of await wal.liveSegments(tenant)) {
    if (seg.spanCount === 0 || !overlapsRange(seg.minStartMs, seg.maxEndMs, range)) continue;
    const lines = await seg.readAllSpans();
    bytes += seg.size;
    for (const line of lines) {
      const span = evalSpan(line, seg.resources.get(line.r), seg.scopes.get(line.c));
      const t = traces.get(line.t);
      if (t === undefined) traces.set(line.t, { spans: [span], matched: filter === undefined });
      else t.spans.push(span);
    }
  }
  if (filter === undefined) {
    return { spans: [...traces.values()].flatMap((t) => t.spans), traces, bytes };
  }
  const spans: EvalSpan[] = [];
  for (const [traceId, t] of traces) {
    numberTree(t.spans);
    const trace = evalTrace(traceId, t.spans);
    for (const s of t.spans) {
      if (!matches(filter, s, trace)) continue;
      spans.push(s);
      t.matched = true;
    }
  }
  return { spans, traces, bytes };
}

/** The root spans of the traces that count (matched, or all without a filter). */
export function headRoots(scan: HeadScan): EvalSpan[] {
  const out: EvalSpan[] = [];
  for (const t of scan.traces.values()) {
    if (!t.matched) continue;
    for (const s of t.spans) if (!s.line.p) out.push(s);
  }
  return out;
}
