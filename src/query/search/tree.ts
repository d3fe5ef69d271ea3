/**
 * Nested-set numbers of a trace's tree, from parent ids: a span's subtree is every span whose
 * `left` lies between its `left` and `right`, which makes the structural operators (`>`, `>>`, `~`
 * and their kin) comparisons of numbers. Computed whenever a trace's spans are brought together,
 * so fresh and compacted data number the same trace the same way.
 */
import { compareStart } from '../assemble-trace.js';
import type { EvalSpan } from './model.js';

/** Trace order of evaluated spans (start, then span id). */
export const byStart = (a: EvalSpan, b: EvalSpan): number => compareStart(a.line, b.line);

/**
 * Numbers the spans in place, children in start order. A root (no parent id) gets
 * `nestedSetParent` -1, as in Tempo. A span whose parent is not in the trace (not received yet)
 * heads its own subtree, numbered after the true roots, with `nestedSetParent` 0: relations
 * inside that subtree hold, and `nestedSetParent < 0` still selects only true roots.
 */
export function numberTree(spans: readonly EvalSpan[]): void {
  const ids = new Set<string>();
  for (const s of spans) ids.add(s.line.s);
  const children = new Map<string, EvalSpan[]>();
  const roots: EvalSpan[] = [];
  const orphans: EvalSpan[] = [];
  for (const s of spans) {
    const p = s.line.p ?? '';
    if (p === '' || p === s.line.s) roots.push(s);
    else if (!ids.has(p)) orphans.push(s);
    else {
      const list = children.get(p);
      if (list === undefined) children.set(p, [s]);
      else list.push(s);
    }
  }
  for (const list of children.values()) list.sort(byStart);
  roots.sort(byStart);
  orphans.sort(byStart);
  let next = 1;
  const seen = new Set<EvalSpan>();
  // Iterative depth-first walk: traces can be deep enough to overflow a recursive one.
  const walk = (top: EvalSpan, parentLeft: number): void => {
    const stack: Array<{ span: EvalSpan; parentLeft: number; entered: boolean }> = [
      { span: top, parentLeft, entered: false },
    ];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number];
      const span = frame.span;
      if (frame.entered) {
        stack.pop();
        span.nestedSetRight = next++;
        continue;
      }
      frame.entered = true;
      if (seen.has(span)) {
        // A cycle of parent ids: number the span once, as a leaf.
        stack.pop();
        continue;
      }
      seen.add(span);
      span.nestedSetLeft = next++;
      span.nestedSetParent = frame.parentLeft;
      const kids = children.get(span.line.s) ?? [];
      span.childCount = kids.length;
      for (let i = kids.length - 1; i >= 0; i--) {
        stack.push({ span: kids[i] as EvalSpan, parentLeft: span.nestedSetLeft, entered: false });
      }
    }
  };
  for (const r of roots) walk(r, -1);
  for (const o of orphans) walk(o, 0);
  // Spans only reachable through a cycle: leaves of their own.
  for (const s of spans) {
    if (seen.has(s)) continue;
    seen.add(s);
    s.nestedSetLeft = next++;
    s.nestedSetRight = next++;
    s.nestedSetParent = 0;
    s.childCount = children.get(s.line.s)?.length ?? 0;
  }
}
