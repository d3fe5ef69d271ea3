/**
 * `parseTraceQL`: text to syntax tree, by hand-written recursive descent that follows Tempo's
 * grammar (`pkg/traceql/expr.y`): the same language, the same precedence, errors at the same
 * token. Split by aspect: `parse-field.ts` (inside `{ }`), `parse-pipeline.ts` (pipelines and
 * spanset operators), `parse-scalar.ts` (aggregates, literals, metrics arithmetic),
 * `parse-metrics.ts` (metrics functions, second stages, hints) and `parse-query.ts` (what a
 * query or a parenthesised group is).
 */

import type { RootExpr } from './ast.js';
import { lexTraceQL } from './lexer.js';
import { parseQuery } from './parse-query.js';
import { TokenStream } from './token-stream.js';

/**
 * Parses a TraceQL query. Throws `TraceQLParseError` (with 1-based `line` and `column`) when the
 * text is not TraceQL; the result still needs `validateTraceQL`.
 */
export function parseTraceQL(text: string): RootExpr {
  return parseQuery(new TokenStream(lexTraceQL(text)));
}
