import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../app/storage.js';
import { parseSearchQuery } from '../../api/http/search-routes.js';
import { fixtureLayouts, TRACE_IDS } from '../../../test/fixtures/search-traces.js';
import { suiteStorage } from '../../../test/helpers/storage.js';
import type { SearchResult } from './search.js';

const TENANT = 'single-tenant';
const LETTER = new Map(Object.entries(TRACE_IDS).map(([k, v]) => [v, k]));

/** `D:d2/1 B:b2/1`: per trace (newest first), each spanset's spans (short ids) and matched count. */
function render(r: SearchResult): string {
  return r.traces
    .map((t) => {
      const sets = t.spanSets.map(
        (ss) => `${ss.spans.map((s) => s.spanId.replace(/^0+/, '')).join(',')}/${ss.matched}`,
      );
      return `${LETTER.get(t.traceId) ?? t.traceId}:${sets.join(';')}`;
    })
    .join(' ');
}

/** Query → expected result with spss 3 (Tempo's default), on the fixture of search-traces.ts. */
const CASES: Array<[string, string]> = [
  // the benchmark's shapes
  ['{ resource.service.name = "payment" }', 'D:d2/1 B:b2/1 A:a3/1'],
  ['{ resource.service.name = "payment" && duration > 1s }', 'B:b2/1'],
  ['{ status = error }', 'D:d2/1 B:b1/1 A:a2,a3/2'],
  ['{ span.http.status_code >= 500 }', 'B:b1/1 A:a2/1'],
  ['{ name = "Charge" } && { name = "SELECT users" }', 'D:d2,d3/2 B:b2,b3/2 A:a3,a4/2'],
  ['{ span.user.id = "u-123" }', 'A:a3/1'],
  ['{ resource.service.name = "checkout" } >> { status = error }', 'A:a3/1'],
  ['{} | count() > 4', 'A:a1,a2,a3/5'],
  // every span, newest trace first
  ['{}', 'D:d2,d3/2 C:c1/1 B:b1,b2,b3/3 A:a1,a2,a3/5'],
  ['{ true }', 'D:d2,d3/2 C:c1/1 B:b1,b2,b3/3 A:a1,a2,a3/5'],
  ['{ false }', ''],
  // intrinsics
  ['{ name =~ "GET.*" }', 'C:c1/1 A:a1/1'],
  ['{ name =~ "GET" }', ''],
  ['{ name !~ ".*e.*" }', 'C:c1/1 A:a1/1'],
  ['{ kind = client }', 'D:d3/1 B:b3/1 A:a2,a4/2'],
  ['{ span:kind != server && span:kind != client }', 'A:a5/1'],
  ['{ status = ok }', 'A:a4/1'],
  ['{ status = unset && kind = server }', 'C:c1/1 B:b2/1 A:a1/1'],
  ['{ statusMessage = "card declined" }', 'A:a3/1'],
  ['{ duration > 50ms && duration < 90ms }', 'A:a2,a3/2'],
  ['{ duration >= 1.5s }', 'B:b1,b2/2'],
  ['{ span:duration < 2ms }', 'C:c1/1'],
  ['{ span:id = "00000000000000a3" }', 'A:a3/1'],
  ['{ span:id = "a3" }', 'A:a3/1'],
  ['{ span:parentID = "00000000000000b1" }', 'B:b2,b3/2'],
  ['{ trace:id = "b" }', 'B:b1,b2,b3/3'],
  ['{ trace:id = "0000000000000000000000000000000c" }', 'C:c1/1'],
  ['{ span:name = "render" || span:name = "GET /" }', 'C:c1/1 A:a5/1'],
  // trace-level intrinsics
  ['{ traceDuration > 1s }', 'B:b1,b2,b3/3'],
  ['{ trace:duration < 5ms }', 'C:c1/1'],
  ['{ rootServiceName = "frontend" && name = "render" }', 'A:a5/1'],
  ['{ trace:rootName = "GET /" }', 'C:c1/1'],
  ['{ rootServiceName = "payment" }', ''],
  // attributes, typed
  ['{ span.http.status_code = 500 }', 'A:a2/1'],
  ['{ span.http.status_code = "500" }', ''],
  ['{ span.http.status_code > 250.5 }', 'B:b1/1 A:a2/1'],
  ['{ span.http.status_code != 200 }', 'B:b1/1 A:a2/1'],
  ['{ .amount > 12 }', 'A:a3/1'],
  ['{ .amount = 12.5 }', 'A:a3/1'],
  ['{ .retry }', 'A:a3/1'],
  ['{ .retry = false }', ''],
  ['{ span.user.id =~ "u-.*" }', 'B:b2/1 A:a3/1'],
  ['{ span.user.id != "u-123" }', 'B:b2/1'],
  ['{ span.user.id > "u-5" }', 'B:b2/1'],
  ['{ span.db.system = "postgresql" }', 'A:a4/1'],
  // existence
  ['{ span.user.id != nil }', 'B:b2/1 A:a3/1'],
  ['{ span.user.id = nil && resource.service.name = "payment" }', 'D:d2/1'],
  ['{ .deployment.environment != nil }', 'C:c1/1 A:a1,a5/2'],
  // unscoped: the span's value wins over the resource's
  ['{ .deployment.environment = "canary" }', 'C:c1/1'],
  ['{ .deployment.environment = "prod" }', 'A:a1,a5/2'],
  ['{ resource.deployment.environment = "prod" }', 'C:c1/1 A:a1,a5/2'],
  ['{ .service.name = "db" }', 'D:d3/1 B:b3/1 A:a4/1'],
  // arrays: any element, none for negations
  ['{ span.tags = "vip" }', 'A:a3/1'],
  ['{ span.tags = "gold" }', ''],
  ['{ span.tags != "gold" }', 'A:a3/1'],
  ['{ span.tags != "vip" }', ''],
  ['{ span.tags =~ "be.*" }', 'A:a3/1'],
  ['{ span.sizes > 2 }', 'B:b2/1'],
  ['{ span.sizes = 4 }', ''],
  // negation
  ['{ !(span.user.id = "u-123") && name = "Charge" }', 'D:d2/1 B:b2/1'],
  // events, links, instrumentation
  ['{ event.exception.message = "boom" }', 'A:a2/1'],
  ['{ event:name = "exception" }', 'A:a2/1'],
  ['{ link.relation = "follows" }', 'A:a5/1'],
  ['{ link:traceID = "0000000000000000000000000000000b" }', 'A:a5/1'],
  ['{ instrumentation:name = "io.opentelemetry.http" }', 'C:c1/1'],
  ['{ instrumentation:version = "1.2.3" }', 'C:c1/1'],
  // field arithmetic and comparisons between fields
  ['{ duration * 2 > 150ms }', 'B:b1,b2/2 A:a1,a2/2'],
  ['{ span.http.status_code - 300 = 200 }', 'A:a2/1'],
  // structural
  ['{ name = "GET /cart" } > { kind = client }', 'A:a2/1'],
  ['{ name = "GET /cart" } >> { name = "SELECT users" }', 'A:a4/1'],
  ['{ name = "SELECT users" } < {}', 'D:d2/1 B:b1/1 A:a3/1'],
  ['{ name = "SELECT users" } << { kind = server }', 'D:d2/1 B:b1/1 A:a1,a3/2'],
  ['{ name = "Charge" } ~ {}', 'B:b3/1'],
  ['{ name = "Charge" } !~ { name = "SELECT users" }', 'D:d3/1 A:a4/1'],
  ['{ name = "Charge" } !> { name = "SELECT users" }', 'B:b3/1'],
  ['{ kind = server } !>> { kind = client }', ''],
  ['{ name = "POST /checkout" } &>> { name = "SELECT users" }', 'B:b1,b3/2 A:a2,a4/2'],
  ['{ name = "Charge" } &~ {}', 'B:b2,b3/2'],
  ['{ name = "GET /cart" } &> { }', 'A:a1,a2,a5/3'],
  ['{ nestedSetParent < 0 }', 'C:c1/1 B:b1/1 A:a1/1'],
  ['{ nestedSetParent = 0 }', 'D:d2/1'],
  ['{ span:childCount = 2 }', 'B:b1/1 A:a1/1'],
  // spanset operators
  ['{ name = "Charge" } || { name = "render" }', 'D:d2/1 B:b2/1 A:a3,a5/2'],
  ['{ span.user.id = "u-123" } && { span.user.id = "u-999" }', ''],
  ['({ name = "Charge" } | count() = 1) && ({ status = error } | count() > 1)', 'A:a2,a3/2'],
  // pipelines
  ['{ status = error } | count() > 1', 'A:a2,a3/2'],
  ['{} | count() = 1', 'C:c1/1'],
  ['{ name = "Charge" } | avg(duration) > 1s', 'B:b2/1'],
  ['{} | max(duration) >= 2s', 'B:b1,b2,b3/3'],
  ['{} | min(duration) < 2ms', 'C:c1/1'],
  ['{} | sum(duration) > 3s', 'B:b1,b2,b3/3'],
  ['{ span.http.status_code != nil } | avg(span.http.status_code) > 300', 'B:b1/1 A:a1,a2/2'],
  ['{} | by(resource.service.name) | count() > 1', 'A:a1,a5/2'],
  ['{ status = error } | by(resource.service.name)', 'D:d2/1 B:b1/1 A:a2/1;a3/1'],
  ['{ status = error } | by(resource.service.name) | coalesce()', 'D:d2/1 B:b1/1 A:a2,a3/2'],
  ['{ name = "Charge" } | select(span.user.id)', 'D:d2/1 B:b2/1 A:a3/1'],
  ['{} | { name = "Charge" }', 'D:d2/1 B:b2/1 A:a3/1'],
  ['count() > 3 | { kind = client }', 'A:a2,a4/2'],
  ['{ kind = server } | count() > 1 | { status = error }', 'B:b1/1 A:a3/1'],
];

/**
 * Each case as a first page (limit 20) and as every match (limit 100000), which go different
 * ways through the engine (search.ts `FEW_TRACES`) and must agree: `page | all`.
 */
async function runAll(storage: Storage): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [q] of CASES) {
    const pipeline = parseSearchQuery(q);
    const page = await storage.search(TENANT, { pipeline, limit: 20, spss: 3 });
    const all = await storage.search(TENANT, { pipeline, limit: 100_000, spss: 3 });
    out.set(q, `${render(page)} | ${render(all)}`);
  }
  return out;
}

for (const mode of fixtureLayouts()) {
  describe(`TraceQL search, data ${mode.name}`, () => {
    const storage = suiteStorage((st) => mode.load(st, TENANT));
    let results: Map<string, string>;
    before(async () => {
      results = await runAll(storage());
    });
    for (const [q, expected] of CASES) {
      test(q, () => assert.equal(results.get(q), `${expected} | ${expected}`));
    }
  });
}
