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

const SPACE = '\\t\\n\\f\\r ';
const NOT_SPACE = '\\0-\\x08\\x0b\\x0e-\\x1f!-\\u{10ffff}';
const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\0-\\x7f',
  blank: '\\t ',
  cntrl: '\\0-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
const POSIX_NEGATED: Readonly<Record<string, string>> = {
  alnum: '\\0-/:-@\\[-`{-\\u{10ffff}',
  alpha: '\\0-@\\[-`{-\\u{10ffff}',
  ascii: '\\x80-\\u{10ffff}',
  blank: '\\0-\\x08\\n-\\x1f!-\\u{10ffff}',
  cntrl: ' -~\\x80-\\u{10ffff}',
  digit: '\\0-/:-\\u{10ffff}',
  graph: '\\0-\\x20\\x7f-\\u{10ffff}',
  lower: '\\0-`{-\\u{10ffff}',
  print: '\\0-\\x1f\\x7f-\\u{10ffff}',
  punct: '\\0-\\x20\\x30-\\x39A-Za-z\\x7f-\\u{10ffff}',
  space: '\\0-\\x08\\x0e-\\x1f!-\\u{10ffff}',
  upper: '\\0-@\\[-\\u{10ffff}',
  word: '\\0-/:-@\\[-\\^`{-\\u{10ffff}',
  xdigit: '\\0-/:-@G-`g-\\u{10ffff}',
};
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\\x07',
  f: '\\f',
  t: '\\t',
  n: '\\n',
  r: '\\r',
  v: '\\v',
  d: '\\d',
  D: '\\D',
  w: '\\w',
  W: '\\W',
};
const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
);

const codeEscape = (c: string): string => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;

/**
 * RE2 → JavaScript (`u` and `s` flags). Approximations: a flag group such as `(?i)` anywhere
 * applies to the whole pattern, `(?U)` and `(?-s)` are ignored.
 */
function translateRe2(p: string): { source: string; flags: string } {
  let flags = 'su';
  let out = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i] as string;
    if (c === '\\') {
      const e = escapeAt(p, i, false);
      [out, i] = [out + e.text, e.end];
    } else if (c === '[') {
      const e = classAt(p, i);
      [out, i] = [out + e.text, e.end];
    } else if (c === '(' && p[i + 1] === '?') {
      const g = groupAt(p, i);
      if (g.flags.includes('i') && !flags.includes('i')) flags += 'i';
      if (g.flags.includes('m') && !flags.includes('m')) flags += 'm';
      [out, i] = [out + g.text, g.end];
    } else if (c === '{') {
      const m = /^\{\d+(,\d*)?\}/.exec(p.slice(i));
      [out, i] = m === null ? [out + '\\{', i + 1] : [out + m[0], i + m[0].length];
    } else if (c === '}' || c === ']') {
      [out, i] = [out + '\\' + c, i + 1];
    } else {
      const cp = p.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      [out, i] = [out + ch, i + ch.length];
    }
  }
  return { source: out, flags };
}

/** A `(?…` group opening at `i`: named groups and flag groups become `(?:` or nothing. */
function groupAt(p: string, i: number): { text: string; end: number; flags: string } {
  const rest = p.slice(i + 2);
  const named = /^P?<[A-Za-z0-9_]+>/.exec(rest);
  if (named !== null) return { text: '(?:', end: i + 2 + named[0].length, flags: '' };
  const f = /^([imsU]*)(?:-[imsU]*)?([:)])/.exec(rest);
  if (f === null) return { text: '(?', end: i + 2, flags: '' };
  return { text: f[2] === ':' ? '(?:' : '', end: i + 2 + f[0].length, flags: f[1] ?? '' };
}

/** An escape at `i` (the backslash), inside a class or not. */
function escapeAt(p: string, i: number, inClass: boolean): { text: string; end: number } {
  const e = p[i + 1] ?? '';
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { text: simple, end: i + 2 };
  switch (e) {
    case 's':
      return { text: inClass ? SPACE : `[${SPACE}]`, end: i + 2 };
    case 'S':
      return { text: inClass ? NOT_SPACE : `[^${SPACE}]`, end: i + 2 };
    case 'b':
    case 'B':
      return { text: '\\' + e, end: i + 2 };
    case 'A':
      return { text: '(?<![^])', end: i + 2 };
    case 'z':
      return { text: '(?![^])', end: i + 2 };
    case 'C':
      return { text: inClass ? '\\0-\\u{10ffff}' : '[^]', end: i + 2 };
    case 'Q': {
      const stop = p.indexOf('\\E', i + 2);
      const literal = p.slice(i + 2, stop < 0 ? p.length : stop);
      return { text: [...literal].map(codeEscape).join(''), end: stop < 0 ? p.length : stop + 2 };
    }
    case 'x':
      return hexEscape(p, i + 2);
    case 'p':
    case 'P':
      return unicodeClass(p, i, inClass);
  }
  if (e >= '0' && e <= '7') {
    const digits = /^[0-7]{1,3}/.exec(p.slice(i + 1))?.[0] ?? '0';
    return { text: `\\u{${parseInt(digits, 8).toString(16)}}`, end: i + 1 + digits.length };
  }
  return { text: e === '' ? '\\\\' : codeEscape(e), end: i + 1 + e.length };
}

function hexEscape(p: string, from: number): { text: string; end: number } {
  const m =
    p[from] === '{'
      ? /^\{([0-9A-Fa-f]{1,8})\}/.exec(p.slice(from))
      : /^[0-9A-Fa-f]{2}/.exec(p.slice(from));
  if (m === null) return { text: 'x', end: from };
  return {
    text: `\\u{${parseInt(m[1] ?? m[0], 16).toString(16)}}`,
    end: from + m[0].length,
  };
}

/** `\pL`, `\p{Greek}`, `\p{^Greek}`, `\PL`: general categories, scripts and `Any`. */
function unicodeClass(p: string, i: number, inClass: boolean): { text: string; end: number } {
  const braced = p[i + 2] === '{';
  const close = braced ? p.indexOf('}', i + 2) : i + 2;
  const end = close + 1;
  let name = braced ? p.slice(i + 3, close) : (p[i + 2] ?? '');
  let negated = p[i + 1] === 'P';
  if (name.startsWith('^')) [name, negated] = [name.slice(1), !negated];
  if (name === 'Any') {
    if (negated) return { text: inClass ? '' : '[]', end };
    return { text: inClass ? '\\0-\\u{10ffff}' : '[^]', end };
  }
  const property = GENERAL_CATEGORIES.has(name) ? name : `Script=${name}`;
  return { text: `\\${negated ? 'P' : 'p'}{${property}}`, end };
}

/** A `[…]` class at `i`, with POSIX classes expanded and RE2's literal leading `]`. */
function classAt(p: string, start: number): { text: string; end: number } {
  let i = start + 1;
  let text = '[';
  if (p[i] === '^') text += p[i++];
  if (p[i] === ']') [text, i] = [text + '\\]', i + 1];
  while (i < p.length) {
    const c = p[i] as string;
    if (c === ']') return { text: text + ']', end: i + 1 };
    if (c === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      const raw = close < 0 ? '' : p.slice(i + 2, close);
      const name = raw.replace(/^\^/, '');
      const ranges = raw.startsWith('^') ? POSIX_NEGATED[name] : POSIX[name];
      if (ranges !== undefined) {
        [text, i] = [text + ranges, close + 2];
        continue;
      }
    }
    if (c === '\\') {
      const e = escapeAt(p, i, true);
      [text, i] = [text + e.text, e.end];
    } else {
      const ch = String.fromCodePoint(p.codePointAt(i) ?? 0);
      [text, i] = [text + (ch === '[' ? '\\[' : ch), i + ch.length];
    }
  }
  return { text: text + ']', end: i };
}
