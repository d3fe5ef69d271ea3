/**
 * TraceQL run-time values and what the binary operators do with them, as Tempo's engine does
 * (`pkg/traceql/ast_execute.go` BinaryOperation.execute, `enum_statics.go`, `enum_operators.go`).
 * Pure; `field-eval.ts` compiles expressions on top of it.
 */
import type {
  ArithmeticOp,
  FieldBinaryOp,
  KindLiteral,
  StatusLiteral,
} from '../../traceql/index.js';
import { translateRe2 } from '../../traceql/index.js';
import { VivaceError } from '../../model/index.js';
import type { StoredAttr } from '../../wal/index.js';

export type TqlValue =
  | { t: 'nil' }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'string'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'duration'; v: bigint }
  | { t: 'status'; v: StatusLiteral }
  | { t: 'kind'; v: KindLiteral }
  | { t: 'array'; v: readonly TqlValue[] };

export type TqlType = TqlValue['t'];

/**
 * A query that Tempo fails at run time: integer division or modulo by zero, `!` of a value that
 * is not a boolean, unary minus of a value that is not a number. HTTP 400.
 */
export class TraceQLEvalError extends VivaceError {
  constructor(message: string) {
    super('invalid_request', message);
  }
}

export const NIL: TqlValue = Object.freeze({ t: 'nil' });
export const TRUE: TqlValue = Object.freeze({ t: 'bool', v: true });
export const FALSE: TqlValue = Object.freeze({ t: 'bool', v: false });

export const boolValue = (b: boolean): TqlValue => (b ? TRUE : FALSE);
export const isTrue = (v: TqlValue): boolean => v.t === 'bool' && v.v;

const MIN_INT64 = -(2n ** 63n);
const TWO_63 = 2 ** 63;

/** Go's int64 wrap-around. */
export const wrap64 = (n: bigint): bigint => BigInt.asIntN(64, n);

// ---------------------------------------------------------------------------------------------
// Stored attributes → values
// ---------------------------------------------------------------------------------------------

const arrays = new WeakMap<StoredAttr, TqlValue>();

/**
 * The value of a stored attribute, or NIL for what Tempo cannot search: bytes, kvlists, empty
 * arrays and arrays mixing element types (vParquet5 keeps those as unsupported JSON). A
 * one-element array reads as its element, as vParquet5's attribute collector does.
 */
export function decodeAttr(a: StoredAttr): TqlValue {
  switch (a.t) {
    case 1:
      return { t: 'string', v: a.s ?? '' };
    case 2:
      return decodeInt(a.i);
    case 3:
      return { t: 'float', v: typeof a.d === 'number' ? a.d : Number(a.d ?? 0) };
    case 4:
      return boolValue(a.b === true);
    case 6: {
      let v = arrays.get(a);
      if (v === undefined) arrays.set(a, (v = decodeArray(a.s)));
      return v;
    }
    default:
      return NIL;
  }
}

function decodeInt(i: string | number | null | undefined): TqlValue {
  try {
    if (typeof i === 'number') return { t: 'int', v: wrap64(BigInt(Math.trunc(i))) };
    return { t: 'int', v: wrap64(BigInt(i ?? 0)) };
  } catch {
    return NIL;
  }
}

function decodeArray(text: string | null | undefined): TqlValue {
  let elems: unknown;
  try {
    elems = JSON.parse(text ?? '[]');
  } catch {
    return NIL;
  }
  if (!Array.isArray(elems) || elems.length === 0) return NIL;
  const values: TqlValue[] = [];
  for (const e of elems as unknown[]) {
    const a = e as StoredAttr | null;
    // Only scalar elements of one type make a searchable array.
    const v = typeof a === 'object' && a !== null && a.t >= 1 && a.t <= 4 ? decodeAttr(a) : NIL;
    if (v.t === 'nil') return NIL;
    if (values.length > 0 && v.t !== values[0]?.t) return NIL;
    values.push(v);
  }
  return values.length === 1 ? (values[0] as TqlValue) : { t: 'array', v: values };
}

/** The first attribute named `key` (Tempo takes the first of duplicates); undefined when absent or unsearchable. */
export function findAttr(
  attrs: readonly StoredAttr[] | null | undefined,
  key: string,
): TqlValue | undefined {
  if (attrs === null || attrs === undefined) return undefined;
  for (const a of attrs) {
    if (a.k === key) {
      const v = decodeAttr(a);
      return v.t === 'nil' ? undefined : v;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Type rules (Tempo's isMatchingOperand and binaryTypeValid)
// ---------------------------------------------------------------------------------------------

const isNumeric = (t: TqlType): boolean => t === 'int' || t === 'float' || t === 'duration';

/** Whether the two run-time types may meet in a binary operation at all. */
function matchingOperands(a: TqlType, b: TqlType): boolean {
  return a === b || a === 'nil' || b === 'nil' || (isNumeric(a) && isNumeric(b));
}

type OrderingOp = '<' | '<=' | '>' | '>=';

const ARITHMETIC: ReadonlySet<FieldBinaryOp> = new Set(['+', '-', '*', '/', '%', '^']);
const ORDERING: ReadonlySet<FieldBinaryOp> = new Set(['<', '<=', '>', '>=']);

const isArithmetic = (op: FieldBinaryOp): op is ArithmeticOp => ARITHMETIC.has(op);
const isOrdering = (op: FieldBinaryOp): op is OrderingOp => ORDERING.has(op);

/** Whether `op` accepts an operand of run-time type `t` (arrays go by their element type). */
function opAccepts(op: FieldBinaryOp, t: TqlType): boolean {
  switch (t) {
    case 'bool':
      return op === '&&' || op === '||' || op === '=' || op === '!=';
    case 'int':
    case 'float':
    case 'duration':
      return ARITHMETIC.has(op) || ORDERING.has(op) || op === '=' || op === '!=';
    case 'string':
      return ORDERING.has(op) || op === '=' || op === '!=' || op === '=~' || op === '!~';
    case 'nil':
    case 'status':
    case 'kind':
      return op === '=' || op === '!=';
    case 'array':
      return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Equality, ordering, arithmetic
// ---------------------------------------------------------------------------------------------

/** Go's float64(x) of a number value; NaN for anything else (as Static.Float()). */
export function floatOf(v: TqlValue): number {
  switch (v.t) {
    case 'float':
      return v.v;
    case 'int':
    case 'duration':
      return Number(v.v);
    case 'nil':
    case 'string':
    case 'bool':
    case 'status':
    case 'kind':
    case 'array':
      return NaN;
  }
}

/** Tempo's Static.Equals: nil equals nothing; int and duration by value; floats numerically. */
export function valuesEqual(a: TqlValue, b: TqlValue): boolean {
  if (a.t === 'nil' || b.t === 'nil') return false;
  if (a.t === 'float' || b.t === 'float') return isNumeric(a.t) && floatOf(a) === floatOf(b);
  if ((a.t === 'int' || a.t === 'duration') && (b.t === 'int' || b.t === 'duration')) {
    return a.v === b.v;
  }
  if (a.t === 'array' || b.t === 'array') return false;
  return a.t === b.t && a.v === b.v;
}

/** Byte order of the UTF-8 encodings (Go's strings.Compare), which is code point order. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // A surrogate starts a code point above U+FFFF, so it sorts after U+E000…U+FFFF.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

function ordered(op: OrderingOp, c: number): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/** Go's math.Pow where it differs from `**` (1^NaN, (-1)^±Inf). */
export function goPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/** Go's int(f) on amd64: truncation, and the most negative int64 when out of range or NaN. */
function goFloatToInt(f: number): bigint {
  if (Number.isNaN(f) || f >= TWO_63 || f < -TWO_63) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/**
 * Tempo's intPow: `int(math.Pow(float64(base), float64(exp)))` (TestIntPow: `10 ^ -1` is 0,
 * `100 ^ 100` overflows to the amd64 conversion result, the most negative int64).
 */
export const intPow = (base: bigint, exp: bigint): bigint =>
  goFloatToInt(goPow(Number(base), Number(exp)));

function intArithmetic(op: ArithmeticOp, a: bigint, b: bigint): TqlValue {
  switch (op) {
    case '+':
      return { t: 'int', v: wrap64(a + b) };
    case '-':
      return { t: 'int', v: wrap64(a - b) };
    case '*':
      return { t: 'int', v: wrap64(a * b) };
    case '/':
      if (b === 0n) throw new TraceQLEvalError('division by zero');
      return { t: 'int', v: wrap64(a / b) };
    case '%':
      if (b === 0n) throw new TraceQLEvalError('modulo by zero');
      return { t: 'int', v: a % b };
    case '^':
      // Tempo evaluates int ^ int as intPow(rhs, lhs): `{ 2 ^ 3 = 9 }` holds there
      // (ast_execute.go, unchanged since 2024). We keep Tempo's order; see the tests.
      return { t: 'int', v: intPow(b, a) };
  }
}

/** Arithmetic where either side is a float or a duration: Tempo computes in float64. */
function floatArithmetic(op: ArithmeticOp, a: number, b: number): TqlValue {
  switch (op) {
    case '+':
      return { t: 'float', v: a + b };
    case '-':
      return { t: 'float', v: a - b };
    case '*':
      return { t: 'float', v: a * b };
    case '/':
      return { t: 'float', v: a / b };
    case '%':
      return { t: 'float', v: a % b };
    case '^':
      return { t: 'float', v: goPow(a, b) };
  }
}

/** Matches `text` against the RE2 pattern `pattern` (fully anchored), as the engine does. */
export type RegexMatcher = (text: string, pattern: string) => boolean;

/**
 * `lhs op rhs` for every operator but `&&` and `||`, with Tempo's rules: operands of types that
 * do not go together, or that the operator does not take, give false for a comparison and nil
 * for arithmetic (Tempo gives false there too; nil keeps `by()` groups and SQL NULLs honest).
 */
export function applyBinary(
  op: FieldBinaryOp,
  l: TqlValue,
  r: TqlValue,
  regex: RegexMatcher,
): TqlValue {
  const miss = isArithmetic(op) ? NIL : FALSE;
  if (l.t === 'array' || r.t === 'array') return arrayOp(op, l, r, regex);
  if (!matchingOperands(l.t, r.t) || !opAccepts(op, l.t) || !opAccepts(op, r.t)) return miss;
  if (l.t === 'string' && r.t === 'string') {
    if (isOrdering(op)) return boolValue(ordered(op, compareStrings(l.v, r.v)));
    if (op === '=~' || op === '!~') return boolValue(regex(l.v, r.v) === (op === '=~'));
  } else if (l.t === 'int' && r.t === 'int') {
    if (isArithmetic(op)) return intArithmetic(op, l.v, r.v);
    if (isOrdering(op)) return boolValue(ordered(op, l.v < r.v ? -1 : l.v > r.v ? 1 : 0));
  }
  if (op === '=') return boolValue(valuesEqual(l, r));
  if (op === '!=') return boolValue(l.t !== 'nil' && r.t !== 'nil' && !valuesEqual(l, r));
  if (isArithmetic(op)) return floatArithmetic(op, floatOf(l), floatOf(r));
  if (isOrdering(op)) return floatOrdering(op, floatOf(l), floatOf(r));
  return miss;
}

function floatOrdering(op: OrderingOp, a: number, b: number): TqlValue {
  // NaN compares false with everything, as in Go.
  if (Number.isNaN(a) || Number.isNaN(b)) return FALSE;
  return boolValue(ordered(op, a < b ? -1 : a > b ? 1 : 0));
}

/**
 * An array attribute against a scalar, element by element with the scalar kept on its side:
 * `=`, `=~` and the orderings hold when some element does, `!=` and `!~` when every element
 * does (no element equals or matches). Elements of another type than the scalar's give false
 * for both. Array against array is an error in Tempo; here it is false. Arithmetic is nil.
 */
function arrayOp(op: FieldBinaryOp, l: TqlValue, r: TqlValue, regex: RegexMatcher): TqlValue {
  if (isArithmetic(op)) return NIL;
  if (op === '&&' || op === '||' || (l.t === 'array' && r.t === 'array')) return FALSE;
  const arrayOnLeft = l.t === 'array';
  const [array, scalar] = arrayOnLeft ? [l, r] : [r, l];
  if (array.t !== 'array') return FALSE;
  const elems = array.v;
  const first = elems[0];
  if (first === undefined || !matchingOperands(first.t, scalar.t)) return FALSE;
  if (!opAccepts(op, first.t) || !opAccepts(op, scalar.t)) return FALSE;
  const all = op === '!=' || op === '!~';
  for (const e of elems) {
    const hit = isTrue(
      arrayOnLeft ? applyBinary(op, e, scalar, regex) : applyBinary(op, scalar, e, regex),
    );
    if (all !== hit) return boolValue(!all);
  }
  return boolValue(all);
}

// ---------------------------------------------------------------------------------------------
// Regular expressions: RE2 syntax to a JavaScript RegExp, anchored with `.` matching newlines
// ---------------------------------------------------------------------------------------------

const compiled = new Map<string, RegExp>();
const MAX_CACHED = 1000;

/**
 * Whether `text` matches the whole of `pattern`, as Tempo's matcher (Prometheus
 * FastRegexMatcher: `^(?s:pattern)$`). Compiled patterns are cached.
 * @throws TraceQLEvalError for a pattern that has no JavaScript equivalent.
 */
export function regexMatch(text: string, pattern: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = compileRe2(pattern);
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(text);
}

/** Compiles an RE2 pattern into an anchored JavaScript RegExp. */
export function compileRe2(pattern: string): RegExp {
  const { source, flags } = translateRe2(pattern);
  try {
    // Look-around anchors stay whole-text anchors even when `(?m)` turns on the `m` flag.
    return new RegExp(`(?<![^])(?:${source})(?![^])`, flags);
  } catch {
    throw new TraceQLEvalError(`unsupported regular expression: ${pattern}`);
  }
}
