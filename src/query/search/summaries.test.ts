/**
 * Candidates from trace summaries (`SearchPlan.summaries`): conditions on `resource.service.name`
 * and `status = error` narrow the traces of a judged search from `traces.parquet` alone. The
 * narrowing may let extra traces through but must never drop one, whatever the service name
 * holds (quotes, backslashes, a name that is a prefix of another).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchQuery } from '../../api/http/search-routes.js';
import type { Span, SpanBatch, StatusCode } from '../../model/index.js';
import { fixtureLayouts } from '../../../test/fixtures/search-traces.js';
import { plainSpan, serviceBatch } from '../../../test/helpers/batches.js';
import { suiteStorage } from '../../../test/helpers/storage.js';
import { planSearch } from './plan.js';

const TENANT = 'single-tenant';
const ODD = 'we"ird \\ svc';
const T0 = 1_700_000_100_000n * 1_000_000n;

function span(trace: string, id: string, parent: string, status: StatusCode = 0): Span {
  return plainSpan({
    traceId: trace.repeat(32),
    spanId: id.repeat(16),
    parentSpanId: parent === '' ? '' : parent.repeat(16),
    name: `op-${id}`,
    startTimeUnixNano: String(T0 + BigInt(id.charCodeAt(0))),
    endTimeUnixNano: String(T0 + 1000n),
    statusCode: status,
  });
}

/** Trace e: ODD → child error in `db`; f: ODD without error; 7: `we` (a prefix) → error child. */
const EXTRAS: SpanBatch[] = [
  serviceBatch(ODD, [span('e', '1', ''), span('f', '3', '')]),
  serviceBatch('db', [span('e', '2', '1', 2), span('f', '4', '3'), span('7', '6', '5', 2)]),
  serviceBatch('we', [span('7', '5', '')]),
];

/** Query → the trace ids (first hex digit) it must find among e, f and 7. */
const CASES: Array<[string, string]> = [
  [`{ resource.service.name = ${JSON.stringify(ODD)} } >> { status = error }`, 'e'],
  [`{ resource.service.name = ${JSON.stringify(ODD)} } > { status = error }`, 'e'],
  // Error spans without an ODD parent.
  [`{ resource.service.name = ${JSON.stringify(ODD)} } !> { status = error }`, '7'],
  [`{ resource.service.name = "we" } >> { status = error }`, '7'],
  [`{ resource.service.name = "we" || resource.service.name = "db" } ~ { kind = server }`, ''],
  [
    `{ resource.service.name = ${JSON.stringify(ODD)} && status = unset } >> { resource.service.name = "db" }`,
    'e,f',
  ],
  [`{ status = error && resource.service.name = "db" } << { resource.service.name = "we" }`, '7'],
];

function ours(ids: readonly string[]): string {
  return ids
    .map((id) => id.replace(/^0+/, '')[0] ?? '')
    .filter((c) => c === 'e' || c === 'f' || c === '7')
    .sort()
    .join(',');
}

test('the summary conditions are used for these queries', () => {
  for (const [q] of CASES) {
    const plan = planSearch(parseSearchQuery(q));
    assert.equal(plan.sqlDecides, false, q);
    assert.ok(
      plan.summaries?.some((c) => c !== 'true'),
      q,
    );
  }
});

for (const mode of fixtureLayouts(EXTRAS)) {
  describe(`search narrowed by trace summaries, data ${mode.name}`, () => {
    const storage = suiteStorage((st) => mode.load(st, TENANT));
    for (const [q, expected] of CASES) {
      test(q, async () => {
        const pipeline = parseSearchQuery(q);
        for (const limit of [20, 100_000]) {
          const r = await storage().search(TENANT, { pipeline, limit, spss: 3 });
          assert.equal(ours(r.traces.map((t) => t.traceId)), expected, `limit ${limit}`);
        }
      });
    }
  });
}
