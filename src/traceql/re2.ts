/**
 * Checks that a pattern is valid RE2 syntax (what Tempo, Go and DuckDB accept). The pattern is
 * rewritten into an equivalent JavaScript one, refusing what RE2 refuses (look-around,
 * back-references, unknown escapes, repeat counts over 1000, unknown flags), and compiled with
 * the `u` flag. Unicode class names (`\p{Greek}`) are accepted without being looked up.
 */

const PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const POSIX_CLASSES = new Set([
  'alnum',
  'alpha',
  'ascii',
  'blank',
  'cntrl',
  'digit',
  'graph',
  'lower',
  'print',
  'punct',
  'space',
  'upper',
  'word',
  'xdigit',
]);
const SIMPLE: Readonly<Record<string, string>> = {
  a: '\\x07',
  f: '\\f',
  t: '\\t',
  n: '\\n',
  r: '\\r',
  v: '\\v',
  d: '\\d',
  D: '\\D',
  s: '\\s',
  S: '\\S',
  w: '\\w',
  W: '\\W',
};
const OUTSIDE_ONLY: Readonly<Record<string, string>> = {
  b: '\\b',
  B: '\\B',
  A: '^',
  z: '$',
  C: '[^]',
};
const MAX_REPEAT = 1000;

class Invalid extends Error {}

const hexEscape = (c: string): string => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;

/** Undefined when `pattern` is valid RE2; otherwise why not. */
export function checkRegex(pattern: string): string | undefined {
  try {
    new RegExp(translate(pattern), 'u');
    return undefined;
  } catch (err) {
    if (err instanceof Invalid) return err.message;
    // V8 says "Invalid regular expression: /…/u: Nothing to repeat"; keep the reason only.
    const reason =
      err instanceof SyntaxError ? err.message.slice(err.message.lastIndexOf(': ') + 2) : '';
    return reason === '' ? 'invalid syntax' : reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}

function translate(p: string): string {
  let out = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i] ?? '';
    if (c === '\\') {
      const e = escape(p, i, false);
      [out, i] = [out + e.text, e.end];
    } else if (c === '[') [out, i] = appendClass(p, i, out);
    else if (c === '(' && p[i + 1] === '?') [out, i] = appendGroup(p, i, out);
    else if (c === '{') [out, i] = appendRepeat(p, i, out);
    else if (c === ']' || c === '}') [out, i] = [out + '\\' + c, i + 1];
    else [out, i] = [out + c, i + 1];
  }
  return out;
}

/** An escape at `i` (the backslash); `inClass` inside `[…]`. */
function escape(p: string, i: number, inClass: boolean): { text: string; end: number } {
  const e = p[i + 1];
  if (e === undefined) throw new Invalid('trailing backslash at end of expression');
  const simple = SIMPLE[e] ?? (inClass ? undefined : OUTSIDE_ONLY[e]);
  if (simple !== undefined) return { text: simple, end: i + 2 };
  if (e === 'Q') return quoteLiteral(p, i + 2);
  if (e === 'x') return hexCode(p, i + 2);
  if (e === 'p' || e === 'P') {
    const end = p[i + 2] === '{' ? p.indexOf('}', i + 2) + 1 : i + 3;
    if (end <= i + 2 || end > p.length) throw new Invalid('invalid character class range');
    return { text: inClass ? 'a' : '[^]', end };
  }
  if (e >= '0' && e <= '7') return octal(p, i + 1);
  if (PUNCTUATION.test(e)) return { text: hexEscape(e), end: i + 2 };
  throw new Invalid(`invalid escape sequence: \\${e}`);
}

function quoteLiteral(p: string, from: number): { text: string; end: number } {
  const stop = p.indexOf('\\E', from);
  const literal = p.slice(from, stop < 0 ? p.length : stop);
  return { text: [...literal].map(hexEscape).join(''), end: stop < 0 ? p.length : stop + 2 };
}

function hexCode(p: string, from: number): { text: string; end: number } {
  const braced =
    p[from] === '{'
      ? /^\{([0-9A-Fa-f]{1,8})\}/.exec(p.slice(from))
      : /^[0-9A-Fa-f]{2}/.exec(p.slice(from));
  if (braced === null) throw new Invalid('invalid escape sequence: \\x');
  const value = parseInt(braced[1] ?? braced[0], 16);
  if (value > 0x10ffff) throw new Invalid('invalid escape sequence: \\x');
  return { text: `\\u{${value.toString(16)}}`, end: from + braced[0].length };
}

function octal(p: string, from: number): { text: string; end: number } {
  const digits = /^[0-7]{1,3}/.exec(p.slice(from))?.[0] ?? '';
  // A lone \1 … \7 is a back-reference, which RE2 does not have.
  if (digits !== '0' && digits.length === 1 && digits[0] !== '0')
    throw new Invalid(`invalid escape sequence: \\${digits}`);
  return { text: `\\u{${parseInt(digits, 8).toString(16)}}`, end: from + digits.length };
}

function appendClass(p: string, start: number, out: string): [string, number] {
  let i = start + 1;
  let text = '[';
  if (p[i] === '^') text += p[i++];
  if (p[i] === ']') [text, i] = [text + '\\]', i + 1];
  for (;;) {
    const c = p[i];
    if (c === undefined) throw new Invalid('missing closing ]');
    if (c === ']') return [out + text + ']', i + 1];
    if (c === '[' && p[i + 1] === ':') {
      const end = p.indexOf(':]', i + 2);
      const name = end < 0 ? '' : p.slice(i + 2, end).replace(/^\^/, '');
      if (!POSIX_CLASSES.has(name)) throw new Invalid('invalid character class range');
      [text, i] = [text + 'a', end + 2];
    } else if (c === '\\') {
      const e = escape(p, i, true);
      [text, i] = [text + e.text, e.end];
    } else {
      [text, i] = [text + (c === '[' ? '\\[' : c), i + 1];
    }
  }
}

function appendGroup(p: string, start: number, out: string): [string, number] {
  const rest = p.slice(start + 2);
  const named = /^P?<([A-Za-z0-9_]+)>/.exec(rest);
  if (named !== null) return [out + '(?:', start + 2 + named[0].length];
  const flags = /^([imsU]*(?:-[imsU]*)?)([:)])/.exec(rest);
  if (flags === null || flags[1] === '' || flags[1] === '-' || (flags[1]?.endsWith('-') ?? false)) {
    if (rest.startsWith(':')) return [out + '(?:', start + 3];
    throw new Invalid('invalid or unsupported Perl syntax: (?' + rest.slice(0, 1));
  }
  const end = start + 2 + flags[0].length;
  return [flags[2] === ':' ? out + '(?:' : out, end];
}

function appendRepeat(p: string, start: number, out: string): [string, number] {
  const repeat = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(start));
  if (repeat === null) return [out + '\\{', start + 1];
  const min = Number(repeat[1]);
  const open = repeat[2] !== undefined && repeat[3] === '';
  const max = repeat[2] === undefined ? min : open ? min : Number(repeat[3]);
  if (min > MAX_REPEAT || max > MAX_REPEAT || max < min) {
    throw new Invalid(`invalid repeat count: ${repeat[0]}`);
  }
  return [out + repeat[0], start + repeat[0].length];
}
