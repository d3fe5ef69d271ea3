/** The shell: header (navigation, open a trace by id, theme) and the page the path names. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { navigate, onLinkClick, TRACE_ID, useLocation } from './router';
import { ExplorePage } from './pages/explore';
import { openTraceFile } from './trace/upload';

// Pages other than Explore load when first opened.
const TracePage = lazy(() => import('./pages/trace').then((m) => ({ default: m.TracePage })));
const ServicesPage = lazy(() =>
  import('./pages/services').then((m) => ({ default: m.ServicesPage })),
);
const RedPage = lazy(() => import('./pages/red').then((m) => ({ default: m.RedPage })));
const StatusPage = lazy(() => import('./pages/status').then((m) => ({ default: m.StatusPage })));
const ComparePage = lazy(() => import('./pages/compare').then((m) => ({ default: m.ComparePage })));

type Theme = 'light' | 'dark';

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() => {
    const saved = localStorage.getItem('vivace.theme');
    if (saved === 'light' || saved === 'dark') return saved;
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  });
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('vivace.theme', theme);
  }, [theme]);
  return [theme, () => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))];
}

/** Opens a trace whose id is pasted anywhere outside a text field. */
function usePastedTraceId(): void {
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable]')) return;
      const text = e.clipboardData?.getData('text').trim() ?? '';
      if (TRACE_ID.test(text)) navigate(`/trace/${text.toLowerCase()}`);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);
}

function OpenTrace() {
  const [id, setId] = useState('');
  const valid = TRACE_ID.test(id.trim());
  return (
    <form
      className="open-trace"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) navigate(`/trace/${id.trim().toLowerCase()}`);
      }}
    >
      <input
        aria-label="Trace id"
        placeholder="Open trace by id"
        value={id}
        onChange={(e) => setId(e.target.value)}
        spellCheck={false}
      />
      <button type="submit" disabled={!valid}>
        Open
      </button>
    </form>
  );
}

/** Opens an OTLP JSON file as a trace (`/trace/file`). */
function OpenFile() {
  const [error, setError] = useState('');
  return (
    <label className="open-file">
      <span>Open file</span>
      <input
        type="file"
        accept="application/json,.json"
        aria-label="Open trace file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          setError('');
          openTraceFile(file).then(
            () => navigate('/trace/file'),
            (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
          );
          e.target.value = '';
        }}
      />
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </label>
  );
}

export function App() {
  const { path, params } = useLocation();
  const [theme, toggleTheme] = useTheme();
  usePastedTraceId();
  useEffect(() => {
    if (path === '/') navigate('/explore', true);
  }, [path]);
  const trace = /^\/trace\/([^/]+)$/.exec(path);
  return (
    <>
      <header className="top">
        <a className="brand" href="/explore" onClick={onLinkClick}>
          Vivace
        </a>
        <nav aria-label="Pages">
          <a
            href="/explore"
            onClick={onLinkClick}
            aria-current={path === '/explore' ? 'page' : undefined}
          >
            Explore
          </a>
          <a
            href="/services"
            onClick={onLinkClick}
            aria-current={path === '/services' || path === '/red' ? 'page' : undefined}
          >
            Service map
          </a>
          <a
            href="/status"
            onClick={onLinkClick}
            aria-current={path === '/status' ? 'page' : undefined}
          >
            Status
          </a>
        </nav>
        <OpenTrace />
        <OpenFile />
        <button className="theme" onClick={toggleTheme} aria-label="Switch theme">
          {theme === 'dark' ? 'Light' : 'Dark'}
        </button>
      </header>
      <main>
        {trace ? (
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <TracePage traceId={decodeURIComponent(trace[1] as string)} params={params} />
          </Suspense>
        ) : path === '/services' ? (
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <ServicesPage params={params} />
          </Suspense>
        ) : path === '/status' ? (
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <StatusPage />
          </Suspense>
        ) : path === '/compare' ? (
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <ComparePage params={params} />
          </Suspense>
        ) : path === '/red' ? (
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <RedPage params={params} />
          </Suspense>
        ) : path === '/explore' || path === '/' ? (
          <ExplorePage params={params} />
        ) : (
          <p>
            Nothing here.{' '}
            <a href="/explore" onClick={onLinkClick}>
              Explore traces
            </a>
            .
          </p>
        )}
      </main>
    </>
  );
}
