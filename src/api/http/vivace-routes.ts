/**
 * Vivace's own API, beside Tempo's, for what its UI shows and Tempo has no call for:
 * `GET /api/vivace/service-graph?start=&end=` (timestamps as the metrics API takes them; the
 * last hour by default) answers `{"edges":[{client, server, virtual, calls, failed, p50Ms,
 * p90Ms}]}` from the stored spans.
 */
import { InvalidRequestError } from '../../model/index.js';
import type { ServiceGraphEdge } from '../../query/index.js';
import { parseTimestamp } from '../../query/metrics/request.js';
import type { RequestContext } from './router.js';

export type ServiceGraphFn = (
  tenant: string,
  range: { startNs: bigint; endNs: bigint },
) => Promise<ServiceGraphEdge[]>;

const HOUR_NS = 3_600_000_000_000n;

export async function serviceGraphRoute(
  ctx: RequestContext,
  graph: ServiceGraphFn,
  tenant: string,
  nowNs: bigint,
): Promise<void> {
  const start = ctx.query.get('start');
  const end = ctx.query.get('end');
  const endNs = end ? parseTimestamp('end', end) : nowNs;
  const startNs = start ? parseTimestamp('start', start) : endNs - HOUR_NS;
  if (endNs <= startNs) throw new InvalidRequestError('end must be greater than start');
  const edges = await graph(tenant, { startNs, endNs });
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.end(JSON.stringify({ edges }));
}

/** What the status page shows besides the metrics. */
export interface StatusInfo {
  version: string;
  ready: boolean;
  uptimeSeconds: number;
  /** Listening components and their ports. */
  components: Array<{ name: string; port: number }>;
  retention: { blockRetentionMs: number; compactedBlockRetentionMs: number; maxTotalBytes: number };
}

/** The metrics the status page reads. */
const STATUS_METRICS = new Set([
  'tempo_distributor_spans_received_total',
  'tempo_distributor_bytes_received_total',
  'tempo_discarded_spans_total',
  'vivace_distributor_requests_refused_total',
  'vivace_receiver_datagrams_refused_total',
  'vivace_blocks',
  'vivace_blocks_spans',
  'vivace_blocks_bytes',
  'vivace_wal_bytes',
  'vivace_wal_segments',
  'vivace_block_build_backlog',
  'vivace_blocks_built_total',
  'vivace_compaction_failures_total',
  'vivace_storage_free_bytes',
  'vivace_storage_size_bytes',
  'process_resident_memory_bytes',
]);

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

/** Samples of the named metrics in a Prometheus text exposition (pure). */
export function parseExposition(
  text: string,
  names: ReadonlySet<string>,
): Record<string, MetricSample[]> {
  const out: Record<string, MetricSample[]> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || !names.has(m[1] as string)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
    }
    (out[m[1] as string] ??= []).push({ labels, value: Number(m[4]) });
  }
  return out;
}

/** `GET /api/vivace/status`: what the process is and holds, for the UI's status page. */
export function statusRoute(ctx: RequestContext, info: StatusInfo, metricsText: string): void {
  ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  ctx.res.end(JSON.stringify({ ...info, metrics: parseExposition(metricsText, STATUS_METRICS) }));
}
