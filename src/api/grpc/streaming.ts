/**
 * Tempo's streaming gRPC API (`tempopb.StreamingQuerier`), served on the HTTP API's port as
 * Tempo does with `stream_over_http_enabled`: Grafana's Tempo data source uses it for search and
 * TraceQL metrics when "streaming" is on (reference/grafana-client.md §3). A connection that opens
 * with the HTTP/2 preface goes to gRPC, any other to the HTTP/1.1 server.
 *
 * Each call answers what the matching HTTP route answers, as protobuf: `Search` streams its
 * traces in messages under Grafana's 4 MiB limit, every one carrying the final metrics (Grafana
 * keeps the last); the metrics calls send one message.
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import {
  Server,
  ServerCredentials,
  type ServerWritableStream,
  type ServiceDefinition,
  type status as GrpcStatus,
} from '@grpc/grpc-js';
import { mapError } from '../errors.js';
import { rawMethod } from '../../receivers/grpc-unary.js';
import { resolveTenant } from '../../receivers/tenant.js';
import { ProtoReader } from '../../receivers/otlp/protobuf-reader.js';
import type { MetricsSources, SearchTraceResult } from '../../query/index.js';
import { parseSearchRequest, type SearchLimits, type Searcher } from '../http/search-routes.js';
import { runMetricsQuery } from '../http/metrics-routes.js';
import {
  encodeQueryInstantProto,
  encodeQueryRangeProto,
  encodeSearchResponseProto,
} from './search-proto.js';

export interface StreamingDeps {
  search: Searcher;
  searchLimits: SearchLimits;
  metricsSources: (tenant: string) => MetricsSources;
  multitenancy: boolean;
  log: (msg: string, err?: unknown) => void;
}

/** Grafana's default limit on a received message is 4 MiB; messages stay well under it. */
const MAX_MESSAGE_BYTES = 3 * 1024 * 1024;

type Call = ServerWritableStream<Buffer, Buffer>;

function tenantOf(call: Call, deps: StreamingDeps): string {
  const v = call.metadata.get('x-scope-orgid')[0];
  return resolveTenant(deps.multitenancy, v === undefined ? undefined : String(v));
}

/** Runs `answer`, writing what it yields; an error ends the call with its gRPC status. */
function handler(
  deps: StreamingDeps,
  what: string,
  answer: (call: Call) => Promise<Uint8Array[]>,
): (call: Call) => void {
  return (call) => {
    answer(call).then(
      (messages) => {
        for (const m of messages) call.write(Buffer.from(m.buffer, m.byteOffset, m.byteLength));
        call.end();
      },
      (err: unknown) => {
        const m = mapError(err);
        if (m.unexpected) deps.log(`streaming ${what} failed`, err);
        call.emit('error', { code: m.grpcCode as GrpcStatus, details: m.message });
      },
    );
  };
}

/** The fields of `SearchRequest` a search reads, as the HTTP route's query parameters. */
export function searchRequestParams(body: Uint8Array): URLSearchParams {
  const r = new ProtoReader(body, 'SearchRequest');
  const end = r.buf.length;
  const q = new URLSearchParams();
  const tags: string[] = [];
  let start = 0;
  let stop = 0;
  while (r.pos < end) {
    const tag = r.tag(end, 'SearchRequest');
    switch (tag) {
      case (1 << 3) | 2: {
        // map<string, string> Tags: entries {key=1, value=2}.
        const entryEnd = r.lenEnd(end, 'SearchRequest.Tags');
        let key = '';
        let value = '';
        while (r.pos < entryEnd) {
          const t = r.tag(entryEnd, 'SearchRequest.Tags');
          if (t === ((1 << 3) | 2)) key = r.string(entryEnd, 'SearchRequest.Tags');
          else if (t === ((2 << 3) | 2)) value = r.string(entryEnd, 'SearchRequest.Tags');
          else r.skipField(t, entryEnd, 'SearchRequest.Tags', 2);
        }
        tags.push(`${key}=${JSON.stringify(value)}`);
        break;
      }
      case (2 << 3) | 0:
        setPositive(q, 'minDuration', r.uint32(end, 'SearchRequest'), 'ms');
        break;
      case (3 << 3) | 0:
        setPositive(q, 'maxDuration', r.uint32(end, 'SearchRequest'), 'ms');
        break;
      case (4 << 3) | 0:
        setPositive(q, 'limit', r.uint32(end, 'SearchRequest'));
        break;
      case (5 << 3) | 0:
        start = r.uint32(end, 'SearchRequest');
        break;
      case (6 << 3) | 0:
        stop = r.uint32(end, 'SearchRequest');
        break;
      case (8 << 3) | 2: {
        const query = r.string(end, 'SearchRequest');
        if (query !== '') q.set('q', query);
        break;
      }
      case (9 << 3) | 0:
        setPositive(q, 'spss', r.uint32(end, 'SearchRequest'));
        break;
      default:
        r.skipField(tag, end, 'SearchRequest', 11);
    }
  }
  // Grafana sends both or neither; the HTTP route takes the range only when both are given.
  if (start !== 0 && stop !== 0) {
    q.set('start', String(start));
    q.set('end', String(stop));
  }
  if (tags.length > 0) q.set('tags', tags.join(' '));
  return q;
}

function setPositive(q: URLSearchParams, name: string, v: number, unit = ''): void {
  if (v > 0) q.set(name, `${v}${unit}`);
}

/**
 * The fields of `QueryRangeRequest` (query=1, start=2, end=3, step=4, exemplars=16) or
 * `QueryInstantRequest` (query=1, start=2, end=3) as the HTTP route's parameters: times in
 * nanoseconds, a step of 0 left to the server.
 */
export function metricsRequestParams(body: Uint8Array, what: string): URLSearchParams {
  const r = new ProtoReader(body, what);
  const end = r.buf.length;
  const q = new URLSearchParams();
  const u64 = (): bigint => {
    r.varint64(end, what);
    return (BigInt(r.hi) << 32n) | BigInt(r.lo);
  };
  while (r.pos < end) {
    const tag = r.tag(end, what);
    switch (tag) {
      case (1 << 3) | 2:
        q.set('q', r.string(end, what));
        break;
      case (2 << 3) | 0: {
        const v = u64();
        if (v > 0n) q.set('start', v.toString());
        break;
      }
      case (3 << 3) | 0: {
        const v = u64();
        if (v > 0n) q.set('end', v.toString());
        break;
      }
      case (4 << 3) | 0: {
        const v = u64();
        if (v > 0n) q.set('step', `${v}ns`);
        break;
      }
      case (16 << 3) | 0:
        setPositive(q, 'exemplars', r.uint32(end, what));
        break;
      default:
        r.skipField(tag, end, what, 19);
    }
  }
  return q;
}

/** Search answers cut into messages that each stay under `MAX_MESSAGE_BYTES`. */
function searchMessages(
  traces: readonly SearchTraceResult[],
  encode: (part: readonly SearchTraceResult[]) => Uint8Array,
): Uint8Array[] {
  if (traces.length === 0) return [encode([])];
  const out: Uint8Array[] = [];
  let per = 1000;
  for (let i = 0; i < traces.length;) {
    const part = traces.slice(i, i + per);
    const bytes = encode(part);
    if (bytes.byteLength > MAX_MESSAGE_BYTES && per > 1) {
      per = Math.max(1, Math.floor(per / 2));
      continue;
    }
    out.push(bytes);
    i += part.length;
  }
  return out;
}

/** The gRPC server of the streaming API; `shareApiPort` hands it its connections. */
export function createStreamingServer(deps: StreamingDeps): Server {
  const server = new Server();
  const service: ServiceDefinition = {
    Search: rawMethod('/tempopb.StreamingQuerier/Search', true),
    MetricsQueryRange: rawMethod('/tempopb.StreamingQuerier/MetricsQueryRange', true),
    MetricsQueryInstant: rawMethod('/tempopb.StreamingQuerier/MetricsQueryInstant', true),
  };
  const metrics = (instant: boolean) => async (call: Call) => {
    const what = instant ? 'QueryInstantRequest' : 'QueryRangeRequest';
    const params = metricsRequestParams(call.request, what);
    const sources = deps.metricsSources(tenantOf(call, deps));
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const series = await runMetricsQuery(params, sources, instant, nowNs);
    return [instant ? encodeQueryInstantProto(series) : encodeQueryRangeProto(series)];
  };
  server.addService(service, {
    Search: handler(deps, 'search', async (call) => {
      const req = parseSearchRequest(searchRequestParams(call.request), deps.searchLimits);
      const result = await deps.search.search(tenantOf(call, deps), req);
      return searchMessages(result.traces, (part) =>
        encodeSearchResponseProto(part, result.metrics),
      );
    }),
    MetricsQueryRange: handler(deps, 'metrics query', metrics(false)),
    MetricsQueryInstant: handler(deps, 'metrics query', metrics(true)),
  });
  return server;
}

/** How long a new connection may take to send enough bytes to tell HTTP/2 from HTTP/1.1. */
const UNDECIDED_MS = 10_000;

/** The first bytes of every HTTP/2 connection (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * Makes `http` hand connections that start with the HTTP/2 preface to `grpc` (cleartext HTTP/2
 * with prior knowledge, as Grafana dials); the others it serves itself, as before.
 */
export function shareApiPort(http: HttpServer, grpc: Server): void {
  const injector = grpc.createConnectionInjector(ServerCredentials.createInsecure());
  const serveHttp = http.listeners('connection') as Array<(socket: Socket) => void>;
  http.removeAllListeners('connection');
  http.on('connection', (socket: Socket) => {
    // A client that never sends enough to tell is not left holding the connection.
    const undecided = setTimeout(() => socket.destroy(), UNDECIDED_MS);
    undecided.unref();
    socket.once('close', () => clearTimeout(undecided));
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const h2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      // Undecided until the bytes differ from the preface or hold all of it.
      if (h2 && n < H2_PREFACE.length) return;
      clearTimeout(undecided);
      socket.off('data', onData);
      socket.pause();
      // Put back what was read: the HTTP/2 session takes a paused socket's buffered bytes first.
      socket.unshift(seen);
      if (h2) injector.injectConnection(socket);
      else {
        for (const listener of serveHttp) listener.call(http, socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });
}
