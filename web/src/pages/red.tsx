/**
 * RED charts of a service (and optionally one of its operations) over a time range, from
 * TraceQL metrics over its server and consumer spans: request rate, error rate, and duration
 * p50/p90/p99; its operations with their rates. Clicking a point searches the traces of that
 * interval.
 */
import { metricsInstant, metricsRange, type MetricSeries } from '../api';
import { AsyncStatus, useAsync } from '../use-async';
import { LineChart, type ChartLine } from '../charts/line-chart';
import { navigate, onLinkClick } from '../router';
import { resolveRange, type TimeRange } from '../time';
import { formatDuration } from '../trace/model';
import { tqString } from '../traceql-text';
import { rangeOf, RangeSelect } from './time-range';

interface Red {
  rate: ChartLine[];
  errors: ChartLine[];
  duration: ChartLine[];
  operations: Array<{ name: string; rate: number }>;
  stepS: number;
}

function filterOf(service: string, operation: string | undefined): string {
  const op = operation === undefined ? '' : ` && name = ${tqString(operation)}`;
  return `resource.service.name = ${tqString(service)} && (kind = server || kind = consumer)${op}`;
}

async function load(
  service: string,
  operation: string | undefined,
  range: TimeRange,
): Promise<Red> {
  const { startMs, endMs } = resolveRange(range, Date.now());
  const [s, e] = [startMs / 1000, endMs / 1000];
  // About 60 points across the range, at least a second apart.
  const stepS = Math.max(1, Math.round((e - s) / 60));
  const f = filterOf(service, operation);
  const [rate, errors, duration, ops] = await Promise.all([
    metricsRange(`{ ${f} } | rate()`, s, e, stepS),
    metricsRange(`{ ${f} && status = error } | rate()`, s, e, stepS),
    metricsRange(`{ ${f} } | quantile_over_time(duration, .5, .9, .99)`, s, e, stepS),
    metricsInstant(`{ ${filterOf(service, undefined)} } | rate() by (name)`, s, e),
  ]);
  const one = (name: string, series: MetricSeries[]): ChartLine[] =>
    series.slice(0, 1).map((x) => ({ name, points: x.points }));
  // No error spans gives no series: drawn as zero over the rate's intervals.
  const zero = (rate[0]?.points ?? []).map((p) => ({ timeMs: p.timeMs, value: 0 }));
  return {
    rate: one('requests/s', rate),
    errors: errors.length > 0 ? one('errors/s', errors) : [{ name: 'errors/s', points: zero }],
    duration: duration.map((x) => ({
      name: `p${Math.round(Number(x.labels.p) * 100)}`,
      points: x.points,
    })),
    operations: ops
      .map((o) => ({ name: o.labels.name ?? '', rate: o.points[0]?.value ?? 0 }))
      .sort((a, b) => b.rate - a.rate),
    stepS,
  };
}

export function RedPage({ params }: { params: URLSearchParams }) {
  const service = params.get('service') ?? '';
  const operation = params.get('operation') ?? undefined;
  const range = rangeOf(params);
  const loaded = useAsync(
    () => (service ? load(service, operation, range) : Promise.resolve(undefined)),
    [service, operation, range.from, range.to],
  );
  const href = (over: Record<string, string | undefined>) => {
    const p = new URLSearchParams({
      service,
      from: range.from,
      to: range.to,
      ...(operation ? { operation } : {}),
    });
    for (const [k, v] of Object.entries(over)) {
      if (v === undefined) p.delete(k);
      else p.set(k, v);
    }
    return `/red?${p.toString()}`;
  };
  if (!service) {
    return (
      <p>
        Pick a service on the{' '}
        <a href="/services" onClick={onLinkClick}>
          service map
        </a>
        .
      </p>
    );
  }
  const traces = (status: string) => (timeMs: number) => {
    if (loaded.state !== 'done' || !loaded.value) return;
    const from = String(timeMs - loaded.value.stepS * 1000);
    const q = `{ ${filterOf(service, operation)}${status} }`;
    navigate(`/explore?${new URLSearchParams({ q, from, to: String(timeMs) }).toString()}`);
  };
  return (
    <section className="red">
      <div className="query-bar">
        <h1>
          {service}
          {operation ? `: ${operation}` : ''}
        </h1>
        {operation && (
          <a href={href({ operation: undefined })} onClick={onLinkClick}>
            all operations
          </a>
        )}
        <RangeSelect range={range} onChange={(r) => navigate(href({ from: r.from, to: r.to }))} />
      </div>
      <AsyncStatus loaded={loaded} />
      {loaded.state === 'done' && loaded.value && (
        <>
          <div className="charts">
            <LineChart
              title="Rate"
              lines={loaded.value.rate}
              format={(v) => `${v.toFixed(2)}/s`}
              onPick={traces('')}
            />
            <LineChart
              title="Errors"
              lines={loaded.value.errors}
              format={(v) => `${v.toFixed(2)}/s`}
              onPick={traces(' && status = error')}
            />
            <LineChart
              title="Duration"
              lines={loaded.value.duration}
              format={(v) => formatDuration(v * 1e6)}
              onPick={traces('')}
            />
          </div>
          <table className="results operations">
            <caption className="muted">
              Operations (server and consumer spans), busiest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Operation</th>
                <th scope="col">Rate</th>
              </tr>
            </thead>
            <tbody>
              {loaded.value.operations.map((o) => (
                <tr key={o.name}>
                  <td>
                    <a href={href({ operation: o.name })} onClick={onLinkClick}>
                      {o.name}
                    </a>
                  </td>
                  <td>{o.rate.toFixed(2)}/s</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
