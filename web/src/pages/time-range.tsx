/**
 * The time range control shared by pages: the presets, or an absolute range (two local times),
 * both held in the URL as `from`/`to`.
 */
import { useState } from 'react';
import { describeRange, PRESETS, resolveRange, type TimeRange } from '../time';

export function rangeOf(params: URLSearchParams): TimeRange {
  return { from: params.get('from') ?? 'now-1h', to: params.get('to') ?? 'now' };
}

/** A unix ms time as a `datetime-local` input's value (local time, to the second). */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

export function RangeSelect({
  range,
  onChange,
}: {
  range: TimeRange;
  onChange: (r: TimeRange) => void;
}) {
  const preset = range.to === 'now' && PRESETS.some((p) => p.from === range.from);
  const [custom, setCustom] = useState(false);
  const now = Date.now();
  const { startMs, endMs } = resolveRange(range, now);
  const [from, setFrom] = useState(localInput(startMs));
  const [to, setTo] = useState(localInput(endMs));
  const fromMs = new Date(from).getTime();
  const toMs = new Date(to).getTime();
  const valid = Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs;
  return (
    <span className="range">
      <select
        aria-label="Time range"
        value={custom ? 'custom' : preset ? range.from : ''}
        onChange={(e) => {
          if (e.target.value === 'custom') {
            setFrom(localInput(startMs));
            setTo(localInput(endMs));
            setCustom(true);
            return;
          }
          setCustom(false);
          onChange({ from: e.target.value, to: 'now' });
        }}
      >
        {!preset && <option value="">{describeRange(range, now)}</option>}
        {PRESETS.map((p) => (
          <option key={p.from} value={p.from}>
            {p.label}
          </option>
        ))}
        <option value="custom">Absolute range…</option>
      </select>
      {custom && (
        // Not a form: the control sits inside Explore's query form.
        <span className="range-custom" role="group" aria-label="Absolute range">
          <input
            type="datetime-local"
            step={1}
            aria-label="From"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
          <input
            type="datetime-local"
            step={1}
            aria-label="To"
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
          <button
            type="button"
            disabled={!valid}
            onClick={() => {
              setCustom(false);
              onChange({ from: String(fromMs), to: String(toMs) });
            }}
          >
            Apply
          </button>
        </span>
      )}
    </span>
  );
}
