/** The span details panel and the per-operation statistics of the trace view. */
import { useMemo } from 'react';
import { onLinkClick } from '../router';
import { traceStatistics } from './analysis';
import { formatDuration, serviceColor, type Attr, type UiSpan, type UiTrace } from './model';

export function Statistics({ trace }: { trace: UiTrace }) {
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

export function SpanDetails({
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
