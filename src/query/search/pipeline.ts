/**
 * Runs a TraceQL search pipeline over one trace, as Tempo's engine does: the trace's spans are
 * one input spanset; each stage maps the list of spansets to a new one; the trace matches when a
 * non-empty spanset remains. How a span satisfies a `{…}` and what a field is worth are asked of
 * `hooks`, so the same code serves spans judged in SQL (flags) and spans judged here (values).
 */
import type {
  Aggregate,
  ComparisonOp,
  FieldExpr,
  Pipeline,
  PipelineElement,
  ScalarFilter,
  SpansetFilter,
  SpansetOp,
  SpansetOperand,
} from '../../traceql/index.js';
import { printFieldExpr, printScalar } from '../../traceql/index.js';
import { numericOf, type TqlValue } from './field-eval.js';
import type { EvalSpan } from './model.js';

export interface PipelineHooks {
  /** Whether `span` satisfies the filter's expression. */
  matches(filter: SpansetFilter, span: EvalSpan): boolean;
  /** The value of a field expression for `span` (for `by()` and aggregates). */
  value(expr: FieldExpr, span: EvalSpan): TqlValue;
}

/** A spanset attribute: a `by()` group's value or an aggregate's result, keyed by its text. */
export interface SpansetAttribute {
  key: string;
  value: TqlValue;
}

export interface Spanset {
  /** In trace order (start time, then span id); unique. */
  spans: EvalSpan[];
  attributes: SpansetAttribute[];
}

const NIL: TqlValue = { t: 'nil' };

/**
 * The non-empty spansets `pipeline` leaves for a trace whose spans are `spans` (in trace order,
 * and numbered by `numberTree` when structural operators are used).
 */
export function evaluatePipeline(
  pipeline: Pipeline,
  spans: readonly EvalSpan[],
  hooks: PipelineHooks,
): Spanset[] {
  const order = new Map<EvalSpan, number>();
  spans.forEach((s, i) => order.set(s, i));
  const run = new Runner(hooks, order);
  return run.pipeline(pipeline, [{ spans: [...spans], attributes: [] }]);
}

class Runner {
  constructor(
    readonly hooks: PipelineHooks,
    readonly order: ReadonlyMap<EvalSpan, number>,
  ) {}

  pipeline(p: Pipeline, input: Spanset[]): Spanset[] {
    let sets = input;
    for (const el of p.elements) {
      if (sets.length === 0) return sets;
      sets = this.element(el, sets);
    }
    return sets.filter((s) => s.spans.length > 0);
  }

  element(el: PipelineElement, input: Spanset[]): Spanset[] {
    switch (el.kind) {
      case 'SpansetFilter':
      case 'SpansetOperation':
        return this.spansetExpr(el, input);
      case 'ScalarFilter':
        return input.flatMap((s) => this.scalarFilter(el, s));
      case 'GroupBy':
        return input.flatMap((s) => this.groupBy(el.expr, s));
      case 'Coalesce':
        return this.coalesce(input);
      case 'Select':
        // Select only adds output attributes, which the caller reads from the query.
        return input;
    }
  }

  spansetExpr(e: SpansetOperand, input: Spanset[]): Spanset[] {
    switch (e.kind) {
      case 'SpansetFilter':
        return input
          .map((s) => ({ ...s, spans: s.spans.filter((sp) => this.hooks.matches(e, sp)) }))
          .filter((s) => s.spans.length > 0);
      case 'Pipeline':
        return this.pipeline(e, input);
      case 'SpansetOperation': {
        const out: Spanset[] = [];
        for (const s of input) {
          const lhs = this.spansetExpr(e.lhs, [s]);
          const rhs = this.spansetExpr(e.rhs, [s]);
          const spans = this.combine(e.op, lhs, rhs);
          if (spans.length > 0) out.push({ spans, attributes: s.attributes });
        }
        return out;
      }
    }
  }

  combine(op: SpansetOp, lhsSets: Spanset[], rhsSets: Spanset[]): EvalSpan[] {
    const lhs = this.unique(lhsSets);
    const rhs = this.unique(rhsSets);
    if (op === '&&') return lhs.length > 0 && rhs.length > 0 ? this.union(lhs, rhs) : [];
    if (op === '||') return this.union(lhs, rhs);
    const rel = RELATIONS[op];
    const right = rhs.filter((b) => lhs.some((a) => rel.holds(a, b)) !== rel.negated);
    if (!rel.both) return right;
    const left = lhs.filter((a) => rhs.some((b) => rel.holds(a, b)));
    return right.length > 0 ? this.union(left, right) : [];
  }

  unique(sets: Spanset[]): EvalSpan[] {
    if (sets.length === 1) return (sets[0] as Spanset).spans;
    return this.union(...sets.map((s) => s.spans));
  }

  union(...lists: EvalSpan[][]): EvalSpan[] {
    const seen = new Set<EvalSpan>();
    for (const l of lists) for (const s of l) seen.add(s);
    return [...seen].sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
  }

  scalarFilter(f: ScalarFilter, s: Spanset): Spanset[] {
    // The validator admits only `aggregate op literal` (the rest is unsupported).
    if (f.lhs.kind !== 'Aggregate' || f.rhs.kind !== 'Static') return [];
    const value = this.aggregate(f.lhs, s.spans);
    const limit = staticNumber(f.rhs);
    if (value === undefined || !compareNumbers(f.op, value, limit)) return [];
    const key = printScalar(f.lhs);
    const attr: SpansetAttribute = {
      key,
      value: aggregateValue(f.lhs, value, this.typeOf(f.lhs, s)),
    };
    return [{ spans: s.spans, attributes: [...s.attributes.filter((a) => a.key !== key), attr] }];
  }

  typeOf(a: Aggregate, s: Spanset): TqlValue['t'] {
    if (a.op === 'count' || a.expr === undefined) return 'int';
    for (const span of s.spans) {
      const v = this.hooks.value(a.expr, span);
      if (v.t === 'int' || v.t === 'float' || v.t === 'duration') return v.t;
    }
    return 'float';
  }

  aggregate(a: Aggregate, spans: readonly EvalSpan[]): number | undefined {
    if (a.op === 'count') return spans.length;
    const expr = a.expr as FieldExpr;
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const span of spans) {
      const x = numericOf(this.hooks.value(expr, span));
      if (x === undefined) continue;
      n++;
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (n === 0) return undefined;
    switch (a.op) {
      case 'avg':
        return sum / n;
      case 'sum':
        return sum;
      case 'min':
        return min;
      case 'max':
        return max;
    }
  }

  groupBy(expr: FieldExpr, s: Spanset): Spanset[] {
    const key = `by(${printFieldExpr(expr)})`;
    const groups = new Map<string, Spanset>();
    for (const span of s.spans) {
      const v = this.hooks.value(expr, span);
      const id = valueKey(v);
      let g = groups.get(id);
      if (g === undefined) {
        g = { spans: [], attributes: [...s.attributes, { key, value: v }] };
        groups.set(id, g);
      }
      g.spans.push(span);
    }
    return [...groups.values()];
  }

  coalesce(input: Spanset[]): Spanset[] {
    if (input.length === 0) return input;
    return [{ spans: this.unique(input), attributes: [] }];
  }
}

interface Relation {
  /** `holds(a, b)`: b stands in the relation to a (a from the left side, b from the right). */
  holds: (a: EvalSpan, b: EvalSpan) => boolean;
  negated: boolean;
  /** Union forms (`&>` …) return the matching spans of both sides. */
  both: boolean;
}

const isChild = (a: EvalSpan, b: EvalSpan) => b.nestedSetParent === a.nestedSetLeft && a !== b;
const isParent = (a: EvalSpan, b: EvalSpan) => isChild(b, a);
const isDescendant = (a: EvalSpan, b: EvalSpan) =>
  a.nestedSetLeft < b.nestedSetLeft && b.nestedSetRight < a.nestedSetRight;
const isAncestor = (a: EvalSpan, b: EvalSpan) => isDescendant(b, a);
const isSibling = (a: EvalSpan, b: EvalSpan) =>
  a !== b && a.nestedSetParent === b.nestedSetParent && a.nestedSetParent !== 0;

const rel = (holds: Relation['holds'], negated = false, both = false): Relation => ({
  holds,
  negated,
  both,
});

const RELATIONS: Record<Exclude<SpansetOp, '&&' | '||'>, Relation> = {
  '>': rel(isChild),
  '<': rel(isParent),
  '>>': rel(isDescendant),
  '<<': rel(isAncestor),
  '~': rel(isSibling),
  '!>': rel(isChild, true),
  '!<': rel(isParent, true),
  '!>>': rel(isDescendant, true),
  '!<<': rel(isAncestor, true),
  '!~': rel(isSibling, true),
  '&>': rel(isChild, false, true),
  '&<': rel(isParent, false, true),
  '&>>': rel(isDescendant, false, true),
  '&<<': rel(isAncestor, false, true),
  '&~': rel(isSibling, false, true),
};

function staticNumber(s: ScalarFilter['rhs'] & { kind: 'Static' }): number {
  return typeof s.value === 'bigint' ? Number(s.value) : s.value;
}

/** `x op y` for a comparison operator. */
export function compareNumbers(op: ComparisonOp, x: number, y: number): boolean {
  switch (op) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

/** An aggregate's result as a value of the type Tempo reports (count an int, avg a float). */
function aggregateValue(a: Aggregate, x: number, type: TqlValue['t']): TqlValue {
  if (a.op === 'count') return { t: 'int', v: BigInt(x) };
  if (a.op === 'avg')
    return type === 'duration' ? { t: 'duration', v: BigInt(Math.round(x)) } : { t: 'float', v: x };
  if (type === 'int' && Number.isInteger(x)) return { t: 'int', v: BigInt(x) };
  if (type === 'duration') return { t: 'duration', v: BigInt(Math.round(x)) };
  return { t: 'float', v: x };
}

/** A grouping key that tells values of different types apart (`1` the int from `"1"`). */
function valueKey(v: TqlValue): string {
  if (v.t === 'nil') return 'nil';
  if (v.t === 'array') return `array:${v.v.map(valueKey).join(',')}`;
  return `${v.t}:${String(v.v)}`;
}

export { NIL };
