/**
 * A cursor over protobuf wire-format bytes, made for the OTLP decode path: no allocation per
 * field, no closures, 64-bit values read into two 32-bit halves. Every read is bounded by the end
 * of the enclosing message (`end`), so a length that overruns its parent is caught where it is.
 *
 * Error positions are the byte offset (from the start of the body) of the tag of the field being
 * read, or of the tag itself when the tag is what is broken.
 */

import { Buffer } from 'node:buffer';
import { InvalidRequestError } from '../../model/index.js';
import { utf8Text } from './buffer-text.js';
import { intern, MAX_INTERNED } from './string-intern.js';

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32'];

/** Throws the decoder's one error type, with the position in the body. */
export function failAt(what: string, pos: number): never {
  throw new InvalidRequestError(`invalid OTLP protobuf: ${what} at byte ${pos}`);
}

export class ProtoReader {
  readonly buf: Buffer;
  readonly view: DataView;
  pos = 0;
  /** Offset and value of the tag most recently read: what field errors name and point to. */
  tagPos = 0;
  lastTag = 0;
  /** Halves of the last 64-bit value read by `varint64` or `fixed64`. */
  hi = 0;
  lo = 0;

  /** What the bytes are, for error messages: `invalid ${format}: …`. */
  readonly format: string;

  constructor(body: Uint8Array, format = 'OTLP protobuf') {
    this.format = format;
    this.buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  /** Throws the decoder's one error type, with the position in the body. */
  fail(what: string, pos: number): never {
    throw new InvalidRequestError(`invalid ${this.format}: ${what} at byte ${pos}`);
  }

  /**
   * Reads a tag (`field << 3 | wireType`) at `pos < end`. Rejects field number 0 and the wire
   * types protobuf no longer allows or never defined (3 and 4, the deprecated groups; 6; 7).
   */
  tag(end: number, msg: string): number {
    const p = this.pos;
    this.tagPos = p;
    const b = this.buf[p] as number;
    let tag: number;
    if (b < 0x80) {
      tag = b;
      this.pos = p + 1;
    } else {
      tag = this.#longTag(end, msg);
    }
    const wireType = tag & 7;
    if (tag < 8 || (wireType > 2 && wireType !== 5)) this.#badTag(tag, p);
    this.lastTag = tag;
    return tag;
  }

  #longTag(end: number, msg: string): number {
    const p = this.pos;
    const size = this.#varintSize(end);
    if (size === 0) this.fail(`truncated tag in ${msg}`, p);
    if (size > 5) this.fail(`tag longer than 5 bytes in ${msg}`, p);
    this.varint64(end, msg);
    if (this.hi !== 0) this.fail(`field number out of range in ${msg}`, p);
    return this.lo;
  }

  #badTag(tag: number, p: number): never {
    if (tag >>> 3 === 0) this.fail('field number 0 is not valid', p);
    this.fail(`wire type ${tag & 7} is not valid (field ${tag >>> 3})`, p);
  }

  /** The size of the varint at `pos` if it ends before `end`, else 0. */
  #varintSize(end: number): number {
    for (let p = this.pos; p < end; p++) {
      if ((this.buf[p] as number) < 0x80) return p + 1 - this.pos;
    }
    return 0;
  }

  /** Reads a varint into `hi`/`lo` (two's-complement halves, as int64 and uint64 need). */
  varint64(end: number, msg: string): void {
    const buf = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= end) this.#truncated('varint', msg);
      const b = buf[p++] as number;
      lo |= (b & 0x7f) << shift;
      if (shift === 28) hi = (b & 0x7f) >>> 4;
      if (b < 0x80) return this.#set64(p, hi, lo);
    }
    for (let shift = 3; shift < 38; shift += 7) {
      if (p >= end) this.#truncated('varint', msg);
      const b = buf[p++] as number;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return this.#set64(p, hi, lo);
    }
    this.fail(`varint longer than 10 bytes (field ${this.lastTag >>> 3} of ${msg})`, this.tagPos);
  }

  #set64(p: number, hi: number, lo: number): void {
    this.pos = p;
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
  }

  /** A varint's low 32 bits, unsigned: uint32 fields, enums (range-checked by callers), bools. */
  uint32(end: number, msg: string): number {
    const p = this.pos;
    if (p < end) {
      const b = this.buf[p] as number;
      if (b < 0x80) {
        this.pos = p + 1;
        return b;
      }
    }
    this.varint64(end, msg);
    return this.lo;
  }

  /** A bool: any non-zero varint is true. */
  bool(end: number, msg: string): boolean {
    this.varint64(end, msg);
    return (this.hi | this.lo) !== 0;
  }

  fixed32(end: number, msg: string): number {
    const p = this.pos;
    if (p + 4 > end) this.#truncated('fixed32', msg);
    this.pos = p + 4;
    return this.view.getUint32(p, true);
  }

  /** Reads a fixed64 into `hi`/`lo`. */
  fixed64(end: number, msg: string): void {
    const p = this.pos;
    if (p + 8 > end) this.#truncated('fixed64', msg);
    this.pos = p + 8;
    this.lo = this.view.getUint32(p, true);
    this.hi = this.view.getUint32(p + 4, true);
  }

  double(end: number, msg: string): number {
    const p = this.pos;
    if (p + 8 > end) this.#truncated('fixed64', msg);
    this.pos = p + 8;
    return this.view.getFloat64(p, true);
  }

  /** Reads the length of a length-delimited field; returns where its payload ends (pos = start). */
  lenEnd(end: number, msg: string): number {
    const p = this.pos;
    let len: number;
    const b = p < end ? (this.buf[p] as number) : 0x80;
    if (b < 0x80) {
      len = b;
      this.pos = p + 1;
    } else {
      if (this.#varintSize(end) === 0) this.#truncated('length-delimited', msg);
      this.varint64(end, msg);
      len = this.hi === 0 ? this.lo : Infinity;
    }
    const stop = this.pos + len;
    if (stop > end) this.#truncated('length-delimited', msg);
    return stop;
  }

  /** A length-delimited UTF-8 string. Invalid UTF-8 becomes U+FFFD, as Node's decoder does. */
  string(end: number, msg: string): string {
    const stop = this.lenEnd(end, msg);
    const start = this.pos;
    this.pos = stop;
    const len = stop - start;
    if (len === 0) return '';
    if (len <= MAX_INTERNED) return intern(this.buf, this.view, start, stop);
    return utf8Text(this.buf, start, stop);
  }

  /** A copy of a length-delimited payload (the body may be a reused buffer). */
  bytes(end: number, msg: string): Uint8Array {
    const stop = this.lenEnd(end, msg);
    const out = new Uint8Array(this.buf.subarray(this.pos, stop));
    this.pos = stop;
    return out;
  }

  /**
   * Skips a field this decoder does not read. `known` has bit n set for each field number n < 32
   * that the message defines: such a field with an unexpected wire type is an error, not unknown.
   */
  skipField(tag: number, end: number, msg: string, known: number): void {
    const field = tag >>> 3;
    if (field < 32 && (known >>> field) & 1) {
      const wt = tag & 7;
      this.fail(
        `wire type ${wt} (${WIRE_NAMES[wt]}) is wrong for field ${field} of ${msg}`,
        this.tagPos,
      );
    }
    this.#skipValue(tag, end, msg);
  }

  /** Skips the value of a field of any valid wire type. */
  #skipValue(tag: number, end: number, msg: string): void {
    switch (tag & 7) {
      case 0:
        this.varint64(end, msg);
        return;
      case 1:
        this.fixed64(end, msg);
        return;
      case 2:
        this.pos = this.lenEnd(end, msg);
        return;
      default:
        this.fixed32(end, msg);
    }
  }

  #truncated(kind: string, msg: string): never {
    this.fail(`truncated ${kind} field ${this.lastTag >>> 3} of ${msg}`, this.tagPos);
  }
}
