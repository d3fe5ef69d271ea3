/**
 * Decimal text to the two 32-bit halves of a 64-bit integer, without allocating: the protobuf
 * writer runs this for every timestamp and int attribute. It accepts exactly what the model's
 * `decimalToU64` accepts (an optional '-', then 1 to 20 digits, fitting int64 or uint64) and
 * gives the same halves; `decimalToU64` allocates and tests a regex, which cost a third of
 * protobuf encoding time.
 */

const TWO_32 = 4294967296;
const BILLION = 1_000_000_000;

/** The two unsigned 32-bit halves of a 64-bit value in two's complement. */
export interface U64Halves {
  hi: number;
  lo: number;
}

/**
 * Parses decimal text into `out` (two's complement for negatives). Returns false, leaving `out`
 * in an unspecified state, when the text is not a 64-bit integer.
 */
export function parseDecimalInto(text: string, out: U64Halves): boolean {
  const n = text.length;
  const negative = n > 0 && text.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  if (n - i < 1 || n - i > 20) return false;
  // high = the digits before the last nine, low = the last nine: value = high * 1e9 + low.
  const split = Math.max(i, n - 9);
  let high = 0;
  let low = 0;
  for (; i < split; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    high = high * 10 + d;
  }
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    low = low * 10 + d;
  }
  if (!joinDecimal(high, low, out)) return false;
  return negative ? negateInPlace(out) : true;
}

/** Sets `out` to `high * 1e9 + low` exactly (high < 1e11, low < 1e9); false above 2^64 - 1. */
function joinDecimal(high: number, low: number, out: U64Halves): boolean {
  if (high < 9_000_000) {
    const v = high * BILLION + low; // < 9e15 < 2^53: exact
    out.hi = Math.floor(v / TWO_32);
    out.lo = v >>> 0;
    return true;
  }
  // high = hh * 2^16 + hl, so value = (hh * 1e9) * 2^16 + (hl * 1e9 + low), each part < 2^53.
  const hh = Math.floor(high / 65536);
  const a = hh * BILLION;
  const b = (high - hh * 65536) * BILLION + low;
  const aLow16 = a % 65536;
  const sum = aLow16 * 65536 + b; // < 2^48: exact
  const hi = (a - aLow16) / 65536 + Math.floor(sum / TWO_32);
  if (hi > 0xffffffff) return false;
  out.hi = hi;
  out.lo = sum % TWO_32;
  return true;
}

/** Negates `v` in two's complement; false when the magnitude exceeds 2^63. */
function negateInPlace(v: U64Halves): boolean {
  const { hi, lo } = v;
  if (hi > 0x80000000 || (hi === 0x80000000 && lo !== 0)) return false;
  v.lo = (~lo + 1) >>> 0;
  v.hi = (~hi + (v.lo === 0 ? 1 : 0)) >>> 0;
  return true;
}
