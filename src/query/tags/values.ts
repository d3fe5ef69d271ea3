/**
 * Tag values as Tempo prints them (`traceql.MakeCollectTagValueFunc`, `Static.EncodeToString`),
 * and the limits Tempo's collectors apply (`pkg/collector`). Pure.
 */
import { compareStrings, decodeAttr, type TqlValue } from '../search/values.js';
import type { StoredAttr } from '../../wal/index.js';

export type TagValueType = 'string' | 'int' | 'float' | 'bool' | 'duration' | 'keyword';

/** One typed value of `/api/v2/search/tag/{name}/values`. */
export interface TagValue {
  type: TagValueType;
  value: string;
}

/** Tempo's per-tenant `max_bytes_per_tag_values_query` default. */
export const DEFAULT_MAX_TAG_BYTES = 1_000_000;

/**
 * A float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` writes it, with `.0` added when that
 * has neither `.` nor `e` (Tempo's `Static.EncodeToString`): `12.5`, `3.0`, `1e+21`, `1e-05`.
 */
export function goFloatText(v: number): string {
  let text: string;
  if (Number.isNaN(v)) text = 'NaN';
  else if (!Number.isFinite(v)) text = v > 0 ? '+Inf' : '-Inf';
  else if (v === 0) text = Object.is(v, -0) ? '-0' : '0';
  else {
    // Shortest digits either way; with them, Go's 'g' takes the exponent form when the decimal
    // exponent is below -4 or at least 6 (strconv.formatDigits), and at least two exponent digits.
    const [mantissa, expText] = v.toExponential().split('e') as [string, string];
    const exp = Number(expText);
    if (exp < -4 || exp >= 6) {
      const sign = exp < 0 ? '-' : '+';
      const digits = String(Math.abs(exp)).padStart(2, '0');
      text = `${mantissa}e${sign}${digits}`;
    } else {
      // JavaScript prints fixed notation with the same shortest digits in this range.
      text = String(v);
    }
  }
  // NaN and the infinities also get `.0` (`NaN.0`, `+Inf.0`): Tempo's check looks for `e` or `.` only.
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** The typed values of an attribute's value: one for a scalar, one per element of an array. */
export function tagValuesOf(v: TqlValue, out: (tv: TagValue) => void): void {
  switch (v.t) {
    case 'string':
      out({ type: 'string', value: v.v });
      return;
    case 'int':
      out({ type: 'int', value: v.v.toString() });
      return;
    case 'float':
      out({ type: 'float', value: goFloatText(v.v) });
      return;
    case 'bool':
      out({ type: 'bool', value: v.v ? 'true' : 'false' });
      return;
    case 'array':
      for (const e of v.v) tagValuesOf(e, out);
      return;
    case 'nil':
      // Bytes, kvlists, empty and mixed arrays: Tempo stores them as unsupported and lists nothing.
      return;
    case 'duration':
    case 'status':
    case 'kind':
      // Not attribute values (intrinsics only).
      return;
  }
}

/** Distinct typed values, keyed by type and text. */
export class TagValueSet {
  readonly #values = new Map<string, TagValue>();

  add(tv: TagValue): void {
    const key = `${tv.type}\u0000${tv.value}`;
    if (!this.#values.has(key)) this.#values.set(key, tv);
  }

  /** Adds the values of a stored attribute (a WAL attribute or a block row `t, s, i, d, b`). */
  addAttr(a: StoredAttr): void {
    tagValuesOf(decodeAttr(a), (tv) => this.add(tv));
  }

  /** Adds an intrinsic's text value; empty text is an absent value. */
  addString(value: string | null | undefined): void {
    if (value) this.add({ type: 'string', value });
  }

  /** Sorted by text (Go's byte order), then type. */
  sorted(): TagValue[] {
    return [...this.#values.values()].sort(
      (a, b) => compareStrings(a.value, b.value) || compareStrings(a.type, b.type),
    );
  }
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * The first values that fit: at most `limit` (0 or undefined: no limit), and stopping at the
 * first value that would bring the total size to `maxBytes` or more (`len(type) + len(value)`
 * for typed values, as Tempo's `DistinctValue` counts).
 */
export function capValues<T>(
  values: readonly T[],
  size: (v: T) => number,
  limit: number | undefined,
  maxBytes: number | undefined,
): T[] {
  const out: T[] = [];
  let bytes = 0;
  for (const v of values) {
    if (limit !== undefined && limit > 0 && out.length >= limit) break;
    const n = size(v);
    if (maxBytes !== undefined && maxBytes > 0 && bytes + n >= maxBytes) break;
    bytes += n;
    out.push(v);
  }
  return out;
}

export const typedSize = (v: TagValue): number => utf8Length(v.type) + utf8Length(v.value);
export const textSize = (v: string): number => utf8Length(v);
