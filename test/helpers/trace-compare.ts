/** Order-insensitive comparison of traces: resources, scopes and spans are matched by content. */
import assert from 'node:assert/strict';
import type { SpanBatch } from '../../src/model/index.js';

interface FlatSpan {
  resource: unknown;
  resourceSchemaUrl: string;
  scope: unknown;
  scopeSchemaUrl: string;
  span: unknown;
}

function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    // Keys in one order, so that the sort below does not depend on how an object was built.
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      out[k] = normalise(v);
    return out;
  }
  return value;
}

export function flattenTrace(trace: SpanBatch): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const rs of trace.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        out.push({
          resource: normalise(rs.resource),
          resourceSchemaUrl: rs.schemaUrl,
          scope: normalise(ss.scope),
          scopeSchemaUrl: ss.schemaUrl,
          span: normalise(span),
        });
      }
    }
  }
  return out.sort((a, b) => {
    const x = JSON.stringify(a.span);
    const y = JSON.stringify(b.span);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Asserts that two traces hold the same spans with the same resources and scopes. */
export function assertSameTrace(actual: SpanBatch | undefined, expected: SpanBatch): void {
  assert.ok(actual, 'trace not found');
  assert.deepEqual(flattenTrace(actual), flattenTrace(expected));
}
