/**
 * Two traces compared by structure (`/compare?a=<traceId>&b=<traceId>`): per path of
 * `service: name` from the root, the spans of each trace and their mean durations; paths only
 * one trace has and changes in count, time or errors are marked.
 */
import { fetchTrace } from '../api';
import { onLinkClick } from '../router';
import { compareTraces, type ComparedPath } from '../trace/compare';
import { formatDuration, type UiTrace } from '../trace/model';
import { AsyncStatus, useAsync } from '../use-async';

async function load(a: string, b: string): Promise<{ a: UiTrace; b: UiTrace }> {
  const [x, y] = await Promise.all([fetchTrace(a), fetchTrace(b)]);
  if (!x) throw new Error(`Trace ${a} was not found.`);
  if (!y) throw new Error(`Trace ${b} was not found.`);
  return { a: x.trace, b: y.trace };
}

function change(r: ComparedPath): string {
  if (r.countA === 0) return 'only in B';
  if (r.countB === 0) return 'only in A';
  const parts: string[] = [];
  if (r.countA !== r.countB)
    parts.push(`${r.countB - r.countA > 0 ? '+' : ''}${r.countB - r.countA} spans`);
  const slower = r.meanB - r.meanA;
  if (Math.abs(slower) > 0.1 * Math.max(r.meanA, r.meanB) && Math.abs(slower) >= 1000) {
    parts.push(`${slower > 0 ? '+' : '−'}${formatDuration(Math.abs(slower))}`);
  }
  if (r.errorsA !== r.errorsB) parts.push(`errors ${r.errorsA} → ${r.errorsB}`);
  return parts.join(', ');
}

function Side({ label, trace }: { label: string; trace: UiTrace }) {
  const root = trace.spans[0];
  return (
    <p>
      <strong>{label}</strong>{' '}
      <a href={`/trace/${trace.traceId}`} onClick={onLinkClick} className="mono">
        {trace.traceId}
      </a>{' '}
      {root?.service}: {root?.name} · {formatDuration(trace.endUs - trace.startUs)} ·{' '}
      {trace.spans.length} spans
    </p>
  );
}

export function ComparePage({ params }: { params: URLSearchParams }) {
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const loaded = useAsync(() => load(a, b), [a, b]);
  if (loaded.state !== 'done') return <AsyncStatus loaded={loaded} />;
  const rows = compareTraces(loaded.value.a, loaded.value.b);
  return (
    <section className="compare">
      <h1>Compare traces</h1>
      <Side label="A" trace={loaded.value.a} />
      <Side label="B" trace={loaded.value.b} />
      <table className="results compare-table">
        <thead>
          <tr>
            <th scope="col">Span path</th>
            <th scope="col">Spans A</th>
            <th scope="col">Spans B</th>
            <th scope="col">Mean A</th>
            <th scope="col">Mean B</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const c = change(r);
            const kind =
              r.countA === 0 ? 'added' : r.countB === 0 ? 'removed' : c ? 'changed' : undefined;
            return (
              <tr key={r.path} className={kind}>
                <td style={{ paddingLeft: `${0.5 + r.depth * 1.2}rem` }} title={r.path}>
                  <span className="service">{r.service}</span> {r.name}
                </td>
                <td>{r.countA}</td>
                <td>{r.countB}</td>
                <td>{r.countA > 0 ? formatDuration(r.meanA) : ''}</td>
                <td>{r.countB > 0 ? formatDuration(r.meanB) : ''}</td>
                <td>{c}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
