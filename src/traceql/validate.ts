/**
 * `validateTraceQL`: the checks Tempo runs after parsing (`ast_validate.go`), in the same order,
 * so that a query fails for the same reason: static types, filters that must be conditions,
 * aggregates that must read the span, regular expressions, metrics arguments. What Tempo parses
 * but does not run throws `TraceQLUnsupportedError`; everything else `TraceQLValidationError`.
 */

import type {
  Aggregate,
  BinaryOp,
  FieldBinaryOp,
  FieldExpr,
  FieldType,
  MetricsExpr,
  MetricsFunction,
  MetricsPipeline,
  Pipeline,
  PipelineElement,
  RootExpr,
  ScalarExpr,
  ScalarFilter,
  SpansetOperand,
  UnaryOp,
} from './ast.js';
import { TraceQLUnsupportedError, TraceQLValidationError } from './errors.js';
import {
  fieldType,
  isNumericType,
  operatorAccepts,
  referencesSpan,
  scalarType,
  typesCompatible,
} from './field-type.js';
import { printFieldExpr, printScalar, printStatic, printTraceQL } from './print.js';
import { checkRegex } from './re2.js';

/** Tempo's `maxGroupBys`: `by()` fields a metrics function may have. */
const MAX_GROUP_BYS = 5;
const MAX_COMPARE_TOP_N = 1000n;

/** Throws `TraceQLValidationError` or `TraceQLUnsupportedError` when the query cannot run. */
export function validateTraceQL(root: RootExpr): void {
  if (root.query.kind === 'Pipeline') validatePipeline(root.query);
  else validateMetrics(root.query);
}

function validatePipeline(p: Pipeline): void {
  for (const element of p.elements) validateElement(element);
}

function validateElement(e: PipelineElement): void {
  switch (e.kind) {
    case 'SpansetFilter':
    case 'SpansetOperation':
      return validateSpansetOperand(e);
    case 'ScalarFilter':
      return validateScalarFilter(e);
    case 'GroupBy':
      if (!referencesSpan(e.expr)) {
        throw new TraceQLValidationError(
          `invalid by(${printFieldExpr(e.expr)}): the expression must refer to the span (an attribute or an intrinsic)`,
        );
      }
      return validateField(e.expr);
    case 'Coalesce':
      return;
    case 'Select':
      for (const field of e.fields) validateField(field);
  }
}

function validateSpansetOperand(e: SpansetOperand): void {
  switch (e.kind) {
    case 'Pipeline':
      return validatePipeline(e);
    case 'SpansetOperation':
      validateSpansetOperand(e.lhs);
      return validateSpansetOperand(e.rhs);
    case 'SpansetFilter': {
      validateField(e.expr);
      const type = fieldType(e.expr);
      if (type !== 'bool' && type !== 'dynamic') {
        throw new TraceQLValidationError(
          `invalid spanset filter { ${printFieldExpr(e.expr)} }: the expression must be a condition (bool), not ${type}`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Field expressions
// ---------------------------------------------------------------------------------------------

function validateField(e: FieldExpr): void {
  switch (e.kind) {
    case 'Static':
      return;
    case 'Attribute':
      if (e.parent) {
        throw new TraceQLUnsupportedError(
          `${printFieldExpr(e)}: parent. attributes are not supported`,
        );
      }
      return;
    case 'Intrinsic':
      if (e.intrinsic === 'parent')
        throw new TraceQLUnsupportedError('the parent intrinsic is not supported');
      return;
    case 'UnaryOp':
      return validateUnary(e);
    case 'BinaryOp':
      return validateBinary(e);
  }
}

function validateUnary(e: UnaryOp): void {
  validateField(e.expr);
  const type = fieldType(e.expr);
  const ok = type === 'dynamic' || (e.op === '-' ? isNumericType(type) : type === 'bool');
  if (!ok)
    throw new TraceQLValidationError(
      `invalid operation ${printFieldExpr(e)}: ${e.op} does not apply to ${type}`,
    );
}

function validateBinary(e: BinaryOp): void {
  validateField(e.lhs);
  validateField(e.rhs);
  checkNilComparison(e);
  const text = printFieldExpr(e);
  checkOperandTypes(text, e.op, fieldType(e.lhs), fieldType(e.rhs));
  if (e.op === '=~' || e.op === '!~') checkRegexOperand(e, text);
}

function checkOperandTypes(text: string, op: FieldBinaryOp, l: FieldType, r: FieldType): void {
  if (!typesCompatible(l, r)) {
    throw new TraceQLValidationError(`invalid operation ${text}: ${l} and ${r} cannot be combined`);
  }
  for (const t of [l, r]) {
    if (!operatorAccepts(op, t))
      throw new TraceQLValidationError(`invalid operation ${text}: ${op} does not apply to ${t}`);
  }
}

/** `x = nil` tests that x is missing, which intrinsics and the service name never are. */
function checkNilComparison(e: BinaryOp): void {
  if (e.op !== '=') return;
  const isNil = (x: FieldExpr): boolean => x.kind === 'Static' && x.type === 'nil';
  const other = isNil(e.rhs) ? e.lhs : isNil(e.lhs) ? e.rhs : undefined;
  if (other?.kind === 'Intrinsic') {
    throw new TraceQLValidationError(
      `invalid comparison ${printFieldExpr(e)}: intrinsics always have a value`,
    );
  }
  if (
    other?.kind === 'Attribute' &&
    other.scope === 'resource' &&
    !other.parent &&
    other.name === 'service.name'
  ) {
    throw new TraceQLValidationError(
      `invalid comparison ${printFieldExpr(e)}: resource.service.name always has a value`,
    );
  }
}

function checkRegexOperand(e: BinaryOp, text: string): void {
  if (e.rhs.kind !== 'Static' || e.rhs.type !== 'string') {
    throw new TraceQLValidationError(
      `invalid operation ${text}: the right side of ${e.op} must be a string literal`,
    );
  }
  const problem = checkRegex(e.rhs.value);
  if (problem !== undefined) {
    throw new TraceQLValidationError(
      `invalid regular expression ${printStatic(e.rhs)} in ${text}: ${problem}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Scalar filters and aggregates
// ---------------------------------------------------------------------------------------------

function validateScalarFilter(f: ScalarFilter): void {
  validateScalar(f.lhs);
  validateScalar(f.rhs);
  const text = `${printScalar(f.lhs)} ${f.op} ${printScalar(f.rhs)}`;
  checkOperandTypes(text, f.op, scalarType(f.lhs), scalarType(f.rhs));
  if (f.lhs.kind !== 'Aggregate')
    throw new TraceQLUnsupportedError(`${text}: ${unsupportedScalarSide(f.lhs, 'left')}`);
  if (f.rhs.kind !== 'Static')
    throw new TraceQLUnsupportedError(`${text}: ${unsupportedScalarSide(f.rhs, 'right')}`);
}

function unsupportedScalarSide(e: ScalarExpr, side: 'left' | 'right'): string {
  if (containsScalarPipeline(e)) return 'scalar pipeline expressions are not supported';
  if (e.kind === 'ScalarOperation')
    return 'arithmetic on aggregates in a scalar filter is not supported';
  if (side === 'left')
    return 'a scalar filter must have the aggregate on the left and a number on the right';
  return 'comparing two aggregates is not supported';
}

function containsScalarPipeline(e: ScalarExpr): boolean {
  if (e.kind === 'ScalarPipeline') return true;
  return (
    e.kind === 'ScalarOperation' && (containsScalarPipeline(e.lhs) || containsScalarPipeline(e.rhs))
  );
}

function validateScalar(e: ScalarExpr): void {
  switch (e.kind) {
    case 'Static':
      return;
    case 'Aggregate':
      return validateAggregate(e);
    case 'ScalarPipeline':
      validatePipeline(e.pipeline);
      return validateAggregate(e.aggregate);
    case 'ScalarOperation':
      validateScalar(e.lhs);
      validateScalar(e.rhs);
      return checkOperandTypes(printScalar(e), e.op, scalarType(e.lhs), scalarType(e.rhs));
  }
}

function validateAggregate(a: Aggregate): void {
  if (a.expr === undefined) return;
  validateField(a.expr);
  const type = fieldType(a.expr);
  const text = printScalar(a);
  if (type !== 'dynamic' && !isNumericType(type)) {
    throw new TraceQLValidationError(
      `invalid aggregate ${text}: its argument must be a number, not ${type}`,
    );
  }
  if (!referencesSpan(a.expr)) {
    throw new TraceQLValidationError(
      `invalid aggregate ${text}: its argument must refer to the span (an attribute or an intrinsic)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

function validateMetrics(root: MetricsExpr): void {
  const leaves = metricsLeaves(root);
  for (const leaf of leaves) validatePipeline(leaf.pipeline);
  for (const leaf of leaves) validateMetricsFunction(leaf.fn);
  validateStages(root);
  if (root.kind !== 'MetricsPipeline' && leaves.some((leaf) => leaf.fn.kind === 'MetricsCompare')) {
    throw new TraceQLValidationError(
      'compare() cannot be combined with topk, bottomk, filters or arithmetic: ' +
        printTraceQL({ kind: 'Root', query: root, hints: [] }),
    );
  }
}

/** The first-stage pipelines, left to right. */
function metricsLeaves(e: MetricsExpr): MetricsPipeline[] {
  switch (e.kind) {
    case 'MetricsPipeline':
      return [e];
    case 'MetricsMath':
      return [...metricsLeaves(e.lhs), ...metricsLeaves(e.rhs)];
    case 'MetricsTopK':
    case 'MetricsFilter':
    case 'MetricsScalarMath':
      return metricsLeaves(e.input);
  }
}

function validateStages(e: MetricsExpr): void {
  switch (e.kind) {
    case 'MetricsPipeline':
      return;
    case 'MetricsMath':
      validateStages(e.lhs);
      return validateStages(e.rhs);
    case 'MetricsTopK':
      if (e.limit <= 0n)
        throw new TraceQLValidationError(
          `invalid ${e.op}(${e.limit}): the limit must be greater than 0`,
        );
      return validateStages(e.input);
    case 'MetricsFilter':
    case 'MetricsScalarMath':
      return validateStages(e.input);
  }
}

function validateMetricsFunction(fn: MetricsFunction): void {
  if (fn.kind === 'MetricsCompare') return validateCompare(fn);
  if (fn.attribute !== undefined) validateField(fn.attribute);
  for (const field of fn.by) validateField(field);
  // histogram and quantile series carry one more label (the bucket or the quantile).
  const maxBy =
    fn.fn === 'histogram_over_time' || fn.fn === 'quantile_over_time'
      ? MAX_GROUP_BYS - 1
      : MAX_GROUP_BYS;
  if (fn.by.length > maxBy) {
    throw new TraceQLUnsupportedError(`${fn.fn}() by more than ${maxBy} fields is not supported`);
  }
  const outside = fn.quantiles.find((q) => !(q >= 0 && q <= 1));
  if (outside !== undefined) {
    throw new TraceQLValidationError(
      `invalid quantile_over_time(): quantile ${outside} is not between 0 and 1`,
    );
  }
}

function validateCompare(fn: Extract<MetricsFunction, { kind: 'MetricsCompare' }>): void {
  validateSpansetOperand(fn.filter);
  if (fn.topN <= 0n || fn.topN > MAX_COMPARE_TOP_N) {
    throw new TraceQLValidationError(
      `invalid compare(): the number of top values must be between 1 and 1000, not ${fn.topN}`,
    );
  }
  if (fn.startUnixNano === 0n && fn.endUnixNano === 0n) return;
  if (fn.startUnixNano <= 0n || fn.endUnixNano <= 0n) {
    throw new TraceQLValidationError(
      'invalid compare(): start and end must be positive unix nanoseconds',
    );
  }
  if (fn.endUnixNano <= fn.startUnixNano) {
    throw new TraceQLValidationError('invalid compare(): end must be after start');
  }
}
