/**
 * Base64 (standard alphabet, padded, as Go's `encoding/base64.StdEncoding` writes it, which is
 * what gogo jsonpb uses for `bytes`). Ids arrive as hex, so `hexToBase64` goes straight from hex
 * text to base64 text without building bytes first.
 */

import { HEX_NIBBLE } from './hex-nibble.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CHARS: string[] = ALPHABET.split('');

function byteAt(hex: string, i: number): number {
  const h = HEX_NIBBLE[hex.charCodeAt(2 * i) & 127] as number;
  const l = HEX_NIBBLE[hex.charCodeAt(2 * i + 1) & 127] as number;
  return (h << 4) | l;
}

function char(sextet: number): string {
  return CHARS[sextet] as string;
}

/**
 * Base64 of the bytes spelled by `hex` (an even number of hex digits; not validated: a stray
 * character counts as 0). `hexToBase64('0102')` is `'AQI='`.
 */
export function hexToBase64(hex: string): string {
  const n = hex.length >>> 1;
  let out = '';
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v = (byteAt(hex, i) << 16) | (byteAt(hex, i + 1) << 8) | byteAt(hex, i + 2);
    out += char(v >>> 18) + char((v >>> 12) & 63) + char((v >>> 6) & 63) + char(v & 63);
  }
  if (n - i === 1) {
    const v = byteAt(hex, i);
    out += char(v >>> 2) + char((v & 3) << 4) + '==';
  } else if (n - i === 2) {
    const v = (byteAt(hex, i) << 8) | byteAt(hex, i + 1);
    out += char(v >>> 10) + char((v >>> 4) & 63) + char((v & 15) << 2) + '=';
  }
  return out;
}

/** Base64 of a byte array. */
export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
