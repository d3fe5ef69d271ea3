/**
 * What goes wrong in the demo shop, and how each failure shows up in HTTP and gRPC status codes
 * and in `exception` events. The stack traces are invented but shaped like each runtime's own.
 */

/** A failure an operation reports to its caller. */
export type Fault =
  | 'not_found'
  | 'unauthenticated'
  | 'declined'
  | 'conflict'
  | 'unavailable'
  | 'timeout'
  | 'internal';

/** The result of an operation: when it ended (ns from the trace's base) and how it failed. */
export interface Outcome {
  readonly end: number;
  readonly fault: Fault | undefined;
  /** A human-readable reason, '' when the operation succeeded. */
  readonly message: string;
}

export function ok(end: number): Outcome {
  return { end, fault: undefined, message: '' };
}

export function failed(end: number, fault: Fault, message: string): Outcome {
  return { end, fault, message };
}

/** The same failure, reported later (by a caller that passes it on). */
export function relay(outcome: Outcome, end: number): Outcome {
  return { end, fault: outcome.fault, message: outcome.message };
}

const HTTP_STATUS: Readonly<Record<Fault, number>> = {
  not_found: 404,
  unauthenticated: 401,
  declined: 402,
  conflict: 409,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** The HTTP status a server answers with; 200 on success. */
export function httpStatusOf(fault: Fault | undefined): number {
  return fault === undefined ? 200 : HTTP_STATUS[fault];
}

const GRPC_STATUS: Readonly<Record<Fault, number>> = {
  not_found: 5,
  unauthenticated: 16,
  declined: 9,
  conflict: 10,
  unavailable: 14,
  timeout: 4,
  internal: 13,
};

/** The gRPC status code a server answers with; 0 (OK) on success. */
export function grpcStatusOf(fault: Fault | undefined): number {
  return fault === undefined ? 0 : GRPC_STATUS[fault];
}

/**
 * Whether a gRPC server span is an error: per the semantic conventions only codes that mean the
 * server failed (UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, …) are; a client span is an
 * error for any code but OK.
 */
export function isGrpcServerError(fault: Fault | undefined): boolean {
  return fault === 'unavailable' || fault === 'timeout' || fault === 'internal';
}

export interface ExceptionInfo {
  readonly type: string;
  readonly message: string;
  readonly stacktrace: string;
}

function exception(type: string, message: string, frames: readonly string[]): ExceptionInfo {
  return { type, message, stacktrace: [`${type}: ${message}`, ...frames].join('\n') };
}

/** The exceptions the shop's code raises, by where they happen. */
export const EXCEPTIONS = {
  cardDeclined: exception('CardDeclinedError', 'card declined: insufficient funds', [
    '    at PaymentProvider.charge (/app/src/provider.js:88:13)',
    '    at async ChargeHandler.handle (/app/src/charge.js:41:22)',
    '    at async Server.onCall (/app/node_modules/@grpc/grpc-js/build/src/server.js:1120:9)',
  ]),
  fraudTimeout: exception('TimeoutError', 'The operation was aborted due to timeout', [
    '    at new DOMException (node:internal/per_context/domexception:53:5)',
    '    at AbortSignal.timeout (node:internal/abort_controller:141:5)',
    '    at FraudClient.score (/app/src/fraud-client.js:27:18)',
    '    at async ChargeHandler.handle (/app/src/charge.js:33:19)',
  ]),
  outOfStock: exception(
    'com.shop.inventory.OutOfStockException',
    'not enough stock to reserve the order',
    [
      '\tat com.shop.inventory.ReservationService.reserve(ReservationService.java:74)',
      '\tat com.shop.inventory.grpc.InventoryGrpcService.reserve(InventoryGrpcService.java:52)',
      '\tat io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener.onHalfClose(ServerCalls.java:182)',
    ],
  ),
  paymentFailed: exception('com.shop.checkout.PaymentFailedException', 'payment was not accepted', [
    '\tat com.shop.checkout.OrderService.charge(OrderService.java:131)',
    '\tat com.shop.checkout.OrderService.placeOrder(OrderService.java:88)',
    '\tat com.shop.checkout.web.CheckoutController.checkout(CheckoutController.java:45)',
  ]),
  redisTimeout: exception(
    'StackExchange.Redis.RedisTimeoutException',
    'Timeout performing HGETALL (5000ms), inst: 2, qu: 0, qs: 7, in: 0, serverEndpoint: redis-master:6379',
    [
      '   at StackExchange.Redis.ConnectionMultiplexer.ExecuteSyncImpl[T](Message message, ResultProcessor`1 processor)',
      '   at Shop.Cart.CartStore.GetAsync(String userId) in /src/Cart/CartStore.cs:line 37',
      '   at Shop.Cart.CartService.GetCart(GetCartRequest request, ServerCallContext context) in /src/Cart/CartService.cs:line 22',
    ],
  ),
  invalidPassword: exception('*errors.errorString', 'invalid credentials', []),
  productNotFound: exception('*errors.errorString', 'product not found', []),
  socketHangUp: exception('Error', 'socket hang up', [
    '    at connResetException (node:internal/errors:787:14)',
    '    at Socket.socketOnEnd (node:_http_client:519:23)',
    '    at Socket.emit (node:events:530:35)',
  ]),
} as const satisfies Record<string, ExceptionInfo>;
