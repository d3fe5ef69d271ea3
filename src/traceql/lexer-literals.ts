/**
 * Number and string literals, read as Go's `text/scanner` and `strconv` read them: decimal
 * integers that fit in int64, floats (`1.5`, `.5`, `1e3`), double-quoted strings with Go escapes
 * and back-quoted raw strings (carriage returns dropped).
 */

/** What a literal scanner read: its length (UTF-16 units) and value, or an error. */
export interface Scanned {
  readonly length: number;
  readonly error?: string;
  readonly float?: boolean;
  readonly big?: bigint;
  readonly num?: number;
  readonly str?: string;
}

const MAX_INT64 = (1n << 63n) - 1n;
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function scanDigits(src: string, pos: number): number {
  let i = pos;
  while (isDigit(src[i]) || src[i] === '_') i++;
  return i;
}

/** Reads the number starting at `pos` (a digit, or a `.` followed by a digit). */
export function lexNumberText(src: string, pos: number): Scanned {
  if (src[pos] === '0' && /[xXoObB]/.test(src[pos + 1] ?? '')) {
    const end = pos + 2 + (/^[0-9A-Za-z_.]*/.exec(src.slice(pos + 2))?.[0].length ?? 0);
    return {
      length: end - pos,
      error: `invalid number ${src.slice(pos, end)}: only decimal numbers are accepted`,
    };
  }
  let i = scanDigits(src, pos);
  let float = false;
  if (src[i] === '.') {
    float = true;
    i = scanDigits(src, i + 1);
  }
  if (src[i] === 'e' || src[i] === 'E') {
    float = true;
    i++;
    if (src[i] === '+' || src[i] === '-') i++;
    if (!isDigit(src[i]))
      return {
        length: i - pos,
        error: `invalid number ${src.slice(pos, i)}: exponent has no digits`,
      };
    i = scanDigits(src, i);
  }
  const text = src.slice(pos, i);
  if (text.includes('_'))
    return { length: i - pos, error: `invalid number ${text}: digits cannot be separated by _` };
  return float ? floatValue(text) : intValue(text);
}

function intValue(text: string): Scanned {
  if (text.length > 1 && text.startsWith('0') && /[89]/.test(text)) {
    return { length: text.length, error: `invalid number ${text}: a leading 0 makes it octal` };
  }
  const big = BigInt(text);
  if (big > MAX_INT64)
    return { length: text.length, error: `number ${text} is out of range: integers are 64-bit` };
  return { length: text.length, float: false, big };
}

function floatValue(text: string): Scanned {
  const num = Number(text);
  if (!Number.isFinite(num))
    return { length: text.length, error: `number ${text} is out of range` };
  return { length: text.length, float: true, num };
}

/** Reads a `"…"` or `` `…` `` string starting at `pos`. */
export function lexString(src: string, pos: number): Scanned {
  return src[pos] === '`' ? lexRawString(src, pos) : lexInterpretedString(src, pos);
}

function lexRawString(src: string, pos: number): Scanned {
  const end = src.indexOf('`', pos + 1);
  if (end < 0) return { length: src.length - pos, error: 'string literal not terminated' };
  return { length: end + 1 - pos, str: src.slice(pos + 1, end).replaceAll('\r', '') };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

/** Decoded text pieces; bytes from `\x`/octal escapes are kept apart so they form UTF-8. */
class StringBuilder {
  #out = '';
  #bytes: number[] = [];

  char(c: string): void {
    this.#flush();
    this.#out += c;
  }

  byte(b: number): void {
    if (b < 0x80) this.char(String.fromCharCode(b));
    else this.#bytes.push(b);
  }

  done(): string {
    this.#flush();
    return this.#out;
  }

  #flush(): void {
    if (this.#bytes.length === 0) return;
    this.#out += new TextDecoder().decode(new Uint8Array(this.#bytes));
    this.#bytes = [];
  }
}

function lexInterpretedString(src: string, pos: number): Scanned {
  const out = new StringBuilder();
  let i = pos + 1;
  for (;;) {
    const cp = src.codePointAt(i);
    if (cp === undefined || cp === 0x0a)
      return { length: i - pos, error: 'string literal not terminated' };
    const c = String.fromCodePoint(cp);
    if (c === '"') return { length: i + 1 - pos, str: out.done() };
    if (c !== '\\') {
      out.char(c);
      i += c.length;
      continue;
    }
    const escaped = readEscape(src, i + 1, out);
    if (escaped === undefined) {
      const error = `invalid escape sequence ${src.slice(i, i + 2)} in string`;
      return { length: skipToStringEnd(src, i) - pos, error };
    }
    i = escaped;
  }
}

/** Index after the closing quote of a string whose escapes are not checked any more. */
function skipToStringEnd(src: string, from: number): number {
  let i = from;
  while (i < src.length && src[i] !== '\n' && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
  return src[i] === '"' ? i + 1 : Math.min(i, src.length);
}

/** Decodes the escape after a backslash at `pos`; returns the index after it. */
function readEscape(src: string, pos: number, out: StringBuilder): number | undefined {
  const e = src[pos];
  if (e === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) {
    out.char(simple);
    return pos + 1;
  }
  if (e >= '0' && e <= '7') {
    const digits = src.slice(pos, pos + 3);
    if (!/^[0-7]{3}$/.test(digits) || parseInt(digits, 8) > 255) return undefined;
    out.byte(parseInt(digits, 8));
    return pos + 3;
  }
  const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (width === 0) return undefined;
  const hex = src.slice(pos + 1, pos + 1 + width);
  if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return undefined;
  const value = parseInt(hex, 16);
  if (e === 'x') out.byte(value);
  else if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
  else out.char(String.fromCodePoint(value));
  return pos + 1 + width;
}
