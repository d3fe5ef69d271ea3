/**
 * Typed errors with stable codes. Messages are for users: they say what was wrong and what is
 * accepted. Only `src/api/errors.ts` maps codes to HTTP and gRPC statuses.
 */

export type ErrorCode =
  | 'invalid_request'
  | 'not_found'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'limit_exceeded'
  | 'overloaded'
  | 'unauthenticated'
  | 'storage';

export class VivaceError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The request (payload, parameter, header) is malformed. HTTP 400, gRPC INVALID_ARGUMENT. */
export class InvalidRequestError extends VivaceError {
  constructor(message: string) {
    super('invalid_request', message);
  }
}

export class NotFoundError extends VivaceError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class UnsupportedMediaTypeError extends VivaceError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

export class PayloadTooLargeError extends VivaceError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

/** A per-tenant limit refused the data; retrying later may succeed. HTTP 429, gRPC RESOURCE_EXHAUSTED. */
export class LimitExceededError extends VivaceError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super('limit_exceeded', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The server is too busy (WAL or block building behind). HTTP 503, gRPC UNAVAILABLE. */
export class OverloadedError extends VivaceError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super('overloaded', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Missing or invalid tenant id. HTTP 401, gRPC UNAUTHENTICATED. */
export class UnauthenticatedError extends VivaceError {
  constructor(message: string) {
    super('unauthenticated', message);
  }
}

export class StorageError extends VivaceError {
  constructor(message: string, cause?: unknown) {
    super('storage', message, { cause });
  }
}
