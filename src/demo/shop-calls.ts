/**
 * The call patterns the shop's flows are made of: an HTTP or gRPC call (client span in the caller,
 * server span in the callee, the client slightly longer), a database command, a call to an
 * uninstrumented peer, and internal work. Each takes a start time and returns an Outcome whose
 * `end` is when the caller regains control.
 */

import type { KeyValue, Span, SpanKind } from '../model/index.js';
import type { Endpoint, HttpRequest, Rpc } from './shop-attributes.js';
import type { Outcome } from './shop-faults.js';
import type { HttpConvention, ServiceNode } from './shop-services.js';
import type { TraceBuilder } from './trace-builder.js';
import {
  bool,
  grpcAttributes,
  httpClientAttributes,
  httpServerAttributes,
  int,
  pgAttributes,
  pushHttpStatus,
  redisAttributes,
  str,
} from './shop-attributes.js';
import {
  EXCEPTIONS,
  failed,
  grpcStatusOf,
  httpStatusOf,
  isGrpcServerError,
  ok,
  relay,
} from './shop-faults.js';
import { KIND } from './trace-builder.js';

/** What a server does once a request reached it: runs from `at`, returns when it is done. */
export type Handler = (server: Span, at: number) => Outcome;

/** A step of a handler, started at `at`. */
export type Step = (at: number) => Outcome;

/** Share of database queries that are slow outliers (a lock wait, a sequential scan). */
export const SLOW_QUERY_RATE = 0.003;

/** Ends an HTTP server span with the status that matches `result`; 5xx is an error. */
export function endHttpServer(
  b: TraceBuilder,
  span: Span,
  conv: HttpConvention,
  result: Outcome,
  at: number,
): void {
  const status = httpStatusOf(result.fault);
  pushHttpStatus(span.attributes, conv, status);
  if (status >= 500) b.fail(span, at, '');
  b.end(span, at);
}

/** An HTTP request from `from` to `to`, served by `handler`. */
export function httpCall(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  to: ServiceNode,
  req: HttpRequest,
  userAgent: string,
  at: number,
  handler: Handler,
): Outcome {
  const clientName = from.conv === 'old' ? `HTTP ${req.method}` : req.method;
  const clientAttrs = httpClientAttributes(from.conv, req, to.endpoint);
  const client = b.span(parent, from, 'httpClient', clientName, KIND.client, at, clientAttrs);
  const serverAt = at + b.net();
  const serverAttrs = httpServerAttributes(to.conv, req, to.endpoint, userAgent);
  const serverName = `${req.method} ${req.route}`;
  const server = b.span(client, to, 'http', serverName, KIND.server, serverAt, serverAttrs);
  const result = handler(server, serverAt + b.gap());
  const serverEnd = result.end + b.gap();
  endHttpServer(b, server, to.conv, result, serverEnd);
  const clientEnd = serverEnd + b.net();
  const status = httpStatusOf(result.fault);
  pushHttpStatus(client.attributes, from.conv, status);
  if (status >= 400) b.fail(client, clientEnd, '');
  b.end(client, clientEnd);
  return relay(result, clientEnd);
}

/** A unary gRPC call from `from` to `to`, served by `handler`. */
export function grpcCall(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  to: ServiceNode,
  call: Rpc,
  at: number,
  handler: Handler,
): Outcome {
  const client = b.span(
    parent,
    from,
    'grpc',
    call.fullName,
    KIND.client,
    at,
    grpcAttributes(call, to.endpoint),
  );
  const serverAt = at + b.net();
  const server = b.span(
    client,
    to,
    'grpc',
    call.fullName,
    KIND.server,
    serverAt,
    grpcAttributes(call, undefined),
  );
  const result = handler(server, serverAt + b.gap());
  const code = grpcStatusOf(result.fault);
  const serverEnd = result.end + b.gap();
  server.attributes.push(int('rpc.grpc.status_code', code));
  if (isGrpcServerError(result.fault)) b.fail(server, serverEnd, result.message);
  b.end(server, serverEnd);
  const clientEnd = serverEnd + b.net();
  client.attributes.push(int('rpc.grpc.status_code', code));
  if (result.fault !== undefined) b.fail(client, clientEnd, result.message);
  b.end(client, clientEnd);
  return relay(result, clientEnd);
}

/** A PostgreSQL statement; a few are slow outliers of one to several seconds. */
export function pgQuery(
  b: TraceBuilder,
  parent: Span,
  svc: ServiceNode,
  operation: string,
  table: string,
  statement: string,
  at: number,
): Outcome {
  const attrs = pgAttributes(operation, table, statement);
  const span = b.span(parent, svc, 'pg', `${operation} ${table}`, KIND.client, at, attrs);
  const slow = b.prng.chance(SLOW_QUERY_RATE);
  const end = at + (slow ? b.work(1_900, 0.3) : b.work(operation === 'SELECT' ? 1.2 : 2.5, 0.6));
  b.end(span, end);
  return ok(end);
}

/**
 * A Redis command. `hit` (for reads) becomes `app.cache.hit`; `timeout` makes the command wait
 * out the client's 5 s timeout and fail.
 */
export function redisCommand(
  b: TraceBuilder,
  parent: Span,
  svc: ServiceNode,
  command: string,
  key: string,
  at: number,
  hit?: boolean,
  timeout = false,
): Outcome {
  const attrs = redisAttributes(command, key);
  if (hit !== undefined) attrs.push(bool('app.cache.hit', hit));
  const span = b.span(parent, svc, 'redis', command, KIND.client, at, attrs);
  if (timeout) {
    const end = at + 5_000_000_000 + b.work(0.4);
    b.fail(span, end, EXCEPTIONS.redisTimeout.message, EXCEPTIONS.redisTimeout);
    b.end(span, end);
    return failed(end, 'unavailable', 'redis timeout');
  }
  const end = at + b.work(0.35, 0.5);
  b.end(span, end);
  return ok(end);
}

/** An HTTP call to a service that sends no spans of its own, named by `peer.service`. */
export function peerCall(
  b: TraceBuilder,
  parent: Span,
  from: ServiceNode,
  peer: string,
  remote: Endpoint,
  req: HttpRequest,
  at: number,
  durationNs: number,
  status: number,
): Span {
  const attrs = httpClientAttributes(from.conv, req, remote);
  attrs.push(str('peer.service', peer));
  const name = from.conv === 'old' ? `HTTP ${req.method}` : req.method;
  const span = b.span(parent, from, 'httpClient', name, KIND.client, at, attrs);
  if (status !== 0) pushHttpStatus(span.attributes, from.conv, status);
  if (status === 0 || status >= 400) b.fail(span, at + durationNs, '');
  b.end(span, at + durationNs);
  return span;
}

/** A span of `svc`'s own code around `handler`; the handler marks it failed if it should be. */
export function within(
  b: TraceBuilder,
  parent: Span,
  svc: ServiceNode,
  name: string,
  at: number,
  handler: Handler,
  attributes: KeyValue[] = [],
  kind: SpanKind = KIND.internal,
): Outcome {
  const span = b.span(parent, svc, 'manual', name, kind, at, attributes);
  const result = handler(span, at + b.gap());
  const end = result.end + b.gap();
  b.end(span, end);
  return relay(result, end);
}

/** A span of `svc`'s own code with no children, lasting `durationNs`. */
export function leaf(
  b: TraceBuilder,
  parent: Span,
  svc: ServiceNode,
  name: string,
  at: number,
  durationNs: number,
  attributes: KeyValue[] = [],
  kind: SpanKind = KIND.internal,
): Outcome {
  const span = b.span(parent, svc, 'manual', name, kind, at, attributes);
  b.end(span, at + durationNs);
  return ok(at + durationNs);
}

/** Runs steps one after another, stopping at the first failure. */
export function sequence(b: TraceBuilder, at: number, steps: readonly Step[]): Outcome {
  let t = at;
  for (const step of steps) {
    const result = step(t);
    if (result.fault !== undefined) return result;
    t = result.end + b.gap();
  }
  return ok(t);
}

/** Runs steps concurrently (each a few µs after the last); ends with the slowest. */
export function parallel(b: TraceBuilder, at: number, steps: readonly Step[]): Outcome {
  let end = at;
  let firstFailure: Outcome | undefined;
  let t = at;
  for (const step of steps) {
    const result = step(t);
    if (result.end > end) end = result.end;
    if (firstFailure === undefined && result.fault !== undefined) firstFailure = result;
    t += 3_000 + b.prng.int(40_000);
  }
  return firstFailure === undefined ? ok(end) : relay(firstFailure, end);
}
