/**
 * Pipelines and the operators between spansets.
 *
 * Between spansets, `&&` and `||` share the lowest precedence and the structural operators
 * (`> < >> << ~` and their `!` and `&` forms) bind tighter; all are left-associative:
 * `{a} && {b} > {c}` is `{a} && ({b} > {c})`, `{a} > {b} > {c}` is `({a} > {b}) > {c}`.
 * The same holds between parenthesised pipelines, but the two forms do not mix.
 */

import { ARITHMETIC_PRECEDENCE } from './precedence.js';
import type {
  Aggregate,
  ArithmeticOp,
  Coalesce,
  Field,
  GroupBy,
  Pipeline,
  PipelineElement,
  ScalarExpr,
  ScalarFilter,
  ScalarPipeline,
  Select,
  SpansetFilter,
  SpansetOp,
  SpansetOperation,
} from './ast.js';
import { bool, filter, pipeline, spansetOp } from './build.js';
import {
  A_ME,
  A_S,
  A_SCE,
  A_SE,
  A_SPE,
  A_SPEXP,
  type Item,
  type MixItem,
} from './parse-context.js';
import { parseField, parseFieldExpr } from './parse-field.js';
import { isMetricsFunction, parseMetricsFunction, parseSecondStages } from './parse-metrics.js';
import { parseParen } from './parse-query.js';
import {
  continueMix,
  isAggregateToken,
  parseAggregate,
  parseMixOperand,
  startsMix,
} from './parse-scalar.js';
import type { TokenStream } from './token-stream.js';

const SPANSET_OPS: ReadonlyMap<string, number> = new Map([
  ['&&', 2],
  ['||', 2],
  ...[
    '>',
    '<',
    '>>',
    '<<',
    '~',
    '!>',
    '!<',
    '!>>',
    '!<<',
    '!~',
    '&>',
    '&<',
    '&>>',
    '&<<',
    '&~',
  ].map((op) => [op, 3] as const),
]);

type SpansetExpr = SpansetFilter | SpansetOperation;

/** `{ }` or `{ expr }`. */
export function parseSpansetFilter(ts: TokenStream): SpansetFilter {
  ts.expect('{');
  if (ts.accept('}')) return filter(bool(true));
  const expr = parseFieldExpr(ts);
  ts.expect('}', []);
  return filter(expr);
}

/** Extends a spanset expression with the spanset operators of precedence `minPrec` and above. */
export function continueSpansetExpr(
  ts: TokenStream,
  first: SpansetExpr,
  minPrec: number,
): SpansetExpr {
  let lhs = first;
  for (;;) {
    const op = ts.peek();
    const prec = SPANSET_OPS.get(op.type);
    if (prec === undefined || prec < minPrec) return lhs;
    ts.next();
    const operand = ts.peek();
    let rhs: SpansetExpr;
    if (operand.type === '{') rhs = parseSpansetFilter(ts);
    else if (operand.type === '(') rhs = (parseParen(ts, A_SE) as { node: SpansetExpr }).node;
    else return ts.fail(operand, ['{', '(']);
    lhs = spansetOp(op.type as SpansetOp, lhs, continueSpansetExpr(ts, rhs, prec + 1));
  }
}

type PipelineExpr = Pipeline | SpansetOperation;

/** The same operators between parenthesised pipelines. */
export function continueSpansetPipelineExpr(
  ts: TokenStream,
  first: PipelineExpr,
  minPrec: number,
): PipelineExpr {
  let lhs = first;
  for (;;) {
    const op = ts.peek();
    const prec = SPANSET_OPS.get(op.type);
    if (prec === undefined || prec < minPrec) return lhs;
    ts.next();
    if (!ts.is('(')) ts.fail(ts.peek(), ['(']);
    const rhs = (parseParen(ts, A_SPE) as { node: PipelineExpr }).node;
    lhs = spansetOp(op.type as SpansetOp, lhs, continueSpansetPipelineExpr(ts, rhs, prec + 1));
  }
}

/** Arithmetic between parenthesised scalar pipelines: `({…} | count()) + ({…} | count())`. */
export function continueScalarPipelineExpr(
  ts: TokenStream,
  first: ScalarExpr,
  minPrec: number,
): ScalarExpr {
  let lhs = first;
  for (;;) {
    const op = ts.peek();
    const prec = ARITHMETIC_PRECEDENCE.get(op.type);
    if (prec === undefined || prec < minPrec) return lhs;
    ts.next();
    if (!ts.is('(')) ts.fail(ts.peek(), ['(']);
    const operand = (parseParen(ts, A_SPEXP) as { node: ScalarExpr }).node;
    const rhs = continueScalarPipelineExpr(ts, operand, op.type === '^' ? prec : prec + 1);
    lhs = { kind: 'ScalarOperation', op: op.type as ArithmeticOp, lhs, rhs };
  }
}

/**
 * Reads `| element` while there are some, after `first`. Ends early on `| metricsFn` (a
 * metrics pipeline) and, inside a group that may be a scalar pipeline, on `| aggregate )`.
 */
export function parsePipelineTail(
  ts: TokenStream,
  first: PipelineElement,
  firstIsSpanset: boolean,
  allowed: number,
  root: boolean,
): Item {
  const elements: PipelineElement[] = [first];
  while (ts.is('|')) {
    const after = ts.peek(1);
    ts.next();
    if (isMetricsFunction(after)) {
      if (!root && (allowed & A_ME) === 0) return ts.fail(after);
      const leaf = {
        kind: 'MetricsPipeline',
        pipeline: pipeline(...elements),
        fn: parseMetricsFunction(ts),
      } as const;
      return { cat: 'MP', node: parseSecondStages(ts, leaf) };
    }
    if (isAggregateToken(after) && !root && (allowed & A_SPEXP) !== 0) {
      const aggregate = parseAggregate(ts);
      if (ts.is(')')) return { cat: 'SCALAR_PIPELINE', node: scalarPipeline(elements, aggregate) };
      elements.push(
        requireFilter(ts, continueMix(ts, { cat: 'SCE', node: aggregate }, 0, SCALAR_FILTER)),
      );
      continue;
    }
    elements.push(parseElement(ts));
  }
  if (elements.length === 1 && firstIsSpanset) return { cat: 'SE', node: first as SpansetExpr };
  return { cat: 'SP', node: pipeline(...elements) };
}

const SCALAR_FILTER = { sf: true, me: false };

const scalarPipeline = (elements: PipelineElement[], aggregate: Aggregate): ScalarPipeline => ({
  kind: 'ScalarPipeline',
  pipeline: pipeline(...elements),
  aggregate,
});

function requireFilter(ts: TokenStream, item: MixItem): ScalarFilter {
  return item.cat === 'SF' ? item.node : ts.fail(ts.peek());
}

/** One element after `|`. */
function parseElement(ts: TokenStream): PipelineElement {
  const token = ts.peek();
  switch (token.type) {
    case '{':
      return continueSpansetExpr(ts, parseSpansetFilter(ts), 0);
    case '(': {
      const group = parseParen(ts, A_SE | A_SCE | A_S);
      if (group.cat === 'SE') return continueSpansetExpr(ts, group.node, 0);
      return requireFilter(ts, continueMix(ts, group as MixItem, 0, SCALAR_FILTER));
    }
    case 'by':
      return parseGroupBy(ts);
    case 'select':
      return parseSelect(ts);
    case 'coalesce':
      return parseCoalesce(ts);
  }
  if (startsMix(token))
    return requireFilter(ts, parseMixOperand(ts, A_S | A_SCE, 0, SCALAR_FILTER));
  return ts.fail(token);
}

/** `by(expr)`. */
export function parseGroupBy(ts: TokenStream): GroupBy {
  ts.next();
  ts.expect('(');
  const expr = parseFieldExpr(ts);
  ts.expect(')', []);
  return { kind: 'GroupBy', expr };
}

/** `select(field, …)`. */
export function parseSelect(ts: TokenStream): Select {
  ts.next();
  ts.expect('(');
  return { kind: 'Select', fields: parseFieldList(ts) };
}

/** `field, field, … )` (the closing parenthesis included). */
export function parseFieldList(ts: TokenStream): Field[] {
  const fields = [parseField(ts)];
  while (ts.accept(',')) fields.push(parseField(ts));
  ts.expect(')', [')', ',']);
  return fields;
}

function parseCoalesce(ts: TokenStream): Coalesce {
  ts.next();
  ts.expect('(');
  ts.expect(')');
  return { kind: 'Coalesce' };
}
