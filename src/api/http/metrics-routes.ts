/**
 * `GET /api/metrics/query_range` and `GET /api/metrics/query`: TraceQL metrics, answered with
 * Tempo's `QueryRangeResponse` / `QueryInstantResponse` JSON (proto3 JSON: 64-bit integers as
 * strings, zero values left out; reference/grafana-client.md §1.4). Errors are 400 with the message
 * as plain text, as Tempo's frontend answers them.
 */
import { InvalidRequestError } from '../../model/index.js';
import type { MetricsSources } from '../../query/metrics/run.js';
import { evaluateMetrics, firstStageRunner } from '../../query/metrics/run.js';
import { parseMetricsRequest } from '../../query/metrics/request.js';
import type { Label, Series } from '../../query/metrics/series.js';
import { parseTraceQL, printField, validateTraceQL } from '../../traceql/index.js';
import type { RequestContext } from './router.js';

function labelJson(l: Label): Record<string, unknown> {
  const v = l.value;
  switch (v.type) {
    case 'string':
      return { key: l.key, value: { stringValue: v.value } };
    case 'int':
      return { key: l.key, value: { intValue: String(v.value) } };
    case 'double':
      return { key: l.key, value: { doubleValue: v.value } };
    case 'bool':
      return { key: l.key, value: { boolValue: v.value } };
  }
}

/** A sample: the value is left out when 0 (proto3 JSON). */
function sampleJson(timestampMs: number, value: number): Record<string, unknown> {
  return value === 0
    ? { timestampMs: String(timestampMs) }
    : { timestampMs: String(timestampMs), value };
}

export function queryRangeJson(series: readonly Series[]): string {
  return JSON.stringify({
    series: series.map((s) => ({
      labels: s.labels.map(labelJson),
      samples: s.samples.map((x) => sampleJson(x.timestampMs, x.value)),
      ...(s.exemplars
        ? {
            exemplars: s.exemplars.map((e) => ({
              labels: e.labels.map(labelJson),
              ...(e.value === 0 ? {} : { value: e.value }),
              timestampMs: String(e.timestampMs),
            })),
          }
        : {}),
    })),
    metrics: {},
  });
}

export function queryInstantJson(series: readonly Series[]): string {
  const out = series.flatMap((s) => {
    const first = s.samples[0];
    if (!first || Number.isNaN(first.value)) return [];
    const labels = s.labels.map(labelJson);
    return [first.value === 0 ? { labels } : { labels, value: first.value }];
  });
  return JSON.stringify(out.length === 0 ? { metrics: {} } : { series: out, metrics: {} });
}

/** The series of a metrics query given as the HTTP route's parameters (`q`, `start`, …). */
export async function runMetricsQuery(
  params: URLSearchParams,
  sources: MetricsSources,
  instant: boolean,
  nowNs: bigint,
): Promise<Series[]> {
  const req = parseMetricsRequest(params, nowNs, instant);
  const root = parseTraceQL(req.query);
  validateTraceQL(root);
  if (root.query.kind === 'Pipeline') throw new InvalidRequestError('not a metrics query');
  const run = firstStageRunner(sources, printField);
  // `with(exemplars=false)` turns them off, as in Tempo.
  const off = root.hints.some(
    (h) => h.name === 'exemplars' && h.value.type === 'bool' && !h.value.value,
  );
  return evaluateMetrics(root.query, run, req.range, off ? 0 : req.exemplars);
}

/** Answers a metrics query from the request tenant's spans. */
export async function metricsRoute(
  ctx: RequestContext,
  sources: MetricsSources,
  instant: boolean,
  nowNs: bigint,
): Promise<void> {
  const series = await runMetricsQuery(ctx.query, sources, instant, nowNs);
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.end(instant ? queryInstantJson(series) : queryRangeJson(series));
}
