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
