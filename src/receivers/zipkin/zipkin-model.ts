/**
 * Zipkin's v2 span as its JSON and protobuf forms carry it, with ids as lowercase hex and times in
 * microseconds; and what both v2 and v1 translations share.
 */

import { InvalidRequestError, type AnyValue } from '../../model/index.js';

export interface ZipkinEndpoint {
  serviceName: string;
  /** IP address text ('' when absent). */
  ipv4: string;
  ipv6: string;
  port: number;
}

export interface ZipkinAnnotation {
  timestampUs: number;
  value: string;
}

export interface ZipkinSpan {
  /** 32 hex characters (a 64-bit id is padded on the left), or INVALID_ID when zero. */
  traceId: string;
  /** 16 hex characters, or INVALID_ID when zero. */
  id: string;
  /** 16 hex characters, or '' for none. */
  parentId: string;
  /** `CLIENT`, `SERVER`, `PRODUCER`, `CONSUMER`, or anything else (no kind). */
  kind: string;
  name: string;
  /** 0 when absent. */
  timestampUs: number;
  durationUs: number;
  /** JSON only: the timestamp was absent or 0 (the span gets `otel.zipkin.absentField.startTime`). */
  absentStart: boolean;
  localEndpoint: ZipkinEndpoint | undefined;
  remoteEndpoint: ZipkinEndpoint | undefined;
  annotations: ZipkinAnnotation[];
  /** Tags in the order received. */
  tags: Array<[string, string]>;
}

/** The Collector's error type for Zipkin payloads: a 400 with the reason. */
export function zipkinError(format: string, what: string): InvalidRequestError {
  return new InvalidRequestError(`invalid Zipkin ${format}: ${what}`);
}

const INT = /^-?\d+$/;
const FLOAT = /^-?\d+\.\d+$/;
const INT64_MAX = 9223372036854775807n;

/**
 * A tag value as `parse_string_tags` reads it: an integer, a decimal with a fraction, `true` or
 * `false` become that type; anything else (and with the option off, everything) stays a string.
 */
export function tagValue(text: string, parse: boolean): AnyValue {
  if (parse && text !== '') {
    if (INT.test(text)) {
      // Out-of-range integers are clamped, as the Collector's parse does.
      let n = BigInt(text);
      if (n > INT64_MAX) n = INT64_MAX;
      if (n < -INT64_MAX) n = -INT64_MAX;
      return { type: 'int', value: n.toString() };
    }
    if (FLOAT.test(text)) return { type: 'double', value: Number(text) };
    if (text === 'true' || text === 'false') return { type: 'bool', value: text === 'true' };
  }
  return { type: 'string', value: text };
}

/** Left-pads hex to `width`; the caller has checked it is hex of at most that width. */
export function padHex(hex: string, width: number): string {
  return hex.length >= width
    ? hex.toLowerCase()
    : '0'.repeat(width - hex.length) + hex.toLowerCase();
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** Whether text is an IPv4 or IPv6 address (IPv6 checked by shape: hex groups, `::`, a dotted tail). */
export function isIpText(text: string): boolean {
  if (IPV4.test(text)) return true;
  if (!IPV6.test(text) || !text.includes(':')) return false;
  const parts = text.split('::');
  if (parts.length > 2) return false;
  let groups = 0;
  for (const part of parts) {
    if (part === '') continue;
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as string;
      if (i === fields.length - 1 && f.includes('.')) {
        if (!IPV4.test(f)) return false;
        groups += 2;
      } else if (!/^[0-9A-Fa-f]{1,4}$/.test(f)) return false;
      else groups++;
    }
  }
  return parts.length === 2 ? groups < 8 : groups === 8;
}

/** Text of an IP address given as 4 or 16 bytes, as Go's `net.IP.String` writes it. */
export function ipBytesText(b: Uint8Array): string {
  if (b.length === 0) return '<nil>';
  if (b.length === 4) return b.join('.');
  if (b.length !== 16) return '?' + Buffer.from(b).toString('hex');
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return b.subarray(12).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] as number) << 8) | (b[i + 1] as number));
  // The longest run of two or more zero groups (the first, on a tie) becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
