/** `GET /api/traces/{id}` (v1) and `GET /api/v2/traces/{id}`, JSON or protobuf by `Accept`. */
import {
  encodeTraceByIdResponseProto,
  encodeTraceProto,
  traceToJsonV1,
  traceToJsonV2,
} from '../encode/index.js';
import type { SpanBatch } from '../../model/index.js';
import { NotFoundError } from '../../model/index.js';
import { parseTimeRange, parseTraceIdParam } from './params.js';
import type { RequestContext } from './router.js';

export interface TraceFinder {
  findTrace(
    tenant: string,
    traceId: string,
    range?: { startMs: number; endMs: number },
  ): Promise<{ trace: SpanBatch | undefined; inspectedBytes: number }>;
}

function wantsProtobuf(ctx: RequestContext): boolean {
  return String(ctx.req.headers.accept ?? '').includes('application/protobuf');
}

async function lookup(ctx: RequestContext, finder: TraceFinder, tenant: string) {
  const id = parseTraceIdParam(ctx.params.id ?? '');
  const found = await finder.findTrace(tenant, id, parseTimeRange(ctx.query));
  if (found.trace === undefined) throw new NotFoundError(`trace not found: ${id}`);
  return { trace: found.trace, inspectedBytes: found.inspectedBytes };
}

export async function traceV1(ctx: RequestContext, finder: TraceFinder, tenant: string) {
  const { trace } = await lookup(ctx, finder, tenant);
  if (wantsProtobuf(ctx)) {
    ctx.res.writeHead(200, { 'Content-Type': 'application/protobuf' });
    ctx.res.end(encodeTraceProto(trace));
  } else {
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.end(JSON.stringify(traceToJsonV1(trace)));
  }
}

export async function traceV2(ctx: RequestContext, finder: TraceFinder, tenant: string) {
  const { trace, inspectedBytes } = await lookup(ctx, finder, tenant);
  if (wantsProtobuf(ctx)) {
    ctx.res.writeHead(200, { 'Content-Type': 'application/protobuf' });
    ctx.res.end(encodeTraceByIdResponseProto(trace, { inspectedBytes }));
  } else {
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.end(JSON.stringify(traceToJsonV2(trace, { inspectedBytes })));
  }
}
