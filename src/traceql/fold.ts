/**
 * Constant folding of number literals, with Tempo's semantics: int with int stays a signed 64-bit
 * int (wrapping, division truncating toward zero, division by zero refused); anything with a
 * float becomes a float. Durations may be negated but not combined.
 */

import type { MetricsArithmeticOp, NumericStatic } from './ast.js';

/** Why folding failed, for the parser to report at the operator. */
export class FoldError extends Error {}

/** `-s`. */
export function negateStatic(s: NumericStatic): NumericStatic {
  if (s.type === 'float') return { ...s, value: -s.value };
  return { ...s, value: BigInt.asIntN(64, -s.value) };
}

/** `l op r` for two number literals. */
export function foldArithmetic(
  op: MetricsArithmeticOp,
  l: NumericStatic,
  r: NumericStatic,
): NumericStatic {
  if (l.type === 'duration' || r.type === 'duration') {
    throw new FoldError('durations cannot be combined with arithmetic here');
  }
  if (l.type === 'int' && r.type === 'int')
    return { kind: 'Static', type: 'int', value: foldInt(op, l.value, r.value) };
  const a = Number(l.value);
  const b = Number(r.value);
  const value = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
  return { kind: 'Static', type: 'float', value };
}

function foldInt(op: MetricsArithmeticOp, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+':
      return BigInt.asIntN(64, a + b);
    case '-':
      return BigInt.asIntN(64, a - b);
    case '*':
      return BigInt.asIntN(64, a * b);
    case '/':
      if (b === 0n) throw new FoldError('division by zero');
      return BigInt.asIntN(64, a / b);
  }
}
