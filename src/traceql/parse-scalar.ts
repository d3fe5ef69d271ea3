/**
 * Scalar and metrics arithmetic outside `{ }`: number literals (folded at parse time), aggregates
 * (`count() + 1 > 2`), metrics queries with scalars (`({} | rate()) * 100`) and the comparisons
 * that make scalar filters. Which combinations exist follows Tempo's grammar: literals fold with
 * `+ - * /` only; `%` and `^` need an aggregate; metrics take `+ - * /` with queries or literals.
 */

import { ARITHMETIC_PRECEDENCE } from './precedence.js';
import type {
  Aggregate,
  ComparisonOp,
  MetricsArithmeticOp,
  NumericStatic,
  ScalarExpr,
} from './ast.js';
import { aggregate, scalarFilter } from './build.js';
import { TraceQLParseError } from './errors.js';
import { FoldError, foldArithmetic, negateStatic } from './fold.js';
import { A_ME, A_S, A_SCE, categoryFlag, type MixItem } from './parse-context.js';
import { numericStatic, parseFieldExpr } from './parse-field.js';
import { parseParen } from './parse-query.js';
import type { TokenStream } from './token-stream.js';
import type { Token } from './tokens.js';

export interface MixFlags {
  /** A comparison may turn the expression into a scalar filter. */
  readonly sf: boolean;
  /** Metrics queries may appear. */
  readonly me: boolean;
}

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const AGGREGATES = new Set(['count', 'avg', 'min', 'max', 'sum']);
const COMPARISON_PREC = 3;
/** Minimum precedence of what stands right of a comparison: the arithmetic. */
export const COMPARISON_RHS = COMPARISON_PREC + 1;

export const isComparison = (token: Token): boolean => COMPARISONS.has(token.type);
export const isAggregateToken = (token: Token): boolean => AGGREGATES.has(token.type);
const isArithmetic = (token: Token): boolean => ARITHMETIC_PRECEDENCE.has(token.type);
const isNumberToken = (token: Token): boolean =>
  token.type === 'INTEGER' ||
  token.type === 'FLOAT' ||
  token.type === 'DURATION' ||
  token.type === '-';

/** True when `token` can start a scalar or metrics expression. */
export const startsMix = (token: Token): boolean => isNumberToken(token) || isAggregateToken(token);

/** Parses an operand (whose category must end up in `allowed`) and what binds to it. */
export function parseMixOperand(
  ts: TokenStream,
  allowed: number,
  minPrec: number,
  flags: MixFlags,
): MixItem {
  const token = ts.peek();
  let item: MixItem;
  if (isNumberToken(token) && (allowed & (A_S | A_SCE | A_ME)) !== 0) {
    item = { cat: 'S', node: parseStaticPrimary(ts), at: token };
  } else if (isAggregateToken(token) && (allowed & A_SCE) !== 0) {
    item = { cat: 'SCE', node: parseAggregate(ts) };
  } else if (token.type === '(') {
    item = parseParen(ts, allowed & (A_S | A_SCE | A_ME)) as MixItem;
  } else {
    return ts.fail(token);
  }
  return continueMix(ts, item, minPrec, flags);
}

/** Extends `lhs` with the arithmetic and comparisons of precedence `minPrec` and above. */
export function continueMix(
  ts: TokenStream,
  first: MixItem,
  minPrec: number,
  flags: MixFlags,
): MixItem {
  let lhs = first;
  for (;;) {
    const token = ts.peek();
    const prec = ARITHMETIC_PRECEDENCE.get(token.type);
    if (prec !== undefined) {
      const allowed = rhsCategories(lhs.cat, token.type, flags);
      if (prec < minPrec || allowed === 0) return lhs;
      ts.next();
      lhs = combine(lhs, token, parseMixRhs(ts, lhs.cat, token, allowed, flags));
    } else if (
      isComparison(token) &&
      flags.sf &&
      (lhs.cat === 'S' || lhs.cat === 'SCE') &&
      minPrec <= COMPARISON_PREC
    ) {
      ts.next();
      const allowed = lhs.cat === 'S' ? A_SCE : A_S | A_SCE;
      const rhs = parseMixOperand(ts, allowed, COMPARISON_RHS, { sf: false, me: false });
      requireCategory(ts, rhs, allowed);
      lhs = { cat: 'SF', node: scalarFilter(token.type as ComparisonOp, lhs.node, mixScalar(rhs)) };
    } else {
      return lhs;
    }
  }
}

/** What may follow `lhs op`; 0 when the operator does not apply to `lhs`. */
function rhsCategories(cat: MixItem['cat'], op: string, flags: MixFlags): number {
  const basic = op !== '%' && op !== '^';
  switch (cat) {
    case 'S':
      return basic ? A_S | A_SCE | (flags.me ? A_ME : 0) : A_SCE;
    case 'SCE':
      return A_S | A_SCE;
    case 'ME':
      return basic ? A_S | A_ME : 0;
    case 'SF':
      return 0;
  }
}

function parseMixRhs(
  ts: TokenStream,
  lhsCat: MixItem['cat'],
  op: Token,
  allowed: number,
  flags: MixFlags,
): MixItem {
  const prec = ARITHMETIC_PRECEDENCE.get(op.type) ?? 0;
  let rhs = parseMixOperand(ts, allowed, op.type === '^' ? prec : prec + 1, {
    sf: false,
    me: flags.me,
  });
  if (lhsCat === 'S' && (op.type === '%' || op.type === '^')) {
    // Literals have no `%`/`^` of their own: Tempo keeps reading until an aggregate appears.
    const inner = { sf: false, me: false };
    while (rhs.cat === 'S' && isArithmetic(ts.peek())) {
      const next = ts.next();
      rhs = combine(
        rhs,
        next,
        parseMixRhs(ts, 'S', next, rhsCategories('S', next.type, inner), inner),
      );
    }
  }
  requireCategory(ts, rhs, allowed);
  return rhs;
}

function requireCategory(ts: TokenStream, item: MixItem, allowed: number): void {
  if ((categoryFlag(item.cat) & allowed) === 0) ts.fail(ts.peek());
}

function mixScalar(item: MixItem): ScalarExpr {
  if (item.cat === 'S' || item.cat === 'SCE') return item.node;
  throw new Error(`internal error: ${item.cat} is not a scalar`);
}

function combine(lhs: MixItem, op: Token, rhs: MixItem): MixItem {
  if (lhs.cat === 'S' && rhs.cat === 'S') {
    return { cat: 'S', node: fold(op, lhs.node, rhs.node), at: lhs.at };
  }
  if (lhs.cat === 'ME' || rhs.cat === 'ME') return combineMetrics(lhs, op, rhs);
  const node = {
    kind: 'ScalarOperation',
    op: op.type,
    lhs: mixScalar(lhs),
    rhs: mixScalar(rhs),
  } as const;
  return { cat: 'SCE', node: node as ScalarExpr };
}

function combineMetrics(lhs: MixItem, op: Token, rhs: MixItem): MixItem {
  const mathOp = op.type as MetricsArithmeticOp;
  if (lhs.cat === 'ME' && rhs.cat === 'ME') {
    return { cat: 'ME', node: { kind: 'MetricsMath', op: mathOp, lhs: lhs.node, rhs: rhs.node } };
  }
  const [scalar, query] = lhs.cat === 'S' ? [lhs, rhs] : [rhs, lhs];
  if (scalar.cat !== 'S' || query.cat !== 'ME')
    throw new Error('internal error: bad metrics operands');
  if (scalar.node.type === 'duration') {
    throw new TraceQLParseError(
      'a duration cannot be a scalar operand of metrics arithmetic',
      scalar.at.line,
      scalar.at.column,
    );
  }
  const node = {
    kind: 'MetricsScalarMath',
    op: mathOp,
    scalar: scalar.node,
    scalarOnLeft: lhs.cat === 'S',
    input: query.node,
  } as const;
  return { cat: 'ME', node };
}

function fold(op: Token, lhs: NumericStatic, rhs: NumericStatic): NumericStatic {
  try {
    return foldArithmetic(op.type as MetricsArithmeticOp, lhs, rhs);
  } catch (err) {
    if (err instanceof FoldError) throw new TraceQLParseError(err.message, op.line, op.column);
    throw err;
  }
}

/** A literal scalar: `INTEGER`, `FLOAT`, `DURATION`, `-scalar` or `(scalar)`. */
export function parseStaticPrimary(ts: TokenStream): NumericStatic {
  const token = ts.next();
  switch (token.type) {
    case 'INTEGER':
    case 'FLOAT':
    case 'DURATION':
      return numericStatic(token);
    case '-':
      return ts.nested(() => negateStatic(parseStaticPrimary(ts)));
    case '(':
      return ts.nested(() => {
        const inner = parseStaticScalar(ts, 0);
        ts.expect(')', []);
        return inner;
      });
    default:
      return ts.fail(token);
  }
}

/** A folded literal expression with `+ - * /` (metrics filters, right-hand sides). */
export function parseStaticScalar(ts: TokenStream, minPrec: number): NumericStatic {
  return continueStatic(ts, parseStaticPrimary(ts), minPrec);
}

/** Extends a literal with the `+ - * /` of precedence `minPrec` and above, folding as it goes. */
export function continueStatic(
  ts: TokenStream,
  first: NumericStatic,
  minPrec: number,
): NumericStatic {
  let lhs = first;
  for (;;) {
    const op = ts.peek();
    const prec = ARITHMETIC_PRECEDENCE.get(op.type);
    if (prec === undefined || prec < minPrec || op.type === '%' || op.type === '^') return lhs;
    ts.next();
    lhs = fold(op, lhs, parseStaticScalar(ts, prec + 1));
  }
}

/** `count()`, `avg(expr)`, `min(expr)`, `max(expr)`, `sum(expr)`. */
export function parseAggregate(ts: TokenStream): Aggregate {
  const op = ts.next().type as 'count' | 'avg' | 'min' | 'max' | 'sum';
  ts.expect('(');
  if (op === 'count') {
    ts.expect(')');
    return aggregate('count');
  }
  const expr = parseFieldExpr(ts);
  ts.expect(')', []);
  return aggregate(op, expr);
}
