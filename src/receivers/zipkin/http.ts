/**
 * The Zipkin receiver: `POST /api/v2/spans` (JSON, or protobuf `ListOfSpans` as
 * `application/x-protobuf`) and `POST /api/v1/spans` (JSON). 202 when the spans are durable.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { UnsupportedMediaTypeError, type RawFormat, type SpanSink } from '../../model/index.js';
import { mediaType, readBody } from '../http-body.js';
import { headerOf, replyText, replyTextError, routePost } from '../http-reply.js';
import { resolveTenant } from '../tenant.js';

export interface ZipkinHttpOptions {
  sink: SpanSink;
  multitenancy: boolean;
  maxRequestBodyBytes: number;
  parseStringTags: boolean;
  log: (msg: string, err?: unknown) => void;
}

const V2 = '/api/v2/spans';
const V1 = '/api/v1/spans';

function formatOf(path: string, type: string): RawFormat {
  // As Zipkin's own server: no Content-Type means JSON.
  if (type === 'application/json' || type === '')
    return path === V1 ? 'zipkin-v1-json' : 'zipkin-v2-json';
  if (path === V2 && (type === 'application/x-protobuf' || type === 'application/protobuf')) {
    return 'zipkin-v2-proto';
  }
  const accepted = path === V2 ? 'application/json or application/x-protobuf' : 'application/json';
  throw new UnsupportedMediaTypeError(
    `unsupported Content-Type "${type}" for ${path}: use ${accepted}` +
      (type === 'application/x-thrift' ? ' (Zipkin v1 thrift is not accepted)' : ''),
  );
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  opts: ZipkinHttpOptions,
) {
  try {
    const format = formatOf(path, mediaType(req.headers['content-type']));
    const tenant = resolveTenant(opts.multitenancy, headerOf(req, 'x-scope-orgid'));
    const body = await readBody(req, opts.maxRequestBodyBytes);
    await opts.sink.pushRaw(tenant, {
      format,
      body,
      receiver: format === 'zipkin-v2-proto' ? 'zipkin_proto' : 'zipkin_json',
      ...(opts.parseStringTags ? { parseStringTags: true } : {}),
    });
    replyText(res, 202, '');
  } catch (err) {
    replyTextError(res, err, opts.log, 'Zipkin');
  }
}

/** Creates (but does not start) the Zipkin server. */
export function createZipkinHttpServer(opts: ZipkinHttpOptions): Server {
  return createServer((req, res) => {
    const path = routePost(req, res, [V2, V1], 'the Zipkin receiver');
    if (path) void handle(req, res, path, opts);
  });
}
