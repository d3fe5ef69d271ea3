/**
 * Metrics: the first-stage functions after `|` (`rate()`, `quantile_over_time(duration, .9)
 * by (…)`, `compare({…})`), the second stages (`| topk(k)`, `| bottomk(k)`, `> 10`) and the
 * `with(…)` hints that may end any query.
 */

import type {
  ComparisonOp,
  Field,
  Hint,
  MetricsExpr,
  MetricsFunction,
  MetricsFunctionName,
} from './ast.js';
import { parseField, parseStatic } from './parse-field.js';
import { parseFieldList, parseSpansetFilter } from './parse-pipeline.js';
import { COMPARISON_RHS, isComparison, parseStaticScalar } from './parse-scalar.js';
import type { TokenStream } from './token-stream.js';
import { METRICS_FUNCTIONS, type Token } from './tokens.js';

const NO_ARGUMENT = new Set(['rate', 'count_over_time']);
const FUNCTIONS: ReadonlySet<string> = new Set(METRICS_FUNCTIONS);

export const isMetricsFunction = (token: Token): boolean => FUNCTIONS.has(token.type);

/** A metrics function, its name token first. */
export function parseMetricsFunction(ts: TokenStream): MetricsFunction {
  const fn = ts.next().type;
  ts.expect('(');
  if (fn === 'compare') return parseCompareArguments(ts);
  let attribute: Field | undefined;
  let quantiles: number[] = [];
  if (NO_ARGUMENT.has(fn)) {
    ts.expect(')');
  } else if (fn === 'quantile_over_time') {
    attribute = parseField(ts);
    ts.expect(',');
    quantiles = parseNumberList(ts);
  } else {
    attribute = parseField(ts);
    ts.expect(')');
  }
  let by: Field[] = [];
  if (ts.accept('by')) {
    ts.expect('(');
    by = parseFieldList(ts);
  }
  return { kind: 'MetricsAggregate', fn: fn as MetricsFunctionName, attribute, quantiles, by };
}

/** `n, n, … )`: integers or floats, read as floats. */
function parseNumberList(ts: TokenStream): number[] {
  const values: number[] = [];
  do {
    const token = ts.next();
    if (token.type === 'INTEGER') values.push(Number(token.big ?? 0n));
    else if (token.type === 'FLOAT') values.push(token.num ?? 0);
    else ts.fail(token, ['INTEGER', 'FLOAT']);
  } while (ts.accept(','));
  ts.expect(')', [')', ',']);
  return values;
}

/** `{filter} )`, `{filter}, topN )` or `{filter}, topN, start, end )`. */
function parseCompareArguments(ts: TokenStream): MetricsFunction {
  const filter = parseSpansetFilter(ts);
  let topN = 10n;
  let startUnixNano = 0n;
  let endUnixNano = 0n;
  if (ts.accept(',')) {
    topN = integer(ts);
    if (ts.accept(',')) {
      startUnixNano = integer(ts);
      ts.expect(',');
      endUnixNano = integer(ts);
      ts.expect(')');
      return { kind: 'MetricsCompare', filter, topN, startUnixNano, endUnixNano };
    }
  }
  ts.expect(')', [')', ',']);
  return { kind: 'MetricsCompare', filter, topN, startUnixNano, endUnixNano };
}

const integer = (ts: TokenStream): bigint => ts.expect('INTEGER').big ?? 0n;

/** Reads `| topk(k)`, `| bottomk(k)` and `op literal` stages applied to `input`, in order. */
export function parseSecondStages(ts: TokenStream, input: MetricsExpr): MetricsExpr {
  let expr = input;
  for (;;) {
    if (ts.is('|')) {
      ts.next();
      const stage = ts.next();
      if (stage.type !== 'topk' && stage.type !== 'bottomk')
        return ts.fail(stage, ['topk', 'bottomk']);
      ts.expect('(');
      const limit = integer(ts);
      ts.expect(')');
      expr = { kind: 'MetricsTopK', op: stage.type, limit, input: expr };
    } else if (isComparison(ts.peek())) {
      const op = ts.next().type as ComparisonOp;
      expr = {
        kind: 'MetricsFilter',
        op,
        value: parseStaticScalar(ts, COMPARISON_RHS),
        input: expr,
      };
    } else {
      return expr;
    }
  }
}

/** `with(name=value, …)`. */
export function parseHints(ts: TokenStream): Hint[] {
  ts.expect('with');
  ts.expect('(');
  const hints: Hint[] = [];
  do {
    const name = ts.expect('IDENTIFIER').str ?? '';
    ts.expect('=');
    hints.push({ kind: 'Hint', name, value: parseStatic(ts) });
  } while (ts.accept(','));
  ts.expect(')', [')', ',']);
  return hints;
}
