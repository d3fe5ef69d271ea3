/**
 * OTLP/gRPC trace receiver: `opentelemetry.proto.collector.trace.v1.TraceService/Export`. The
 * request bytes go straight to our decoder (no generated code); gzip is handled by grpc-js.
 */
import { Server, type ServerUnaryCall } from '@grpc/grpc-js';
import { encodeExportTraceResponseProto } from '../../api/encode/index.js';
import type { SpanSink } from '../../model/index.js';
import { orgIdOf, rawUnaryHandler, rawUnaryService } from '../grpc-unary.js';
import { resolveTenant } from '../tenant.js';

export interface OtlpGrpcOptions {
  sink: SpanSink;
  multitenancy: boolean;
  maxRecvMsgBytes: number;
  log: (msg: string, err?: unknown) => void;
}

async function handleExport(
  call: ServerUnaryCall<Buffer, Buffer>,
  opts: OtlpGrpcOptions,
): Promise<Buffer> {
  const tenant = resolveTenant(opts.multitenancy, orgIdOf(call));
  const outcome = await opts.sink.pushRaw(tenant, {
    format: 'otlp-protobuf',
    body: call.request,
    receiver: 'otlp_grpc',
  });
  return Buffer.from(encodeExportTraceResponseProto(outcome));
}

/** Creates the OTLP/gRPC server; `bindGrpc` starts it. */
export function createOtlpGrpcServer(opts: OtlpGrpcOptions): Server {
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxRecvMsgBytes,
  });
  server.addService(
    rawUnaryService('Export', '/opentelemetry.proto.collector.trace.v1.TraceService/Export'),
    { Export: rawUnaryHandler((call) => handleExport(call, opts), opts.log, 'OTLP/gRPC') },
  );
  return server;
}
