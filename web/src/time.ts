/**
 * Time ranges as the URL holds them: `from`/`to` are `now`, `now-<n><unit>` (s, m, h, d) or unix
 * milliseconds. Pure: `nowMs` is given.
 */

export interface TimeRange {
  from: string;
  to: string;
}

export const PRESETS: ReadonlyArray<{ label: string; from: string }> = [
  { label: 'Last 5 minutes', from: 'now-5m' },
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last 1 hour', from: 'now-1h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 7 days', from: 'now-7d' },
];

export const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A `from`/`to` value in unix ms, or undefined when it is not one of the accepted forms. */
export function resolveTime(value: string, nowMs: number): number | undefined {
  if (value === 'now') return nowMs;
  const rel = /^now-(\d+)([smhd])$/.exec(value);
  if (rel) return nowMs - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number);
  if (/^\d{10,16}$/.test(value)) return Number(value);
  return undefined;
}

/** The range in unix ms; an unreadable end is now, an unreadable start an hour before the end. */
export function resolveRange(r: TimeRange, nowMs: number): { startMs: number; endMs: number } {
  const endMs = resolveTime(r.to, nowMs) ?? nowMs;
  const startMs = resolveTime(r.from, nowMs) ?? endMs - 3_600_000;
  return { startMs: Math.min(startMs, endMs), endMs };
}

/** How a range reads: a preset's label, or its two times. */
export function describeRange(r: TimeRange, nowMs: number): string {
  const preset = r.to === 'now' ? PRESETS.find((p) => p.from === r.from) : undefined;
  if (preset) return preset.label;
  const { startMs, endMs } = resolveRange(r, nowMs);
  return `${new Date(startMs).toLocaleString()} – ${new Date(endMs).toLocaleString()}`;
}
