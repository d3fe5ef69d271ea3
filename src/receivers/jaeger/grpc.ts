/**
 * Jaeger's gRPC receiver: `jaeger.api_v2.CollectorService/PostSpans`. The request bytes go to our
 * decoder in the encode workers; the answer is an empty `PostSpansResponse` once durable.
 */
import { Server, type ServerUnaryCall } from '@grpc/grpc-js';
import type { SpanSink } from '../../model/index.js';
import { orgIdOf, rawUnaryHandler, rawUnaryService } from '../grpc-unary.js';
import { resolveTenant } from '../tenant.js';

export interface JaegerGrpcOptions {
  sink: SpanSink;
  multitenancy: boolean;
  maxRecvMsgBytes: number;
  log: (msg: string, err?: unknown) => void;
}

const EMPTY = Buffer.alloc(0);

async function handlePostSpans(
  call: ServerUnaryCall<Buffer, Buffer>,
  opts: JaegerGrpcOptions,
): Promise<Buffer> {
  const tenant = resolveTenant(opts.multitenancy, orgIdOf(call));
  await opts.sink.pushRaw(tenant, {
    format: 'jaeger-proto',
    body: call.request,
    receiver: 'jaeger_grpc',
  });
  return EMPTY;
}

/** Creates the Jaeger gRPC server; `bindGrpc` starts it. */
export function createJaegerGrpcServer(opts: JaegerGrpcOptions): Server {
  const server = new Server({ 'grpc.max_receive_message_length': opts.maxRecvMsgBytes });
  server.addService(rawUnaryService('PostSpans', '/jaeger.api_v2.CollectorService/PostSpans'), {
    PostSpans: rawUnaryHandler((call) => handlePostSpans(call, opts), opts.log, 'Jaeger gRPC'),
  });
  return server;
}
