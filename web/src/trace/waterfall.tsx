/**
 * The waterfall: a row per visible span in tree order (collapsible, service colours, bars on the
 * trace's time axis, errors, the critical path, find matches), only the rows in view rendered, so
 * 10,000 spans scroll smoothly; a minimap of every row above it. Keyboard: ↑/↓ move, ←/→
 * collapse and expand, Enter shows the details.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PathSegment } from './analysis';
import { formatDuration, serviceColor, type UiSpan, type UiTrace } from './model';

const ROW = 26;
const OVERSCAN = 12;

export interface WaterfallProps {
  trace: UiTrace;
  rows: UiSpan[];
  collapsed: ReadonlySet<string>;
  selected: UiSpan | undefined;
  /** Critical path segments to draw (none when hidden). */
  path: readonly PathSegment[];
  /** Spans matching the find box. */
  matches: ReadonlySet<string>;
  /** A span to scroll to and focus (each new `seq` once). */
  jump: { spanId: string; seq: number } | undefined;
  onSelect: (s: UiSpan) => void;
  onToggle: (s: UiSpan, open?: boolean) => void;
}

export function Waterfall({
  trace,
  rows,
  collapsed,
  selected,
  path,
  matches,
  jump,
  onSelect,
  onToggle,
}: WaterfallProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const onPath = useMemo(() => {
    const by = new Map<string, PathSegment[]>();
    for (const seg of path) {
      const list = by.get(seg.spanId);
      if (list) list.push(seg);
      else by.set(seg.spanId, [seg]);
    }
    return by;
  }, [path]);
  const [view, setView] = useState({ top: 0, height: 600 });
  const [focus, setFocus] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // Each jump once, when the rows it expanded are in place (not again when rows change later).
  const jumped = useRef(0);
  useEffect(() => {
    if (jump === undefined || jump.seq === jumped.current) return;
    const i = rows.findIndex((s) => s.spanId === jump.spanId);
    if (i < 0) return;
    jumped.current = jump.seq;
    move(i);
  }, [jump, rows]);
  const total = Math.max(1, trace.endUs - trace.startUs);
  const first = Math.max(0, Math.floor(view.top / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / ROW) + OVERSCAN);
  const move = (i: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, i));
    setFocus(next);
    const el = scroller.current;
    if (!el) return;
    if (next * ROW < el.scrollTop) el.scrollTop = next * ROW;
    else if ((next + 1) * ROW > el.scrollTop + el.clientHeight)
      el.scrollTop = (next + 1) * ROW - el.clientHeight;
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const span = rows[focus];
    if (!span) return;
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(focus + 1),
      ArrowUp: () => move(focus - 1),
      ArrowLeft: () => onToggle(span, false),
      ArrowRight: () => onToggle(span, true),
      Enter: () => onSelect(span),
      Home: () => move(0),
      End: () => move(rows.length - 1),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };
  const visibleFirst = Math.floor(view.top / ROW);
  const visibleLast = Math.ceil((view.top + view.height) / ROW);
  return (
    <div className="waterfall-box">
      <Minimap
        trace={trace}
        rows={rows}
        first={visibleFirst}
        last={visibleLast}
        onJump={(fraction) => {
          const el = scroller.current;
          if (el) el.scrollTop = fraction * rows.length * ROW - el.clientHeight / 2;
        }}
      />
      <div
        className="waterfall"
        ref={scroller}
        role="tree"
        aria-label="Spans"
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-activedescendant={rows[focus] ? `span-${rows[focus].spanId}` : undefined}
        onScroll={(e) => {
          const top = e.currentTarget.scrollTop;
          setView((v) => ({ ...v, top }));
        }}
      >
        <div style={{ height: rows.length * ROW, position: 'relative' }}>
          {rows.slice(first, last).map((s, k) => {
            const i = first + k;
            const left = ((s.startUs - trace.startUs) / total) * 100;
            const width = Math.max(0.2, (s.durationUs / total) * 100);
            const open = !collapsed.has(s.spanId);
            return (
              <div
                key={s.spanId + String(i)}
                id={`span-${s.spanId}`}
                role="treeitem"
                aria-level={s.depth + 1}
                aria-expanded={s.children.length > 0 ? open : undefined}
                aria-selected={selected === s}
                className={`row${selected === s ? ' selected' : ''}${i === focus ? ' focused' : ''}${s.status === 'error' ? ' failed' : ''}${onPath.has(s.spanId) ? ' critical' : ''}${matches.has(s.spanId) ? ' match' : ''}`}
                style={{ top: i * ROW, height: ROW }}
                onClick={() => {
                  setFocus(i);
                  onSelect(s);
                }}
              >
                <div className="label" style={{ paddingLeft: 6 + s.depth * 14 }}>
                  {s.children.length > 0 ? (
                    <button
                      className="twisty"
                      aria-label={open ? 'Collapse' : 'Expand'}
                      tabIndex={-1}
                      onClick={(e) => {
                        e.stopPropagation();
                        onToggle(s);
                      }}
                    >
                      {open ? '▾' : '▸'}
                    </button>
                  ) : (
                    <span className="twisty" />
                  )}
                  <span className="swatch" style={{ background: serviceColor(s.service) }} />
                  <span className="service">{s.service}</span>{' '}
                  <span className="name">{s.name}</span>
                  {s.status === 'error' && (
                    <>
                      {' '}
                      <span className="badge error">error</span>
                    </>
                  )}
                </div>
                <div className="bar-area">
                  <div
                    className="bar"
                    style={{
                      left: `${left}%`,
                      width: `${width}%`,
                      background: serviceColor(s.service),
                    }}
                  />
                  {(onPath.get(s.spanId) ?? []).map((seg) => (
                    <div
                      key={seg.startUs}
                      className="path-segment"
                      style={{
                        left: `${((seg.startUs - trace.startUs) / total) * 100}%`,
                        width: `${Math.max(0.2, ((seg.endUs - seg.startUs) / total) * 100)}%`,
                      }}
                    />
                  ))}
                  {left + width > 80 ? (
                    // A bar reaching the right edge carries its duration inside, at its end.
                    <span className="bar-text inside" style={{ right: `${100 - left - width}%` }}>
                      {formatDuration(s.durationUs)}
                    </span>
                  ) : (
                    <span className="bar-text" style={{ left: `${left + width}%` }}>
                      {formatDuration(s.durationUs)}
                    </span>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/**
 * The whole trace in 48 pixels above the waterfall: a line per row from its start to its end, and
 * the rows in view framed; a click scrolls there.
 */
function Minimap({
  trace,
  rows,
  first,
  last,
  onJump,
}: {
  trace: UiTrace;
  rows: UiSpan[];
  first: number;
  last: number;
  onJump: (fraction: number) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    c.width = w * ratio;
    c.height = h * ratio;
    ctx.scale(ratio, ratio);
    const total = Math.max(1, trace.endUs - trace.startUs);
    const n = Math.max(1, rows.length);
    const rowH = Math.max(1, h / n);
    rows.forEach((s, i) => {
      ctx.fillStyle = s.status === 'error' ? '#c4242b' : serviceColor(s.service);
      const x = ((s.startUs - trace.startUs) / total) * w;
      ctx.fillRect(x, (i / n) * h, Math.max(1, (s.durationUs / total) * w), rowH);
    });
    ctx.strokeStyle = '#ff9f1a';
    ctx.lineWidth = 2;
    const top = (Math.max(0, first) / n) * h;
    ctx.strokeRect(1, top, w - 2, Math.max(3, ((Math.min(n, last) - first) / n) * h));
  }, [trace, rows, first, last]);
  return (
    <canvas
      ref={canvas}
      className="minimap"
      role="img"
      aria-label={`Overview of ${rows.length} rows; rows ${first + 1} to ${Math.min(rows.length, last)} in view`}
      onClick={(e) => {
        const rect = e.currentTarget.getBoundingClientRect();
        onJump((e.clientY - rect.top) / rect.height);
      }}
    />
  );
}
