/** The time range control shared by pages: presets, or the absolute range the URL holds. */
import { describeRange, PRESETS, type TimeRange } from '../time';

export function rangeOf(params: URLSearchParams): TimeRange {
  return { from: params.get('from') ?? 'now-1h', to: params.get('to') ?? 'now' };
}

export function RangeSelect({
  range,
  onChange,
}: {
  range: TimeRange;
  onChange: (r: TimeRange) => void;
}) {
  const preset = range.to === 'now' && PRESETS.some((p) => p.from === range.from);
  return (
    <select
      aria-label="Time range"
      value={preset ? range.from : ''}
      onChange={(e) => onChange({ from: e.target.value, to: 'now' })}
    >
      {!preset && <option value="">{describeRange(range, Date.now())}</option>}
      {PRESETS.map((p) => (
        <option key={p.from} value={p.from}>
          {p.label}
        </option>
      ))}
    </select>
  );
}
