/**
 * Operator precedence, lowest first, as in Tempo's grammar; one table for the parsers and the
 * printer. `^` is right-associative, the others left-associative.
 */
import type { FieldBinaryOp } from './ast.js';

/** Arithmetic, in field expressions, scalar filters and metrics math alike. */
export const ARITHMETIC_PRECEDENCE: ReadonlyMap<string, number> = new Map([
  ['+', 5],
  ['-', 5],
  ['*', 7],
  ['/', 7],
  ['%', 7],
  ['^', 8],
]);

/** Every binary operator of a field expression (inside `{ }`). */
export const FIELD_PRECEDENCE: Readonly<Record<FieldBinaryOp, number>> = {
  '&&': 2,
  '||': 2,
  '=': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '=~': 3,
  '!~': 3,
  ...(Object.fromEntries(ARITHMETIC_PRECEDENCE) as Record<
    '+' | '-' | '*' | '/' | '%' | '^',
    number
  >),
};
