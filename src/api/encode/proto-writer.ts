/**
 * A small, fast protobuf writer for hand-written encoders. It appends to one growable buffer;
 * a nested message reserves one byte for its length and, when it closes, moves its body right
 * if the length needs more bytes. That move is a memmove, so nested encoding costs far less than
 * sizing every message twice.
 *
 * It only writes bytes: which fields to omit (proto3 defaults) is the encoder's business, apart
 * from the `…Field` helpers, which say in their doc comment what they skip.
 */

import type { U64Halves } from './decimal-halves.js';
import { parseDecimalInto } from './decimal-halves.js';
import { HEX_NIBBLE } from './hex-nibble.js';
import { writeUtf8 } from './utf8.js';

/** Protobuf wire types. */
export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;

const TWO_32 = 4294967296;
const EMPTY = Buffer.alloc(0);
/** The largest buffer kept for reuse between writers (see `ProtoWriter.#spare`). */
const MAX_SPARE_BYTES = 16 * 1024 * 1024;
/** Strings at most this long are encoded in JS (cheaper than a native call for short text). */
const JS_UTF8_MAX = 512;

/** Splits an integral JS number (|v| < 2^53) into 64-bit two's-complement halves. */
export function numberToU64(v: number): U64Halves {
  const abs = Math.trunc(Math.abs(v));
  let hi = Math.floor(abs / TWO_32) >>> 0;
  let lo = abs >>> 0;
  if (v < 0 && abs !== 0) {
    lo = (~lo + 1) >>> 0;
    hi = ~hi >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
  }
  return { hi, lo };
}

/** Number of bytes of the varint encoding of an unsigned 32-bit value. */
function varint32Size(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/**
 * Appends protobuf wire data to a growable buffer; `finish()` returns the bytes and empties it.
 *
 * @example
 * const w = new ProtoWriter();
 * const at = w.beginMessage(1);
 * w.stringField(1, 'hello');
 * w.endMessage(at);
 * const bytes = w.finish();
 */
export class ProtoWriter {
  #buf: Buffer;
  #view: DataView;
  #pos = 0;
  /** Scratch for `parseDecimalInto`, so that decimal fields allocate nothing. */
  readonly #halves: U64Halves = { hi: 0, lo: 0 };

  /**
   * A working buffer left by the last finished writer. Encoding is synchronous, so one spare is
   * enough; reusing it spares the page faults of touching fresh memory, which dominate large
   * encodes. It never leaves the writer: `finish()` returns a copy.
   */
  static #spare: Buffer | undefined;

  constructor(initialCapacity = 1024) {
    const spare = ProtoWriter.#spare;
    if (spare !== undefined && spare.length >= initialCapacity) {
      ProtoWriter.#spare = undefined;
      this.#buf = spare;
    } else {
      this.#buf = Buffer.allocUnsafeSlow(Math.max(64, initialCapacity));
    }
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /**
   * A copy of the bytes written, as a plain Uint8Array exactly as long as the data. The writer
   * is empty afterwards (its buffer goes back to the spare), so call it once.
   */
  finish(): Uint8Array {
    const buf = this.#buf;
    const out = new Uint8Array(this.#pos);
    out.set(buf.subarray(0, this.#pos));
    const spare = ProtoWriter.#spare;
    if (buf.length <= MAX_SPARE_BYTES && (spare === undefined || spare.length < buf.length)) {
      ProtoWriter.#spare = buf;
    }
    this.#buf = EMPTY;
    this.#view = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);
    this.#pos = 0;
    return out;
  }

  #ensure(extra: number): void {
    const need = this.#pos + extra;
    if (need <= this.#buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(need, this.#buf.length * 2));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** Writes a field key: `(field << 3) | wireType` as a varint. */
  tag(field: number, wireType: number): void {
    const key = ((field << 3) | wireType) >>> 0;
    if (key < 128) {
      this.#ensure(1);
      this.#buf[this.#pos++] = key;
    } else {
      this.varint32(key);
    }
  }

  /** Writes an unsigned 32-bit varint (the value is taken modulo 2^32). */
  varint32(v: number): void {
    this.#ensure(5);
    const buf = this.#buf;
    let p = this.#pos;
    let x = v >>> 0;
    while (x > 127) {
      buf[p++] = (x & 127) | 128;
      x >>>= 7;
    }
    buf[p++] = x;
    this.#pos = p;
  }

  /** Writes a 64-bit varint from its unsigned halves (negatives in two's complement take 10 bytes). */
  varint64(hi: number, lo: number): void {
    this.#ensure(10);
    const buf = this.#buf;
    let p = this.#pos;
    let h = hi >>> 0;
    let l = lo >>> 0;
    while (h !== 0) {
      buf[p++] = (l & 127) | 128;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    while (l > 127) {
      buf[p++] = (l & 127) | 128;
      l >>>= 7;
    }
    buf[p++] = l;
    this.#pos = p;
  }

  /** Writes an int32 varint: negatives are sign-extended to 64 bits (10 bytes), as proto requires. */
  int32(v: number): void {
    if (v >= 0) this.varint32(v);
    else this.varint64(0xffffffff, v >>> 0);
  }

  /** Writes 4 bytes, little-endian. */
  fixed32(v: number): void {
    this.#ensure(4);
    this.#view.setUint32(this.#pos, v >>> 0, true);
    this.#pos += 4;
  }

  /** Writes 8 bytes, little-endian, from unsigned halves. */
  fixed64(hi: number, lo: number): void {
    this.#ensure(8);
    this.#view.setUint32(this.#pos, lo >>> 0, true);
    this.#view.setUint32(this.#pos + 4, hi >>> 0, true);
    this.#pos += 8;
  }

  /** Writes an IEEE-754 double, little-endian. */
  double(v: number): void {
    this.#ensure(8);
    this.#view.setFloat64(this.#pos, v, true);
    this.#pos += 8;
  }

  /** Writes a length-prefixed byte string. */
  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.#ensure(value.length);
    this.#buf.set(value, this.#pos);
    this.#pos += value.length;
  }

  /** Writes a length-prefixed byte string given as hex (`hex.length / 2` bytes; no validation). */
  hexBytes(hex: string): void {
    const n = hex.length >>> 1;
    this.varint32(n);
    this.#ensure(n);
    const buf = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < n; i++) {
      const hiNib = HEX_NIBBLE[hex.charCodeAt(2 * i) & 127] as number;
      const loNib = HEX_NIBBLE[hex.charCodeAt(2 * i + 1) & 127] as number;
      buf[p++] = (hiNib << 4) | loNib;
    }
    this.#pos = p;
  }

  /** Writes a length-prefixed UTF-8 string (lone surrogates become U+FFFD, as TextEncoder does). */
  string(s: string): void {
    const n = s.length;
    if (n < 128 && this.#asciiShort(s)) return;
    if (n <= JS_UTF8_MAX) {
      this.#ensure(1 + 3 * n);
      const start = this.#pos;
      this.#pos = writeUtf8(this.#buf, start + 1, s);
      this.#closeLength(start);
      return;
    }
    const size = Buffer.byteLength(s, 'utf8');
    this.varint32(size);
    this.#ensure(size);
    this.#pos += this.#buf.write(s, this.#pos, size, 'utf8');
  }

  /**
   * The common case: fewer than 128 ASCII characters, so one length byte. Returns false, having
   * written nothing, when the string holds a non-ASCII character.
   */
  #asciiShort(s: string): boolean {
    const n = s.length;
    this.#ensure(1 + n);
    const buf = this.#buf;
    const start = this.#pos;
    let p = start + 1;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[p++] = c;
    }
    buf[start] = n;
    this.#pos = p;
    return true;
  }

  /**
   * Opens a length-delimited field (a nested message): writes the tag and reserves one byte for
   * the length. Returns the mark to give to `endMessage`.
   */
  beginMessage(field: number): number {
    this.tag(field, WireType.lengthDelimited);
    this.#ensure(1);
    return this.#pos++;
  }

  /** Closes a field opened by `beginMessage`, writing its length (a present empty message is tag + 0). */
  endMessage(mark: number): void {
    this.#closeLength(mark);
  }

  /** Writes the length of the data after the reserved byte at `start`, moving it right if needed. */
  #closeLength(start: number): void {
    const len = this.#pos - start - 1;
    if (len < 128) {
      this.#buf[start] = len;
      return;
    }
    const size = varint32Size(len);
    this.#ensure(size - 1);
    const buf = this.#buf;
    buf.copyWithin(start + size, start + 1, this.#pos);
    let p = start;
    let x = len;
    while (x > 127) {
      buf[p++] = (x & 127) | 128;
      x >>>= 7;
    }
    buf[p] = x;
    this.#pos += size - 1;
  }

  /** A string field; skipped when empty (proto3 default). */
  stringField(field: number, s: string): void {
    if (s.length === 0) return;
    this.tag(field, WireType.lengthDelimited);
    this.string(s);
  }

  /** A bytes field from hex text; skipped when empty. */
  hexBytesField(field: number, hex: string): void {
    if (hex.length === 0) return;
    this.tag(field, WireType.lengthDelimited);
    this.hexBytes(hex);
  }

  /** A uint32 (or enum) varint field; skipped when 0. */
  uint32Field(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, WireType.varint);
    this.varint32(v);
  }

  /** An int32 varint field; skipped when 0. */
  int32Field(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, WireType.varint);
    this.int32(v);
  }

  /** A fixed32 field; skipped when 0. */
  fixed32Field(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, WireType.fixed32);
    this.fixed32(v);
  }

  /** A uint64/int64 varint field from a JS integer (|v| < 2^53); skipped when 0. */
  varint64NumberField(field: number, v: number): void {
    if (v === 0) return;
    const { hi, lo } = numberToU64(v);
    this.tag(field, WireType.varint);
    this.varint64(hi, lo);
  }

  /**
   * A fixed64 field from decimal text (e.g. a UnixNano timestamp). Skipped when the value is 0,
   * and also when the text is not a 64-bit integer: the model validates at ingest, so that only
   * happens on corrupt data, and dropping one timestamp beats failing the whole response.
   */
  fixed64DecimalField(field: number, text: string): void {
    const v = this.#halves;
    if (text === '0' || !parseDecimalInto(text, v) || (v.hi === 0 && v.lo === 0)) return;
    this.tag(field, WireType.fixed64);
    this.fixed64(v.hi, v.lo);
  }

  /**
   * An int64 varint (10 bytes when negative) from decimal text, written even when 0 (for oneof
   * members). Text that is not a 64-bit integer is written as 0.
   */
  int64Decimal(text: string): void {
    const v = this.#halves;
    if (parseDecimalInto(text, v)) this.varint64(v.hi, v.lo);
    else this.varint64(0, 0);
  }
}
