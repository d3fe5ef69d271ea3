/**
 * OTLP/HTTP trace receiver: `POST /v1/traces` with protobuf or JSON bodies, per the OTLP
 * specification's status codes and response bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  encodeExportTraceResponseProto,
  encodeRpcStatusProto,
  exportTraceResponseToJson,
  rpcStatusToJson,
} from '../../api/encode/index.js';
import { mapError } from '../../api/errors.js';
import type { SpanSink } from '../../model/index.js';
import { UnsupportedMediaTypeError } from '../../model/index.js';
import { mediaType, readBody } from '../http-body.js';
import { resolveTenant } from '../tenant.js';

export interface OtlpHttpOptions {
  sink: SpanSink;
  multitenancy: boolean;
  maxRequestBodyBytes: number;
  log: (msg: string, err?: unknown) => void;
}

type Encoding = 'protobuf' | 'json';

const CONTENT_TYPE: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

function encodingOf(req: IncomingMessage): Encoding {
  const type = mediaType(req.headers['content-type']);
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new UnsupportedMediaTypeError(
    `unsupported Content-Type "${type}": use application/x-protobuf or application/json`,
  );
}

function reply(
  res: ServerResponse,
  status: number,
  enc: Encoding,
  body: Uint8Array | object,
): void {
  const data = body instanceof Uint8Array ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': CONTENT_TYPE[enc] });
  res.end(data);
}

async function handleExport(req: IncomingMessage, res: ServerResponse, opts: OtlpHttpOptions) {
  let enc: Encoding = 'json';
  try {
    enc = encodingOf(req);
    const tenant = resolveTenant(opts.multitenancy, header(req, 'x-scope-orgid'));
    const body = await readBody(req, opts.maxRequestBodyBytes);
    const outcome = await opts.sink.pushRaw(tenant, {
      format: enc === 'protobuf' ? 'otlp-protobuf' : 'otlp-json',
      body,
      receiver: `otlp_http_${enc}`,
    });
    reply(
      res,
      200,
      enc,
      enc === 'protobuf'
        ? encodeExportTraceResponseProto(outcome)
        : exportTraceResponseToJson(outcome),
    );
  } catch (err) {
    replyError(res, enc, err, opts);
  }
}

function replyError(res: ServerResponse, enc: Encoding, err: unknown, opts: OtlpHttpOptions): void {
  const m = mapError(err);
  if (m.unexpected) opts.log('OTLP/HTTP request failed', err);
  if (m.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(m.retryAfterSeconds));
  if (!res.headersSent) {
    reply(
      res,
      m.httpStatus,
      enc,
      enc === 'protobuf'
        ? encodeRpcStatusProto(m.grpcCode, m.message)
        : rpcStatusToJson(m.grpcCode, m.message),
    );
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Creates (but does not start) the OTLP/HTTP server. */
export function createOtlpHttpServer(opts: OtlpHttpOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v1/traces') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end(`404 page not found: OTLP/HTTP traces are accepted on POST /v1/traces\n`);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'POST' });
      res.end(`method ${req.method} not allowed: use POST\n`);
      return;
    }
    void handleExport(req, res, opts);
  });
}
