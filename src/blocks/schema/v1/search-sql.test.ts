import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceQL, type FieldExpr } from '../../../traceql/index.js';
import { candidateTracesSql, compileFilter } from './search-sql.js';

/** The body of the first `{…}` of a query. */
function body(q: string): FieldExpr {
  const { query } = parseTraceQL(q);
  const first = 'elements' in query ? query.elements[0] : undefined;
  if (first?.kind !== 'SpansetFilter') throw new Error(`not a filter: ${q}`);
  return first.expr;
}

describe('compileFilter scan conditions', () => {
  const cases: Array<[string, string | undefined]> = [
    ['{ resource.service.name = "payment" }', "service_name = 'payment'"],
    ['{ status = error }', 'status_code = 2'],
    ['{ kind != client }', 'kind != 3'],
    ['{ name = "users.get" }', "name = 'users.get'"],
    ['{ name =~ "GET.*" }', "regexp_full_match(name, '(?s:GET.*)')"],
    ['{ statusMessage = "x" }', "status_message = 'x'"],
    ['{ duration > 1s }', 'duration_nano > 1000000000'],
    ['{ duration > -1s }', undefined],
    ['{ duration > 1.5 }', undefined],
    ['{ trace:id = "ab" }', "trace_id = '000000000000000000000000000000ab'"],
    ['{ status = error && span.http.status_code = 500 }', 'status_code = 2'],
    ['{ status = error && duration > 1s }', '(status_code = 2) AND (duration_nano > 1000000000)'],
    ['{ name = "a" || name = "b" }', "(name = 'a') OR (name = 'b')"],
    ['{ name = "a" || span.x = 1 }', undefined],
    ['{ !(status = error) }', undefined],
    ['{ span.http.status_code >= 500 }', undefined],
    ['{ false }', 'false'],
    ['{ true }', undefined],
  ];
  for (const [q, scan] of cases) {
    test(q, () => assert.equal(compileFilter(body(q)).scan, scan));
  }
});

describe('compileFilter array alternatives', () => {
  const q = '{ span.tags = "vip" }';
  test('every key may hold arrays when nothing is known', () => {
    assert.match(compileFilter(body(q)).sql, /json_transform/);
  });
  test('a key that holds arrays keeps the array alternative', () => {
    assert.match(
      compileFilter(body(q), { spanArrayKeys: new Set(['tags']) }).sql,
      /json_transform/,
    );
  });
  test('a key without arrays compares scalars only', () => {
    const sql = compileFilter(body(q), { spanArrayKeys: new Set(['other']) }).sql;
    assert.equal(
      sql,
      "s.key IN (SELECT key FROM span_attrs WHERE k = 'tags' AND ((t = 1 AND s = 'vip')))",
    );
  });
  test('resource attributes keep it whatever the span keys', () => {
    const sql = compileFilter(body('{ resource.tags = "vip" }'), { spanArrayKeys: new Set() }).sql;
    assert.match(sql, /json_transform/);
  });
});

describe('candidateTracesSql picks first spans before or after choosing traces', () => {
  const filters = [compileFilter(body('{ span.user.id = "u-1" }'))];
  const sql = (limit: number, firstPerTrace?: number) =>
    candidateTracesSql({
      sources: [{ dir: '/b' }],
      filters,
      tracePredicate: 'any_0',
      needsFlag: true,
      limit,
      firstPerTrace,
    });
  // [limit, spans per trace, flagged spans kept in memory, picked after the choice]: the first
  // spans of a page always come from the flagged spans kept in memory.
  const cases: Array<[number, number | undefined, boolean, boolean]> = [
    [20, 3, true, true],
    [1000, 3, true, true],
    [1001, 3, true, false],
    [20, undefined, false, false],
  ];
  for (const [limit, first, kept, after] of cases) {
    test(`limit ${limit}, spss ${String(first)}`, () => {
      const text = sql(limit, first);
      assert.deepEqual(
        { kept: /\bm AS MATERIALIZED/.test(text), after: /\bp AS \(SELECT/.test(text) },
        { kept, after },
      );
    });
  }
});
