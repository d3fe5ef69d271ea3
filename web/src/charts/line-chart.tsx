/**
 * A time-series chart drawn by uPlot: one or more lines over a shared time axis, the y axis from
 * zero, the values at the cursor in the legend below, a click reporting the time under the
 * cursor.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  name: string;
  points: Array<{ timeMs: number; value: number }>;
}

const HEIGHT = 180;

/** Distinct line colours, in order (readable on light and dark backgrounds). */
const PALETTE = ['#3d71d9', '#e8743b', '#19a979', '#945ecf', '#d64550', '#13a4b4'];
const colorOf = (i: number) => PALETTE[i % PALETTE.length] as string;

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
  const host = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | undefined>(undefined);
  const pick = useRef(onPick);
  pick.current = onPick;
  const times = useMemo(
    () => [...new Set(lines.flatMap((l) => l.points.map((p) => p.timeMs)))].sort((a, b) => a - b),
    [lines],
  );

  useEffect(() => {
    const el = host.current;
    if (!el || times.length === 0) return;
    // uPlot takes columns: the times (in seconds), then each line's values at those times.
    const data: uPlot.AlignedData = [
      times.map((t) => t / 1000),
      ...lines.map((l) => {
        const at = new Map(l.points.map((p) => [p.timeMs, p.value]));
        return times.map((t) => at.get(t) ?? null);
      }),
    ];
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim() || '#666';
    const grid = css.getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height: HEIGHT,
        legend: { show: false },
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [axis, { ...axis, size: 64, values: (_u, ticks) => ticks.map((v) => format(v)) }],
        series: [
          {},
          ...lines.map((l, i) => ({
            label: l.name,
            stroke: colorOf(i),
            width: 2,
            points: { show: false },
          })),
        ],
        cursor: { drag: { x: false, y: false } },
        hooks: {
          setCursor: [(u) => setHover(u.cursor.idx ?? undefined)],
        },
      },
      data,
      el,
    );
    const click = () => {
      const i = plot.cursor.idx;
      const t = i === null || i === undefined ? undefined : times[i];
      if (t !== undefined) pick.current?.(t);
    };
    plot.over.addEventListener('click', click);
    const observer = new ResizeObserver(() =>
      plot.setSize({ width: el.clientWidth, height: HEIGHT }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.over.removeEventListener('click', click);
      plot.destroy();
    };
    // `format` is a fresh function each render; the lines and times decide the chart.
  }, [lines, times]);

  const at = hover === undefined ? undefined : times[hover];
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {times.length === 0 ? (
        <p className="muted">No data in this range.</p>
      ) : (
        <div
          ref={host}
          className="chart-plot"
          role="img"
          aria-label={`${title}: ${lines.length} series over ${times.length} points`}
        />
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
