/**
 * A small time-series chart in SVG: one or more lines over a shared time axis, the y axis from
 * zero, hover shows the values at the nearest point, a click reports that point's time.
 */
import { useMemo, useState } from 'react';

/** Distinct line colours, in order (readable on light and dark backgrounds). */
const PALETTE = ['#3d71d9', '#e8743b', '#19a979', '#945ecf', '#d64550', '#13a4b4'];
const colorOf = (i: number) => PALETTE[i % PALETTE.length] as string;

export interface ChartLine {
  name: string;
  points: Array<{ timeMs: number; value: number }>;
}

const W = 640;
const H = 180;
const PAD = { left: 56, right: 12, top: 10, bottom: 24 };

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function LineChart({
  title,
  lines,
  format,
  onPick,
}: {
  title: string;
  lines: ChartLine[];
  format: (v: number) => string;
  onPick?: (timeMs: number) => void;
}) {
  const [hover, setHover] = useState<number | undefined>(undefined);
  const times = useMemo(
    () => [...new Set(lines.flatMap((l) => l.points.map((p) => p.timeMs)))].sort((a, b) => a - b),
    [lines],
  );
  const t0 = times[0] ?? 0;
  const t1 = times[times.length - 1] ?? 1;
  const max = niceMax(Math.max(0, ...lines.flatMap((l) => l.points.map((p) => p.value))));
  const x = (t: number) =>
    PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const at = hover === undefined ? undefined : times[hover];
  const pick = (e: React.MouseEvent<SVGSVGElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const px = ((e.clientX - rect.left) / rect.width) * W;
    let best = 0;
    times.forEach((t, i) => {
      if (Math.abs(x(t) - px) < Math.abs(x(times[best] ?? 0) - px)) best = i;
    });
    return best;
  };
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {times.length === 0 ? (
        <p className="muted">No data in this range.</p>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={`${title}: ${lines.length} series over ${times.length} points`}
          onMouseMove={(e) => setHover(pick(e))}
          onMouseLeave={() => setHover(undefined)}
          onClick={(e) => {
            const t = times[pick(e)];
            if (t !== undefined) onPick?.(t);
          }}
        >
          {[0, 0.5, 1].map((f) => (
            <g key={f}>
              <line
                className="grid"
                x1={PAD.left}
                x2={W - PAD.right}
                y1={y(max * f)}
                y2={y(max * f)}
              />
              <text className="axis" x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end">
                {format(max * f)}
              </text>
            </g>
          ))}
          <text className="axis" x={PAD.left} y={H - 6}>
            {new Date(t0).toLocaleTimeString()}
          </text>
          <text className="axis" x={W - PAD.right} y={H - 6} textAnchor="end">
            {new Date(t1).toLocaleTimeString()}
          </text>
          {lines.map((l, i) => (
            <polyline
              key={l.name}
              className="line"
              fill="none"
              stroke={colorOf(i)}
              strokeWidth={2}
              points={l.points.map((p) => `${x(p.timeMs)},${y(p.value)}`).join(' ')}
            >
              <title>{l.name}</title>
            </polyline>
          ))}
          {at !== undefined && (
            <line className="cursor" x1={x(at)} x2={x(at)} y1={PAD.top} y2={H - PAD.bottom} />
          )}
        </svg>
      )}
      <p className="legend" aria-live="polite">
        {at !== undefined && `${new Date(at).toLocaleTimeString()}: `}
        {lines.map((l, i) => {
          const v = at === undefined ? undefined : l.points.find((p) => p.timeMs === at)?.value;
          return (
            <span key={l.name}>
              <span className="swatch" style={{ background: colorOf(i) }} />
              {l.name}
              {v !== undefined ? ` ${format(v)}` : ''}{' '}
            </span>
          );
        })}
      </p>
    </figure>
  );
}
