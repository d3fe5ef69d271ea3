/**
 * Minimal OTLP clients for end-to-end tests that send exactly the bytes they are given: an
 * OTLP/HTTP poster, a gRPC caller with identity serializers (no generated code), and readers of
 * the replies (`google.rpc.Status` and `ExportTraceServiceResponse`, in JSON or protobuf).
 */
import assert from 'node:assert/strict';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  ExportTraceServiceResponse,
  RpcStatus,
} from '../../src/api/encode/testdata/otlp-schema.js';
import { encodeOtlpProtobuf } from '../../src/receivers/otlp/encode-for-tests.js';

export const OTLP_EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface HttpReply {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface PostOptions {
  method?: string;
  /** Default `/v1/traces`. */
  path?: string;
  /** Send the body in 1000-byte chunks without a Content-Length. */
  chunked?: boolean;
}

function chunks(body: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= body.length) controller.close();
      else controller.enqueue(body.subarray(at, (at += 1000)));
    },
  });
}

/** Sends `body` to `<base><path>` (default `POST /v1/traces`). */
export async function postOtlp(
  base: string,
  body: Uint8Array | string | undefined,
  headers: Record<string, string>,
  opts: PostOptions = {},
): Promise<HttpReply> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const res = await fetch(`${base}${opts.path ?? '/v1/traces'}`, {
    method: opts.method ?? 'POST',
    headers,
    ...(opts.chunked && bytes ? { body: chunks(bytes), duplex: 'half' } : { body: bytes }),
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** `google.rpc.Status` of an error reply, read in the encoding its Content-Type names. */
export function readRpcStatus(reply: HttpReply): { code: number; message: string } {
  const type = reply.headers.get('content-type');
  if (type === 'application/x-protobuf') {
    const o = RpcStatus.toObject(RpcStatus.decode(reply.body), { defaults: true }) as {
      code: number;
      message: string;
      details: unknown[];
    };
    assert.deepEqual(o.details, [], 'google.rpc.Status.details');
    return { code: o.code, message: o.message };
  }
  assert.equal(type, 'application/json', 'Content-Type of an error reply');
  const o = JSON.parse(reply.body.toString('utf8')) as { code: number; message: string };
  assert.deepEqual(Object.keys(o), ['code', 'message'], 'keys of google.rpc.Status JSON');
  return o;
}

/** Protobuf `ExportTraceServiceResponse` bytes as the response's JSON form. */
export function decodeExportResponse(bytes: Uint8Array): object {
  const m = ExportTraceServiceResponse.decode(bytes);
  return ExportTraceServiceResponse.toObject(m, { longs: String });
}

/** `ExportTraceServiceResponse` of a 200 reply, as its JSON form (protobuf converted). */
export function readExportResponse(reply: HttpReply): object {
  if (reply.headers.get('content-type') === 'application/x-protobuf') {
    return decodeExportResponse(reply.body);
  }
  assert.equal(reply.headers.get('content-type'), 'application/json');
  return JSON.parse(reply.body.toString('utf8')) as object;
}

export interface GrpcReply {
  /** 0 on success, else the gRPC status code. */
  code: number;
  details: string;
  /** Trailing metadata of an error, without the transport's own keys. */
  metadata: Record<string, string>;
  response?: Buffer;
}

const identity = (b: Buffer): Buffer => b;
const TRANSPORT_KEYS = new Set(['content-type', 'date']);

/** One unary call with raw bytes; resolves with the status, never rejects. */
export function grpcCall(
  address: string,
  body: Uint8Array,
  metadata: Record<string, string> = {},
  method = OTLP_EXPORT_METHOD,
): Promise<GrpcReply> {
  const client = new Client(address, credentials.createInsecure());
  const md = new Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve) => {
    client.makeUnaryRequest(method, identity, identity, Buffer.from(body), md, (err, res) => {
      client.close();
      if (err) resolve(grpcError(err));
      else resolve({ code: 0, details: '', metadata: {}, response: res });
    });
  });
}

function grpcError(err: ServiceError): GrpcReply {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.metadata?.getMap() ?? {})) {
    if (!TRANSPORT_KEYS.has(k)) metadata[k] = String(v);
  }
  return { code: err.code, details: err.details, metadata };
}

/** A valid request in OTLP JSON form: one span per given span id, in trace `traceId`. */
export function otlpRequest(traceId: string, spanIds: string[], service = 'e2e-bad-input') {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: spanIds.map((spanId, i) => ({
              traceId,
              spanId,
              name: `span ${i}`,
              kind: 2,
              startTimeUnixNano: String(BigInt(Date.now() - 60_000) * 1_000_000n),
              endTimeUnixNano: String(BigInt(Date.now() - 59_000) * 1_000_000n),
            })),
          },
        ],
      },
    ],
  };
}

/** The protobuf bytes of a request in OTLP JSON form. */
export function otlpProtobuf(request: unknown): Buffer {
  return Buffer.from(encodeOtlpProtobuf(request));
}
