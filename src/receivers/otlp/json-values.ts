/**
 * Field readers for the OTLP JSON mapping (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * each takes the parsed object and a field name, accepts what the mapping (and protobuf's JSON
 * mapping) allows, and otherwise throws with the path of the field. `null` counts as absent, an
 * absent field is its zero value, and the proto's snake_case name is accepted after the
 * lowerCamelCase one.
 */

import { Buffer } from 'node:buffer';
import {
  decimalToU64,
  i64ToDecimal,
  InvalidRequestError,
  u64ToDecimal,
} from '../../model/index.js';
import { INVALID_ID } from './decode-result.js';

export type JsonObject = Record<string, unknown>;

/** Where the walk is, for messages like `resourceSpans[0].scopeSpans[1].spans[3].kind: …`. */
export class JsonCursor {
  /** Field names and list indexes from the request down to the current object. */
  readonly path: Array<string | number> = [];

  fail(key: string, what: string): never {
    let at = '';
    for (const seg of this.path) at += typeof seg === 'number' ? `[${seg}]` : at ? `.${seg}` : seg;
    if (key !== '') at += at ? `.${key}` : key;
    throw new InvalidRequestError(`invalid OTLP JSON: ${at || 'the request'}: ${what}`);
  }
}

/** The value of `key` (or of its snake_case spelling `alt`); undefined when absent or null. */
export function pick(o: JsonObject, key: string, alt?: string): unknown {
  let v = o[key];
  if ((v === undefined || v === null) && alt !== undefined) v = o[alt];
  return v === null ? undefined : v;
}

/** A short rendering of a wrong value for error messages. */
export function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 36)}…${text.startsWith('"') ? '"' : ''}` : text;
}

/** A nested message: an object, or undefined when absent. */
export function readObject(c: JsonCursor, v: unknown, key: string): JsonObject | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    c.fail(key, `expected an object, got ${describe(v)}`);
  }
  return v as JsonObject;
}

/** A repeated field: an array (empty when absent). */
export function readList(c: JsonCursor, v: unknown, key: string): readonly unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) c.fail(key, `expected an array, got ${describe(v)}`);
  return v;
}

/** An element of a repeated message field; `null` is read as an empty message. */
export function readElement(c: JsonCursor, v: unknown, key: string): JsonObject {
  return readObject(c, v === null ? undefined : v, key) ?? {};
}

export function readString(c: JsonCursor, o: JsonObject, key: string, alt?: string): string {
  const v = pick(o, key, alt);
  return v === undefined ? '' : asString(c, v, key);
}

export function asString(c: JsonCursor, v: unknown, key: string): string {
  if (typeof v !== 'string') c.fail(key, `expected a string, got ${describe(v)}`);
  return v;
}

export function readBool(c: JsonCursor, v: unknown, key: string): boolean {
  if (typeof v !== 'boolean') c.fail(key, `expected true or false, got ${describe(v)}`);
  return v;
}

const UINT32_MAX = 0xffffffff;
const DIGITS = /^\d+$/;
const SIGNED_DIGITS = /^-?\d+$/;
/** Decimal text that is already as the model keeps it and surely in range: returned as is. */
const CANONICAL_U64 = /^(?:0|[1-9]\d{0,18})$/;
const CANONICAL_I64 = /^(?:0|-?[1-9]\d{0,17})$/;
/** Zeros before the first significant digit (after any sign), which `decimalToU64` counts. */
const LEADING_ZEROS = /(?<=^-?)0+(?=\d)/;

/** uint32 and fixed32 fields: a JSON number or a decimal string. */
export function readUint32(c: JsonCursor, o: JsonObject, key: string, alt?: string): number {
  const v = pick(o, key, alt);
  if (v === undefined) return 0;
  const n = typeof v === 'string' && DIGITS.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > UINT32_MAX) {
    c.fail(key, `expected an unsigned 32-bit integer, got ${describe(v)}`);
  }
  return n;
}

const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/**
 * A fixed64 time in nanoseconds, as a decimal string or a JSON number. A number above 2^53 has
 * already been rounded by JSON.parse; it is taken as the double it became (exact digits, no
 * exponent), and 2^64 (what 18446744073709551615 rounds to) is clamped to the uint64 maximum.
 */
export function readTime(c: JsonCursor, o: JsonObject, key: string, alt?: string): string {
  const v = pick(o, key, alt);
  if (v === undefined) return '0';
  if (typeof v === 'string') {
    if (CANONICAL_U64.test(v)) return v;
    if (DIGITS.test(v)) {
      const u = decimalToU64(v.replace(LEADING_ZEROS, ''));
      if (u !== undefined) return u64ToDecimal(u.hi, u.lo);
    }
  } else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= TWO_64) {
    return v === TWO_64 ? '18446744073709551615' : integerText(v);
  }
  c.fail(key, `expected an unsigned 64-bit integer (decimal string or number), got ${describe(v)}`);
}

/** Exact decimal digits of an integral double (no exponent, unlike `String(1e21)`). */
function integerText(v: number): string {
  return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
}

/**
 * An int64 attribute value, as a decimal string or a JSON number. As with times, a number beyond
 * 2^53 is taken as rounded by JSON.parse, and 2^63 (what 9223372036854775807 rounds to) is
 * clamped to the int64 maximum.
 */
export function readInt64(c: JsonCursor, v: unknown, key: string): string {
  if (typeof v === 'string') {
    if (CANONICAL_I64.test(v)) return v;
    if (SIGNED_DIGITS.test(v)) {
      const u = decimalToU64(v.replace(LEADING_ZEROS, ''));
      const fits = u !== undefined && (v.startsWith('-') || u.hi < 0x80000000);
      if (fits) return i64ToDecimal(u.hi, u.lo);
    }
  } else if (typeof v === 'number' && Number.isInteger(v) && v >= -TWO_63 && v <= TWO_63) {
    return v === TWO_63 ? '9223372036854775807' : integerText(v);
  }
  c.fail(key, `expected a signed 64-bit integer (decimal string or number), got ${describe(v)}`);
}

const SPECIAL_DOUBLES = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);
const DECIMAL_NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A double: a JSON number, "NaN", "Infinity", "-Infinity", or a number in a string. */
export function readDouble(c: JsonCursor, v: unknown, key: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = SPECIAL_DOUBLES.get(v);
    if (special !== undefined) return special;
    if (DECIMAL_NUMBER.test(v)) return Number(v);
  }
  c.fail(key, `expected a number or "NaN", "Infinity", "-Infinity", got ${describe(v)}`);
}

const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/** A bytes value: standard or URL-safe base64, padding optional, copied into a Uint8Array. */
export function readBytes(c: JsonCursor, v: unknown, key: string): Uint8Array {
  if (typeof v !== 'string' || !BASE64.test(v) || v.replace(/=+$/, '').length % 4 === 1) {
    c.fail(key, `expected a base64 string, got ${describe(v)}`);
  }
  return new Uint8Array(Buffer.from(v, 'base64'));
}

/** An enum: a JSON number (values outside `names` become 0) or one of `names`. */
export function readEnum(
  c: JsonCursor,
  o: JsonObject,
  key: string,
  names: readonly string[],
  typeName: string,
): number {
  const v = pick(o, key);
  if (v === undefined) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v >= 0 && v < names.length ? v : 0;
  const index = typeof v === 'string' ? names.indexOf(v) : -1;
  if (index < 0) c.fail(key, `expected an integer or a ${typeName} name, got ${describe(v)}`);
  return index;
}

const HEX = /^[0-9a-fA-F]*$/;
const ZEROS = /^0*$/;

/**
 * An id as hex (the OTLP JSON mapping's exception to base64). Returns lowercase hex, or
 * INVALID_ID when absent, not `size` bytes, or all zero (unless `zeroOk`). Text that is not hex
 * at all is an error rather than a rejected span: the request itself is malformed.
 */
export function readId(
  c: JsonCursor,
  o: JsonObject,
  key: string,
  alt: string,
  size: number,
  zeroOk: boolean,
): string {
  const v = pick(o, key, alt);
  if (v === undefined) return INVALID_ID;
  if (typeof v !== 'string' || v.length % 2 !== 0 || !HEX.test(v)) {
    c.fail(key, `expected an even number of hex digits, got ${describe(v)}`);
  }
  if (v.length !== size * 2 || (!zeroOk && ZEROS.test(v))) return INVALID_ID;
  return v.toLowerCase();
}

/** A parent span id: absent, empty or all zero means a root span (''); other than 8 bytes is invalid. */
export function readParentId(c: JsonCursor, o: JsonObject): string {
  const v = pick(o, 'parentSpanId', 'parent_span_id');
  if (v === undefined || v === '') return '';
  const id = readId(c, o, 'parentSpanId', 'parent_span_id', 8, true);
  return id !== INVALID_ID && ZEROS.test(id) ? '' : id;
}
