/**
 * Field expressions (inside `{ }`, `by()` and aggregates), attributes, intrinsics and literals.
 * Precedence, lowest first, as in Tempo's grammar: `&& ||`; comparisons and `=~ !~`; `+ -`
 * (also unary minus); unary `!`; `* / %`; `^` (right-associative). Everything else is left-associative.
 */

import type { Field, FieldBinaryOp, FieldExpr, NumericStatic, Static } from './ast.js';
import {
  attribute,
  binary,
  bool,
  duration,
  float,
  int,
  intrinsic,
  nil,
  spanKind,
  status,
  str,
  unary,
} from './build.js';
import { negateStatic } from './fold.js';
import { LEGACY_INTRINSICS, SCOPED_INTRINSICS, SCOPE_WORDS } from './intrinsics.js';
import { TraceQLParseError } from './errors.js';
import type { TokenStream } from './token-stream.js';
import { FIELD_PRECEDENCE } from './precedence.js';
import { ATTRIBUTE_SCOPES, INTRINSIC_SCOPES, type Token } from './tokens.js';

/** Operand of unary minus: binds the operators tighter than `+ -`. */
const MINUS_OPERAND = 6;
/** Operand of `!`: binds the operators tighter than `!` (`* / % ^`). */
const NOT_OPERAND = 7;
/** Right-hand side of a comparison: binds the arithmetic. */
const COMPARISON_RHS = 4;

const STATUSES = new Set(['ok', 'error', 'unset']);
const KINDS = new Set(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']);

const SCOPES: ReadonlyMap<
  string,
  'unscoped' | 'span' | 'resource' | 'event' | 'link' | 'instrumentation'
> = new Map([
  ['.', 'unscoped'],
  ['span.', 'span'],
  ['resource.', 'resource'],
  ['event.', 'event'],
  ['link.', 'link'],
  ['instrumentation.', 'instrumentation'],
] as const);

/** Parses a field expression binding operators of precedence `minPrec` and above. */
export function parseFieldExpr(ts: TokenStream, minPrec = 0): FieldExpr {
  return ts.nested(() => {
    let lhs = parseFieldOperand(ts);
    for (;;) {
      const op = ts.peek().type;
      const prec = (FIELD_PRECEDENCE as Readonly<Record<string, number>>)[op];
      if (prec === undefined || prec < minPrec) return lhs;
      ts.next();
      if ((op === '=' || op === '!=') && ts.accept('nil')) {
        lhs = binary(op, lhs, nil());
        continue;
      }
      lhs = binary(op as FieldBinaryOp, lhs, parseFieldExpr(ts, op === '^' ? prec : prec + 1));
    }
  });
}

function parseFieldOperand(ts: TokenStream): FieldExpr {
  const token = ts.peek();
  switch (token.type) {
    case '-':
      ts.next();
      return negate(parseFieldExpr(ts, MINUS_OPERAND));
    case '!':
      ts.next();
      return unary('!', parseFieldExpr(ts, NOT_OPERAND));
    case 'nil':
      return parseNilComparison(ts);
    case '(': {
      ts.next();
      const inner = parseFieldExpr(ts);
      ts.expect(')', []);
      return inner;
    }
    default:
      return isStaticToken(token) ? parseStatic(ts) : parseField(ts);
  }
}

/** A minus before a number literal folds into the literal; otherwise it is an operation. */
function negate(operand: FieldExpr): FieldExpr {
  if (
    operand.kind === 'Static' &&
    (operand.type === 'int' || operand.type === 'float' || operand.type === 'duration')
  ) {
    return negateStatic(operand);
  }
  return unary('-', operand);
}

/** `nil = x`, `nil != x`, `nil = nil`: nil may only be compared for (in)equality. */
function parseNilComparison(ts: TokenStream): FieldExpr {
  ts.next();
  const op =
    ts.is('=') || ts.is('!=') ? (ts.next().type as '=' | '!=') : ts.fail(ts.peek(), ['=', '!=']);
  if (ts.accept('nil')) return binary(op, nil(), nil());
  return binary(op, nil(), parseFieldExpr(ts, COMPARISON_RHS));
}

function isStaticToken(token: Token): boolean {
  return (
    ['STRING', 'INTEGER', 'FLOAT', 'DURATION', 'IDENTIFIER', 'true', 'false'].includes(
      token.type,
    ) ||
    STATUSES.has(token.type) ||
    KINDS.has(token.type)
  );
}

/** A literal: string, number, duration, bool, status, kind, or `minInt`/`maxInt`. */
export function parseStatic(ts: TokenStream): Static {
  const token = ts.next();
  switch (token.type) {
    case 'STRING':
      return str(token.str ?? '');
    case 'INTEGER':
    case 'FLOAT':
    case 'DURATION':
      return numericStatic(token);
    case 'true':
    case 'false':
      return bool(token.type === 'true');
    case 'IDENTIFIER':
      return namedConstant(token);
  }
  if (STATUSES.has(token.type)) return status(token.type as 'ok' | 'error' | 'unset');
  if (KINDS.has(token.type)) return spanKind(token.type as 'server');
  return ts.fail(token);
}

/** The literal of an INTEGER, FLOAT or DURATION token. */
export function numericStatic(token: Token): NumericStatic {
  if (token.type === 'FLOAT') return float(token.num ?? 0);
  return token.type === 'DURATION' ? duration(token.big ?? 0n) : int(token.big ?? 0n);
}

function namedConstant(token: Token): Static {
  if (token.str === 'minInt') return int(-(1n << 63n));
  if (token.str === 'maxInt') return int((1n << 63n) - 1n);
  const name = token.str ?? '';
  throw new TraceQLParseError(
    `unknown identifier: ${name} (attribute names need a scope, such as .${name} or span.${name})`,
    token.line,
    token.column,
  );
}

/** An attribute (`.a`, `span.a`, `parent.resource.a`) or an intrinsic (`duration`, `span:id`). */
export function parseField(ts: TokenStream): Field {
  const token = ts.peek();
  if (ATTRIBUTE_SCOPES.has(token.type)) return parseAttribute(ts);
  const legacy = LEGACY_INTRINSICS.get(token.type);
  if (legacy !== undefined) {
    ts.next();
    return intrinsic(legacy, 'legacy');
  }
  if (INTRINSIC_SCOPES.has(token.type)) {
    ts.next();
    const word = ts.next();
    const name = SCOPED_INTRINSICS.get(token.type + word.type);
    const expecting = SCOPE_WORDS[token.type] ?? [];
    if (name === undefined) return ts.fail(word, expecting.length <= 4 ? expecting : []);
    return intrinsic(name, 'scoped');
  }
  return ts.fail(token);
}

function parseAttribute(ts: TokenStream): Field {
  const scopeToken = ts.next();
  if (scopeToken.type === 'parent.') {
    const nested = ts.accept('span.') ?? ts.accept('resource.');
    const expecting = nested === undefined ? ['IDENTIFIER', 'resource.', 'span.'] : ['IDENTIFIER'];
    const name = ts.expect('IDENTIFIER', expecting).str ?? '';
    ts.expect('END_ATTRIBUTE');
    return attribute(
      nested === undefined ? 'unscoped' : nested.type === 'span.' ? 'span' : 'resource',
      name,
      true,
    );
  }
  const name = ts.expect('IDENTIFIER').str ?? '';
  ts.expect('END_ATTRIBUTE');
  return attribute(SCOPES.get(scopeToken.type) ?? 'unscoped', name);
}
