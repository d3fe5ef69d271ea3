/**
 * Label conventions of Tempo's metrics generator: Prometheus label-name sanitising, the enum
 * names span metrics use as label values, and Go's shortest float text (for `le`).
 */

import type { SpanKind, StatusCode } from '../model/index.js';
import type { GenValue } from './gen-span.js';

/** Marks an absent string (a dimension or database name a span does not have). */
export const ABSENT = '\u0000';

/** `SPAN_KIND_*` by OTLP kind number. */
export const KIND_NAMES: Readonly<Record<SpanKind, string>> = {
  0: 'SPAN_KIND_UNSPECIFIED',
  1: 'SPAN_KIND_INTERNAL',
  2: 'SPAN_KIND_SERVER',
  3: 'SPAN_KIND_CLIENT',
  4: 'SPAN_KIND_PRODUCER',
  5: 'SPAN_KIND_CONSUMER',
};

/** `STATUS_CODE_*` by OTLP status number. */
export const STATUS_NAMES: Readonly<Record<StatusCode, string>> = {
  0: 'STATUS_CODE_UNSET',
  1: 'STATUS_CODE_OK',
  2: 'STATUS_CODE_ERROR',
};

/** Prometheus' `SanitizeLabelName`: every character outside `[a-zA-Z0-9_]` becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/gu, '_');
}

/** An attribute value as label text (Go's formatting for numbers and bools). */
export function labelText(v: GenValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return goFloatText(v);
  return String(v);
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip decimal, never an exponent. */
export function goFloatText(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e).replace('.', '');
  const point = (s.indexOf('.') < 0 ? e : s.indexOf('.')) - (negative ? 1 : 0);
  const exp = Number(s.slice(e + 1)) + point;
  let out: string;
  if (exp <= 0) out = '0.' + '0'.repeat(-exp) + mantissa;
  else if (exp >= mantissa.length) out = mantissa + '0'.repeat(exp - mantissa.length);
  else out = mantissa.slice(0, exp) + '.' + mantissa.slice(exp);
  return (negative ? '-' : '') + out;
}

/** Cuts text to at most `max` UTF-8 bytes on a character boundary. */
export function truncateBytes(text: string, max: number): string {
  if (text.length * 3 <= max || Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}
