/**
 * The parser's view of the tokens: look-ahead, consumption, syntax errors in Tempo's wording
 * (`syntax error: unexpected X, expecting Y or Z`) and a nesting guard.
 */

import { TraceQLParseError } from './errors.js';
import type { Token } from './tokens.js';

/** Deeper nesting than this is refused rather than risking the call stack. */
const MAX_DEPTH = 200;

/** A syntax error at `token`; a `$error` token reports its own lexical error instead. */
export function syntaxError(token: Token, expecting: readonly string[] = []): TraceQLParseError {
  if (token.type === '$error')
    return new TraceQLParseError(token.str ?? 'invalid input', token.line, token.column);
  const wanted = expecting.length > 0 ? `, expecting ${expecting.join(' or ')}` : '';
  return new TraceQLParseError(
    `syntax error: unexpected ${token.type}${wanted}`,
    token.line,
    token.column,
  );
}

export class TokenStream {
  readonly #tokens: readonly Token[];
  #pos = 0;
  #depth = 0;

  /** `tokens` must end with `$end`. */
  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  /** The token `offset` ahead (`$end` past the end). */
  peek(offset = 0): Token {
    const last = this.#tokens.length - 1;
    return this.#tokens[Math.min(this.#pos + offset, last)] as Token;
  }

  is(type: string): boolean {
    return this.peek().type === type;
  }

  next(): Token {
    const token = this.peek();
    if (token.type !== '$end') this.#pos++;
    return token;
  }

  accept(type: string): Token | undefined {
    return this.is(type) ? this.next() : undefined;
  }

  /** Consumes a `type` token or fails, naming `expecting` (defaults to `type` alone). */
  expect(type: string, expecting: readonly string[] = [type]): Token {
    if (!this.is(type)) this.fail(this.peek(), expecting);
    return this.next();
  }

  fail(token: Token = this.peek(), expecting: readonly string[] = []): never {
    throw syntaxError(token, expecting);
  }

  /** Runs `parse` one nesting level deeper. */
  nested<T>(parse: () => T): T {
    if (this.#depth >= MAX_DEPTH) {
      const token = this.peek();
      throw new TraceQLParseError(
        `query nested too deeply (more than ${MAX_DEPTH} levels)`,
        token.line,
        token.column,
      );
    }
    this.#depth++;
    try {
      return parse();
    } finally {
      this.#depth--;
    }
  }
}
