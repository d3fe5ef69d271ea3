/**
 * Canonical TraceQL text of a syntax tree. Parsing the output gives the same tree back: operands
 * are parenthesised wherever precedence or Tempo's grammar needs it, attribute names are quoted
 * when they hold characters that would end them, strings use double quotes with Go escapes.
 */

import { FIELD_PRECEDENCE } from './precedence.js';
import type {
  Aggregate,
  Attribute,
  Field,
  FieldBinaryOp,
  FieldExpr,
  Hint,
  Intrinsic,
  MetricsExpr,
  MetricsFunction,
  Pipeline,
  PipelineElement,
  RootExpr,
  ScalarExpr,
  SpansetFilter,
  SpansetOperand,
  Static,
} from './ast.js';
import { formatDuration } from './duration.js';
import { INTRINSICS } from './intrinsics.js';
import { isAttributeChar } from './lexer.js';

/** The query as canonical TraceQL text. */
export function printTraceQL(root: RootExpr): string {
  const query =
    root.query.kind === 'Pipeline' ? printPipeline(root.query) : printMetrics(root.query);
  if (root.hints.length === 0) return query;
  return `${query} with(${root.hints.map(printHint).join(', ')})`;
}

function printHint(hint: Hint): string {
  return `${hint.name}=${printStatic(hint.value)}`;
}

export function printPipeline(p: Pipeline): string {
  return p.elements.map(printElement).join(' | ');
}

function printElement(e: PipelineElement): string {
  switch (e.kind) {
    case 'SpansetFilter':
    case 'SpansetOperation':
      return printSpansetOperand(e, false);
    case 'ScalarFilter':
      return `${printScalar(e.lhs)} ${e.op} ${printScalar(e.rhs)}`;
    case 'GroupBy':
      return `by(${printFieldExpr(e.expr)})`;
    case 'Coalesce':
      return 'coalesce()';
    case 'Select':
      return `select(${e.fields.map(printField).join(', ')})`;
  }
}

function printFilter(f: SpansetFilter): string {
  if (f.expr.kind === 'Static' && f.expr.type === 'bool' && f.expr.value) return '{}';
  return `{ ${printFieldExpr(f.expr)} }`;
}

/** Whether a binary operand needs parentheses, given both precedences and its side. */
function wrapOperand(
  child: number | undefined,
  parent: number,
  side: 'left' | 'right',
  rightAssoc = false,
): boolean {
  if (child === undefined) return false;
  if (child !== parent) return child < parent;
  return side === 'left' ? rightAssoc : !rightAssoc;
}

const spansetPrecedence = (op: string): number => (op === '&&' || op === '||' ? 2 : 3);

function printSpansetOperand(e: SpansetOperand, wrap: boolean): string {
  switch (e.kind) {
    case 'SpansetFilter':
      return printFilter(e);
    case 'Pipeline':
      return `(${printPipeline(e)})`;
    case 'SpansetOperation': {
      const prec = spansetPrecedence(e.op);
      const side = (x: SpansetOperand, which: 'left' | 'right'): string => {
        const child = x.kind === 'SpansetOperation' ? spansetPrecedence(x.op) : undefined;
        return printSpansetOperand(x, wrapOperand(child, prec, which));
      };
      const text = `${side(e.lhs, 'left')} ${e.op} ${side(e.rhs, 'right')}`;
      return wrap ? `(${text})` : text;
    }
  }
}

function printAggregate(a: Aggregate): string {
  return `${a.op}(${a.expr === undefined ? '' : printFieldExpr(a.expr)})`;
}

/** A scalar expression: aggregates, literals, scalar pipelines and arithmetic between them. */
export function printScalar(e: ScalarExpr): string {
  switch (e.kind) {
    case 'Aggregate':
      return printAggregate(e);
    case 'Static':
      return printStatic(e);
    case 'ScalarPipeline':
      return `(${printPipeline(e.pipeline)} | ${printAggregate(e.aggregate)})`;
    case 'ScalarOperation': {
      const prec = FIELD_PRECEDENCE[e.op];
      const side = (x: ScalarExpr, which: 'left' | 'right'): string => {
        const child = x.kind === 'ScalarOperation' ? FIELD_PRECEDENCE[x.op] : undefined;
        return wrapOperand(child, prec, which, e.op === '^')
          ? `(${printScalar(x)})`
          : printScalar(x);
      };
      return `${side(e.lhs, 'left')} ${e.op} ${side(e.rhs, 'right')}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Field expressions
// ---------------------------------------------------------------------------------------------

/** A field expression as it would be written inside `{ }`. */
export function printFieldExpr(e: FieldExpr): string {
  return fieldText(e, 0);
}

/**
 * `follow` is the precedence of the operator printed right after `e` (0 for none): a prefix
 * operand (`-x`, `!x`, `-5`) would swallow a following operator that binds tighter than itself.
 */
function fieldText(e: FieldExpr, follow: number): string {
  switch (e.kind) {
    case 'Static':
      return printStatic(e);
    case 'Attribute':
    case 'Intrinsic':
      return printField(e);
    case 'UnaryOp':
      return (
        e.op +
        (e.expr.kind === 'BinaryOp' ? `(${fieldText(e.expr, 0)})` : fieldText(e.expr, follow))
      );
    case 'BinaryOp': {
      const prec = FIELD_PRECEDENCE[e.op];
      const lhs = childText(e.lhs, prec, needsParensLeft(e.lhs, e.op));
      const rhs = childText(e.rhs, follow, needsParensRight(e.rhs, e.op, follow));
      return `${lhs} ${e.op} ${rhs}`;
    }
  }
}

function childText(e: FieldExpr, follow: number, parens: boolean): string {
  return parens ? `(${fieldText(e, 0)})` : fieldText(e, follow);
}

/** The precedence a prefix form binds like, or undefined when `e` is not one. */
function prefixPrecedence(e: FieldExpr): number | undefined {
  if (e.kind === 'UnaryOp') return e.op === '-' ? 5 : 6;
  if (e.kind === 'Static' && isNegative(e)) return 5;
  return undefined;
}

function needsParensLeft(e: FieldExpr, parent: FieldBinaryOp): boolean {
  const parentPrec = FIELD_PRECEDENCE[parent];
  if (e.kind === 'BinaryOp') {
    const prec = FIELD_PRECEDENCE[e.op];
    return prec < parentPrec || (prec === parentPrec && parent === '^');
  }
  const prefix = prefixPrecedence(e);
  return prefix !== undefined && parentPrec > prefix;
}

function needsParensRight(e: FieldExpr, parent: FieldBinaryOp, follow: number): boolean {
  if (e.kind === 'BinaryOp') {
    const prec = FIELD_PRECEDENCE[e.op];
    const parentPrec = FIELD_PRECEDENCE[parent];
    return prec < parentPrec || (prec === parentPrec && parent !== '^');
  }
  const prefix = prefixPrecedence(e);
  return prefix !== undefined && follow > prefix;
}

function isNegative(s: Static): boolean {
  if (s.type === 'int' || s.type === 'duration') return s.value < 0n;
  return s.type === 'float' && (s.value < 0 || Object.is(s.value, -0));
}

/** A literal. */
export function printStatic(s: Static): string {
  switch (s.type) {
    case 'int':
      return s.value === -(1n << 63n) ? 'minInt' : s.value.toString();
    case 'float':
      return formatFloat(s.value);
    case 'string':
      return quoteString(s.value);
    case 'bool':
      return String(s.value);
    case 'nil':
      return 'nil';
    case 'duration':
      return formatDuration(s.value);
    case 'status':
    case 'kind':
      return s.value;
  }
}

/** A float that reads back as a float (`1.0`, `1.5`, `1e+21`); non-finite values as constant arithmetic. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / 0.0)';
  if (!Number.isFinite(v)) return v > 0 ? '(1.0 / 0.0)' : '(-1.0 / 0.0)';
  if (Object.is(v, -0)) return '-0.0';
  const text = String(v);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A double-quoted string with Go escapes. */
export function quoteString(value: string): string {
  let body = '';
  for (const c of value) {
    const code = c.charCodeAt(0);
    const control = code < 0x20 || code === 0x7f;
    body += ESCAPES[c] ?? (control ? `\\x${code.toString(16).padStart(2, '0')}` : c);
  }
  return `"${body}"`;
}

/** An attribute or intrinsic. */
export function printField(f: Field): string {
  return f.kind === 'Attribute' ? printAttribute(f) : printIntrinsic(f);
}

function printIntrinsic(i: Intrinsic): string {
  const info = INTRINSICS[i.intrinsic];
  const text =
    i.spelling === 'scoped' ? (info.scoped ?? info.legacy) : (info.legacy ?? info.scoped);
  return text ?? i.intrinsic;
}

function printAttribute(a: Attribute): string {
  const scope = a.scope === 'unscoped' ? (a.parent ? '' : '.') : `${a.scope}.`;
  const prefix = (a.parent ? 'parent.' : '') + scope;
  return prefix + (needsQuotes(a) ? `"${a.name.replace(/["\\]/g, (c) => `\\${c}`)}"` : a.name);
}

function needsQuotes(a: Attribute): boolean {
  if (a.name === '' || a.name.includes('"')) return true;
  for (const c of a.name) if (!isAttributeChar(c)) return true;
  // `.3x` would read as the number .3; `parent.span.x` as the span attribute x of the parent.
  if (a.scope === 'unscoped' && !a.parent && /^[0-9]/.test(a.name)) return true;
  return a.scope === 'unscoped' && a.parent && /^(span|resource)\./.test(a.name);
}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

function printMetrics(e: MetricsExpr): string {
  const stages: string[] = [];
  let inner = e;
  while (inner.kind === 'MetricsTopK' || inner.kind === 'MetricsFilter') {
    stages.unshift(
      inner.kind === 'MetricsTopK'
        ? ` | ${inner.op}(${inner.limit})`
        : ` ${inner.op} ${printStatic(inner.value)}`,
    );
    inner = inner.input;
  }
  return printMetricsHead(inner) + stages.join('');
}

/** Leaves and second stages always stand in parentheses inside arithmetic; arithmetic by precedence. */
function metricsOperand(e: MetricsExpr, parentOp: string, side: 'left' | 'right'): string {
  const child =
    e.kind === 'MetricsMath' || e.kind === 'MetricsScalarMath' ? FIELD_PRECEDENCE[e.op] : undefined;
  const wrap = child === undefined || wrapOperand(child, FIELD_PRECEDENCE[parentOp as '+'], side);
  return wrap ? `(${printMetrics(e)})` : printMetrics(e);
}

function printMetricsHead(e: MetricsExpr): string {
  switch (e.kind) {
    case 'MetricsPipeline':
      return `${printPipeline(e.pipeline)} | ${printMetricsFunction(e.fn)}`;
    case 'MetricsMath':
      return `${metricsOperand(e.lhs, e.op, 'left')} ${e.op} ${metricsOperand(e.rhs, e.op, 'right')}`;
    case 'MetricsScalarMath': {
      const scalar = printStatic(e.scalar);
      if (e.scalarOnLeft) return `${scalar} ${e.op} ${metricsOperand(e.input, e.op, 'right')}`;
      return `${metricsOperand(e.input, e.op, 'left')} ${e.op} ${scalar}`;
    }
    case 'MetricsTopK':
    case 'MetricsFilter':
      return printMetrics(e);
  }
}

function printMetricsFunction(fn: MetricsFunction): string {
  if (fn.kind === 'MetricsCompare') {
    const args =
      fn.startUnixNano !== 0n || fn.endUnixNano !== 0n
        ? `, ${fn.topN}, ${fn.startUnixNano}, ${fn.endUnixNano}`
        : fn.topN !== 10n
          ? `, ${fn.topN}`
          : '';
    return `compare(${printFilter(fn.filter)}${args})`;
  }
  const args = [
    ...(fn.attribute === undefined ? [] : [printField(fn.attribute)]),
    ...fn.quantiles.map((q) =>
      Number.isInteger(q) && Math.abs(q) < 2 ** 53 ? String(q) : formatFloat(q),
    ),
  ];
  const by = fn.by.length === 0 ? '' : ` by (${fn.by.map(printField).join(', ')})`;
  return `${fn.fn}(${args.join(', ')})${by}`;
}
