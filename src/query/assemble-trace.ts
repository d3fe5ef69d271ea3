/**
 * Rebuilds a trace from stored span rows found in the head and in blocks: groups spans under their
 * resource and scope, and drops duplicates (same span id and kind), as Tempo's combiner does.
 */
import type { ResourceSpans, ScopeSpans, SpanBatch } from '../model/index.js';
import {
  decodeResource,
  decodeScope,
  decodeSpan,
  type StoredResource,
  type StoredScope,
  type StoredSpan,
} from '../wal/index.js';

export interface TracePart {
  spans: readonly StoredSpan[];
  resources: ReadonlyMap<string, StoredResource>;
  scopes: ReadonlyMap<string, StoredScope>;
}

const MISSING_RESOURCE: StoredResource = { rid: '', a: [] };
const MISSING_SCOPE: StoredScope = { sid: '' };

/** Trace order of stored spans: start time (decimal text, compared without BigInt), then span id. */
export function compareStart(a: StoredSpan, b: StoredSpan): number {
  const x = String(a.st);
  const y = String(b.st);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
}

/** The trace made of `parts`, or undefined when they hold no span. */
export function assembleTrace(parts: readonly TracePart[]): SpanBatch | undefined {
  const seen = new Set<string>();
  const rows: Array<{ span: StoredSpan; part: TracePart }> = [];
  for (const part of parts) {
    for (const span of part.spans) {
      const key = `${span.s}:${span.k}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ span, part });
    }
  }
  if (rows.length === 0) return undefined;
  rows.sort((a, b) => compareStart(a.span, b.span));
  const byResource = new Map<string, ResourceSpans>();
  const byScope = new Map<string, ScopeSpans>();
  for (const { span, part } of rows) {
    let rs = byResource.get(span.r);
    if (rs === undefined) {
      const { resource, schemaUrl } = decodeResource(
        part.resources.get(span.r) ?? MISSING_RESOURCE,
      );
      rs = { resource, schemaUrl, scopeSpans: [] };
      byResource.set(span.r, rs);
    }
    const scopeKey = `${span.r}/${span.c}`;
    let ss = byScope.get(scopeKey);
    if (ss === undefined) {
      const { scope, schemaUrl } = decodeScope(part.scopes.get(span.c) ?? MISSING_SCOPE);
      ss = { scope, schemaUrl, spans: [] };
      byScope.set(scopeKey, ss);
      rs.scopeSpans.push(ss);
    }
    ss.spans.push(decodeSpan(span));
  }
  return { resourceSpans: [...byResource.values()] };
}
