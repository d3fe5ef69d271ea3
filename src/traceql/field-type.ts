/**
 * Static typing of field and scalar expressions, with Tempo's rules: numbers (int, float,
 * duration) combine and compare with each other, strings compare with strings (also `<`, `>`,
 * `=~`), status and kind only with `=` and `!=`, nil with anything by `=` and `!=`, and an
 * attribute's type is only known per span (`dynamic`), so it goes with everything.
 */

import type { FieldBinaryOp, FieldExpr, FieldType, ScalarExpr } from './ast.js';
import { INTRINSICS } from './intrinsics.js';

const BOOLEAN_OPS: ReadonlySet<FieldBinaryOp> = new Set([
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '=~',
  '!~',
  '&&',
  '||',
]);

/** True for int, float and duration. */
export const isNumericType = (t: FieldType): boolean =>
  t === 'int' || t === 'float' || t === 'duration';

/**
 * The static type of a field expression. Comparisons and `&& ||` are `bool`; arithmetic has its
 * left operand's type (its right one's when the left is `dynamic`); `-x` and `!x` have x's type.
 */
export function fieldType(e: FieldExpr): FieldType {
  switch (e.kind) {
    case 'Static':
      return e.type;
    case 'Attribute':
      return 'dynamic';
    case 'Intrinsic':
      return INTRINSICS[e.intrinsic].type;
    case 'UnaryOp':
      return fieldType(e.expr);
    case 'BinaryOp': {
      if (BOOLEAN_OPS.has(e.op)) return 'bool';
      const lhs = fieldType(e.lhs);
      return lhs === 'dynamic' ? fieldType(e.rhs) : lhs;
    }
  }
}

/** The static type of a scalar expression (`count()` is an int, `avg(x)` has x's type). */
export function scalarType(e: ScalarExpr): FieldType {
  switch (e.kind) {
    case 'Static':
      return e.type;
    case 'Aggregate':
      return e.expr === undefined || e.op === 'count' ? 'int' : fieldType(e.expr);
    case 'ScalarPipeline':
      return scalarType(e.aggregate);
    case 'ScalarOperation': {
      const lhs = scalarType(e.lhs);
      return lhs === 'dynamic' ? scalarType(e.rhs) : lhs;
    }
  }
}

/** True when the expression reads the span (holds an attribute or an intrinsic). */
export function referencesSpan(e: FieldExpr): boolean {
  switch (e.kind) {
    case 'Static':
      return false;
    case 'Attribute':
    case 'Intrinsic':
      return true;
    case 'UnaryOp':
      return referencesSpan(e.expr);
    case 'BinaryOp':
      return referencesSpan(e.lhs) || referencesSpan(e.rhs);
  }
}

/** True when values of the two types may be combined by some binary operator. */
export function typesCompatible(a: FieldType, b: FieldType): boolean {
  if (a === 'dynamic' || b === 'dynamic' || a === b || a === 'nil' || b === 'nil') return true;
  return isNumericType(a) && isNumericType(b);
}

/** True when `op` accepts an operand of type `t`. */
export function operatorAccepts(op: FieldBinaryOp, t: FieldType): boolean {
  switch (t) {
    case 'dynamic':
      return true;
    case 'bool':
      return op === '&&' || op === '||' || op === '=' || op === '!=';
    case 'int':
    case 'float':
    case 'duration':
      return !['&&', '||', '=~', '!~'].includes(op);
    case 'string':
      return ['=', '!=', '=~', '!~', '<', '<=', '>', '>='].includes(op);
    case 'nil':
    case 'status':
    case 'kind':
      return op === '=' || op === '!=';
  }
}
