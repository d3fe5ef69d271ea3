/**
 * Duration literals, exactly as Tempo reads them: first as a Prometheus duration (`1h30m`, `1d`,
 * `1w`, `1y`; integer amounts, units from largest to smallest), then as a Go duration (`1.5s`,
 * `300us`, `1µs`; any order). Values are signed 64-bit nanoseconds.
 */

const MAX_INT64 = (1n << 63n) - 1n;
const TWO_63 = 1n << 63n;

const NS = 1n;
const US = 1000n;
const MS = 1_000_000n;
const S = 1_000_000_000n;
const M = 60n * S;
const H = 60n * M;
const D = 24n * H;

/** Prometheus units with their rank: each may appear once, in this order. */
const PROM_UNITS: ReadonlyMap<string, readonly [number, bigint]> = new Map([
  ['y', [1, 365n * D]],
  ['w', [2, 7n * D]],
  ['d', [3, D]],
  ['h', [4, H]],
  ['m', [5, M]],
  ['s', [6, S]],
  ['ms', [7, MS]],
]);

const GO_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', NS],
  ['us', US],
  ['\u00b5s', US],
  ['\u03bcs', US],
  ['ms', MS],
  ['s', S],
  ['m', M],
  ['h', H],
]);

const isAsciiDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Nanoseconds of a duration literal, or undefined when it is not one. */
export function parseDuration(text: string): bigint | undefined {
  return parsePromDuration(text) ?? parseGoDuration(text);
}

function parsePromDuration(text: string): bigint | undefined {
  if (text === '0') return 0n;
  let rest = text;
  let total = 0n;
  let lastRank = 0;
  while (rest !== '') {
    const digits = /^[0-9]+/.exec(rest)?.[0];
    if (digits === undefined) return undefined;
    rest = rest.slice(digits.length);
    const unitText = /^[^0-9]+/.exec(rest)?.[0];
    if (unitText === undefined) return undefined;
    rest = rest.slice(unitText.length);
    const unit = PROM_UNITS.get(unitText);
    if (unit === undefined || unit[0] <= lastRank) return undefined;
    lastRank = unit[0];
    const value = BigInt(digits);
    if (value > TWO_63 / unit[1]) return undefined;
    total += value * unit[1];
    if (total > MAX_INT64) return undefined;
  }
  return text === '' ? undefined : total;
}

interface GoPart {
  readonly whole: bigint;
  readonly fraction: bigint;
  readonly scale: number;
  readonly rest: string;
}

/** One `[0-9]*(\.[0-9]*)?` amount of a Go duration, as `time.ParseDuration` reads it. */
function readGoAmount(text: string): GoPart | undefined {
  let i = 0;
  let whole = 0n;
  for (; isAsciiDigit(text[i]); i++) {
    if (whole > TWO_63 / 10n) return undefined;
    whole = whole * 10n + BigInt(text.charCodeAt(i) - 48);
    if (whole > TWO_63) return undefined;
  }
  const hasWhole = i > 0;
  let fraction = 0n;
  let scale = 1;
  let hasFraction = false;
  if (text[i] === '.') {
    i++;
    const fractionStart = i;
    let overflow = false;
    for (; isAsciiDigit(text[i]); i++) {
      if (overflow) continue;
      if (fraction > MAX_INT64 / 10n) {
        overflow = true;
        continue;
      }
      const next = fraction * 10n + BigInt(text.charCodeAt(i) - 48);
      if (next > TWO_63) {
        overflow = true;
        continue;
      }
      fraction = next;
      scale *= 10;
    }
    hasFraction = i > fractionStart;
  }
  if (!hasWhole && !hasFraction) return undefined;
  return { whole, fraction, scale, rest: text.slice(i) };
}

function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    if (!(rest[0] === '.' || isAsciiDigit(rest[0]))) return undefined;
    const amount = readGoAmount(rest);
    if (amount === undefined) return undefined;
    const unitText = /^[^0-9.]+/.exec(amount.rest)?.[0];
    if (unitText === undefined) return undefined;
    rest = amount.rest.slice(unitText.length);
    const unit = GO_UNITS.get(unitText);
    if (unit === undefined || amount.whole > TWO_63 / unit) return undefined;
    let value = amount.whole * unit;
    if (amount.fraction > 0n) {
      // Go computes the fractional part in float64; so do we, to the same nanosecond.
      value += BigInt(Math.trunc(Number(amount.fraction) * (Number(unit) / amount.scale)));
      if (value > TWO_63) return undefined;
    }
    total += value;
    if (total > TWO_63) return undefined;
  }
  if (negative) return -total;
  return total > MAX_INT64 ? undefined : total;
}

const FORMAT_UNITS: readonly (readonly [string, bigint])[] = [
  ['h', H],
  ['m', M],
  ['s', S],
  ['ms', MS],
  ['us', US],
  ['ns', NS],
];

/**
 * Canonical text of a duration: whole units from hours down to nanoseconds (`1h30m`,
 * `1s500ms`, `0s`), negative with a leading `-`. Reading it back gives the same nanoseconds.
 */
export function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  let rest = nanos < 0n ? -nanos : nanos;
  let out = nanos < 0n ? '-' : '';
  for (const [name, size] of FORMAT_UNITS) {
    const amount = rest / size;
    if (amount > 0n) {
      out += `${amount}${name}`;
      rest -= amount * size;
    }
  }
  return out;
}
