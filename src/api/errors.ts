/** The one place that maps Vivace's error codes to HTTP and gRPC statuses. */
import type { ErrorCode } from '../model/index.js';
import { VivaceError } from '../model/index.js';

const HTTP: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  limit_exceeded: 429,
  overloaded: 503,
  storage: 503,
};

/** gRPC status codes (google.rpc.Code). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
  UNIMPLEMENTED: 12,
} as const;

const GRPC: Record<ErrorCode, number> = {
  invalid_request: GrpcCode.INVALID_ARGUMENT,
  unauthenticated: GrpcCode.UNAUTHENTICATED,
  not_found: GrpcCode.NOT_FOUND,
  payload_too_large: GrpcCode.RESOURCE_EXHAUSTED,
  unsupported_media_type: GrpcCode.INVALID_ARGUMENT,
  limit_exceeded: GrpcCode.RESOURCE_EXHAUSTED,
  overloaded: GrpcCode.UNAVAILABLE,
  storage: GrpcCode.UNAVAILABLE,
};

export interface MappedError {
  httpStatus: number;
  grpcCode: number;
  message: string;
  retryAfterSeconds?: number;
  /** True for errors we did not expect: log them with their stack. */
  unexpected: boolean;
}

/** How an error is answered. Unknown errors become a generic 500 (the caller logs them). */
export function mapError(err: unknown): MappedError {
  if (err instanceof VivaceError) {
    const retry = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
    return {
      httpStatus: HTTP[err.code],
      grpcCode: GRPC[err.code],
      message: err.message,
      ...(retry !== undefined ? { retryAfterSeconds: retry } : {}),
      unexpected: err.code === 'storage',
    };
  }
  return {
    httpStatus: 500,
    grpcCode: GrpcCode.INTERNAL,
    message: 'internal error',
    unexpected: true,
  };
}
