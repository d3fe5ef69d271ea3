/**
 * RE2 syntax (what Tempo, Go and DuckDB accept) rewritten as JavaScript, in one translator with
 * two uses. `checkRegex` validates: it refuses what RE2 refuses (look-around, back-references,
 * unknown escapes, repeat counts over 1000, unknown flags) and compiles the result with the `u`
 * flag; Unicode class names (`\p{Greek}`) are accepted without being looked up. `translateRe2`
 * makes a pattern to match with (`s` and `u` flags, `\s` and POSIX classes as RE2 means them)
 * and approximates what it cannot express: a flag group such as `(?i)` anywhere applies to the
 * whole pattern, `(?U)` and `(?-s)` are ignored.
 */

const PUNCTUATION = /^[!-/:-@[-`{-~]$/;
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
/** Escapes RE2 has only outside a `[…]` class. */
const OUTSIDE_ONLY = new Set(['b', 'B', 'A', 'z', 'C']);
const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(
    ' ',
  ),
);
const MAX_REPEAT = 1000;

/** What RE2 refuses (thrown only when checking). */
class Invalid extends Error {}

const codeEscape = (c: string): string => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;

/** Undefined when `pattern` is valid RE2; otherwise why not. */
export function checkRegex(pattern: string): string | undefined {
  try {
    const { source, flags } = translate(pattern, true);
    new RegExp(source, flags);
    return undefined;
  } catch (err) {
    if (err instanceof Invalid) return err.message;
    // V8 says "Invalid regular expression: /…/u: Nothing to repeat"; keep the reason only.
    const reason =
      err instanceof SyntaxError ? err.message.slice(err.message.lastIndexOf(': ') + 2) : '';
    return reason === '' ? 'invalid syntax' : reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}

/** RE2 → JavaScript source and flags, to match with (see the module comment). */
export function translateRe2(pattern: string): { source: string; flags: string } {
  return translate(pattern, false);
}

/** `check`: throw `Invalid` where RE2 refuses, and leave Unicode names unchecked. */
function translate(p: string, check: boolean): { source: string; flags: string } {
  let flags = 'su';
  let out = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i] as string;
    if (c === '\\') {
      const e = escapeAt(p, i, false, check);
      [out, i] = [out + e.text, e.end];
    } else if (c === '[') {
      const e = classAt(p, i, check);
      [out, i] = [out + e.text, e.end];
    } else if (c === '(' && p[i + 1] === '?') {
      const g = groupAt(p, i, check);
      if (g.flags.includes('i') && !flags.includes('i')) flags += 'i';
      if (g.flags.includes('m') && !flags.includes('m')) flags += 'm';
      [out, i] = [out + g.text, g.end];
    } else if (c === '{') {
      const e = repeatAt(p, i, check);
      [out, i] = [out + e.text, e.end];
    } else if (c === '}' || c === ']') {
      [out, i] = [out + '\\' + c, i + 1];
    } else {
      const ch = String.fromCodePoint(p.codePointAt(i) ?? 0);
      [out, i] = [out + ch, i + ch.length];
    }
  }
  return { source: out, flags };
}

/** A `(?…` group opening at `i`: named groups and flag groups become `(?:` or nothing. */
function groupAt(
  p: string,
  i: number,
  check: boolean,
): { text: string; end: number; flags: string } {
  const rest = p.slice(i + 2);
  const named = /^P?<[A-Za-z0-9_]+>/.exec(rest);
  if (named !== null) return { text: '(?:', end: i + 2 + named[0].length, flags: '' };
  const f = /^([imsU]*)(-[imsU]*)?([:)])/.exec(rest);
  if (check) {
    // RE2 wants at least one flag, and none after a `-` is an error too.
    const set = `${f?.[1] ?? ''}${f?.[2] ?? ''}`;
    if (f === null || set === '' || set === '-' || set.endsWith('-')) {
      if (rest.startsWith(':')) return { text: '(?:', end: i + 3, flags: '' };
      throw new Invalid('invalid or unsupported Perl syntax: (?' + rest.slice(0, 1));
    }
  }
  if (f === null) return { text: '(?', end: i + 2, flags: '' };
  return { text: f[3] === ':' ? '(?:' : '', end: i + 2 + f[0].length, flags: f[1] ?? '' };
}

/** A `{` at `i`: a repeat count (at most 1000 when checking) or a literal brace. */
function repeatAt(p: string, i: number, check: boolean): { text: string; end: number } {
  const repeat = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
  if (repeat === null) return { text: '\\{', end: i + 1 };
  if (check) {
    const min = Number(repeat[1]);
    const open = repeat[2] !== undefined && repeat[3] === '';
    const max = repeat[2] === undefined || open ? min : Number(repeat[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT || max < min) {
      throw new Invalid(`invalid repeat count: ${repeat[0]}`);
    }
  }
  return { text: repeat[0], end: i + repeat[0].length };
}

/** An escape at `i` (the backslash), inside a class or not. */
function escapeAt(
  p: string,
  i: number,
  inClass: boolean,
  check: boolean,
): { text: string; end: number } {
  const e = p[i + 1] ?? '';
  if (check) {
    if (e === '') throw new Invalid('trailing backslash at end of expression');
    if (inClass && OUTSIDE_ONLY.has(e)) throw new Invalid(`invalid escape sequence: \\${e}`);
  }
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
      return hexEscape(p, i + 2, check);
    case 'p':
    case 'P':
      return unicodeClass(p, i, inClass, check);
  }
  if (e >= '0' && e <= '7') {
    const digits = /^[0-7]{1,3}/.exec(p.slice(i + 1))?.[0] ?? '0';
    // A lone \1 … \7 is a back-reference, which RE2 does not have.
    if (check && digits.length === 1 && digits !== '0')
      throw new Invalid(`invalid escape sequence: \\${digits}`);
    return { text: `\\u{${parseInt(digits, 8).toString(16)}}`, end: i + 1 + digits.length };
  }
  if (check && !PUNCTUATION.test(e)) throw new Invalid(`invalid escape sequence: \\${e}`);
  return { text: e === '' ? '\\\\' : codeEscape(e), end: i + 1 + e.length };
}

function hexEscape(p: string, from: number, check: boolean): { text: string; end: number } {
  const m =
    p[from] === '{'
      ? /^\{([0-9A-Fa-f]{1,8})\}/.exec(p.slice(from))
      : /^[0-9A-Fa-f]{2}/.exec(p.slice(from));
  const value = m === null ? -1 : parseInt(m[1] ?? m[0], 16);
  if (m === null || value > 0x10ffff) {
    if (check) throw new Invalid('invalid escape sequence: \\x');
    if (m === null) return { text: 'x', end: from };
  }
  return { text: `\\u{${value.toString(16)}}`, end: from + m[0].length };
}

/** `\pL`, `\p{Greek}`, `\p{^Greek}`, `\PL`: general categories, scripts and `Any`. */
function unicodeClass(
  p: string,
  i: number,
  inClass: boolean,
  check: boolean,
): { text: string; end: number } {
  const braced = p[i + 2] === '{';
  const close = braced ? p.indexOf('}', i + 2) : i + 2;
  const end = close + 1;
  if (check) {
    // Checked for shape only: any name is accepted.
    if (close < 0 || end > p.length) throw new Invalid('invalid character class range');
    return { text: inClass ? 'a' : '[^]', end };
  }
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
function classAt(p: string, start: number, check: boolean): { text: string; end: number } {
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
      if (check) throw new Invalid('invalid character class range');
    }
    if (c === '\\') {
      const e = escapeAt(p, i, true, check);
      [text, i] = [text + e.text, e.end];
    } else {
      const ch = String.fromCodePoint(p.codePointAt(i) ?? 0);
      [text, i] = [text + (ch === '[' ? '\\[' : ch), i + ch.length];
    }
  }
  if (check) throw new Invalid('missing closing ]');
  return { text: text + ']', end: i };
}
