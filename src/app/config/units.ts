/**
 * Text forms of durations, sizes and whole numbers as they appear in tempo.yaml.
 *
 * Durations follow Go's `time.ParseDuration` (what Tempo uses): a sequence of decimal numbers with
 * units `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`, such as `300ms`, `1.5s` or `1h30m`, and a bare `0`.
 * Vivace also accepts `d` (24h) and `w` (7 days), which Prometheus durations (and Tempo's per-tenant
 * `block_retention`) accept but Go's do not: a file using them will not load in Tempo's `ingester`
 * or `compactor` sections.
 */

const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
};

const DURATION_PART = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h|d|w)/y;
const NS_PER_MS = 1_000_000n;

/** Nanoseconds of one `<int>.<frac><unit>` part; fraction digits beyond 1 ns are truncated, as in Go. */
function partNanos(intDigits: string, fracDigits: string, unit: bigint): bigint {
  const whole = BigInt(intDigits || '0') * unit;
  if (fracDigits === '') return whole;
  return whole + (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length);
}

/** Total nanoseconds of an unsigned duration such as `1h30m`, or undefined if it is not one. */
function unsignedNanos(text: string): bigint | undefined {
  let total = 0n;
  let pos = 0;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(text);
    const [, intDigits = '', fracDigits, unit = ''] = m ?? [];
    if (!m || (intDigits === '' && !fracDigits)) return undefined;
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined) return undefined;
    total += partNanos(intDigits, fracDigits ?? '', perUnit);
    pos = DURATION_PART.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/**
 * Parses a Go-style duration (plus `d` and `w`) into milliseconds, possibly fractional (`10us` is
 * 0.01). Returns undefined when the text is not a duration.
 *
 * @example
 * parseDurationMs('1h30m') // 5400000
 */
export function parseDurationMs(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  if (body === '0') return 0;
  const ns = unsignedNanos(body);
  if (ns === undefined) return undefined;
  const ms = Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
  return ms === 0 ? 0 : sign * ms;
}

const WHOLE_NUMBER = /^[+-]?\d(?:_?\d)*$/;

/**
 * Parses a whole number written as text, with optional `_` between digits (`1_000_000`), as YAML 1.1
 * and Go's YAML reader accept. Returns undefined when the text is not one.
 */
export function parseWholeNumber(text: string): number | undefined {
  if (!WHOLE_NUMBER.test(text)) return undefined;
  return Number(text.replaceAll('_', ''));
}

const BYTES_PER_UNIT: Readonly<Record<string, bigint>> = {
  b: 1n,
  kb: 1000n,
  mb: 1000n ** 2n,
  gb: 1000n ** 3n,
  tb: 1000n ** 4n,
  kib: 1024n,
  mib: 1024n ** 2n,
  gib: 1024n ** 3n,
  tib: 1024n ** 4n,
};

const SIZE_WITH_UNIT = /^(\d+)(?:\.(\d+))? ?([kmgt]i?b|b)$/i;

/**
 * Parses a size written as text into bytes: a whole number (`524288000`, `1_000_000`), or, as a
 * Vivace extension that Tempo does not read, a number with a unit: `B`, SI `KB` `MB` `GB` `TB`
 * (powers of 1000) or binary `KiB` `MiB` `GiB` `TiB` (powers of 1024), case-insensitive (`500MiB`,
 * `1GB`, `1.5 GiB`). Returns undefined when the text is not a size or not a whole number of bytes.
 */
export function parseByteSize(text: string): number | undefined {
  const whole = parseWholeNumber(text);
  if (whole !== undefined) return whole;
  const m = SIZE_WITH_UNIT.exec(text);
  const unit = BYTES_PER_UNIT[(m?.[3] ?? '').toLowerCase()];
  if (!m || unit === undefined) return undefined;
  const fraction = m[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(`${m[1] ?? ''}${fraction}`) * unit;
  return scaled % scale === 0n ? Number(scaled / scale) : undefined;
}
