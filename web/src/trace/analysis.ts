/**
 * What a trace's timing says, computed from its tree (pure): the critical path (the chain of
 * work that the trace's end waited on) and per service and operation the span count, total and
 * self time (not covered by the span's children) and errors.
 */
import type { UiSpan, UiTrace } from './model.js';

/** A part of a span on the critical path, in unix microseconds. */
export interface PathSegment {
  spanId: string;
  startUs: number;
  endUs: number;
}

const endOf = (s: UiSpan) => s.startUs + s.durationUs;

/**
 * The critical path, latest first: walking back from a span's end, the child that ended last
 * (before the time reached) is what the span waited on; the span's own time fills the gaps.
 * A child that ends after its parent is clipped to the parent's end.
 */
export function criticalPath(trace: UiTrace): PathSegment[] {
  const out: PathSegment[] = [];
  const roots = trace.spans.filter((s) => s.depth === 0);
  const root = roots.reduce<UiSpan | undefined>(
    (a, s) => (a && endOf(a) >= endOf(s) ? a : s),
    undefined,
  );
  if (root === undefined) return out;
  // An explicit stack: a deep trace must not overflow the call stack.
  const stack: Array<{ span: UiSpan; until: number }> = [{ span: root, until: endOf(root) }];
  while (stack.length > 0) {
    const { span, until } = stack.pop() as { span: UiSpan; until: number };
    let cursor = Math.min(endOf(span), until);
    const work: Array<{ span: UiSpan; until: number }> = [];
    const kids = span.children
      .filter((c) => c.startUs < cursor && endOf(c) > span.startUs)
      .sort((a, b) => endOf(b) - endOf(a));
    for (const kid of kids) {
      if (kid.startUs >= cursor) continue;
      const kidEnd = Math.min(endOf(kid), cursor);
      if (kidEnd < cursor) out.push({ spanId: span.spanId, startUs: kidEnd, endUs: cursor });
      work.push({ span: kid, until: kidEnd });
      cursor = Math.max(kid.startUs, span.startUs);
      if (cursor <= span.startUs) break;
    }
    if (cursor > span.startUs)
      out.push({ spanId: span.spanId, startUs: span.startUs, endUs: cursor });
    // Children were found latest first; their own segments follow in that order.
    for (let i = work.length - 1; i >= 0; i--)
      stack.push(work[i] as { span: UiSpan; until: number });
  }
  return out.sort((a, b) => b.startUs - a.startUs);
}

/** The time of `span` not covered by its children (clipped to it), in microseconds. */
export function selfTime(span: UiSpan): number {
  const start = span.startUs;
  const end = endOf(span);
  const parts = span.children
    .map((c) => [Math.max(start, c.startUs), Math.min(end, endOf(c))] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reach = start;
  for (const [a, b] of parts) {
    if (b <= reach) continue;
    covered += b - Math.max(a, reach);
    reach = b;
  }
  return Math.max(0, span.durationUs - covered);
}

export interface OperationStats {
  service: string;
  name: string;
  count: number;
  totalUs: number;
  selfUs: number;
  errors: number;
}

/** Per service and operation, busiest (most self time) first. */
export function traceStatistics(trace: UiTrace): OperationStats[] {
  const byKey = new Map<string, OperationStats>();
  for (const s of trace.spans) {
    const key = `${s.service}\u0000${s.name}`;
    let st = byKey.get(key);
    if (st === undefined) {
      st = { service: s.service, name: s.name, count: 0, totalUs: 0, selfUs: 0, errors: 0 };
      byKey.set(key, st);
    }
    st.count++;
    st.totalUs += s.durationUs;
    st.selfUs += selfTime(s);
    if (s.status === 'error') st.errors++;
  }
  return [...byKey.values()].sort(
    (a, b) =>
      b.selfUs - a.selfUs || a.service.localeCompare(b.service) || a.name.localeCompare(b.name),
  );
}
