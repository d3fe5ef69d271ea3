/**
 * The TraceQL lexer: Tempo's rules (Go `text/scanner` plus attribute and duration handling) turned
 * into a function from text to tokens. It never throws: a lexical error becomes a `$error` token
 * that the parser reports if it gets that far, as Tempo reports the first error it meets.
 *
 * Attribute names follow their scope token (`.`, `span.`, …) and run until whitespace or one of
 * `{ } ( ) = ~ ! < > & | ^ ,`; quoted segments may hold anything (`span."a b"`), with `\"` and
 * `\\` as the only escapes. An attribute ends with a zero-width END_ATTRIBUTE token.
 */

import { parseDuration } from './duration.js';
import { lexNumberText, lexString, type Scanned } from './lexer-literals.js';
import { KEYWORDS, OPERATORS, SCOPE_TOKENS, type Token } from './tokens.js';

const ATTRIBUTE_ENDERS = new Set(['{', '}', '(', ')', '=', '~', '!', '<', '>', '&', '|', '^', ',']);
const OPERATOR_STARTS = new Set([...OPERATORS].map((op) => op[0]));

/** Go's `unicode.IsSpace`. */
export function isGoSpace(c: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
}

/** True for characters allowed in an unquoted attribute name. */
export function isAttributeChar(c: string): boolean {
  return c !== '' && !isGoSpace(c) && !ATTRIBUTE_ENDERS.has(c);
}

const isLetter = (c: string): boolean => c === '_' || /^\p{L}$/u.test(c);
const isIdentChar = (c: string): boolean => isLetter(c) || /^\p{Nd}$/u.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9' && c.length === 1;
const isDurationChar = (c: string): boolean => /^[nsumµdwyh.]$/u.test(c) || /^\p{N}$/u.test(c);

/** A visible character in quotes, an invisible one as its code point (`U+00A0`). */
function describeChar(c: string): string {
  if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c)) return JSON.stringify(c);
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

interface Mark {
  readonly line: number;
  readonly column: number;
  readonly start: number;
}

/** Splits TraceQL text into tokens, the last one always `$end`. */
export function lexTraceQL(input: string): Token[] {
  return new Lexer(input).run();
}

class Lexer {
  readonly #src: string;
  readonly #tokens: Token[] = [];
  #pos = 0;
  #line = 1;
  #column = 1;
  /** Set while an attribute is being read: where its scope token started. */
  #attribute: Mark | undefined;
  #afterParent = false;

  constructor(src: string) {
    this.#src = src;
    if (src.startsWith('\ufeff')) this.#pos = 1;
  }

  run(): Token[] {
    for (;;) {
      if (this.#attribute !== undefined) {
        this.#lexAttributePart(this.#attribute);
        continue;
      }
      this.#skipSpaceAndComments();
      if (this.#peek() === '') break;
      this.#lexToken();
    }
    const mark = this.#mark();
    this.#push('$end', mark, {});
    return this.#tokens;
  }

  #peek(offset = 0): string {
    let pos = this.#pos;
    for (let i = 0; i < offset && pos < this.#src.length; i++) {
      pos += (this.#src.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1;
    }
    const cp = this.#src.codePointAt(pos);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  #advance(): string {
    const c = this.#peek();
    this.#pos += c.length;
    if (c === '\n') {
      this.#line++;
      this.#column = 1;
    } else if (c !== '') {
      this.#column++;
    }
    return c;
  }

  #mark(): Mark {
    return { line: this.#line, column: this.#column, start: this.#pos };
  }

  #push(type: string, mark: Mark, extra: Partial<Token>, at: Mark = mark): void {
    const text = this.#src.slice(mark.start, this.#pos);
    this.#tokens.push({
      type,
      text,
      line: at.line,
      column: at.column,
      start: at.start,
      end: this.#pos,
      ...extra,
    });
  }

  #error(message: string, mark: Mark): void {
    this.#push('$error', mark, { str: message });
  }

  #skipSpaceAndComments(): void {
    for (;;) {
      const c = this.#peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.#advance();
      } else if (c === '/' && this.#peek(1) === '/') {
        while (this.#peek() !== '' && this.#peek() !== '\n') this.#advance();
      } else if (c === '/' && this.#peek(1) === '*') {
        const mark = this.#mark();
        this.#advance();
        this.#advance();
        while (this.#peek() !== '' && !(this.#peek() === '*' && this.#peek(1) === '/'))
          this.#advance();
        if (this.#peek() === '') return this.#error('comment not terminated', mark);
        this.#advance();
        this.#advance();
      } else {
        return;
      }
    }
  }

  #lexToken(): void {
    const c = this.#peek();
    const mark = this.#mark();
    if (isLetter(c)) return this.#lexWord(mark);
    if (isDigit(c) || (c === '.' && isDigit(this.#peek(1)))) return this.#lexNumber(mark);
    if (c === '"' || c === '`') return this.#lexQuoted(mark);
    if (c === "'") return this.#lexSingleQuoted(mark);
    if (OPERATOR_STARTS.has(c)) return this.#lexOperator(mark);
    this.#advance();
    this.#error(`syntax error: unexpected character ${describeChar(c)}`, mark);
  }

  #lexWord(mark: Mark): void {
    let word = '';
    while (isIdentChar(this.#peek())) word += this.#advance();
    if (this.#peek() !== '' && SCOPE_TOKENS.has(word + this.#peek())) {
      word += this.#advance();
      this.#push(word, mark, {});
      if (word.endsWith('.')) this.#startAttribute(mark, word === 'parent.');
      return;
    }
    if (KEYWORDS.has(word)) this.#push(word, mark, {});
    else this.#push('IDENTIFIER', mark, { str: word });
  }

  #lexOperator(mark: Mark): void {
    let op = this.#advance();
    while (this.#peek() !== '' && OPERATORS.has(op + this.#peek())) op += this.#advance();
    if (!OPERATORS.has(op))
      return this.#error(`syntax error: unexpected character ${JSON.stringify(op)}`, mark);
    this.#push(op, mark, {});
    if (op === '.') this.#startAttribute(mark, false);
  }

  #startAttribute(mark: Mark, afterParent: boolean): void {
    this.#attribute = mark;
    this.#afterParent = afterParent;
  }

  #consume(scanned: Scanned, mark: Mark, type: string, extra: Partial<Token>): void {
    while (this.#pos < mark.start + scanned.length) this.#advance();
    if (scanned.error !== undefined) this.#error(scanned.error, mark);
    else this.#push(type, mark, extra);
  }

  #lexNumber(mark: Mark): void {
    const scanned = lexNumberText(this.#src, this.#pos);
    if (scanned.error === undefined) {
      const tail = this.#durationTail(mark.start + scanned.length);
      if (tail !== '') {
        const nanos = parseDuration(
          this.#src.slice(mark.start, mark.start + scanned.length) + tail,
        );
        if (nanos !== undefined) {
          return this.#consume({ length: scanned.length + tail.length }, mark, 'DURATION', {
            big: nanos,
          });
        }
      }
    }
    const extra = scanned.float ? { num: scanned.num } : { big: scanned.big };
    this.#consume(scanned, mark, scanned.float ? 'FLOAT' : 'INTEGER', extra);
  }

  /** The characters after a number that may make it a duration (`s`, `h30m`, `.5ms`, …). */
  #durationTail(from: number): string {
    let end = from;
    for (;;) {
      const cp = this.#src.codePointAt(end);
      if (cp === undefined) break;
      const c = String.fromCodePoint(cp);
      if (isGoSpace(c) || !isDurationChar(c)) break;
      end += c.length;
    }
    return this.#src.slice(from, end);
  }

  #lexQuoted(mark: Mark): void {
    const scanned = lexString(this.#src, this.#pos);
    this.#consume(scanned, mark, 'STRING', { str: scanned.str ?? '' });
  }

  #lexSingleQuoted(mark: Mark): void {
    this.#advance();
    while (this.#peek() !== '' && this.#peek() !== '\n' && this.#peek() !== "'") this.#advance();
    if (this.#peek() === "'") this.#advance();
    this.#error('single quotes do not delimit strings: use "…" or `…`', mark);
  }

  #lexAttributePart(scope: Mark): void {
    if (!isAttributeChar(this.#peek())) {
      this.#attribute = undefined;
      this.#push('END_ATTRIBUTE', this.#mark(), {}, scope);
      return;
    }
    if (this.#afterParent) {
      this.#afterParent = false;
      const nested = ['span.', 'resource.'].find((s) => this.#src.startsWith(s, this.#pos));
      if (nested !== undefined) {
        const mark = this.#mark();
        while (this.#pos < mark.start + nested.length) this.#advance();
        this.#push(nested, mark, {});
        return;
      }
    }
    this.#lexAttributeName(scope);
  }

  #lexAttributeName(scope: Mark): void {
    const mark = this.#mark();
    let name = '';
    for (;;) {
      const c = this.#peek();
      if (c === '"') {
        const quoted = this.#lexQuotedNamePart();
        if (quoted === undefined)
          return this.#stopAttribute(scope, 'quoted attribute name not terminated: expecting "');
        if (quoted === null) {
          return this.#stopAttribute(
            scope,
            'invalid escape in quoted attribute name: only \\" and \\\\ are allowed',
          );
        }
        name += quoted;
      } else if (isAttributeChar(c)) {
        name += this.#advance();
      } else {
        break;
      }
    }
    this.#push('IDENTIFIER', mark, { str: name });
  }

  /** Reads `"…"`; undefined when unterminated, null on a bad escape. */
  #lexQuotedNamePart(): string | undefined | null {
    this.#advance();
    let out = '';
    for (;;) {
      const c = this.#advance();
      if (c === '') return undefined;
      if (c === '"') return out;
      if (c === '\\') {
        const escaped = this.#peek();
        if (escaped !== '"' && escaped !== '\\') return null;
        out += this.#advance();
      } else {
        out += c;
      }
    }
  }

  #stopAttribute(scope: Mark, message: string): void {
    this.#attribute = undefined;
    this.#error(message, scope);
    while (isAttributeChar(this.#peek())) this.#advance();
  }
}
