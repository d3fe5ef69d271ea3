/**
 * The status page: what runs and on which ports, ingest (spans received, their rate over the
 * last few seconds, what was refused and why), storage (WAL, blocks per tenant, disk) and
 * retention. Read from `/api/vivace/status` every 5 seconds.
 */
import { Fragment, useEffect, useRef, useState } from 'react';
import { fetchStatus, type StatusReport } from '../api';
import { formatDuration } from '../trace/model';

const POLL_MS = 5000;

function sum(r: StatusReport, name: string): number {
  return (r.metrics[name] ?? []).reduce((n, s) => n + s.value, 0);
}

function byLabel(r: StatusReport, name: string, label: string): Array<[string, number]> {
  const out = new Map<string, number>();
  for (const s of r.metrics[name] ?? []) {
    const k = s.labels[label] ?? '';
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b));
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u] ?? 'B'}`;
}

export function StatusPage() {
  const [report, setReport] = useState<StatusReport | undefined>(undefined);
  const [error, setError] = useState('');
  const [rate, setRate] = useState<number | undefined>(undefined);
  const last = useRef<{ at: number; spans: number } | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    const poll = () => {
      fetchStatus().then(
        (r) => {
          if (cancelled) return;
          const now = performance.now();
          const spans = sum(r, 'tempo_distributor_spans_received_total');
          const prev = last.current;
          if (prev) setRate(((spans - prev.spans) * 1000) / Math.max(1, now - prev.at));
          last.current = { at: now, spans };
          setReport(r);
          setError('');
        },
        (err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)),
      );
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);
  if (!report)
    return error ? (
      <p role="alert" className="error">
        {error}
      </p>
    ) : (
      <p className="muted">Loading…</p>
    );
  const refused = byLabel(report, 'tempo_discarded_spans_total', 'reason');
  const requestsRefused = byLabel(report, 'vivace_distributor_requests_refused_total', 'reason');
  const blocks = byLabel(report, 'vivace_blocks', 'tenant');
  const blockSpans = new Map(byLabel(report, 'vivace_blocks_spans', 'tenant'));
  const disks = byLabel(report, 'vivace_storage_free_bytes', 'kind');
  const sizes = new Map(byLabel(report, 'vivace_storage_size_bytes', 'kind'));
  const ret = report.retention;
  return (
    <section className="status">
      <h1>Status</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="cards">
        <article aria-label="Process">
          <h2>Process</h2>
          <dl className="facts">
            <dt>State</dt>
            <dd className={report.ready ? undefined : 'error'}>
              {report.ready ? 'ready' : 'starting'}
            </dd>
            <dt>Version</dt>
            <dd>{report.version}</dd>
            <dt>Up for</dt>
            <dd>{formatDuration(report.uptimeSeconds * 1e6)}</dd>
            <dt>Memory</dt>
            <dd>{bytes(sum(report, 'process_resident_memory_bytes'))}</dd>
          </dl>
          <table className="attrs">
            <tbody>
              {report.components.map((c) => (
                <tr key={c.name}>
                  <th scope="row">{c.name}</th>
                  <td>{c.port}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
        <article aria-label="Ingest">
          <h2>Ingest</h2>
          <dl className="facts">
            <dt>Spans received</dt>
            <dd>{sum(report, 'tempo_distributor_spans_received_total').toLocaleString()}</dd>
            <dt>Rate</dt>
            <dd>
              {rate === undefined ? 'measuring…' : `${Math.round(rate).toLocaleString()} spans/s`}
            </dd>
            <dt>Bytes received</dt>
            <dd>{bytes(sum(report, 'tempo_distributor_bytes_received_total'))}</dd>
            <dt>Spans refused</dt>
            <dd>
              {refused.length === 0
                ? 'none'
                : refused.map(([reason, n]) => `${n.toLocaleString()} ${reason}`).join(', ')}
            </dd>
            <dt>Requests refused</dt>
            <dd>
              {requestsRefused.length === 0
                ? 'none'
                : requestsRefused
                    .map(([reason, n]) => `${n.toLocaleString()} ${reason}`)
                    .join(', ')}
            </dd>
          </dl>
        </article>
        <article aria-label="Storage">
          <h2>Storage</h2>
          <dl className="facts">
            <dt>WAL</dt>
            <dd>
              {bytes(sum(report, 'vivace_wal_bytes'))} in {sum(report, 'vivace_wal_segments')}{' '}
              segments
            </dd>
            <dt>Waiting to become blocks</dt>
            <dd>{sum(report, 'vivace_block_build_backlog')}</dd>
            <dt>Blocks on disk</dt>
            <dd>{bytes(sum(report, 'vivace_blocks_bytes'))}</dd>
            <dt>Compaction failures</dt>
            <dd>{sum(report, 'vivace_compaction_failures_total')}</dd>
            {disks.map(([kind, free]) => (
              <Fragment key={kind}>
                <dt>Disk ({kind})</dt>
                <dd>
                  {bytes(free)} free of {bytes(sizes.get(kind) ?? 0)}
                </dd>
              </Fragment>
            ))}
            <dt>Retention</dt>
            <dd>
              {formatDuration(ret.blockRetentionMs * 1000)}
              {ret.maxTotalBytes > 0 ? `, at most ${bytes(ret.maxTotalBytes)}` : ''}; compacted
              blocks kept {formatDuration(ret.compactedBlockRetentionMs * 1000)}
            </dd>
          </dl>
          <table className="attrs">
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Blocks</th>
                <th scope="col">Spans</th>
              </tr>
            </thead>
            <tbody>
              {blocks.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    No blocks yet: spans are in the WAL until a block is cut.
                  </td>
                </tr>
              )}
              {blocks.map(([tenant, n]) => (
                <tr key={tenant}>
                  <th scope="row">{tenant}</th>
                  <td>{n}</td>
                  <td>{(blockSpans.get(tenant) ?? 0).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      </div>
    </section>
  );
}
