/**
 * What every gRPC receiver shares: a unary method that takes and returns raw bytes (our own
 * decoders, no generated code), errors answered with their gRPC status (and `retry-after` when
 * retrying helps), and binding a server.
 */
import {
  Metadata,
  ServerCredentials,
  type Server,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  type status as GrpcStatus,
} from '@grpc/grpc-js';
import { encodeRpcStatusProto } from '../api/encode/index.js';
import { mapError } from '../api/errors.js';

const identity = (b: Buffer): Buffer => b;

/** A method whose messages are left as bytes; unary unless `responseStream`. */
export function rawMethod(path: string, responseStream = false): ServiceDefinition[string] {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

/** A one-method service definition whose messages are left as bytes. */
export function rawUnaryService(name: string, path: string): ServiceDefinition {
  return { [name]: rawMethod(path) };
}

/** A unary handler that runs `handle` and answers its result, or its error as a gRPC status. */
export function rawUnaryHandler(
  handle: (call: ServerUnaryCall<Buffer, Buffer>) => Promise<Buffer>,
  log: (msg: string, err?: unknown) => void,
  what: string,
) {
  return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
    handle(call).then(
      (resp) => callback(null, resp),
      (err: unknown) => {
        const m = mapError(err);
        if (m.unexpected) log(`${what} request failed`, err);
        const metadata = new Metadata();
        if (m.retryAfterSeconds !== undefined) {
          metadata.set('retry-after', String(m.retryAfterSeconds));
          const details = encodeRpcStatusProto(m.grpcCode, m.message, m.retryAfterSeconds);
          metadata.set('grpc-status-details-bin', Buffer.from(details));
        }
        callback({ code: m.grpcCode as GrpcStatus, details: m.message, metadata }, null);
      },
    );
  };
}

/** The `x-scope-orgid` metadata value, if any. */
export function orgIdOf(call: ServerUnaryCall<Buffer, Buffer>): string | undefined {
  const v = call.metadata.get('x-scope-orgid')[0];
  return v === undefined ? undefined : String(v);
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
