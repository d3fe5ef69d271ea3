/**
 * Readers that turn a YAML value into a typed setting, or say what was wrong and what is accepted.
 * A reader's problem text does not name the key; the caller prefixes the key path.
 */

import { parseByteSize, parseDurationMs, parseWholeNumber } from './units.js';

export type Read<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };
export type Reader<T> = (raw: unknown) => Read<T>;

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = <T>(problem: string): Read<T> => ({ ok: false, problem });

/** A YAML mapping as a plain object (not a list, not a scalar, not binary data). */
export function isMapping(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !ArrayBuffer.isView(raw);
}

/** How a value is shown in a message: strings quoted, numbers and booleans as is. */
export function describeValue(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (Array.isArray(raw)) return 'a list';
  if (isMapping(raw)) return 'a mapping';
  if (typeof raw === 'number' || typeof raw === 'boolean' || raw === null) return String(raw);
  return 'a value of another kind';
}

function wholeNumber(
  raw: unknown,
  fromText: (text: string) => number | undefined,
): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? fromText(raw) : undefined;
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

function checkSafe(raw: unknown, n: number): Read<number> {
  return Number.isSafeInteger(n) ? ok(n) : fail(`${describeValue(raw)} is too large`);
}

/** A duration in milliseconds: Go's form (`30s`, `5m`, `1h30m`) plus `d` and `w`, or the number 0. */
export const readDurationMs: Reader<number> = (raw) => {
  const ms = raw === 0 ? 0 : typeof raw === 'string' ? parseDurationMs(raw) : undefined;
  if (ms !== undefined) return ok(ms);
  return fail(`${describeValue(raw)} is not a duration (use e.g. 30s, 5m, 1h)`);
};

/** A size in bytes: a whole number (`1_000_000`, `1.073741824e+09`) or `500MiB`, `1GB`. */
export const readBytes: Reader<number> = (raw) => {
  const n = wholeNumber(raw, parseByteSize);
  if (n !== undefined) return checkSafe(raw, n);
  return fail(`${describeValue(raw)} is not a size in bytes (use e.g. 524288000 or 500MiB)`);
};

/** A whole number, optionally with `_` between digits. */
export const readWholeNumber: Reader<number> = (raw) => {
  const n = wholeNumber(raw, parseWholeNumber);
  if (n !== undefined) return checkSafe(raw, n);
  return fail(`${describeValue(raw)} is not a whole number (use e.g. 10000)`);
};

export const readPort: Reader<number> = (raw) => {
  const n = wholeNumber(raw, parseWholeNumber);
  if (n !== undefined && n >= 0 && n <= 65535) return ok(n);
  return fail(`${describeValue(raw)} is not a port number (use 0 to 65535)`);
};

// Go's YAML reader (YAML 1.1) also reads these words as booleans.
const TRUE_WORDS = new Set([
  'true',
  'True',
  'TRUE',
  'yes',
  'Yes',
  'YES',
  'y',
  'Y',
  'on',
  'On',
  'ON',
]);
const FALSE_WORDS = new Set([
  'false',
  'False',
  'FALSE',
  'no',
  'No',
  'NO',
  'n',
  'N',
  'off',
  'Off',
  'OFF',
]);

export const readBool: Reader<boolean> = (raw) => {
  if (typeof raw === 'boolean') return ok(raw);
  if (typeof raw === 'string' && TRUE_WORDS.has(raw)) return ok(true);
  if (typeof raw === 'string' && FALSE_WORDS.has(raw)) return ok(false);
  return fail(`${describeValue(raw)} is not a boolean (use true or false)`);
};

/** A string; a number or boolean is read as its text, as Go's YAML reader does for string fields. */
export const readString: Reader<string> = (raw) => {
  if (typeof raw === 'string') return ok(raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return ok(String(raw));
  return fail(`expected a string, got ${describeValue(raw)}`);
};

export function readStringList(raw: unknown): Read<readonly string[]> {
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return ok(raw);
  return fail(`expected a list of strings, got ${describeValue(raw)}`);
}

/** Joins choices as `a, b or c`. */
export function listChoices(choices: readonly string[]): string {
  return choices.length < 2
    ? choices.join('')
    : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1) ?? ''}`;
}

export function readOneOf<T extends string>(choices: readonly T[]): Reader<T> {
  return (raw) => {
    const s = readString(raw);
    if (!s.ok) return fail(s.problem);
    const found = choices.find((c) => c === s.value);
    if (found !== undefined) return ok(found);
    return fail(`${describeValue(raw)} is not a valid value (use ${listChoices(choices)})`);
  };
}

/** Wraps a numeric reader so that values ≤ 0 are refused. */
export function positive(read: Reader<number>): Reader<number> {
  return (raw) => {
    const r = read(raw);
    if (!r.ok || r.value > 0) return r;
    return fail(`must be greater than 0 (got ${describeValue(raw)})`);
  };
}

/** Wraps a numeric reader so that values < 0 are refused. */
export function nonNegative(read: Reader<number>): Reader<number> {
  return (raw) => {
    const r = read(raw);
    if (!r.ok || r.value >= 0) return r;
    return fail(`must not be negative (got ${describeValue(raw)})`);
  };
}

/** A list of numbers in increasing order (histogram bucket bounds). */
export function readIncreasingNumbers(raw: unknown): Read<readonly number[]> {
  if (
    !Array.isArray(raw) ||
    raw.length === 0 ||
    !raw.every((n) => typeof n === 'number' && Number.isFinite(n))
  ) {
    return fail(`expected a non-empty list of numbers, got ${describeValue(raw)}`);
  }
  const list = raw as number[];
  for (let i = 1; i < list.length; i++) {
    if ((list[i] as number) <= (list[i - 1] as number)) {
      return fail(
        `the bounds must increase (${String(list[i - 1])} is followed by ${String(list[i])})`,
      );
    }
  }
  return ok(list);
}

/** A mapping of names to strings (labels, headers); numbers and booleans are read as text. */
export function readStringMap(raw: unknown): Read<Readonly<Record<string, string>>> {
  if (!isMapping(raw))
    return fail(`expected a mapping of names to strings, got ${describeValue(raw)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const s = readString(v);
    if (!s.ok) return fail(`${k}: ${s.problem}`);
    out[k] = s.value;
  }
  return ok(out);
}
