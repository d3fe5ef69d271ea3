/**
 * Exact conversions between unsigned 64-bit integers split in two 32-bit halves and decimal
 * text, without BigInt (which costs on the decode path). Long division in base 2^16 keeps every
 * intermediate below 2^53.
 */

const TWO_32 = 4294967296;
const BILLION = 1_000_000_000;

/** Decimal text of the unsigned 64-bit value `hi * 2^32 + lo` (both halves unsigned 32-bit). */
export function u64ToDecimal(hi: number, lo: number): string {
  if (hi < 0x200000) return String(hi * TWO_32 + lo);
  // Divide by 1e9 digit by digit (base 2^16): remainders stay below 1e9, so each step is exact.
  let rem = 0;
  let quotient = 0;
  const digits = [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff];
  for (const d of digits) {
    const cur = rem * 65536 + d;
    const q = Math.floor(cur / BILLION);
    rem = cur - q * BILLION;
    quotient = quotient * 65536 + q;
  }
  const low = String(rem);
  return String(quotient) + '000000000'.slice(low.length) + low;
}

/** Decimal text of the signed 64-bit (two's complement) value `hi * 2^32 + lo`. */
export function i64ToDecimal(hi: number, lo: number): string {
  if (hi & 0x80000000) {
    // Negate: two's complement of (hi, lo).
    let nlo = (~lo + 1) >>> 0;
    let nhi = ~hi >>> 0;
    if (nlo === 0) nhi = (nhi + 1) >>> 0;
    if (nhi === 0x80000000 && nlo === 0) return '-9223372036854775808';
    nlo >>>= 0;
    return '-' + u64ToDecimal(nhi, nlo);
  }
  return u64ToDecimal(hi >>> 0, lo >>> 0);
}

const DECIMAL = /^-?\d{1,20}$/;

/**
 * Splits decimal text into the two unsigned 32-bit halves of its 64-bit two's-complement form.
 * Returns undefined when the text is not an integer that fits (signed or unsigned 64-bit).
 */
export function decimalToU64(text: string): { hi: number; lo: number } | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  // Multiply-add in base 2^16 limbs: limbs[0] is the least significant.
  const limbs = [0, 0, 0, 0];
  for (let i = 0; i < digits.length; i++) {
    let carry = digits.charCodeAt(i) - 48;
    for (let j = 0; j < 4; j++) {
      const v = (limbs[j] ?? 0) * 10 + carry;
      limbs[j] = v & 0xffff;
      carry = Math.floor(v / 65536);
    }
    if (carry !== 0) return undefined;
  }
  let hi = (((limbs[3] ?? 0) << 16) | (limbs[2] ?? 0)) >>> 0;
  let lo = (((limbs[1] ?? 0) << 16) | (limbs[0] ?? 0)) >>> 0;
  if (negative) {
    if (hi > 0x80000000 || (hi === 0x80000000 && lo !== 0)) return undefined;
    lo = (~lo + 1) >>> 0;
    hi = ~hi >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  }
  return { hi, lo };
}

/** Compares two unsigned decimal texts numerically (no leading zeros assumed). */
export function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Milliseconds (floored) of a non-negative UnixNano decimal text, as a number. */
export function nanoTextToMillis(text: string): number {
  if (text.length <= 6) return 0;
  return Number(text.slice(0, text.length - 6));
}
