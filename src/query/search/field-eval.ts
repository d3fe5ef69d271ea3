/**
 * The reference evaluator of TraceQL field expressions (the inside of `{ … }`) over one span,
 * with Tempo's semantics; the SQL compiler is checked against it. Decisions, with the Tempo
 * source they follow (grafana/tempo HEAD):
 *
 * - Operators follow the engine (`pkg/traceql/ast_execute.go`, details in `values.ts`): values
 *   of types that do not go together compare false, `!=` included; int ^ int is Tempo's
 *   `intPow(rhs, lhs)`; integer division by zero fails the query (TestIntDivisionByZero).
 * - `&&` and `||` count only boolean true operands, in either order; `!` and unary `-` of a
 *   missing value give nil, of a value of the wrong type fail the query (as Tempo's engine).
 * - `x = nil` / `x != nil` test existence (OpNotExists / OpExists); `nil = nil` is false.
 * - Events and links bind one at a time, as Tempo's in-memory filter does
 *   (`modules/frontend/tracefilter/protospan.go`, one binding per (event, link) pair): a span
 *   matches when some binding makes the expression true, so `event.a = 1 && event.b = 2` needs
 *   one event holding both. A span without events binds a nil event (`event.x = nil` holds).
 * - Unscoped `.x`: the span's attribute, else the resource's (vParquet5 fetches both groups).
 * - Values Tempo cannot search (bytes, kvlists, empty or mixed arrays) are missing; a
 *   one-element array is its element (vParquet5's attribute collector).
 * - Ids follow vParquet5's read path: `span:id`, `span:parentID` and `link:spanID` are 16
 *   lowercase hex digits (`0000000000000000` for a root's parent), `trace:id` and
 *   `link:traceID` lowercase hex without leading zeros (util.TraceIDToHexString). `=` and `!=`
 *   against a hex string literal compare the ids as numbers (case and leading zeros ignored),
 *   which is what Tempo's storage predicate decides on the decoded bytes.
 */
import type {
  Attribute,
  BinaryOp,
  FieldExpr,
  Intrinsic,
  IntrinsicName,
  KindLiteral,
  StatusLiteral,
  UnaryOp,
} from '../../traceql/index.js';
import { referencesSpan } from '../../traceql/index.js';
import type { StoredSpan } from '../../wal/index.js';
import type { EvalSpan, EvalTrace } from './model.js';
import type { TqlValue } from './values.js';
import {
  applyBinary,
  boolValue,
  FALSE,
  findAttr,
  isTrue,
  NIL,
  regexMatch,
  TraceQLEvalError,
  TRUE,
  wrap64,
} from './values.js';

export type { TqlValue } from './values.js';
export { TraceQLEvalError } from './values.js';

type StoredEvent = NonNullable<StoredSpan['e']>[number];
type StoredLink = NonNullable<StoredSpan['l']>[number];

/** What an expression reads: the span, its trace, and the event and link bound for this pass. */
interface Binding {
  span: EvalSpan;
  trace: EvalTrace;
  event: StoredEvent | undefined;
  link: StoredLink | undefined;
}

type Evaluator = (b: Binding) => TqlValue;

/** A field expression compiled once, evaluated per span. */
export interface CompiledField {
  /** True when the span satisfies the expression (some event/link binding makes it boolean true). */
  matches(span: EvalSpan, trace: EvalTrace): boolean;
  /** The value for the span; with event or link fields, the first binding whose value is not nil. */
  value(span: EvalSpan, trace: EvalTrace): TqlValue;
}

const cache = new WeakMap<FieldExpr, CompiledField>();

/** Compiles (and caches per syntax node) a field expression. */
export function compileFieldExpr(expr: FieldExpr): CompiledField {
  let c = cache.get(expr);
  if (c === undefined) cache.set(expr, (c = build(expr)));
  return c;
}

/** True when the span satisfies the filter expression `expr` (the body of a `{…}`), as Tempo decides. */
export function spanMatches(expr: FieldExpr, span: EvalSpan, trace: EvalTrace): boolean {
  return compileFieldExpr(expr).matches(span, trace);
}

/** The value of a field expression for a span (for by(), aggregates, select()). nil when missing. */
export function fieldValue(expr: FieldExpr, span: EvalSpan, trace: EvalTrace): TqlValue {
  return compileFieldExpr(expr).value(span, trace);
}

function build(expr: FieldExpr): CompiledField {
  const evaluate = compile(expr);
  const events = readsScope(expr, 'event');
  const links = readsScope(expr, 'link');
  // One binding object per compiled expression: evaluation is synchronous and never re-entrant.
  const b: Binding = {
    span: undefined as unknown as EvalSpan,
    trace: undefined as unknown as EvalTrace,
    event: undefined,
    link: undefined,
  };
  const bind = (span: EvalSpan, trace: EvalTrace): void => {
    b.span = span;
    b.trace = trace;
    b.event = undefined;
    b.link = undefined;
  };
  const each = (accept: (v: TqlValue) => boolean): TqlValue => {
    for (const event of events ? listOrNone(b.span.line.e) : NONE) {
      for (const link of links ? listOrNone(b.span.line.l) : NONE) {
        b.event = event;
        b.link = link;
        const v = evaluate(b);
        if (accept(v)) return v;
      }
    }
    return NIL;
  };
  return {
    matches(span, trace) {
      bind(span, trace);
      return events || links ? isTrue(each(isTrue)) : isTrue(evaluate(b));
    },
    value(span, trace) {
      bind(span, trace);
      return events || links ? each((v) => v.t !== 'nil') : evaluate(b);
    },
  };
}

const NONE: readonly undefined[] = [undefined];

/** The events or links to bind in turn; a span without any binds `undefined` once. */
function listOrNone<T>(list: readonly T[] | null | undefined): readonly (T | undefined)[] {
  return list === null || list === undefined || list.length === 0 ? NONE : list;
}

const EVENT_INTRINSICS: ReadonlySet<IntrinsicName> = new Set(['eventName', 'eventTimeSinceStart']);
const LINK_INTRINSICS: ReadonlySet<IntrinsicName> = new Set(['linkTraceId', 'linkSpanId']);

/** Whether the expression reads event (or link) attributes or intrinsics. */
function readsScope(e: FieldExpr, scope: 'event' | 'link'): boolean {
  switch (e.kind) {
    case 'Static':
      return false;
    case 'Attribute':
      return e.scope === scope;
    case 'Intrinsic':
      return (scope === 'event' ? EVENT_INTRINSICS : LINK_INTRINSICS).has(e.intrinsic);
    case 'UnaryOp':
      return readsScope(e.expr, scope);
    case 'BinaryOp':
      return readsScope(e.lhs, scope) || readsScope(e.rhs, scope);
  }
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

function compile(e: FieldExpr): Evaluator {
  const evaluate = compileNode(e);
  // Like Tempo's newBinaryOperation, fold what reads no span, unless it fails (`1 / 0`): then
  // it fails on every span, as in Tempo.
  if (e.kind !== 'Static' && !referencesSpan(e)) {
    try {
      const v = evaluate(undefined as unknown as Binding);
      return () => v;
    } catch {
      return evaluate;
    }
  }
  return evaluate;
}

function compileNode(e: FieldExpr): Evaluator {
  switch (e.kind) {
    case 'Static': {
      const v = staticValue(e);
      return () => v;
    }
    case 'Attribute':
      return compileAttribute(e);
    case 'Intrinsic':
      return compileIntrinsic(e);
    case 'UnaryOp':
      return compileUnary(e);
    case 'BinaryOp':
      return compileBinary(e);
  }
}

function staticValue(e: Extract<FieldExpr, { kind: 'Static' }>): TqlValue {
  switch (e.type) {
    case 'nil':
      return NIL;
    case 'bool':
      return boolValue(e.value);
    case 'int':
      return { t: 'int', v: e.value };
    case 'float':
      return { t: 'float', v: e.value };
    case 'string':
      return { t: 'string', v: e.value };
    case 'duration':
      return { t: 'duration', v: e.value };
    case 'status':
      return { t: 'status', v: e.value };
    case 'kind':
      return { t: 'kind', v: e.value };
  }
}

function compileAttribute(a: Attribute): Evaluator {
  const key = a.name;
  // `parent.` is rejected by validation; it reads nothing here.
  if (a.parent) return () => NIL;
  switch (a.scope) {
    case 'span':
      return (b) => findAttr(b.span.line.a, key) ?? NIL;
    case 'resource':
      return (b) => resourceAttr(b.span, key) ?? NIL;
    case 'instrumentation':
      return (b) => findAttr(b.span.scope?.a, key) ?? NIL;
    case 'event':
      return (b) => findAttr(b.event?.a, key) ?? NIL;
    case 'link':
      return (b) => findAttr(b.link?.a, key) ?? NIL;
    case 'unscoped':
      return (b) => findAttr(b.span.line.a, key) ?? resourceAttr(b.span, key) ?? NIL;
  }
}

/** A resource attribute; `service.name` falls back to the resource line's `sv`. */
function resourceAttr(span: EvalSpan, key: string): TqlValue | undefined {
  const v = findAttr(span.resource?.a, key);
  if (v !== undefined || key !== 'service.name') return v;
  const sv = span.resource?.sv;
  return sv === null || sv === undefined ? undefined : { t: 'string', v: sv };
}

// ---------------------------------------------------------------------------------------------
// Intrinsics
// ---------------------------------------------------------------------------------------------

const STATUS: readonly StatusLiteral[] = ['unset', 'ok', 'error'];
const KIND: readonly KindLiteral[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];
const ROOT_PARENT_ID = '0000000000000000';

const str = (v: string): TqlValue => ({ t: 'string', v });
const strOrNil = (v: string | null | undefined): TqlValue =>
  v === null || v === undefined ? NIL : str(v);

/** vParquet5's span id text: lowercase, 16 digits at least (util.SpanIDToHexString). */
export const spanIdText = (hex: string): string =>
  hex.toLowerCase().replace(/^0+/, '').padStart(16, '0');

/** vParquet5's trace id text: lowercase, leading zeros removed (util.TraceIDToHexString). */
export const traceIdText = (hex: string): string => hex.toLowerCase().replace(/^0+/, '');

function spanDuration(span: EvalSpan): TqlValue {
  const d = BigInt(span.line.en) - BigInt(span.line.st);
  // Clock skew gives end < start. Tempo's unsigned subtraction then reads back as a negative
  // duration; Vivace reports 0, as its search results do.
  return { t: 'duration', v: d < 0n ? 0n : d };
}

const INTRINSICS: Readonly<Record<IntrinsicName, Evaluator>> = {
  duration: (b) => spanDuration(b.span),
  name: (b) => str(b.span.line.n),
  status: (b) => {
    const s = STATUS[b.span.line.sc ?? 0];
    return s === undefined ? NIL : { t: 'status', v: s };
  },
  statusMessage: (b) => str(b.span.line.sm ?? ''),
  kind: (b) => {
    const k = KIND[b.span.line.k];
    return k === undefined ? NIL : { t: 'kind', v: k };
  },
  spanId: (b) => str(spanIdText(b.span.line.s)),
  parentId: (b) => {
    const p = b.span.line.p;
    return str(p === null || p === undefined || p === '' ? ROOT_PARENT_ID : spanIdText(p));
  },
  childCount: (b) => ({ t: 'int', v: BigInt(b.span.childCount) }),
  traceId: (b) => str(traceIdText(b.trace.traceId)),
  traceDuration: (b) => ({ t: 'duration', v: b.trace.durationNs }),
  rootName: (b) => strOrNil(b.trace.rootName),
  rootServiceName: (b) => strOrNil(b.trace.rootService),
  eventName: (b) => (b.event === undefined ? NIL : str(b.event.n ?? '')),
  eventTimeSinceStart: (b) =>
    b.event === undefined
      ? NIL
      : { t: 'duration', v: wrap64(BigInt(b.event.t) - BigInt(b.span.line.st)) },
  linkTraceId: (b) => (b.link === undefined ? NIL : str(traceIdText(b.link.t))),
  linkSpanId: (b) => (b.link === undefined ? NIL : str(spanIdText(b.link.s))),
  instrumentationName: (b) => (b.span.scope === undefined ? NIL : str(b.span.scope.n ?? '')),
  instrumentationVersion: (b) => (b.span.scope === undefined ? NIL : str(b.span.scope.v ?? '')),
  nestedSetLeft: (b) => ({ t: 'int', v: BigInt(b.span.nestedSetLeft) }),
  nestedSetRight: (b) => ({ t: 'int', v: BigInt(b.span.nestedSetRight) }),
  nestedSetParent: (b) => ({ t: 'int', v: BigInt(b.span.nestedSetParent) }),
  // Rejected by validation.
  parent: () => NIL,
};

const compileIntrinsic = (i: Intrinsic): Evaluator => INTRINSICS[i.intrinsic];

// ---------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------

function compileUnary(u: UnaryOp): Evaluator {
  const inner = compile(u.expr);
  return u.op === '!' ? (b) => not(inner(b)) : (b) => negate(inner(b));
}

/**
 * `!x`. Tempo fails the query when x is not a boolean; a missing x gives nil (no match) here,
 * because Tempo's storage never hands the engine a span lacking an attribute that the filter
 * needs (FetchSpansRequest.AllConditions), so a user sees no match rather than an error.
 */
function not(v: TqlValue): TqlValue {
  if (v.t === 'bool') return boolValue(!v.v);
  if (v.t === 'nil') return NIL;
  throw new TraceQLEvalError(`expected a boolean for !, got ${v.t}`);
}

/** `-x` keeps int, float and duration; otherwise as `!`. */
function negate(v: TqlValue): TqlValue {
  switch (v.t) {
    case 'int':
    case 'duration':
      return { t: v.t, v: wrap64(-v.v) };
    case 'float':
      return { t: 'float', v: -v.v };
    case 'nil':
      return NIL;
    case 'string':
    case 'bool':
    case 'status':
    case 'kind':
    case 'array':
      throw new TraceQLEvalError(`expected a number for unary -, got ${v.t}`);
  }
}

function compileBinary(e: BinaryOp): Evaluator {
  const lhs = compile(e.lhs);
  const rhs = compile(e.rhs);
  // Both sides of && and || must be boolean true to count; a nil or non-boolean side is not.
  if (e.op === '&&') return (b) => (isTrue(lhs(b)) && isTrue(rhs(b)) ? TRUE : FALSE);
  if (e.op === '||') return (b) => (isTrue(lhs(b)) || isTrue(rhs(b)) ? TRUE : FALSE);
  const special = compileExistence(e, lhs, rhs) ?? compileIdComparison(e, lhs, rhs);
  if (special !== undefined) return special;
  const op = e.op;
  return (b) => applyBinary(op, lhs(b), rhs(b), regexMatch);
}

const isNil = (e: FieldExpr): boolean => e.kind === 'Static' && e.type === 'nil';

/**
 * `x != nil` (x exists) and `x = nil` (x does not), in either order: Tempo's OpExists and
 * OpNotExists. `nil = nil` and `nil != nil` are false (expr.y).
 */
function compileExistence(e: BinaryOp, lhs: Evaluator, rhs: Evaluator): Evaluator | undefined {
  if ((e.op !== '=' && e.op !== '!=') || (!isNil(e.lhs) && !isNil(e.rhs))) return undefined;
  if (isNil(e.lhs) && isNil(e.rhs)) return () => FALSE;
  const x = isNil(e.lhs) ? rhs : lhs;
  const exists = e.op === '!=';
  return (b) => boolValue((x(b).t !== 'nil') === exists);
}

const ID_INTRINSICS: ReadonlySet<IntrinsicName> = new Set([
  'spanId',
  'parentId',
  'traceId',
  'linkTraceId',
  'linkSpanId',
]);

/** Hex digits without case and leading zeros, or undefined when not hex. */
const canonicalHex = (s: string): string | undefined =>
  /^[0-9a-fA-F]*$/.test(s) ? s.toLowerCase().replace(/^0+/, '') : undefined;

/**
 * `id = "hex"` and `id != "hex"` (either order): the ids compare as numbers, as Tempo's storage
 * predicate does on decoded bytes (`createBytesPredicate`). Tempo's engine then compares its
 * own id text with the literal and so misses upper-case or zero-padded literals (except for
 * `trace:id`, whose literal it strips of leading zeros); we do not repeat that.
 */
function compileIdComparison(e: BinaryOp, lhs: Evaluator, rhs: Evaluator): Evaluator | undefined {
  if (e.op !== '=' && e.op !== '!=') return undefined;
  const [id, literal] = e.lhs.kind === 'Intrinsic' ? [lhs, e.rhs] : [rhs, e.lhs];
  const field = e.lhs.kind === 'Intrinsic' ? e.lhs : e.rhs;
  if (field.kind !== 'Intrinsic' || !ID_INTRINSICS.has(field.intrinsic)) return undefined;
  if (literal.kind !== 'Static' || literal.type !== 'string') return undefined;
  const want = canonicalHex(literal.value);
  if (want === undefined) return undefined;
  const equal = e.op === '=';
  return (b) => {
    const v = id(b);
    if (v.t !== 'string') return FALSE;
    return boolValue((canonicalHex(v.v) === want) === equal);
  };
}

// ---------------------------------------------------------------------------------------------
// Output helpers
// ---------------------------------------------------------------------------------------------

/**
 * The OTLP/JSON AnyValue Tempo puts in search results (Static.AsAnyValue): ints as decimal
 * strings, durations as Go duration text, status and kind by name; undefined for nil.
 */
export function toAnyValue(v: TqlValue): Record<string, unknown> | undefined {
  switch (v.t) {
    case 'nil':
      return undefined;
    case 'int':
      return { intValue: v.v.toString() };
    case 'float':
      // proto3 JSON spells the non-finite doubles as strings.
      return { doubleValue: Number.isFinite(v.v) ? v.v : String(v.v) };
    case 'bool':
      return { boolValue: v.v };
    case 'duration':
      return { stringValue: goDuration(v.v) };
    case 'string':
    case 'status':
    case 'kind':
      return { stringValue: v.v };
    case 'array':
      return { arrayValue: { values: v.v.map((e) => toAnyValue(e) ?? {}) } };
  }
}

/** A number for aggregates: int, float and duration (in ns); undefined otherwise. */
export function numericOf(v: TqlValue): number | undefined {
  switch (v.t) {
    case 'int':
    case 'duration':
      return Number(v.v);
    case 'float':
      return v.v;
    case 'nil':
    case 'string':
    case 'bool':
    case 'status':
    case 'kind':
    case 'array':
      return undefined;
  }
}

const SECOND = 1_000_000_000n;

/** Go's time.Duration.String(): `1.5s`, `250ms`, `1µs`, `1m0s`, `2h0m0.5s`, `0s`, `-3ns`. */
export function goDuration(ns: bigint): string {
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u === 0n) return '0s';
  if (u < SECOND) {
    const [unit, digits] = u < 1000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6];
    return sign + fixed(u, digits) + unit;
  }
  const seconds = u / SECOND;
  const text = fixed((seconds % 60n) * SECOND + (u % SECOND), 9) + 's';
  const minutes = seconds / 60n;
  if (minutes === 0n) return sign + text;
  const hours = minutes / 60n;
  const m = `${minutes % 60n}m`;
  return sign + (hours === 0n ? '' : `${hours}h`) + m + text;
}

/** `n / 10^digits` in decimal, without trailing zeros or a bare point. */
function fixed(n: bigint, digits: number): string {
  if (digits === 0) return n.toString();
  const scale = 10n ** BigInt(digits);
  const frac = (n % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return (n / scale).toString() + (frac === '' ? '' : '.' + frac);
}
