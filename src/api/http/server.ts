/**
 * The Tempo-compatible HTTP API (port 3200): trace by id, readiness, echo, build info, metrics
 * and flush. Errors are plain text with the status from `api/errors.ts`, as Tempo's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mapError } from '../errors.js';
import { resolveTenant } from '../../receivers/tenant.js';
import type {
  FastStage,
  MetricsSources,
  SearchRequest,
  ServiceGraphEdge,
} from '../../query/index.js';
import type { Pipeline } from '../../traceql/index.js';
import type { Histogram } from '../../telemetry/index.js';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import { createStreamingServer, shareApiPort } from '../grpc/streaming.js';
import { Router, type RequestContext } from './router.js';
import {
  DEFAULT_SEARCH_LIMITS,
  searchRoute,
  type SearchLimits,
  type Searcher,
} from './search-routes.js';
import { metricsRoute } from './metrics-routes.js';
import { serviceGraphRoute, statusRoute, type StatusInfo } from './vivace-routes.js';
import { addTagRoutes, type TagSearcher } from './tag-routes.js';
import { traceV1, traceV2, type TraceFinder } from './trace-routes.js';

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildDate: string;
  buildUser: string;
  goVersion: string;
}

export interface ApiDeps {
  traces: TraceFinder;
  search: Searcher;
  tags: TagSearcher;
  /** What the status page shows besides the metrics. */
  statusInfo?: () => StatusInfo;
  /** The service graph of a tenant's spans over a time range (the UI's service map). */
  serviceGraph?: (
    tenant: string,
    range: { startNs: bigint; endNs: bigint },
  ) => Promise<ServiceGraphEdge[]>;
  /** Result and spans-per-spanset limits of /api/search (Tempo's defaults when absent). */
  searchLimits?: SearchLimits;
  multitenancy: boolean;
  /** Prometheus text of the process's metrics. */
  metricsText: () => string;
  /** Undefined when ready, else why not. */
  notReady: () => string | undefined;
  flush: () => Promise<void>;
  buildInfo: BuildInfo;
  requestDuration: Histogram;
  log: (msg: string, err?: unknown) => void;
}

function text(
  res: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

function tenantOf(ctx: RequestContext, deps: ApiDeps): string {
  const h = ctx.req.headers['x-scope-orgid'];
  return resolveTenant(deps.multitenancy, Array.isArray(h) ? h[0] : h);
}

/** The spans of a metrics query: the tenant's, by search or by the SQL path. */
function metricsSources(tenant: string, deps: ApiDeps): MetricsSources {
  const { search } = deps;
  const stage = search.metricsStage?.bind(search);
  return {
    search: (req: SearchRequest) => search.search(tenant, req),
    ...(stage ? { fast: (p: Pipeline, s: FastStage) => stage(tenant, p, s) } : {}),
  };
}

export function buildRouter(deps: ApiDeps): Router {
  const get = ['GET', 'HEAD'];
  const router = new Router();
  addTagRoutes(router, { tags: deps.tags, tenantOf: (ctx) => tenantOf(ctx, deps) });
  return router
    .add(get, '/api/traces/:id', (ctx) => traceV1(ctx, deps.traces, tenantOf(ctx, deps)))
    .add(get, '/api/v2/traces/:id', (ctx) => traceV2(ctx, deps.traces, tenantOf(ctx, deps)))
    .add(get, '/api/search', (ctx) =>
      searchRoute(
        ctx,
        deps.search,
        tenantOf(ctx, deps),
        deps.searchLimits ?? DEFAULT_SEARCH_LIMITS,
      ),
    )
    .add(['GET', 'POST'], '/api/metrics/query_range', (ctx) =>
      metricsRoute(
        ctx,
        metricsSources(tenantOf(ctx, deps), deps),
        false,
        BigInt(Date.now()) * 1_000_000n,
      ),
    )
    .add(['GET', 'POST'], '/api/metrics/query', (ctx) =>
      metricsRoute(
        ctx,
        metricsSources(tenantOf(ctx, deps), deps),
        true,
        BigInt(Date.now()) * 1_000_000n,
      ),
    )
    .add(get, '/api/vivace/service-graph', (ctx) => {
      if (!deps.serviceGraph) return text(ctx.res, 404, 'no service graph here');
      return serviceGraphRoute(
        ctx,
        deps.serviceGraph,
        tenantOf(ctx, deps),
        BigInt(Date.now()) * 1_000_000n,
      );
    })
    .add(get, '/api/vivace/status', (ctx) => {
      if (!deps.statusInfo) return text(ctx.res, 404, 'no status here');
      statusRoute(ctx, deps.statusInfo(), deps.metricsText());
    })
    .add(get, '/api/echo', (ctx) => text(ctx.res, 200, 'echo'))
    .add(get, '/api/status/buildinfo', (ctx) =>
      text(ctx.res, 200, JSON.stringify(deps.buildInfo), 'application/json'),
    )
    .add(get, '/ready', (ctx) => {
      const why = deps.notReady();
      text(ctx.res, why === undefined ? 200 : 503, why === undefined ? 'ready\n' : `${why}\n`);
    })
    .add(get, '/metrics', (ctx) =>
      text(ctx.res, 200, deps.metricsText(), 'text/plain; version=0.0.4; charset=utf-8'),
    )
    .add(['GET', 'POST'], '/flush', async (ctx) => {
      await deps.flush();
      ctx.res.writeHead(204);
      ctx.res.end();
    });
}

async function handle(req: IncomingMessage, res: ServerResponse, router: Router, deps: ApiDeps) {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const { route, params, methodAllowed } = router.match(req.method ?? 'GET', url.pathname);
  const routeName = route?.pattern ?? 'other';
  try {
    if (route === undefined) {
      if (methodAllowed) text(res, 404, `404 page not found\n`);
      else text(res, 405, `method ${req.method} not allowed\n`);
    } else {
      await route.handler({ req, res, params, query: url.searchParams, route: routeName });
    }
  } catch (err) {
    const m = mapError(err);
    if (m.unexpected) deps.log(`${req.method} ${url.pathname} failed`, err);
    if (!res.headersSent) text(res, m.httpStatus, m.message + '\n');
    else res.destroy();
  }
  deps.requestDuration.observe(
    { method: req.method ?? '', route: routeName, status_code: String(res.statusCode) },
    (performance.now() - started) / 1000,
  );
}

/**
 * Creates (but does not start) the API server: `http` listens, and hands the connections that
 * speak HTTP/2 to `grpc`, the streaming API, which the caller shuts down with it.
 */
export function createApiServer(deps: ApiDeps): { http: Server; grpc: GrpcServer } {
  const router = buildRouter(deps);
  const http = createServer((req, res) => void handle(req, res, router, deps));
  const grpc = createStreamingServer({
    search: deps.search,
    searchLimits: deps.searchLimits ?? DEFAULT_SEARCH_LIMITS,
    metricsSources: (tenant) => metricsSources(tenant, deps),
    multitenancy: deps.multitenancy,
    log: deps.log,
  });
  shareApiPort(http, grpc);
  return { http, grpc };
}
