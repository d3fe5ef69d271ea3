/**
 * Text out of a Buffer at the least cost per call. `Buffer#toString(encoding, start, end)` spends
 * about as long checking its arguments and picking the encoding as short strings take to
 * decode, so the decode path calls the native method behind it (`utf8Slice`: present on every
 * Node Buffer since long before Node 20, but not in @types/node) and falls back to `toString`
 * should a runtime lack it. Ids, which are short and of fixed length, are built in JS.
 */

import { Buffer } from 'node:buffer';

interface NativeSlices {
  utf8Slice(start: number, end: number): string;
}

const proto = Buffer.prototype as unknown as Partial<NativeSlices>;
const NATIVE = typeof proto.utf8Slice === 'function';

/** UTF-8 text of `buf[start, end)`; invalid sequences become U+FFFD. */
export function utf8Text(buf: Buffer, start: number, end: number): string {
  return NATIVE
    ? (buf as unknown as NativeSlices).utf8Slice(start, end)
    : buf.toString('utf8', start, end);
}

const DIGITS = '0123456789abcdef';
const HI = Uint8Array.from({ length: 256 }, (_, b) => DIGITS.charCodeAt(b >>> 4));
const LO = Uint8Array.from({ length: 256 }, (_, b) => DIGITS.charCodeAt(b & 15));
const { fromCharCode } = String;

/**
 * Lowercase hex of the 8 bytes at `start` (a span id). One `String.fromCharCode` call with every
 * character builds a flat string at once: twice as fast as `hexSlice` on ids this short, and
 * unlike concatenation it leaves no rope for the next reader to flatten.
 */
export function hexId8(buf: Uint8Array, start: number): string {
  const b0 = buf[start + 0] as number;
  const b1 = buf[start + 1] as number;
  const b2 = buf[start + 2] as number;
  const b3 = buf[start + 3] as number;
  const b4 = buf[start + 4] as number;
  const b5 = buf[start + 5] as number;
  const b6 = buf[start + 6] as number;
  const b7 = buf[start + 7] as number;
  return fromCharCode(
    HI[b0] as number,
    LO[b0] as number,
    HI[b1] as number,
    LO[b1] as number,
    HI[b2] as number,
    LO[b2] as number,
    HI[b3] as number,
    LO[b3] as number,
    HI[b4] as number,
    LO[b4] as number,
    HI[b5] as number,
    LO[b5] as number,
    HI[b6] as number,
    LO[b6] as number,
    HI[b7] as number,
    LO[b7] as number,
  );
}

/** Lowercase hex of the 16 bytes at `start` (a trace id); see `hexId8`. */
export function hexId16(buf: Uint8Array, start: number): string {
  const b0 = buf[start + 0] as number;
  const b1 = buf[start + 1] as number;
  const b2 = buf[start + 2] as number;
  const b3 = buf[start + 3] as number;
  const b4 = buf[start + 4] as number;
  const b5 = buf[start + 5] as number;
  const b6 = buf[start + 6] as number;
  const b7 = buf[start + 7] as number;
  const b8 = buf[start + 8] as number;
  const b9 = buf[start + 9] as number;
  const b10 = buf[start + 10] as number;
  const b11 = buf[start + 11] as number;
  const b12 = buf[start + 12] as number;
  const b13 = buf[start + 13] as number;
  const b14 = buf[start + 14] as number;
  const b15 = buf[start + 15] as number;
  return fromCharCode(
    HI[b0] as number,
    LO[b0] as number,
    HI[b1] as number,
    LO[b1] as number,
    HI[b2] as number,
    LO[b2] as number,
    HI[b3] as number,
    LO[b3] as number,
    HI[b4] as number,
    LO[b4] as number,
    HI[b5] as number,
    LO[b5] as number,
    HI[b6] as number,
    LO[b6] as number,
    HI[b7] as number,
    LO[b7] as number,
    HI[b8] as number,
    LO[b8] as number,
    HI[b9] as number,
    LO[b9] as number,
    HI[b10] as number,
    LO[b10] as number,
    HI[b11] as number,
    LO[b11] as number,
    HI[b12] as number,
    LO[b12] as number,
    HI[b13] as number,
    LO[b13] as number,
    HI[b14] as number,
    LO[b14] as number,
    HI[b15] as number,
    LO[b15] as number,
  );
}
