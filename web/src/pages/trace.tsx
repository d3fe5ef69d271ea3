/**
 * The trace view: the waterfall (`trace/waterfall.tsx`), flame graph or statistics of a trace,
 * the selected span's details, the critical path, find in the trace, comparison with another
 * trace and download. The URL holds the view and the selected span.
 */
import { useEffect, useMemo, useState } from 'react';
import { AsyncStatus, useAsync } from '../use-async';
import { fetchTrace } from '../api';
import { navigate, onLinkClick, TRACE_ID } from '../router';
import { criticalPath } from '../trace/analysis';
import { FlameGraph } from '../trace/flame-graph';
import { SpanDetails, Statistics } from '../trace/span-details';
import { Waterfall } from '../trace/waterfall';
import {
  ancestorIds,
  formatDuration,
  serviceColor,
  spanHasText,
  toOtlpJson,
  visibleSpans,
  type UiSpan,
  type UiTrace,
} from '../trace/model';
import { uploadedTrace } from '../trace/upload';

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
