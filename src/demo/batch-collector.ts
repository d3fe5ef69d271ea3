/**
 * Groups spans into OTLP's nesting as they are made: one ResourceSpans per resource, one
 * ScopeSpans per scope within it, both in first-seen order (so the output is deterministic).
 * Resources and scopes are matched by identity.
 */

import type { Resource, ResourceSpans, Scope, Span, SpanBatch } from '../model/index.js';

const SCHEMA_URL = 'https://opentelemetry.io/schemas/1.26.0';

export class BatchCollector {
  #groups = new Map<Resource, ResourceSpans>();

  add(resource: Resource, scope: Scope, span: Span): void {
    let group = this.#groups.get(resource);
    if (group === undefined) {
      group = { resource, schemaUrl: SCHEMA_URL, scopeSpans: [] };
      this.#groups.set(resource, group);
    }
    for (const ss of group.scopeSpans) {
      if (ss.scope === scope) {
        ss.spans.push(span);
        return;
      }
    }
    group.scopeSpans.push({ scope, schemaUrl: SCHEMA_URL, spans: [span] });
  }

  /** The spans added since the last call, as a batch; the collector starts empty again. */
  take(): SpanBatch {
    const batch = { resourceSpans: [...this.#groups.values()] };
    this.#groups = new Map();
    return batch;
  }
}
