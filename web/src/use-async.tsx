/** Loading something for a page: its state, and the error's message as the server wrote it. */
import { useEffect, useState } from 'react';
import { ApiError } from './api';

export type Async<T> =
  { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; value: T };

/** Runs `load` whenever one of `deps` changes; an answer that arrives late is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<Async<T>>({ state: 'loading' });
  useEffect(() => {
    let cancelled = false;
    setState({ state: 'loading' });
    load().then(
      (value) => {
        if (!cancelled) setState({ state: 'done', value });
      },
      (err: unknown) => {
        if (cancelled) return;
        const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
        setState({ state: 'error', message });
      },
    );
    return () => {
      cancelled = true;
    };
    // The caller names what `load` depends on.
  }, deps);
  return state;
}

/** What a page shows while loading, or its error. */
export function AsyncStatus({ loaded }: { loaded: Async<unknown> }) {
  if (loaded.state === 'loading') return <p className="muted">Loading…</p>;
  if (loaded.state === 'error') {
    return (
      <p role="alert" className="error">
        {loaded.message}
      </p>
    );
  }
  return null;
}
