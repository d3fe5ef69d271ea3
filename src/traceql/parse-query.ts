/**
 * The query level: what a whole query or a parenthesised group is. Tempo's grammar lets `(`
 * open a spanset (`({…}) && {…}`), a pipeline (`({…} | count() > 1) && (…)`), a scalar pipeline
 * (`({…} | count()) + (…) = 1`), a metrics query (`({…} | rate()) * 2`) or a number. We parse the
 * contents, then decide from what was found and from what the context allows, so that a syntax
 * error is reported at the first token no valid query could continue with (as Tempo's LALR
 * parser does). Where Tempo's grammar has a shift/reduce choice, ours takes the same side:
 * `({…})` where a spanset may stand is a spanset, not a one-element pipeline.
 */

import type {
  ComparisonOp,
  MetricsExpr,
  Pipeline,
  RootExpr,
  ScalarExpr,
  ScalarFilter,
} from './ast.js';
import { pipeline, scalarFilter } from './build.js';
import {
  A_ALL,
  A_ME,
  A_S,
  A_SCE,
  A_SE,
  A_SPE,
  A_SPEXP,
  categoryFlag,
  pipelinesAllowed,
  type Item,
} from './parse-context.js';
import { parseHints, parseSecondStages } from './parse-metrics.js';
import {
  continueSpansetExpr,
  continueSpansetPipelineExpr,
  continueScalarPipelineExpr,
  parseGroupBy,
  parsePipelineTail,
  parseSelect,
  parseSpansetFilter,
} from './parse-pipeline.js';
import {
  COMPARISON_RHS,
  continueMix,
  continueStatic,
  isAggregateToken,
  isComparison,
  parseMixOperand,
  parseStaticScalar,
  startsMix,
} from './parse-scalar.js';
import type { TokenStream } from './token-stream.js';

/** Parses a whole query; the stream must be at its first token. */
export function parseQuery(ts: TokenStream): RootExpr {
  const item = parseCompound(ts, A_ALL, true);
  const query = rootQuery(ts, item);
  let hints: RootExpr['hints'] = [];
  // `root hints` is recursive in Tempo's grammar: a later with(…) replaces an earlier one.
  while (ts.is('with')) hints = parseHints(ts);
  if (!ts.is('$end')) ts.fail(ts.peek(), ['with']);
  return { kind: 'Root', query, hints };
}

function rootQuery(ts: TokenStream, item: Item): Pipeline | MetricsExpr {
  switch (item.cat) {
    case 'SE':
      return pipeline(item.node);
    case 'SP':
      return item.node;
    case 'SPE':
      return item.node.kind === 'Pipeline' ? item.node : pipeline(item.node);
    case 'MP':
      return item.node;
    case 'ME':
      return parseSecondStages(ts, item.node);
    case 'SPEXP':
      return pipeline(parseScalarPipelineFilter(ts, item.node));
    case 'SF':
    case 'EL':
    case 'SCALAR_PIPELINE':
    case 'SCE':
    case 'S':
      return ts.fail(ts.peek());
  }
}

/** `(…) op (…) cmp (…)` or `(…) op (…) cmp literal` at the root (unsupported by Tempo). */
function parseScalarPipelineFilter(ts: TokenStream, lhs: ScalarExpr): ScalarFilter {
  const op = ts.peek();
  if (!isComparison(op)) ts.fail(op);
  ts.next();
  let rhs: ScalarExpr;
  if (ts.is('(')) {
    const group = parseParen(ts, A_SPEXP | A_S);
    if (group.cat === 'SPEXP') rhs = continueScalarPipelineExpr(ts, group.node, COMPARISON_RHS);
    else if (group.cat === 'S') rhs = continueStatic(ts, group.node, COMPARISON_RHS);
    else return ts.fail(op);
  } else {
    rhs = parseStaticScalar(ts, COMPARISON_RHS);
  }
  return scalarFilter(op.type as ComparisonOp, lhs, rhs);
}

/** The contents of a group (or the whole query when `root`). */
function parseCompound(ts: TokenStream, allowed: number, root: boolean): Item {
  const pipes = root || pipelinesAllowed(allowed);
  const head = parseHead(ts, allowed, pipes);
  switch (head.cat) {
    case 'SE':
      return pipes ? parsePipelineTail(ts, head.node, true, allowed, root) : head;
    case 'SF':
    case 'EL':
      return parsePipelineTail(ts, head.node, false, allowed, root);
    case 'SPE':
    case 'SPEXP':
    case 'ME':
    case 'SCE':
    case 'S':
    case 'SP':
    case 'MP':
    case 'SCALAR_PIPELINE':
      return head;
  }
}

function parseHead(ts: TokenStream, allowed: number, pipes: boolean): Item {
  const token = ts.peek();
  if (token.type === '{' && ((allowed & A_SE) !== 0 || pipes)) {
    return { cat: 'SE', node: continueSpansetExpr(ts, parseSpansetFilter(ts), 0) };
  }
  if (token.type === 'by' && pipes) return { cat: 'EL', node: parseGroupBy(ts) };
  if (token.type === 'select' && pipes) return { cat: 'EL', node: parseSelect(ts) };
  const flags = { sf: pipes, me: (allowed & A_ME) !== 0 };
  if (token.type === '(') {
    const group = parseParen(ts, headCategories(allowed, pipes));
    switch (group.cat) {
      case 'SE':
        return { cat: 'SE', node: continueSpansetExpr(ts, group.node, 0) };
      case 'SPE':
        return { cat: 'SPE', node: continueSpansetPipelineExpr(ts, group.node, 0) };
      case 'SPEXP':
        return { cat: 'SPEXP', node: continueScalarPipelineExpr(ts, group.node, 0) };
      case 'S':
      case 'SCE':
      case 'ME':
        return continueMix(ts, group, 0, flags);
      case 'SF':
      case 'EL':
      case 'SP':
      case 'MP':
      case 'SCALAR_PIPELINE':
        return ts.fail(token);
    }
  }
  const mixAllowed = (allowed & (A_S | A_SCE | A_ME)) | (pipes ? A_S | A_SCE : 0);
  if (startsMix(token) && (mixAllowed & (isAggregateToken(token) ? A_SCE : A_ALL)) !== 0) {
    return parseMixOperand(ts, mixAllowed, 0, flags);
  }
  return ts.fail(token);
}

/** What a group opened at the start of a context allowing `allowed` may turn out to be. */
function headCategories(allowed: number, pipes: boolean): number {
  let cats = allowed & (A_SE | A_SPE | A_SPEXP | A_ME | A_SCE | A_S);
  if (pipes) cats |= A_SE | A_SCE | A_S;
  if ((allowed & (A_SCE | A_ME)) !== 0) cats |= A_S;
  return cats;
}

/** `( … )` in a context where the group may be any of `allowed`. */
export function parseParen(ts: TokenStream, allowed: number): Item {
  return ts.nested(() => {
    ts.expect('(');
    const inner = parseCompound(ts, allowed, false);
    const closed = closeParen(inner, allowed);
    if (closed === undefined || !ts.is(')')) {
      const pipelineInside =
        (inner.cat === 'SE' || inner.cat === 'SP') && pipelinesAllowed(allowed);
      const expecting = pipelineInside ? (closed === undefined ? ['|'] : [')', '|']) : [];
      return ts.fail(ts.peek(), expecting);
    }
    ts.next();
    return closed;
  });
}

/** What `( inner )` is where `allowed` may stand; undefined when it may not close there. */
function closeParen(inner: Item, allowed: number): Item | undefined {
  switch (inner.cat) {
    case 'SE':
      if ((allowed & A_SE) !== 0) return inner;
      return (allowed & A_SPE) !== 0 ? { cat: 'SPE', node: pipeline(inner.node) } : undefined;
    case 'SP':
      return (allowed & A_SPE) !== 0 ? { cat: 'SPE', node: inner.node } : undefined;
    case 'SCALAR_PIPELINE':
      return (allowed & A_SPEXP) !== 0 ? { cat: 'SPEXP', node: inner.node } : undefined;
    case 'MP':
      return (allowed & A_ME) !== 0 ? { cat: 'ME', node: inner.node } : undefined;
    case 'SPE':
    case 'SPEXP':
    case 'ME':
    case 'SCE':
    case 'S':
    case 'SF':
    case 'EL':
      return (categoryFlag(inner.cat) & allowed) !== 0 ? inner : undefined;
  }
}
