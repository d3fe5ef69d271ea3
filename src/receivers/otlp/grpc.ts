/**
 * OTLP/gRPC trace receiver: `opentelemetry.proto.collector.trace.v1.TraceService/Export`. The
 * request bytes go straight to our decoder (no generated code); gzip is handled by grpc-js.
 */
import {
  Server,
  ServerCredentials,
  type status as GrpcStatus,
  type ServerUnaryCall,
  type sendUnaryData,
  type ServiceDefinition,
  Metadata,
} from '@grpc/grpc-js';
import { encodeExportTraceResponseProto, encodeRpcStatusProto } from '../../api/encode/index.js';
import { mapError } from '../../api/errors.js';
import type { SpanSink } from '../../model/index.js';
import { resolveTenant } from '../tenant.js';

export interface OtlpGrpcOptions {
  sink: SpanSink;
  multitenancy: boolean;
  maxRecvMsgBytes: number;
  log: (msg: string, err?: unknown) => void;
}

const identity = (b: Buffer): Buffer => b;

const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

async function handleExport(
  call: ServerUnaryCall<Buffer, Buffer>,
  opts: OtlpGrpcOptions,
): Promise<Buffer> {
  const orgId = call.metadata.get('x-scope-orgid')[0];
  const tenant = resolveTenant(opts.multitenancy, orgId === undefined ? undefined : String(orgId));
  const outcome = await opts.sink.pushRaw(tenant, {
    format: 'otlp-protobuf',
    body: call.request,
    receiver: 'otlp_grpc',
  });
  return Buffer.from(encodeExportTraceResponseProto(outcome));
}

/** Creates the OTLP/gRPC server; `bind` starts it. */
export function createOtlpGrpcServer(opts: OtlpGrpcOptions): Server {
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxRecvMsgBytes,
  });
  server.addService(TRACE_SERVICE, {
    Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      handleExport(call, opts).then(
        (resp) => callback(null, resp),
        (err: unknown) => {
          const m = mapError(err);
          if (m.unexpected) opts.log('OTLP/gRPC request failed', err);
          const metadata = new Metadata();
          if (m.retryAfterSeconds !== undefined) {
            metadata.set('retry-after', String(m.retryAfterSeconds));
            const details = encodeRpcStatusProto(m.grpcCode, m.message, m.retryAfterSeconds);
            metadata.set('grpc-status-details-bin', Buffer.from(details));
          }
          callback({ code: m.grpcCode as GrpcStatus, details: m.message, metadata }, null);
        },
      );
    },
  });
  return server;
}

/** Binds and starts the server; resolves with the bound port. */
export function bindGrpc(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(err);
      else resolve(bound);
    });
  });
}
