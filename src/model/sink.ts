import type { SpanBatch } from './span.js';

/** What a receiver hands over: a decoded batch and what decoding refused. */
export interface ReceivedBatch {
  batch: SpanBatch;
  /** Spans in `batch`. */
  spanCount: number;
  /** Spans the decoder refused (invalid ids); they are not in `batch`. */
  rejectedSpans: number;
  /** Why, for the first refused span; '' when none. */
  rejectionMessage: string;
  /** Size of the request as received (after decompression), for rate limits and metrics. */
  bytes: number;
  /** Receiver name for metrics, e.g. `otlp_http`. */
  receiver: string;
}

/** OTLP's partial success: how many spans were refused and why. */
export interface PushOutcome {
  rejectedSpans: number;
  errorMessage: string;
}

/**
 * The wire formats a raw request may be in: OTLP `ExportTraceServiceRequest` (protobuf, JSON);
 * Jaeger's thrift `Batch` (binary protocol, as POSTed to `/api/traces`), agent `emitBatch`
 * datagrams (compact and binary protocols) and protobuf `PostSpansRequest`; Zipkin v2 JSON and
 * protobuf `ListOfSpans`, v1 JSON.
 */
export type RawFormat =
  | 'otlp-protobuf'
  | 'otlp-json'
  | 'jaeger-thrift-batch'
  | 'jaeger-agent-compact'
  | 'jaeger-agent-binary'
  | 'jaeger-proto'
  | 'zipkin-v2-json'
  | 'zipkin-v2-proto'
  | 'zipkin-v1-json';

/** A request body that the distributor decodes itself (off the event loop, in its workers). */
export interface RawRequest {
  format: RawFormat;
  body: Uint8Array;
  /** Zipkin's `parse_string_tags`. */
  parseStringTags?: boolean;
  /** Receiver name for metrics, e.g. `otlp_grpc`. */
  receiver: string;
}

/**
 * Where receivers push spans (the distributor). `push` resolves once the accepted spans are
 * durable, and rejects with a VivaceError (limits, overload, storage) when none were taken.
 */
export interface SpanSink {
  push(tenant: string, received: ReceivedBatch): Promise<PushOutcome>;
  /** Decodes and pushes a raw request; rejects with InvalidRequestError when it is malformed. */
  pushRaw(tenant: string, raw: RawRequest): Promise<PushOutcome>;
}

const TENANT_CHARS = /^[a-zA-Z0-9!\-_.*'()]+$/;

/**
 * Why a tenant id is not valid (Tempo's rules: at most 150 characters of `a-z A-Z 0-9 ! - _ . * ' ( )`,
 * not `.` or `..`), or undefined when it is valid.
 */
export function tenantIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'the tenant id is empty';
  if (id.length > 150) return 'the tenant id is longer than 150 characters';
  if (id === '.' || id === '..') return `the tenant id may not be "${id}"`;
  if (!TENANT_CHARS.test(id)) {
    return `the tenant id "${id}" has a character other than a-z, A-Z, 0-9 and !-_.*'()`;
  }
  return undefined;
}

/** The tenant every request belongs to when multi-tenancy is off (Tempo's name). */
export const SINGLE_TENANT = 'single-tenant';
