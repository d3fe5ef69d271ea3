/**
 * The trace view: a waterfall of the trace's spans (collapsible subtrees, service colours, bars on
 * the trace's time axis, errors marked; only the rows in view are rendered, so 10,000 spans
 * scroll smoothly) and the selected span's details. Keyboard: ↑/↓ move, ←/→ collapse and expand,
 * Enter shows the details.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { AsyncStatus, useAsync } from '../use-async';
import { fetchTrace } from '../api';
import { navigate, onLinkClick, TRACE_ID } from '../router';
import { criticalPath, traceStatistics, type PathSegment } from '../trace/analysis';
import { FlameGraph } from '../trace/flame-graph';
import {
  ancestorIds,
  formatDuration,
  serviceColor,
  spanHasText,
  toOtlpJson,
  visibleSpans,
  type Attr,
  type UiSpan,
  type UiTrace,
} from '../trace/model';
import { uploadedTrace } from '../trace/upload';

const ROW = 26;
const OVERSCAN = 12;

export function TracePage({ traceId, params }: { traceId: string; params: URLSearchParams }) {
  const loaded = useAsync(
    () => (traceId === 'file' ? Promise.resolve(uploadedTrace()) : fetchTrace(traceId)),
    [traceId],
  );
  if (loaded.state !== 'done') return <AsyncStatus loaded={loaded} />;
  if (loaded.value === undefined) {
    return (
      <p role="alert" className="error">
        Trace {traceId} was not found.{' '}
        <a href="/explore" onClick={onLinkClick}>
          Search traces
        </a>
        .
      </p>
    );
  }
  return (
    <TraceView
      trace={loaded.value.trace}
      json={loaded.value.json}
      traceId={traceId}
      params={params}
    />
  );
}

type Tab = 'waterfall' | 'flame' | 'stats';

/** Opens the comparison of this trace with another, by id. */
function CompareWith({ traceId }: { traceId: string }) {
  const [other, setOther] = useState('');
  const valid = TRACE_ID.test(other.trim());
  return (
    <form
      className="compare-with"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) navigate(`/compare?a=${traceId}&b=${other.trim().toLowerCase()}`);
      }}
    >
      <input
        aria-label="Compare with trace"
        placeholder="Compare with trace id"
        value={other}
        onChange={(e) => setOther(e.target.value)}
        spellCheck={false}
      />
      <button type="submit" disabled={!valid}>
        Compare
      </button>
    </form>
  );
}

/** Saves the trace as an OTLP JSON file. */
function download(trace: UiTrace, json: unknown): void {
  const blob = new Blob([JSON.stringify(toOtlpJson(json), null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `trace-${trace.traceId}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
}

const TABS: readonly Tab[] = ['waterfall', 'flame', 'stats'];

/**
 * The trace's page: the URL holds the view (`view=flame|stats`) and the selected span
 * (`span=<id>`, which a link to a span opens).
 */
function TraceView({
  trace,
  json,
  traceId,
  params,
}: {
  trace: UiTrace;
  json: unknown;
  traceId: string;
  params: URLSearchParams;
}) {
  const root = trace.spans[0];
  const errors = trace.spans.filter((s) => s.status === 'error').length;
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const spanParam = params.get('span') ?? '';
  const tab: Tab = TABS.find((t) => t === params.get('view')) ?? 'waterfall';
  const selected = useMemo(
    () => trace.spans.find((s) => s.spanId === spanParam),
    [trace, spanParam],
  );
  const setInUrl = (over: { span?: string; view?: Tab }) => {
    const p = new URLSearchParams();
    const span = 'span' in over ? over.span : spanParam;
    const view = over.view ?? tab;
    if (span) p.set('span', span);
    if (view !== 'waterfall') p.set('view', view);
    const q = p.toString();
    navigate(`/trace/${traceId}${q ? `?${q}` : ''}`, true);
  };
  const setSelected = (s: UiSpan | undefined) => setInUrl({ span: s?.spanId ?? '' });
  const setTab = (t: Tab) => setInUrl({ view: t });
  const [showPath, setShowPath] = useState(false);
  const path = useMemo(() => (showPath ? criticalPath(trace) : []), [trace, showPath]);
  const rows = useMemo(() => visibleSpans(trace, collapsed), [trace, collapsed]);
  const [find, setFind] = useState('');
  const matches = useMemo(() => trace.spans.filter((s) => spanHasText(s, find)), [trace, find]);
  const matchIds = useMemo(() => new Set(matches.map((s) => s.spanId)), [matches]);
  const [current, setCurrent] = useState(-1);
  const [jump, setJump] = useState<{ spanId: string; seq: number } | undefined>(undefined);
  // A span named by the URL (a link, a shared address) is shown: its ancestors expanded, in view.
  useEffect(() => {
    if (!selected) return;
    const up = new Set(ancestorIds(trace, selected));
    setCollapsed((c) =>
      [...c].some((id) => up.has(id)) ? new Set([...c].filter((id) => !up.has(id))) : c,
    );
    setJump((j) => ({ spanId: selected.spanId, seq: (j?.seq ?? 0) + 1 }));
  }, [trace, selected]);
  /** Shows match `i` (wrapping): its ancestors expanded, scrolled to and selected. */
  const show = (i: number) => {
    if (matches.length === 0) return;
    const k = ((i % matches.length) + matches.length) % matches.length;
    const span = matches[k] as UiSpan;
    setCurrent(k);
    // Selecting it expands its ancestors and scrolls to it (the effect above).
    setSelected(span);
  };
  const toggle = (s: UiSpan, open?: boolean) => {
    if (s.children.length === 0) return;
    setCollapsed((c) => {
      const next = new Set(c);
      const isOpen = !next.has(s.spanId);
      if (open ?? !isOpen) next.delete(s.spanId);
      else next.add(s.spanId);
      return next;
    });
  };
  return (
    <section className="trace">
      <header className="trace-head">
        <h1>
          <span className="swatch" style={{ background: serviceColor(root?.service ?? '') }} />
          {root?.service}: {root?.name}
        </h1>
        <dl className="facts">
          <dt>Trace</dt>
          <dd className="mono">{trace.traceId}</dd>
          <dt>Start</dt>
          <dd>{new Date(trace.startUs / 1000).toLocaleString()}</dd>
          <dt>Duration</dt>
          <dd>{formatDuration(trace.endUs - trace.startUs)}</dd>
          <dt>Spans</dt>
          <dd>{trace.spans.length}</dd>
          <dt>Services</dt>
          <dd>{trace.services.length}</dd>
          <dt>Errors</dt>
          <dd className={errors > 0 ? 'error' : undefined}>{errors}</dd>
        </dl>
      </header>
      <div className="trace-tools">
        <div role="tablist" aria-label="Views">
          {(
            [
              ['waterfall', 'Waterfall'],
              ['flame', 'Flame graph'],
              ['stats', 'Statistics'],
            ] as const
          ).map(([id, label]) => (
            <button key={id} role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
              {label}
            </button>
          ))}
        </div>
        {tab === 'waterfall' && (
          <label>
            <input
              type="checkbox"
              checked={showPath}
              onChange={(e) => setShowPath(e.target.checked)}
            />{' '}
            Critical path
          </label>
        )}
        {tab === 'waterfall' && (
          <span className="find" role="search">
            <input
              aria-label="Find in trace"
              placeholder="Find in trace"
              value={find}
              onChange={(e) => {
                setFind(e.target.value);
                setCurrent(-1);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') show(e.shiftKey ? current - 1 : current + 1);
              }}
            />
            {find && (
              <span className="muted" aria-live="polite">
                {matches.length === 0
                  ? 'no match'
                  : `${current < 0 ? '–' : current + 1} of ${matches.length}`}
              </span>
            )}
            <button
              type="button"
              aria-label="Previous match"
              disabled={matches.length === 0}
              onClick={() => show(current - 1)}
            >
              ↑
            </button>
            <button
              type="button"
              aria-label="Next match"
              disabled={matches.length === 0}
              onClick={() => show(current + 1)}
            >
              ↓
            </button>
          </span>
        )}
        <button onClick={() => download(trace, json)}>Download OTLP JSON</button>
        <CompareWith traceId={trace.traceId} />
      </div>
      <div className="trace-body">
        {tab === 'waterfall' && (
          <Waterfall
            trace={trace}
            rows={rows}
            collapsed={collapsed}
            selected={selected}
            path={path}
            matches={matchIds}
            jump={jump}
            onSelect={setSelected}
            onToggle={toggle}
          />
        )}
        {tab === 'flame' && <FlameGraph trace={trace} onSelect={setSelected} />}
        {tab === 'stats' && <Statistics trace={trace} />}
        {selected && (
          <SpanDetails span={selected} trace={trace} onClose={() => setSelected(undefined)} />
        )}
      </div>
    </section>
  );
}

interface WaterfallProps {
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

function Waterfall({
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

function Statistics({ trace }: { trace: UiTrace }) {
  const stats = useMemo(() => traceStatistics(trace), [trace]);
  const total = Math.max(1, trace.endUs - trace.startUs);
  return (
    <table className="results stats">
      <caption className="muted">
        Per service and operation; self time is a span's time not covered by its children.
      </caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Operation</th>
          <th scope="col">Spans</th>
          <th scope="col">Total</th>
          <th scope="col">Self</th>
          <th scope="col">Self %</th>
          <th scope="col">Average</th>
          <th scope="col">Errors</th>
        </tr>
      </thead>
      <tbody>
        {stats.map((st) => (
          <tr key={`${st.service}\u0000${st.name}`}>
            <td>
              <span className="swatch" style={{ background: serviceColor(st.service) }} />
              {st.service}
            </td>
            <td>{st.name}</td>
            <td>{st.count}</td>
            <td>{formatDuration(st.totalUs)}</td>
            <td>{formatDuration(st.selfUs)}</td>
            <td>{((st.selfUs / total) * 100).toFixed(1)}%</td>
            <td>{formatDuration(st.totalUs / st.count)}</td>
            <td className={st.errors > 0 ? 'error' : undefined}>{st.errors}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Attrs({ title, attrs }: { title: string; attrs: Attr[] }) {
  if (attrs.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <table className="attrs">
        <tbody>
          {attrs.map((a, i) => (
            <tr key={`${a.key}:${i}`}>
              <th scope="row">{a.key}</th>
              <td>{a.key === 'exception.stacktrace' ? <pre>{a.value}</pre> : a.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function SpanDetails({
  span,
  trace,
  onClose,
}: {
  span: UiSpan;
  trace: UiTrace;
  onClose: () => void;
}) {
  return (
    <aside className="details" aria-label="Span details">
      <header>
        <h2>
          {span.service}: {span.name}
        </h2>
        <button onClick={onClose} aria-label="Close details">
          ×
        </button>
      </header>
      <dl className="facts">
        <dt>Span</dt>
        <dd className="mono">{span.spanId}</dd>
        <dt>Kind</dt>
        <dd>{span.kind}</dd>
        <dt>Start</dt>
        <dd>+{formatDuration(span.startUs - trace.startUs)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(span.durationUs)}</dd>
        <dt>Status</dt>
        <dd className={span.status === 'error' ? 'error' : undefined}>
          {span.status}
          {span.statusMessage ? `: ${span.statusMessage}` : ''}
        </dd>
      </dl>
      <Attrs title="Span attributes" attrs={span.attrs} />
      <Attrs title="Resource" attrs={span.resource} />
      <Attrs
        title={`Scope ${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`}
        attrs={span.scope.attrs}
      />
      {span.events.length > 0 && (
        <>
          <h3>Events</h3>
          {span.events.map((e, i) => (
            <div key={i} className="event">
              <p>
                <strong>{e.name}</strong> at +{formatDuration(e.offsetUs)}
              </p>
              <Attrs title="" attrs={e.attrs} />
            </div>
          ))}
        </>
      )}
      {span.links.length > 0 && (
        <>
          <h3>Links</h3>
          <ul className="links">
            {span.links.map((l, i) => (
              <li key={i}>
                <a
                  href={`/trace/${l.traceId}?span=${l.spanId}`}
                  onClick={onLinkClick}
                  className="mono"
                >
                  {l.traceId} / {l.spanId}
                </a>
                {l.attrs.map((a) => ` ${a.key}=${a.value}`).join('')}
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
