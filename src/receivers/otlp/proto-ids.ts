/**
 * Id and time fields of OTLP spans, shared by the model decoder and the WAL transcoder (they must
 * accept and reject exactly the same ids).
 */
import { u64ToDecimal } from '../../model/index.js';
import { hexId16, hexId8 } from './buffer-text.js';
import { INVALID_ID } from './decode-result.js';
import type { ProtoReader } from './protobuf-reader.js';

/** Reads an id field: lowercase hex, or INVALID_ID when not `size` bytes (or zero, unless allowed). */
export function readId(
  r: ProtoReader,
  end: number,
  msg: string,
  size: number,
  zeroOk: boolean,
): string {
  const stop = r.lenEnd(end, msg);
  const start = r.pos;
  r.pos = stop;
  if (stop - start !== size || (!zeroOk && isAllZero(r.buf, start, stop))) return INVALID_ID;
  return size === 16 ? hexId16(r.buf, start) : hexId8(r.buf, start);
}

/** A span's parent id: empty or 8 zero bytes mean a root span (''); another length is invalid. */
export function readParentId(r: ProtoReader, end: number, msg: string): string {
  const stop = r.lenEnd(end, msg);
  const start = r.pos;
  r.pos = stop;
  if (stop === start) return '';
  if (stop - start !== 8) return INVALID_ID;
  return isAllZero(r.buf, start, stop) ? '' : hexId8(r.buf, start);
}

function isAllZero(buf: Uint8Array, start: number, stop: number): boolean {
  let bits = 0;
  for (let i = start; i < stop; i++) bits |= buf[i] as number;
  return bits === 0;
}

/** A fixed64 time field as decimal unix nanoseconds. */
export function readTime(r: ProtoReader, end: number, msg: string): string {
  r.fixed64(end, msg);
  return u64ToDecimal(r.hi, r.lo);
}
