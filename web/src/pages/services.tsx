/**
 * The service map of a time range: a node per service (request rate, error rate and p90 latency
 * of its server and consumer spans, from TraceQL metrics) and per virtual peer (a database, an
 * uninstrumented service), an edge per caller and callee with its call rate; callers left of
 * what they call. Selecting a node offers its RED charts and a search of its traces.
 */
import { useMemo, useState } from 'react';
import { fetchServiceGraph, metricsInstant, type ServiceEdge } from '../api';
import { AsyncStatus, useAsync } from '../use-async';
import { navigate, onLinkClick } from '../router';
import { layoutColumns } from '../services/layout';
import { resolveRange, type TimeRange } from '../time';
import { formatDuration, serviceColor } from '../trace/model';
import { rangeOf, RangeSelect } from './time-range';
import { tqString } from '../traceql-text';

interface NodeStats {
  rate: number;
  errorRate: number;
  p90s: number;
}

const SERVER = 'kind = server || kind = consumer';

interface MapData {
  edges: ServiceEdge[];
  stats: Map<string, NodeStats>;
  seconds: number;
}

async function load(range: TimeRange): Promise<MapData> {
  const { startMs, endMs } = resolveRange(range, Date.now());
  const [s, e] = [startMs / 1000, endMs / 1000];
  const by = (series: Awaited<ReturnType<typeof metricsInstant>>) =>
    new Map(series.map((x) => [x.labels['resource.service.name'] ?? '', x.points[0]?.value ?? 0]));
  const [edges, rate, errors, p90] = await Promise.all([
    fetchServiceGraph(s, e),
    metricsInstant(`{ ${SERVER} } | rate() by (resource.service.name)`, s, e),
    metricsInstant(`{ (${SERVER}) && status = error } | rate() by (resource.service.name)`, s, e),
    metricsInstant(
      `{ ${SERVER} } | quantile_over_time(duration, .9) by (resource.service.name)`,
      s,
      e,
    ),
  ]);
  const rates = by(rate);
  const errs = by(errors);
  const p90s = by(p90);
  const stats = new Map<string, NodeStats>();
  for (const [service, r] of rates) {
    stats.set(service, {
      rate: r,
      errorRate: r > 0 ? (errs.get(service) ?? 0) / r : 0,
      p90s: p90s.get(service) ?? 0,
    });
  }
  return { edges, stats, seconds: Math.max(1, e - s) };
}

const NODE_W = 190;
const NODE_H = 64;
const COL = 280;
const ROW = 96;

export function ServicesPage({ params }: { params: URLSearchParams }) {
  const range = rangeOf(params);
  const loaded = useAsync(() => load(range), [range.from, range.to]);
  const [selected, setSelected] = useState<string | undefined>(params.get('service') ?? undefined);
  return (
    <section className="services">
      <div className="query-bar">
        <h1>Service map</h1>
        <RangeSelect
          range={range}
          onChange={(r) => navigate(`/services?from=${r.from}&to=${r.to}`)}
        />
      </div>
      <AsyncStatus loaded={loaded} />
      {loaded.state === 'done' && (
        <ServiceMap {...loaded.value} range={range} selected={selected} onSelect={setSelected} />
      )}
    </section>
  );
}

function ServiceMap({
  edges,
  stats,
  seconds,
  range,
  selected,
  onSelect,
}: {
  edges: ServiceEdge[];
  stats: Map<string, NodeStats>;
  seconds: number;
  range: TimeRange;
  selected: string | undefined;
  onSelect: (s: string) => void;
}) {
  const virtual = useMemo(
    () => new Set(edges.filter((e) => e.virtual).map((e) => e.server)),
    [edges],
  );
  const placed = useMemo(() => {
    const nodes = [...new Set([...stats.keys(), ...edges.flatMap((e) => [e.client, e.server])])];
    return layoutColumns(
      nodes,
      edges.map((e) => ({ from: e.client, to: e.server })),
    );
  }, [edges, stats]);
  if (placed.length === 0) return <p className="muted">No services sent spans in this range.</p>;
  const pos = new Map(placed.map((p) => [p.id, { x: 20 + p.column * COL, y: 20 + p.row * ROW }]));
  const width = Math.max(...placed.map((p) => p.column)) * COL + NODE_W + 40;
  const height = Math.max(...placed.map((p) => p.row)) * ROW + NODE_H + 40;
  const sel = selected === undefined ? undefined : stats.get(selected);
  return (
    <div className="map-body">
      <div className="map-scroll">
        <svg className="map" width={width} height={height} role="group" aria-label="Service map">
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="8"
              markerHeight="8"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" className="arrowhead" />
            </marker>
          </defs>
          {edges.map((e) => {
            const a = pos.get(e.client);
            const b = pos.get(e.server);
            if (!a || !b) return null;
            const [x1, y1] = [a.x + NODE_W, a.y + NODE_H / 2];
            const [x2, y2] =
              e.client === e.server ? [a.x + NODE_W - 20, a.y] : [b.x, b.y + NODE_H / 2];
            const mx = (x1 + x2) / 2;
            return (
              <g
                key={`${e.client}>${e.server}`}
                className={`edge${e.failed > 0 ? ' failing' : ''}${selected === e.client || selected === e.server ? ' lit' : ''}`}
              >
                <path
                  d={`M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`}
                  markerEnd="url(#arrow)"
                />
                {/* Labels for the selected node's edges only: all of them at once overlap. */}
                {(selected === e.client || selected === e.server) && (
                  <text x={mx} y={(y1 + y2) / 2 - 6} textAnchor="middle">
                    {(e.calls / seconds).toFixed(2)}/s · p90 {formatDuration(e.p90Ms * 1000)}
                  </text>
                )}
                <title>
                  {e.client} → {e.server}: {e.calls} calls, {e.failed} failed
                </title>
              </g>
            );
          })}
          {placed.map((p) => {
            const at = pos.get(p.id) as { x: number; y: number };
            const st = stats.get(p.id);
            const isVirtual = virtual.has(p.id) && !st;
            return (
              <g
                key={p.id}
                className={`node${selected === p.id ? ' selected' : ''}${isVirtual ? ' virtual' : ''}`}
                transform={`translate(${at.x},${at.y})`}
                role="button"
                tabIndex={0}
                aria-label={`${p.id}${isVirtual ? ' (not instrumented)' : ''}`}
                onClick={() => onSelect(p.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onSelect(p.id);
                  }
                }}
              >
                <rect width={NODE_W} height={NODE_H} rx={6} />
                <rect width={6} height={NODE_H} rx={3} style={{ fill: serviceColor(p.id) }} />
                <text x={14} y={22} className="node-name">
                  {p.id}
                </text>
                <text x={14} y={44} className="node-stats">
                  {st
                    ? `${st.rate.toFixed(2)}/s · ${(st.errorRate * 100).toFixed(1)}% err · p90 ${formatDuration(st.p90s * 1e6)}`
                    : isVirtual
                      ? 'not instrumented'
                      : 'no server spans'}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      {selected !== undefined && (
        <aside className="details" aria-label="Service">
          <h2>{selected}</h2>
          {sel ? (
            <dl className="facts">
              <dt>Requests</dt>
              <dd>{sel.rate.toFixed(2)}/s</dd>
              <dt>Errors</dt>
              <dd className={sel.errorRate > 0 ? 'error' : undefined}>
                {(sel.errorRate * 100).toFixed(1)}%
              </dd>
              <dt>p90</dt>
              <dd>{formatDuration(sel.p90s * 1e6)}</dd>
            </dl>
          ) : (
            <p className="muted">No server spans: a peer named by its callers' attributes.</p>
          )}
          <p>
            <a
              href={`/red?${new URLSearchParams({ service: selected, from: range.from, to: range.to }).toString()}`}
              onClick={onLinkClick}
            >
              RED charts
            </a>{' '}
            ·{' '}
            <a
              href={`/explore?${new URLSearchParams({ q: `{ resource.service.name = ${tqString(selected)} }`, from: range.from, to: range.to }).toString()}`}
              onClick={onLinkClick}
            >
              Search its traces
            </a>
          </p>
        </aside>
      )}
    </div>
  );
}
