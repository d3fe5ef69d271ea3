/**
 * The trace as a flame graph: a row per depth, each span a box from its start to its end on the
 * trace's time axis, drawn on a canvas (10,000 spans draw in a few milliseconds). Click a box to
 * show the span.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatDuration, serviceColor, type UiSpan, type UiTrace } from './model';

const ROW = 20;

export function FlameGraph({ trace, onSelect }: { trace: UiTrace; onSelect: (s: UiSpan) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<UiSpan | undefined>(undefined);
  const byDepth = useMemo(() => {
    const rows: UiSpan[][] = [];
    for (const s of trace.spans) (rows[s.depth] ??= []).push(s);
    for (const r of rows) r.sort((a, b) => a.startUs - b.startUs);
    return rows;
  }, [trace]);
  const total = Math.max(1, trace.endUs - trace.startUs);
  const x = (us: number) => ((us - trace.startUs) / total) * width;

  useEffect(() => {
    const el = canvas.current?.parentElement;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    c.width = width * ratio;
    c.height = byDepth.length * ROW * ratio;
    ctx.scale(ratio, ratio);
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    byDepth.forEach((row, depth) => {
      for (const s of row) {
        const left = x(s.startUs);
        const w = Math.max(1, x(s.startUs + s.durationUs) - left);
        ctx.fillStyle = serviceColor(s.service);
        ctx.fillRect(left, depth * ROW + 1, w, ROW - 2);
        if (s.status === 'error') {
          ctx.fillStyle = '#c4242b';
          ctx.fillRect(left, depth * ROW + ROW - 4, w, 3);
        }
        if (w > 40) {
          ctx.save();
          ctx.beginPath();
          ctx.rect(left, depth * ROW, w, ROW);
          ctx.clip();
          ctx.fillStyle = '#000';
          ctx.fillText(
            `${s.name} ${formatDuration(s.durationUs)}`,
            left + 4,
            depth * ROW + ROW / 2,
          );
          ctx.restore();
        }
      }
    });
    // `x` depends on the width and the trace only.
  }, [byDepth, width, trace]);

  const spanAt = (e: React.MouseEvent<HTMLCanvasElement>): UiSpan | undefined => {
    const rect = e.currentTarget.getBoundingClientRect();
    const row = byDepth[Math.floor((e.clientY - rect.top) / ROW)] ?? [];
    const us = trace.startUs + ((e.clientX - rect.left) / width) * total;
    return row.find((s) => s.startUs <= us && us <= s.startUs + s.durationUs);
  };
  return (
    <div className="flame" aria-label="Flame graph">
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Flame graph of ${trace.spans.length} spans over ${byDepth.length} levels`}
        style={{ width, height: byDepth.length * ROW }}
        onMouseMove={(e) => setHover(spanAt(e))}
        onMouseLeave={() => setHover(undefined)}
        onClick={(e) => {
          const s = spanAt(e);
          if (s) onSelect(s);
        }}
      />
      <p className="muted flame-hover" aria-live="polite">
        {hover
          ? `${hover.service}: ${hover.name} — ${formatDuration(hover.durationUs)}`
          : 'Click a box to see the span.'}
      </p>
    </div>
  );
}
