/**
 * `parseLenientFilter`: the usable part of what a TraceQL editor sends while someone types
 * (`{ resource.cluster = }`, `{ .a = "x" && span.b`, `{ name = "x" } | cou`), for narrowing
 * tag-value suggestions. Only the first `{…}` counts.
 *
 * - When that filter is closed, parses, validates and consists of comparisons only (joined by
 *   `&&`, `||`, `!`), it is returned whole.
 * - Otherwise its complete `attribute op literal` comparisons are kept and joined with `&&`. A
 *   comparison under `!(…)`, next to arithmetic, or in a filter that holds `||` is not kept: `&&`
 *   would narrow where the query widens, so such filters give `undefined` (no narrowing).
 */

import type { FieldExpr, SpansetFilter } from './ast.js';
import { binary, filter, nil, pipeline } from './build.js';
import { negateStatic } from './fold.js';
import { INTRINSICS, LEGACY_INTRINSICS, SCOPED_INTRINSICS } from './intrinsics.js';
import { lexTraceQL } from './lexer.js';
import { numericStatic, parseField, parseFieldExpr, parseStatic } from './parse-field.js';
import { TokenStream } from './token-stream.js';
import { ATTRIBUTE_SCOPES, INTRINSIC_SCOPES, type Token } from './tokens.js';
import { validateTraceQL } from './validate.js';

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=', '=~', '!~']);
const LITERALS = new Set([
  'STRING',
  'INTEGER',
  'FLOAT',
  'DURATION',
  'true',
  'false',
  'ok',
  'error',
  'unset',
]);
const KINDS = new Set(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']);
const NUMBERS = new Set(['INTEGER', 'FLOAT', 'DURATION']);

/**
 * The spanset filter made of the complete conditions of the first `{…}` of `q`, or undefined
 * when there is none. Never throws.
 */
export function parseLenientFilter(q: string): SpansetFilter | undefined {
  try {
    const tokens = lexTraceQL(q);
    const open = tokens.findIndex((t) => t.type === '{');
    if (open < 0) return undefined;
    const close = matchingBrace(tokens, open);
    const body = tokens.slice(open + 1, close ?? tokens.length - 1);
    const whole = close === undefined ? undefined : strictFilter(body, tokens[close] as Token);
    return whole ?? conditionsFilter(body);
  } catch {
    return undefined;
  }
}

function matchingBrace(tokens: readonly Token[], open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const type = tokens[i]?.type;
    if (type === '{') depth++;
    if (type === '}' && --depth === 0) return i;
  }
  return undefined;
}

function isValid(expr: FieldExpr): boolean {
  try {
    validateTraceQL({ kind: 'Root', query: pipeline(filter(expr)), hints: [] });
    return true;
  } catch {
    return false;
  }
}

function strictFilter(body: Token[], close: Token): SpansetFilter | undefined {
  const ts = new TokenStream([...body, { ...close, type: '$end', text: '' }]);
  try {
    const expr = parseFieldExpr(ts);
    if (!ts.is('$end') || !isValid(expr) || !onlyComparisons(expr)) return undefined;
    return filter(expr);
  } catch {
    return undefined;
  }
}

/** True when every leaf under `&&`, `||` and `!` is a comparison (so no bare attribute). */
function onlyComparisons(e: FieldExpr): boolean {
  if (e.kind === 'UnaryOp') return e.op === '!' && onlyComparisons(e.expr);
  if (e.kind !== 'BinaryOp') return false;
  if (e.op === '&&' || e.op === '||') return onlyComparisons(e.lhs) && onlyComparisons(e.rhs);
  return COMPARISONS.has(e.op);
}

function conditionsFilter(body: Token[]): SpansetFilter | undefined {
  if (body.some((t) => t.type === '||')) return undefined;
  const conditions: FieldExpr[] = [];
  const negatedGroups: boolean[] = [];
  for (let i = 0; i < body.length; i++) {
    const type = body[i]?.type;
    if (type === '(') negatedGroups.push(body[i - 1]?.type === '!' || negatedGroups.includes(true));
    if (type === ')') negatedGroups.pop();
    const previous = body[i - 1]?.type;
    if (previous !== undefined && previous !== '(' && previous !== '&&') continue;
    const found = conditionAt(body, i);
    if (found === undefined || negatedGroups.includes(true)) continue;
    if (isValid(found.condition)) conditions.push(found.condition);
    i = found.end - 1;
  }
  const joined = conditions.reduce<FieldExpr | undefined>(
    (acc, c) => (acc === undefined ? c : binary('&&', acc, c)),
    undefined,
  );
  return joined === undefined ? undefined : filter(joined);
}

/** `field op literal` starting at `i`, followed by nothing, `)` or `&&`. */
function conditionAt(body: Token[], i: number): { condition: FieldExpr; end: number } | undefined {
  const fieldEnd = i + fieldLength(body, i);
  const op = body[fieldEnd];
  if (fieldEnd === i || op === undefined || !COMPARISONS.has(op.type)) return undefined;
  const value = literalAt(body, fieldEnd + 1);
  if (value === undefined) return undefined;
  const after = body[value.end]?.type;
  if (after !== undefined && after !== ')' && after !== '&&') return undefined;
  const field = parseField(new TokenStream([...body.slice(i, fieldEnd), endAfter(op)]));
  return { condition: binary(op.type as '=', field, value.node), end: value.end };
}

function endAfter(token: Token): Token {
  return { ...token, type: '$end', text: '' };
}

/** How many tokens the attribute or intrinsic at `i` takes (0 when there is none). */
function fieldLength(body: Token[], i: number): number {
  const type = body[i]?.type ?? '';
  if (ATTRIBUTE_SCOPES.has(type)) {
    let j = i + 1;
    if (type === 'parent.' && (body[j]?.type === 'span.' || body[j]?.type === 'resource.')) j++;
    return body[j]?.type === 'IDENTIFIER' && body[j + 1]?.type === 'END_ATTRIBUTE' ? j + 2 - i : 0;
  }
  const legacy = LEGACY_INTRINSICS.get(type);
  if (legacy !== undefined) return INTRINSICS[legacy].type === 'nil' ? 0 : 1;
  return INTRINSIC_SCOPES.has(type) && SCOPED_INTRINSICS.has(type + (body[i + 1]?.type ?? ''))
    ? 2
    : 0;
}

/** A literal (optionally a negative number) at `i`. */
function literalAt(body: Token[], i: number): { node: FieldExpr; end: number } | undefined {
  const token = body[i];
  if (token === undefined) return undefined;
  if (token.type === 'nil') return { node: nil(), end: i + 1 };
  if (token.type === '-') {
    const next = body[i + 1];
    if (next === undefined || !NUMBERS.has(next.type)) return undefined;
    return { node: negateStatic(numericStatic(next)), end: i + 2 };
  }
  if (!LITERALS.has(token.type) && !KINDS.has(token.type)) return undefined;
  return { node: parseStatic(new TokenStream([token, endAfter(token)])), end: i + 1 };
}
