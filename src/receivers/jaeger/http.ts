/**
 * Jaeger's `thrift_http` receiver: `POST /api/traces` with a thrift `Batch` in the binary protocol,
 * as jaeger clients' HTTP senders post it. 202 when the spans are durable.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { UnsupportedMediaTypeError, type SpanSink } from '../../model/index.js';
import { mediaType, readBody } from '../http-body.js';
import { headerOf, replyText, replyTextError, routePost } from '../http-reply.js';
import { resolveTenant } from '../tenant.js';

export interface JaegerHttpOptions {
  sink: SpanSink;
  multitenancy: boolean;
  maxRequestBodyBytes: number;
  log: (msg: string, err?: unknown) => void;
}

const THRIFT_TYPES = ['application/x-thrift', 'application/vnd.apache.thrift.binary'];

async function handle(req: IncomingMessage, res: ServerResponse, opts: JaegerHttpOptions) {
  try {
    const type = mediaType(req.headers['content-type']);
    if (!THRIFT_TYPES.includes(type)) {
      throw new UnsupportedMediaTypeError(
        `unsupported Content-Type "${type}": use ${THRIFT_TYPES.join(' or ')}`,
      );
    }
    const tenant = resolveTenant(opts.multitenancy, headerOf(req, 'x-scope-orgid'));
    const body = await readBody(req, opts.maxRequestBodyBytes);
    await opts.sink.pushRaw(tenant, {
      format: 'jaeger-thrift-batch',
      body,
      receiver: 'jaeger_thrift_http',
    });
    replyText(res, 202, '');
  } catch (err) {
    replyTextError(res, err, opts.log, 'Jaeger thrift_http');
  }
}

/** Creates (but does not start) the Jaeger thrift_http server. */
export function createJaegerHttpServer(opts: JaegerHttpOptions): Server {
  return createServer((req, res) => {
    if (routePost(req, res, ['/api/traces'], 'the Jaeger thrift_http receiver')) {
      void handle(req, res, opts);
    }
  });
}
