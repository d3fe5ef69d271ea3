/**
 * Attribute builders for the demo shop, following the OpenTelemetry semantic conventions for HTTP,
 * gRPC, databases and messaging. Constant key-value pairs are built once and shared (KeyValue is
 * read-only), which keeps the generator fast.
 */

import type { KeyValue } from '../model/index.js';
import type { HttpConvention } from './shop-services.js';

export function str(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

/** An int attribute; `value` must be a safe integer (the model carries int64 as decimal text). */
export function int(key: string, value: number): KeyValue {
  return { key, value: { type: 'int', value: String(value) } };
}

export function dbl(key: string, value: number): KeyValue {
  return { key, value: { type: 'double', value } };
}

export function bool(key: string, value: boolean): KeyValue {
  return { key, value: { type: 'bool', value } };
}

export function strArray(key: string, values: readonly string[]): KeyValue {
  return {
    key,
    value: { type: 'array', value: values.map((v) => ({ type: 'string', value: v })) },
  };
}

export interface HttpRequest {
  readonly method: string;
  /** The route template, e.g. `/api/products/{id}`. */
  readonly route: string;
  /** The concrete path, e.g. `/api/products/p-0042`. */
  readonly path: string;
}

/** Where a client call goes. */
export interface Endpoint {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
}

const SCHEME_HTTP_OLD = str('http.scheme', 'http');
const SCHEME_HTTP_NEW = str('url.scheme', 'http');
const FLAVOR_OLD = str('http.flavor', '1.1');
const PROTOCOL_NEW = str('network.protocol.version', '1.1');

const usesOld = (conv: HttpConvention): boolean => conv !== 'new';
const usesNew = (conv: HttpConvention): boolean => conv !== 'old';

/** Attributes of an HTTP server span, before its status code is known. */
export function httpServerAttributes(
  conv: HttpConvention,
  req: HttpRequest,
  local: Endpoint,
  userAgent: string,
): KeyValue[] {
  const out: KeyValue[] = [str('http.route', req.route)];
  if (usesOld(conv)) {
    out.push(str('http.method', req.method), str('http.target', req.path), SCHEME_HTTP_OLD);
    out.push(str('net.host.name', local.host), int('net.host.port', local.port), FLAVOR_OLD);
    out.push(str('http.user_agent', userAgent));
  }
  if (usesNew(conv)) {
    out.push(str('http.request.method', req.method), str('url.path', req.path), SCHEME_HTTP_NEW);
    out.push(str('server.address', local.host), int('server.port', local.port), PROTOCOL_NEW);
    out.push(str('user_agent.original', userAgent));
  }
  return out;
}

/** Attributes of an HTTP client span, before its status code is known. */
export function httpClientAttributes(
  conv: HttpConvention,
  req: HttpRequest,
  remote: Endpoint,
): KeyValue[] {
  const url = `${remote.scheme}://${remote.host}:${remote.port}${req.path}`;
  const out: KeyValue[] = [];
  if (usesOld(conv)) {
    out.push(str('http.method', req.method), str('http.url', url));
    out.push(str('net.peer.name', remote.host), int('net.peer.port', remote.port));
  }
  if (usesNew(conv)) {
    out.push(str('http.request.method', req.method), str('url.full', url));
    out.push(str('server.address', remote.host), int('server.port', remote.port));
  }
  return out;
}

/** Adds the response status code under the names the convention uses. */
export function pushHttpStatus(out: KeyValue[], conv: HttpConvention, status: number): void {
  if (usesOld(conv)) out.push(int('http.status_code', status));
  if (usesNew(conv)) out.push(int('http.response.status_code', status));
}

export interface Rpc {
  /** e.g. `shop.catalog.CatalogService`. */
  readonly service: string;
  readonly method: string;
  /** The span name: `service/method`. */
  readonly fullName: string;
}

export function rpc(service: string, method: string): Rpc {
  return { service, method, fullName: `${service}/${method}` };
}

const RPC_GRPC = str('rpc.system', 'grpc');

/** Attributes of a gRPC span; client spans also name the server they call. */
export function grpcAttributes(call: Rpc, remote: Endpoint | undefined): KeyValue[] {
  const out = [RPC_GRPC, str('rpc.service', call.service), str('rpc.method', call.method)];
  if (remote !== undefined) {
    out.push(str('server.address', remote.host), int('server.port', remote.port));
  }
  return out;
}

export const PG_ENDPOINT: Endpoint = {
  scheme: 'http',
  host: 'postgres-primary.shop.svc.cluster.local',
  port: 5432,
};
export const REDIS_ENDPOINT: Endpoint = {
  scheme: 'http',
  host: 'redis-master.shop.svc.cluster.local',
  port: 6379,
};
export const KAFKA_ENDPOINT: Endpoint = {
  scheme: 'http',
  host: 'kafka-0.kafka-headless.shop.svc.cluster.local',
  port: 9092,
};

const PG_SHARED: readonly KeyValue[] = [
  str('db.system', 'postgresql'),
  str('db.name', 'shop'),
  str('db.user', 'shop_app'),
  str('server.address', PG_ENDPOINT.host),
  int('server.port', PG_ENDPOINT.port),
  str('net.peer.name', PG_ENDPOINT.host),
];

/** Attributes of a PostgreSQL client span. */
export function pgAttributes(operation: string, table: string, statement: string): KeyValue[] {
  const out = PG_SHARED.slice();
  out.push(str('db.operation', operation), str('db.sql.table', table));
  out.push(str('db.statement', statement));
  return out;
}

const REDIS_SHARED: readonly KeyValue[] = [
  str('db.system', 'redis'),
  int('db.redis.database_index', 0),
  str('server.address', REDIS_ENDPOINT.host),
  int('server.port', REDIS_ENDPOINT.port),
  str('net.peer.name', REDIS_ENDPOINT.host),
];

/** Attributes of a Redis client span. */
export function redisAttributes(command: string, key: string): KeyValue[] {
  const out = REDIS_SHARED.slice();
  out.push(str('db.operation', command), str('db.statement', `${command} ${key}`));
  return out;
}

const KAFKA_SHARED: readonly KeyValue[] = [
  str('messaging.system', 'kafka'),
  str('server.address', KAFKA_ENDPOINT.host),
  int('server.port', KAFKA_ENDPOINT.port),
];

/** Attributes of a Kafka producer or consumer span. */
export function kafkaAttributes(
  topic: string,
  operation: string,
  key: string,
  partition: number,
): KeyValue[] {
  const out = KAFKA_SHARED.slice();
  out.push(str('messaging.destination.name', topic), str('messaging.operation', operation));
  out.push(str('messaging.kafka.message.key', key));
  out.push(int('messaging.kafka.destination.partition', partition));
  return out;
}
