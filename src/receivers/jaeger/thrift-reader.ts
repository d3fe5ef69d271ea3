/**
 * Readers of Apache Thrift's binary and compact protocols, behind one interface so that the
 * Jaeger decoder is written once. Types are reported with the binary protocol's ids (`TType`);
 * the compact reader translates its own. 64-bit integers are read into two 32-bit halves.
 *
 * Every read is bounded by the end of the payload and every list size by the bytes left, so a
 * broken or hostile payload ends in an `InvalidRequestError` naming the byte, never in a huge
 * allocation or a stack overflow.
 */

import { Buffer } from 'node:buffer';
import { InvalidRequestError } from '../../model/index.js';
import { utf8Text } from '../otlp/buffer-text.js';

/** Thrift type ids (binary protocol numbering). */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

const TYPE_NAMES: Record<number, string> = {
  2: 'bool',
  3: 'byte',
  4: 'double',
  6: 'i16',
  8: 'i32',
  10: 'i64',
  11: 'binary',
  12: 'struct',
  13: 'map',
  14: 'set',
  15: 'list',
};

/** The name of a thrift type id, for error messages. */
export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `unknown type ${type}`;
}

/** Message types of a thrift message header. */
export const MessageType = { CALL: 1, REPLY: 2, EXCEPTION: 3, ONEWAY: 4 } as const;

export interface MessageHeader {
  name: string;
  type: number;
  seqId: number;
}

/** Nesting deeper than this is refused (Jaeger's structures nest three levels). */
const MAX_DEPTH = 64;

export abstract class ThriftReader {
  readonly buf: Buffer;
  readonly view: DataView;
  readonly end: number;
  pos = 0;
  /** Field id of the last field header read. */
  fieldId = 0;
  /** Element type of the last list or set header read. */
  elemType = 0;
  /** Halves of the last i64 read (unsigned 32-bit each, two's complement together). */
  hi = 0;
  lo = 0;
  /** Where the last field header started: errors about its value point there. */
  fieldPos = 0;
  readonly #protocol: string;

  constructor(body: Uint8Array, protocol: string) {
    this.buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    this.end = body.byteLength;
    this.#protocol = protocol;
  }

  fail(what: string, pos = this.fieldPos): never {
    throw new InvalidRequestError(
      `invalid Jaeger thrift (${this.#protocol}): ${what} at byte ${pos}`,
    );
  }

  /** Throws unless `n` more bytes are there. */
  need(n: number, what: string): void {
    if (this.pos + n > this.end) this.fail(`truncated ${what}`, this.pos);
  }

  abstract messageBegin(): MessageHeader;
  /** Called before the first field of every struct (the compact protocol's field ids are deltas). */
  structBegin(): void {}
  /** Called after a struct's STOP. */
  structEnd(): void {}
  /** Reads a field header: returns its type (`TType.STOP` after the last field) and sets `fieldId`. */
  abstract fieldBegin(): number;
  /** Reads a list or set header: returns its size and sets `elemType`. */
  abstract listBegin(): number;
  /** Reads a map header: returns its size; key and value types in `mapKeyType` / `elemType`. */
  abstract mapBegin(): number;
  mapKeyType = 0;
  abstract bool(): boolean;
  abstract byte(): number;
  abstract i16(): number;
  abstract i32(): number;
  /** Reads an i64 into `hi` / `lo`. */
  abstract i64(): void;
  abstract double(): number;
  /** Returns where the binary value starts; `pos` is then its end. */
  protected abstract binaryStart(): number;

  /** A copy of a binary value. */
  binary(): Uint8Array {
    const start = this.binaryStart();
    return new Uint8Array(this.buf.subarray(start, this.pos));
  }

  /** A string value (UTF-8; invalid sequences become U+FFFD). */
  string(): string {
    const start = this.binaryStart();
    return start === this.pos ? '' : utf8Text(this.buf, start, this.pos);
  }

  /** The i64 just read as a JS number when it is a safe integer, else NaN. */
  i64Number(): number {
    const { hi, lo } = this;
    if (hi < 0x200000) return hi * 4294967296 + lo;
    if (hi >= 0xffe00000 && (hi !== 0xffe00000 || lo !== 0)) {
      return (hi - 4294967296) * 4294967296 + lo;
    }
    return NaN;
  }

  /** Checks a list size against the bytes left (every element takes at least one byte). */
  protected checkSize(size: number, what: string, at: number): number {
    if (size < 0) this.fail(`negative ${what} size ${size}`, at);
    if (size > this.end - this.pos) {
      this.fail(`${what} of ${size} elements is longer than the payload`, at);
    }
    return size;
  }

  /** Skips a value of the given type. */
  skip(type: number, depth = 0): void {
    if (depth > MAX_DEPTH) this.fail(`structures nested deeper than ${MAX_DEPTH}`, this.pos);
    switch (type) {
      case TType.BOOL:
        this.bool();
        return;
      case TType.BYTE:
        this.byte();
        return;
      case TType.I16:
        this.i16();
        return;
      case TType.I32:
        this.i32();
        return;
      case TType.I64:
        this.i64();
        return;
      case TType.DOUBLE:
        this.double();
        return;
      case TType.STRING:
        this.binaryStart();
        return;
      case TType.STRUCT:
        this.structBegin();
        for (let t = this.fieldBegin(); t !== TType.STOP; t = this.fieldBegin()) {
          this.skip(t, depth + 1);
        }
        this.structEnd();
        return;
      case TType.LIST:
      case TType.SET: {
        const n = this.listBegin();
        const elem = this.elemType;
        for (let i = 0; i < n; i++) this.skip(elem, depth + 1);
        return;
      }
      case TType.MAP: {
        const n = this.mapBegin();
        const k = this.mapKeyType;
        const v = this.elemType;
        for (let i = 0; i < n; i++) {
          this.skip(k, depth + 1);
          this.skip(v, depth + 1);
        }
        return;
      }
      default:
        this.fail(`unknown field type ${type}`);
    }
  }
}

/** TBinaryProtocol: big-endian fixed-width integers, i32 lengths. */
export class BinaryReader extends ThriftReader {
  constructor(body: Uint8Array) {
    super(body, 'binary protocol');
  }

  messageBegin(): MessageHeader {
    const at = this.pos;
    const first = this.i32();
    if (first < 0) {
      // Strict header: version word, name, sequence id.
      if ((first & 0xffff0000) !== (0x80010000 | 0)) {
        this.fail(`bad message version ${(first >>> 16).toString(16)}`, at);
      }
      const name = this.string();
      return { name, type: first & 0xff, seqId: this.i32() };
    }
    // Old header: the first word was the name's length.
    this.pos = at;
    const name = this.string();
    const type = this.byte();
    return { name, type, seqId: this.i32() };
  }

  fieldBegin(): number {
    this.fieldPos = this.pos;
    const type = this.byte();
    if (type === TType.STOP) return type;
    this.fieldId = this.i16();
    return type;
  }

  listBegin(): number {
    const at = this.pos;
    this.elemType = this.byte();
    return this.checkSize(this.i32(), 'list', at);
  }

  mapBegin(): number {
    const at = this.pos;
    this.mapKeyType = this.byte();
    this.elemType = this.byte();
    return this.checkSize(this.i32(), 'map', at);
  }

  bool(): boolean {
    return this.byte() !== 0;
  }

  byte(): number {
    this.need(1, 'byte');
    return this.view.getInt8(this.pos++);
  }

  i16(): number {
    this.need(2, 'i16');
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4, 'i32');
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  i64(): void {
    this.need(8, 'i64');
    this.hi = this.view.getUint32(this.pos);
    this.lo = this.view.getUint32(this.pos + 4);
    this.pos += 8;
  }

  double(): number {
    this.need(8, 'double');
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  protected binaryStart(): number {
    const at = this.pos;
    const len = this.i32();
    if (len < 0) this.fail(`negative length ${len}`, at);
    this.need(len, 'binary value');
    const start = this.pos;
    this.pos += len;
    return start;
  }
}

/** Compact-protocol type ids → binary-protocol ids (0 is STOP; 1 and 2 are booleans). */
const COMPACT_TYPES = [
  TType.STOP,
  TType.BOOL,
  TType.BOOL,
  TType.BYTE,
  TType.I16,
  TType.I32,
  TType.I64,
  TType.DOUBLE,
  TType.STRING,
  TType.LIST,
  TType.SET,
  TType.MAP,
  TType.STRUCT,
];

/** TCompactProtocol: zigzag varints, field-id deltas, booleans folded into field headers. */
export class CompactReader extends ThriftReader {
  /** Field ids of the enclosing structs (ids are deltas from the previous field of the same struct). */
  readonly #lastIds: number[] = [];
  #lastId = 0;
  /** A boolean field's value, carried by its header. */
  #fieldBool: boolean | undefined;

  constructor(body: Uint8Array) {
    super(body, 'compact protocol');
  }

  messageBegin(): MessageHeader {
    const at = this.pos;
    const id = this.#u8();
    if (id !== 0x82) this.fail(`bad protocol id 0x${id.toString(16)} (compact is 0x82)`, at);
    const vt = this.#u8();
    if ((vt & 0x1f) !== 1) this.fail(`bad protocol version ${vt & 0x1f}`, at + 1);
    const seqId = this.#varint32();
    const name = this.string();
    return { name, type: vt >>> 5, seqId };
  }

  override structBegin(): void {
    this.#lastIds.push(this.#lastId);
    this.#lastId = 0;
  }

  override structEnd(): void {
    this.#lastId = this.#lastIds.pop() ?? 0;
  }

  fieldBegin(): number {
    this.fieldPos = this.pos;
    const b = this.#u8();
    const ctype = b & 0x0f;
    if (ctype === 0) return TType.STOP;
    const delta = b >>> 4;
    this.fieldId = delta === 0 ? this.#zigzag32(this.#varint32()) : this.#lastId + delta;
    this.#lastId = this.fieldId;
    const type = this.#type(ctype, this.fieldPos);
    if (type === TType.BOOL) this.#fieldBool = ctype === 1;
    return type;
  }

  listBegin(): number {
    const at = this.pos;
    const b = this.#u8();
    const small = b >>> 4;
    const size = small === 15 ? this.#varint32() : small;
    this.elemType = this.#type(b & 0x0f, at);
    return this.checkSize(size, 'list', at);
  }

  mapBegin(): number {
    const at = this.pos;
    const size = this.checkSize(this.#varint32(), 'map', at);
    if (size === 0) return 0;
    const kv = this.#u8();
    this.mapKeyType = this.#type(kv >>> 4, at);
    this.elemType = this.#type(kv & 0x0f, at);
    return size;
  }

  bool(): boolean {
    const v = this.#fieldBool;
    if (v !== undefined) {
      this.#fieldBool = undefined;
      return v;
    }
    // A list element: one byte, 1 for true (older writers used 0 for false, newer 2).
    return this.#u8() === 1;
  }

  byte(): number {
    this.need(1, 'byte');
    return this.view.getInt8(this.pos++);
  }

  i16(): number {
    return this.#zigzag32(this.#varint32());
  }

  i32(): number {
    return this.#zigzag32(this.#varint32());
  }

  i64(): void {
    this.#varint64();
    // Undo zigzag on 64 bits: (n >>> 1) ^ -(n & 1).
    const neg = this.lo & 1;
    let lo = ((this.lo >>> 1) | (this.hi << 31)) >>> 0;
    let hi = this.hi >>> 1;
    if (neg) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  double(): number {
    this.need(8, 'double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  protected binaryStart(): number {
    const len = this.#varint32();
    this.need(len, 'binary value');
    const start = this.pos;
    this.pos += len;
    return start;
  }

  #type(ctype: number, at: number): number {
    const t = COMPACT_TYPES[ctype];
    if (t === undefined || ctype === 0) this.fail(`unknown compact type ${ctype}`, at);
    return t;
  }

  #u8(): number {
    this.need(1, 'byte');
    return this.buf[this.pos++] as number;
  }

  #varint32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.#u8();
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
    }
    this.fail('varint longer than 5 bytes', this.pos);
  }

  #varint64(): void {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const b = this.#u8();
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    this.fail('varint longer than 10 bytes', this.pos);
  }

  #zigzag32(n: number): number {
    return (n >>> 1) ^ -(n & 1);
  }
}
