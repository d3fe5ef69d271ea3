/**
 * The parameters of `GET /api/metrics/query_range` and `/api/metrics/query`, read, defaulted,
 * checked and aligned as Tempo's frontend does (docs/rfc/0002-traceql-metrics.md): `q` (or
 * `query`), `start`/`end` (unix seconds, fractional seconds, nanoseconds or RFC 3339), `since`,
 * `step` (seconds or a Go duration; by default about 240 points), `exemplars`. Pure: `now` is given.
 */

import { InvalidRequestError } from '../../model/index.js';
import type { Intervals } from './series.js';

const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;
const MS = 1_000_000n;

/** Tempo's frontend defaults (`query_frontend.metrics`). */
export const METRICS_LIMITS = {
  maxDurationNs: 24n * HOUR,
  maxIntervals: 10_000n,
  endCutoffNs: 30n * SECOND,
  maxExemplars: 100,
};

export interface MetricsRequest {
  query: string;
  range: Intervals;
  exemplars: number;
  instant: boolean;
}

function fail(message: string): never {
  throw new InvalidRequestError(message);
}

/** A timestamp parameter: fractional seconds, seconds (≤ 10 digits), nanoseconds, or RFC 3339. */
export function parseTimestamp(name: string, raw: string): bigint {
  if (raw.includes('.') && /^-?\d+(\.\d+)?$/.test(raw)) {
    const [whole = '0', frac = ''] = raw.split('.');
    const ms = BigInt(Math.round(Number(`0.${frac}`) * 1000));
    return BigInt(whole) * SECOND + ms * MS;
  }
  if (/^-?\d+$/.test(raw))
    return raw.replace('-', '').length <= 10 ? BigInt(raw) * SECOND : BigInt(raw);
  const ms = Date.parse(raw);
  if (/^\d{4}-\d\d-\d\dT/.test(raw) && !Number.isNaN(ms)) {
    const frac = /\.(\d+)/.exec(raw)?.[1] ?? '';
    const subMs = BigInt((frac + '000000000').slice(3, 9));
    return BigInt(ms) * MS + subMs;
  }
  fail(`could not parse '${name}' parameter: cannot parse "${raw}" to a valid timestamp`);
}

const GO_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  ms: MS,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
};

/** A Go duration (`30s`, `1m30s`, `500ms`, `1.5h`) in nanoseconds, or undefined. */
export function parseGoDuration(raw: string): bigint | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    total += Number(m[1]) * Number(GO_UNITS[m[2] as string]);
    pos = re.lastIndex;
  }
  return pos === raw.length && raw !== '' ? BigInt(Math.round(total)) : undefined;
}

/** Prometheus' duration (`15m`, `3h`, `1d`, `1w`, `1h30m`; whole numbers) in nanoseconds. */
function parsePromDuration(raw: string): bigint | undefined {
  const units: Record<string, bigint> = {
    ms: MS,
    s: SECOND,
    m: MINUTE,
    h: HOUR,
    d: 24n * HOUR,
    w: 168n * HOUR,
    y: 8760n * HOUR,
  };
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0n;
  let pos = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    total += BigInt(m[1] as string) * (units[m[2] as string] as bigint);
    pos = re.lastIndex;
  }
  return pos === raw.length && raw !== '' ? total : undefined;
}

/** `step`: seconds as a number, or a Go duration; must not be negative. */
function parseStep(raw: string): bigint {
  let ns: bigint | undefined;
  if (/^-?\d+(\.\d+)?$/.test(raw)) ns = BigInt(Math.round(Number(raw) * 1e9));
  else
    ns = raw.startsWith('-') ? (parseGoDuration(raw.slice(1)) ?? 0n) * -1n : parseGoDuration(raw);
  if (ns === undefined) fail(`cannot parse "${raw}" to a valid duration`);
  if (ns < 0n) fail(`cannot parse "${raw}": step must be positive`);
  return ns;
}

/** Tempo's default step: about 240 points, rounded to a tidy unit. */
export function defaultStep(startNs: bigint, endNs: bigint): bigint {
  const delta = endNs - startNs;
  const base = delta / 240n;
  const ms50 = 50n * MS;
  if (delta < MINUTE) return base > ms50 ? (base / ms50) * ms50 : ms50;
  for (const g of [HOUR, 5n * MINUTE, MINUTE, 15n * SECOND, 5n * SECOND, SECOND]) {
    if (base > g) return (base / g) * g;
  }
  return SECOND;
}

/** Go's `Duration.String()` for a positive duration (`360ms`, `1m30s`, `24h0m0s`). */
export function goDurationText(ns: bigint): string {
  if (ns < SECOND) {
    if (ns < 1000n) return `${ns}ns`;
    const [unit, div] = ns < MS ? ['µs', 1000n] : ['ms', MS];
    return `${trimZeros(Number(ns) / Number(div))}${unit}`;
  }
  const h = ns / HOUR;
  const m = (ns % HOUR) / MINUTE;
  const s = Number(ns % MINUTE) / 1e9;
  if (h > 0n) return `${h}h${m}m${trimZeros(s)}s`;
  if (m > 0n) return `${m}m${trimZeros(s)}s`;
  return `${trimZeros(s)}s`;
}

function trimZeros(v: number): string {
  return String(Number(v.toFixed(9)));
}

/** Reads a range (`instant` false) or instant request; throws InvalidRequestError (400). */
export function parseMetricsRequest(
  q: URLSearchParams,
  nowNs: bigint,
  instant: boolean,
  limits = METRICS_LIMITS,
): MetricsRequest {
  const query = q.get('q') || q.get('query') || '';
  const rawEnd = q.get('end') || '';
  const end0 = rawEnd === '' ? nowNs : parseTimestamp('end', rawEnd);
  const rawStart = q.get('start') || '';
  let start: bigint;
  if (rawStart !== '') start = parseTimestamp('start', rawStart);
  else {
    const rawSince = q.get('since') || '';
    const since = rawSince === '' ? HOUR : parsePromDuration(rawSince);
    if (since === undefined)
      fail(`could not parse 'since' parameter: not a valid duration string: "${rawSince}"`);
    start = (end0 < nowNs ? end0 : nowNs) - since;
  }
  const rawStep = instant ? '' : q.get('step') || '';
  let step = rawStep === '' ? defaultStep(start, end0) : parseStep(rawStep);
  let end = end0;
  if (start >= end) fail('end must be greater than start');
  const cutoff = nowNs - limits.endCutoffNs;
  if (instant) {
    if (end >= cutoff) {
      const over = end - cutoff;
      end -= ((over + SECOND - 1n) / SECOND) * SECOND;
    }
  } else if (end > cutoff) end = cutoff;
  if (start >= end) fail('query window falls entirely within query_end_cutoff');
  if (end - start > limits.maxDurationNs) {
    fail(
      `metrics query time range exceeds the maximum allowed duration of ${goDurationText(limits.maxDurationNs)}`,
    );
  }
  if (instant) step = end - start;
  else {
    const min = (end - start + limits.maxIntervals - 1n) / limits.maxIntervals;
    if (step === 0n || (end - start) / step > limits.maxIntervals) {
      fail(
        `step of ${goDurationText(step)} is too small, minimum step for given range is ${goDurationText(min)}`,
      );
    }
    // One extra leading interval, end rounded up, then kept before the cutoff.
    start = start - (start % step) - step;
    end = ((end + step - 1n) / step) * step;
    if (end > cutoff) end = (cutoff / step) * step;
  }
  const rawExemplars = Number(q.get('exemplars') ?? '0');
  const asked = Number.isInteger(rawExemplars) && rawExemplars > 0 ? rawExemplars : 0;
  const exemplars = instant
    ? 0
    : Math.min(asked === 0 ? limits.maxExemplars : asked, limits.maxExemplars);
  return { query, range: { startNs: start, endNs: end, stepNs: step }, exemplars, instant };
}
