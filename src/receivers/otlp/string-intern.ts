/**
 * Reuses the strings of short, repeated ASCII byte runs (attribute keys, service names, methods,
 * routes): most strings of a trace request repeat, and building each anew costs more than
 * finding it. A direct-mapped table keyed by a hash of the length, the first and last four bytes
 * and the middle byte holds the last string seen in each slot, beside a copy of its bytes; a hit
 * is verified byte for byte (four at a time), so a collision only costs a miss.
 *
 * The table is module state shared by all decodes. It holds at most `SLOTS` strings of at most
 * `MAX_INTERNED` ASCII bytes each (about 0.5 MB with the byte copies), all taken from requests.
 */

import type { Buffer } from 'node:buffer';
import { utf8Text } from './buffer-text.js';

/** Longest byte run looked up in the table; longer strings are decoded directly. */
export const MAX_INTERNED = 64;

const SLOTS = 8192;
const strings: string[] = new Array<string>(SLOTS).fill('');
const pool = new Uint8Array(SLOTS * MAX_INTERNED);
const poolView = new DataView(pool.buffer);

/**
 * The string of the UTF-8 bytes `buf[start, stop)` (`0 < stop - start <= MAX_INTERNED`), from
 * the table when seen before. `view` is a DataView over the same bytes as `buf`.
 */
export function intern(buf: Buffer, view: DataView, start: number, stop: number): string {
  const len = stop - start;
  const slot = hashOf(buf, view, start, stop, len);
  const seen = strings[slot] as string;
  if (seen.length === len) {
    let i = start;
    let o = slot * MAX_INTERNED;
    const words = stop - 4;
    while (i <= words && view.getInt32(i, true) === poolView.getInt32(o, true)) {
      i += 4;
      o += 4;
    }
    while (i < stop && buf[i] === pool[o]) {
      i++;
      o++;
    }
    if (i === stop) return seen;
  }
  return remember(buf, start, stop, slot);
}

function hashOf(buf: Buffer, view: DataView, start: number, stop: number, len: number): number {
  const mid = buf[start + (len >>> 1)] as number;
  let h: number;
  if (len >= 4) {
    h = view.getInt32(start, true) ^ Math.imul(view.getInt32(stop - 4, true), 0x9e3779b1);
  } else {
    h = (buf[start] as number) | ((buf[stop - 1] as number) << 8);
  }
  h = Math.imul(h ^ (mid << 16) ^ len, 0x85ebca6b);
  return (h ^ (h >>> 15)) & (SLOTS - 1);
}

/** Decodes a miss; keeps it when it is ASCII (then its length equals its byte count). */
function remember(buf: Buffer, start: number, stop: number, slot: number): string {
  const s = utf8Text(buf, start, stop);
  if (s.length !== stop - start) return s;
  for (let i = start; i < stop; i++) if ((buf[i] as number) >= 0x80) return s;
  strings[slot] = s;
  for (let i = start, o = slot * MAX_INTERNED; i < stop; i++, o++) pool[o] = buf[i] as number;
  return s;
}
