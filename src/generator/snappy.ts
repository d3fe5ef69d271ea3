/**
 * Snappy block compression (the format Prometheus remote write requires): a greedy matcher over a
 * hash table of 4-byte sequences, emitting literals and 2-byte-offset copies. Compresses about
 * as well as the reference encoder on label-heavy remote-write payloads; the format, not the
 * ratio, is what matters here.
 */

const MAX_OFFSET = 65535;
const MIN_MATCH = 4;
const HASH_BITS = 14;

function hash4(src: Uint8Array, i: number): number {
  const v =
    (src[i] as number) |
    ((src[i + 1] as number) << 8) |
    ((src[i + 2] as number) << 16) |
    ((src[i + 3] as number) << 24);
  return Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

class Out {
  buf: Uint8Array;
  pos = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  varint(v: number): void {
    while (v >= 0x80) {
      this.byte((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.byte(v);
  }
  literal(src: Uint8Array, start: number, end: number): void {
    const n = end - start - 1;
    if (n < 60) this.byte(n << 2);
    else if (n < 0x100) {
      this.byte(60 << 2);
      this.byte(n);
    } else if (n < 0x10000) {
      this.byte(61 << 2);
      this.byte(n & 0xff);
      this.byte(n >>> 8);
    } else if (n < 0x1000000) {
      this.byte(62 << 2);
      this.byte(n & 0xff);
      this.byte((n >>> 8) & 0xff);
      this.byte(n >>> 16);
    } else {
      this.byte(63 << 2);
      this.byte(n & 0xff);
      this.byte((n >>> 8) & 0xff);
      this.byte((n >>> 16) & 0xff);
      this.byte(n >>> 24);
    }
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += end - start;
  }
  /** A copy of `length` bytes from `offset` back, in pieces of at most 64 (2-byte offsets). */
  copy(offset: number, length: number): void {
    while (length > 0) {
      const n = Math.min(length, 64);
      this.byte(((n - 1) << 2) | 2);
      this.byte(offset & 0xff);
      this.byte(offset >>> 8);
      length -= n;
    }
  }
}

/** Compresses `src` into one Snappy block. */
export function snappyCompress(src: Uint8Array): Uint8Array {
  // Worst case: every byte a literal, plus tags and the length preamble.
  const out = new Out(32 + src.length + Math.ceil(src.length / 6));
  out.varint(src.length);
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let literalStart = 0;
  let i = 0;
  const last = src.length - MIN_MATCH;
  while (i <= last) {
    const h = hash4(src, i);
    const candidate = table[h] as number;
    table[h] = i;
    if (
      candidate >= 0 &&
      i - candidate <= MAX_OFFSET &&
      src[candidate] === src[i] &&
      src[candidate + 1] === src[i + 1] &&
      src[candidate + 2] === src[i + 2] &&
      src[candidate + 3] === src[i + 3]
    ) {
      if (literalStart < i) out.literal(src, literalStart, i);
      let len = MIN_MATCH;
      while (i + len < src.length && src[candidate + len] === src[i + len]) len++;
      out.copy(i - candidate, len);
      i += len;
      literalStart = i;
    } else {
      i++;
    }
  }
  if (literalStart < src.length) out.literal(src, literalStart, src.length);
  return out.buf.subarray(0, out.pos);
}
