/**
 * What the search engine evaluates: stored spans (the WAL line form, also what blocks give back)
 * with their resource and scope, placed in their trace's tree, and the trace's own fields.
 */
import type { StoredResource, StoredScope, StoredSpan } from '../../wal/index.js';

/** One span as TraceQL sees it. */
export interface EvalSpan {
  /** The stored line: ids, name, kind, times, status, attributes (`a`), events (`e`), links (`l`). */
  readonly line: StoredSpan;
  /** Its resource (`line.r`) and scope (`line.c`); undefined when the dictionary lacks them. */
  readonly resource: StoredResource | undefined;
  readonly scope: StoredScope | undefined;
  /** Nested-set numbers of the trace tree (Tempo's): left, right, and the parent's left (-1 at a root). */
  nestedSetLeft: number;
  nestedSetRight: number;
  nestedSetParent: number;
  /** Direct children in the trace. */
  childCount: number;
}

/** A span not yet placed in its tree (nested-set numbers 0 until `numberTree`). */
export function evalSpan(
  line: StoredSpan,
  resource: StoredResource | undefined,
  scope: StoredScope | undefined,
): EvalSpan {
  return {
    line,
    resource,
    scope,
    nestedSetLeft: 0,
    nestedSetRight: 0,
    nestedSetParent: 0,
    childCount: 0,
  };
}

/** The trace-level intrinsics (`trace:*`). */
export interface EvalTrace {
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** Name and service of the root span (the span without parent); undefined when not received. */
  readonly rootName: string | undefined;
  readonly rootService: string | undefined;
  /** Earliest span start, and latest end minus that start, in unix nanoseconds. */
  readonly startNs: bigint;
  readonly durationNs: bigint;
}

/** The service of a resource: its `service.name` string, '' when it has none. */
export function serviceOf(resource: StoredResource | undefined): string {
  if (resource?.sv) return resource.sv;
  const a = resource?.a?.find((x) => x.k === 'service.name' && x.t === 1);
  return a?.s ?? '';
}
