/**
 * Explore: a TraceQL query over a time range, its traces newest first with their matched spans,
 * "Load more" for the next ones. The URL holds the query, range and count (shareable); recent
 * queries are kept in this browser.
 */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ApiError, searchTraces, type TraceSummary } from '../api';
import { navigate, onLinkClick } from '../router';
import { resolveRange, DEFAULT_RANGE, type TimeRange } from '../time';
import { RangeSelect } from './time-range';
import { SearchBuilder } from '../builder/builder';
import { formatDuration, serviceColor } from '../trace/model';

// CodeMirror is most of the UI's code: it loads beside the page, not before it.
const TraceQLEditor = lazy(() =>
  import('../editor/traceql-editor').then((m) => ({ default: m.TraceQLEditor })),
);

const PAGE = 20;
const HISTORY_KEY = 'vivace.history';

function recentQueries(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((q): q is string => typeof q === 'string') : [];
  } catch {
    return [];
  }
}

function remember(q: string): void {
  const list = [q, ...recentQueries().filter((x) => x !== q)].slice(0, 10);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
}

function exploreHref(q: string, range: TimeRange, limit: number): string {
  const p = new URLSearchParams({ q, from: range.from, to: range.to });
  if (limit !== PAGE) p.set('limit', String(limit));
  return `/explore?${p.toString()}`;
}

type Results =
  | { state: 'idle' }
  | { state: 'loading'; previous: TraceSummary[] }
  | { state: 'done'; traces: TraceSummary[]; tookMs: number }
  | { state: 'error'; message: string };

export function ExplorePage({ params }: { params: URLSearchParams }) {
  const q = params.get('q') ?? '';
  const range: TimeRange = {
    from: params.get('from') ?? DEFAULT_RANGE.from,
    to: params.get('to') ?? DEFAULT_RANGE.to,
  };
  const limit = Math.max(1, Number(params.get('limit') ?? PAGE) || PAGE);
  const [draft, setDraft] = useState(q || '{}');
  const [results, setResults] = useState<Results>({ state: 'idle' });
  const [recent, setRecent] = useState(recentQueries);
  const [building, setBuilding] = useState(false);

  useEffect(() => setDraft(q || '{}'), [q]);

  // The URL is the state: a search runs whenever its query, range or count changes.
  useEffect(() => {
    if (!q) return;
    let cancelled = false;
    const { startMs, endMs } = resolveRange(range, Date.now());
    const t0 = performance.now();
    setResults((r) => ({ state: 'loading', previous: r.state === 'done' ? r.traces : [] }));
    searchTraces(q, startMs / 1000, endMs / 1000, limit).then(
      (traces) => {
        if (!cancelled) setResults({ state: 'done', traces, tookMs: performance.now() - t0 });
      },
      (err: unknown) => {
        if (cancelled) return;
        const message = err instanceof ApiError ? err.message : String(err);
        setResults({ state: 'error', message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [q, range.from, range.to, limit]);

  const run = (query = draft, r = range, n = PAGE) => {
    remember(query);
    setRecent(recentQueries());
    navigate(exploreHref(query, r, n));
  };
  // The editor keeps the first callback it is given; this one always runs the latest draft.
  const runRef = useRef(run);
  runRef.current = run;

  const traces =
    results.state === 'done' ? results.traces : results.state === 'loading' ? results.previous : [];
  return (
    <section className="explore">
      <form
        className="query"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <span className="label" id="traceql-label">
          TraceQL
        </span>
        <Suspense fallback={<pre className="editor editor-loading">{draft}</pre>}>
          <TraceQLEditor
            value={draft}
            onChange={setDraft}
            onRun={() => runRef.current()}
            {...(results.state === 'error' ? { error: results.message } : {})}
          />
        </Suspense>
        <div className="query-bar">
          <RangeSelect range={range} onChange={(r) => run(draft, r)} />
          <button type="submit" className="primary">
            Run query
          </button>
          <span className="muted">Ctrl+Enter</span>
        </div>
        <button
          type="button"
          className="link-button"
          aria-expanded={building}
          onClick={() => setBuilding((b) => !b)}
        >
          {building ? 'Hide the search builder' : 'Search builder'}
        </button>
        {building && (
          <SearchBuilder
            onRun={(q) => {
              setDraft(q);
              run(q);
            }}
          />
        )}
        {recent.length > 0 && (
          <details className="recent">
            <summary>Recent queries</summary>
            <ul>
              {recent.map((r) => (
                <li key={r}>
                  <button type="button" className="link" onClick={() => run(r)}>
                    {r}
                  </button>
                </li>
              ))}
            </ul>
          </details>
        )}
      </form>
      {results.state === 'error' && (
        <p role="alert" className="error">
          {results.message}
        </p>
      )}
      {results.state === 'done' && (
        <p className="muted" aria-live="polite">
          {results.traces.length} {results.traces.length === 1 ? 'trace' : 'traces'} in{' '}
          {Math.round(results.tookMs)} ms
        </p>
      )}
      {traces.length > 0 && <ResultsTable traces={traces} />}
      {results.state === 'done' && results.traces.length >= limit && (
        <button
          className="more"
          onClick={() => navigate(exploreHref(q, range, limit + PAGE), true)}
        >
          Load more
        </button>
      )}
      {results.state === 'loading' && <p className="muted">Searching…</p>}
    </section>
  );
}

function ResultsTable({ traces }: { traces: TraceSummary[] }) {
  return (
    <table className="results">
      <thead>
        <tr>
          <th scope="col">Trace</th>
          <th scope="col">Start</th>
          <th scope="col">Duration</th>
          <th scope="col">Spans</th>
          <th scope="col">Errors</th>
          <th scope="col">Matched spans</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr key={t.traceId}>
            <td>
              <a href={`/trace/${t.traceId}`} onClick={onLinkClick} className="trace-link">
                <span className="swatch" style={{ background: serviceColor(t.rootServiceName) }} />
                <strong>{t.rootServiceName}</strong> {t.rootTraceName}
              </a>
              <div className="mono muted">{t.traceId}</div>
            </td>
            <td>{new Date(t.startMs).toLocaleString()}</td>
            <td>{formatDuration(t.durationMs * 1000)}</td>
            <td>{t.spanCount}</td>
            <td className={t.errorCount > 0 ? 'error' : undefined}>{t.errorCount}</td>
            <td>
              {t.matched.map((s) => s.name).join(', ')}
              {t.matchedCount > t.matched.length
                ? ` and ${t.matchedCount - t.matched.length} more`
                : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
