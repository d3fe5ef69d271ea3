/** Lowercase hex encoding of ids, table-driven for the decode path. */

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes[start, end)`. */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX[bytes[i] as number] as string;
  return out;
}

/** Bytes of an even-length hex text; undefined when it is not hex. */
export function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** True for 32 hex characters that are not all zero: a valid OTLP trace id. */
export function isValidTraceId(hex: string): boolean {
  return hex.length === 32 && hex !== ZERO_TRACE;
}

/** True for 16 hex characters that are not all zero: a valid OTLP span id. */
export function isValidSpanId(hex: string): boolean {
  return hex.length === 16 && hex !== ZERO_SPAN;
}

/**
 * Normalises a trace id as users and Grafana send it (up to 32 hex characters, any case, leading
 * zeros possibly stripped) to 32 lowercase hex characters; undefined when it is not such an id.
 */
export function normalizeTraceId(input: string): string | undefined {
  if (input.length === 0 || input.length > 32 || !/^[0-9a-fA-F]+$/.test(input)) return undefined;
  return input.toLowerCase().padStart(32, '0');
}
