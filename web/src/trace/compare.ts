/**
 * Two traces side by side by structure (pure): each span is keyed by the path of
 * `service: name` from its root, and per path the spans of each trace are counted and their
 * durations averaged. What only one trace has, and where counts or times differ, stands out.
 */
import type { UiSpan, UiTrace } from './model.js';

export interface ComparedPath {
  /** `service: name` from the root down, joined by ` › `. */
  path: string;
  depth: number;
  service: string;
  name: string;
  countA: number;
  countB: number;
  /** Mean durations in microseconds; 0 where the trace has none. */
  meanA: number;
  meanB: number;
  errorsA: number;
  errorsB: number;
}

interface Sums {
  count: number;
  total: number;
  errors: number;
}

/** Per path, in the first trace's tree order, then the second's paths it lacks. */
function pathsOf(trace: UiTrace): Map<string, { depth: number; span: UiSpan; sums: Sums }> {
  const out = new Map<string, { depth: number; span: UiSpan; sums: Sums }>();
  const pathOf = new Map<string, string>();
  for (const s of trace.spans) {
    // Depth-first order: a parent's path is known before its children's.
    const parent = pathOf.get(s.parentSpanId);
    const own = `${s.service}: ${s.name}`;
    const path = s.depth === 0 || parent === undefined ? own : `${parent} › ${own}`;
    pathOf.set(s.spanId, path);
    let e = out.get(path);
    if (e === undefined) {
      e = { depth: path.split(' › ').length - 1, span: s, sums: { count: 0, total: 0, errors: 0 } };
      out.set(path, e);
    }
    e.sums.count++;
    e.sums.total += s.durationUs;
    if (s.status === 'error') e.sums.errors++;
  }
  return out;
}

export function compareTraces(a: UiTrace, b: UiTrace): ComparedPath[] {
  const pa = pathsOf(a);
  const pb = pathsOf(b);
  const order = [...pa.keys(), ...[...pb.keys()].filter((k) => !pa.has(k))];
  const zero: Sums = { count: 0, total: 0, errors: 0 };
  const rows = order.map((path) => {
    const x = pa.get(path);
    const y = pb.get(path);
    const sa = x?.sums ?? zero;
    const sb = y?.sums ?? zero;
    const span = (x ?? y)?.span as UiSpan;
    return {
      path,
      depth: (x ?? y)?.depth ?? 0,
      service: span.service,
      name: span.name,
      countA: sa.count,
      countB: sb.count,
      meanA: sa.count > 0 ? sa.total / sa.count : 0,
      meanB: sb.count > 0 ? sb.total / sb.count : 0,
      errorsA: sa.errors,
      errorsB: sb.errors,
    };
  });
  // A path only the second trace has goes under its nearest parent path in the list.
  const placed: ComparedPath[] = [];
  for (const r of rows) {
    if (r.countA > 0 || placed.length === 0) {
      placed.push(r);
      continue;
    }
    const parent = r.path.slice(0, Math.max(0, r.path.lastIndexOf(' › ')));
    let at = placed.findIndex((p) => p.path === parent);
    if (at < 0) {
      placed.push(r);
      continue;
    }
    at++;
    while (at < placed.length && (placed[at] as ComparedPath).path.startsWith(`${parent} › `)) at++;
    placed.splice(at, 0, r);
  }
  return placed;
}
