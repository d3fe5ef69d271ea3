import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../app/storage.js';
import { parseSearchQuery } from '../../api/http/search-routes.js';
import type { AnyValue, KeyValue, Span } from '../../model/index.js';
import { plainSpan, serviceBatch } from '../../../test/helpers/batches.js';
import { T0 } from '../../../test/fixtures/search-traces.js';
import { openTestStorage } from '../../../test/helpers/storage.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import type { SearchResult } from './search.js';

/**
 * The span attributes a page reports, when the statement that picks the page's spans gives them
 * (`SearchPlan.reportedRows`): the same values as the head reports, for every value type, and no
 * second read of `attrs.parquet`.
 */
const TENANT = 'single-tenant';

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const str = (value: string): AnyValue => ({ type: 'string', value });
const int = (value: string): AnyValue => ({ type: 'int', value });
const dbl = (value: number): AnyValue => ({ type: 'double', value });

/** Span i of trace i, with these attributes. */
function span(i: number, attributes: KeyValue[]): Span {
  const start = T0 + BigInt(i) * 1_000_000_000n;
  return plainSpan({
    traceId: (i + 1).toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: `op-${i}`,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 5_000_000n),
    attributes,
  });
}

const SPANS: KeyValue[][] = [
  [kv('big', int('9007199254740993')), kv('code', int('503')), kv('route', str('/pay'))],
  [kv('ratio', dbl(Infinity)), kv('code', int('404')), kv('route', str('/cart'))],
  [kv('ratio', dbl(NaN)), kv('flag', { type: 'bool', value: true })],
  [kv('ratio', dbl(1e300)), kv('code', int('500')), kv('route', str('/pay'))],
  [kv('ratio', dbl(0.1)), kv('flag', { type: 'bool', value: false })],
  [
    kv('tags', { type: 'array', value: [str('a'), str('b')] }),
    kv('code', { type: 'double', value: 502.5 }),
  ],
  [kv('big', int('-9223372036854775808')), kv('code', int('200'))],
];

/** Query, and whether a page of it reports only keys its filter requires. */
const QUERIES: Array<[string, boolean]> = [
  ['{ span.big = 9007199254740993 }', true],
  ['{ span.big < 0 }', true],
  ['{ span.ratio != 0.1 }', true],
  ['{ span.flag = true }', true],
  ['{ span.flag }', true],
  ['{ span.tags = "b" }', true],
  ['{ span.code >= 500 && span.route = "/pay" }', true],
  ['{ span.code >= 500 || span.code = 404 }', true],
  ['{ span.code > 400 && span.code < 503 }', true],
  // Keys the filter does not require are read afterwards.
  ['{ span.code >= 500 } | select(span.route)', false],
  ['{ span.code >= 500 || span.route = "/cart" }', false],
  ['{ span.code = 503 && span.big != nil }', false],
  ['{ span.code >= 500 && resource.service.name = "svc" }', true],
];

describe('TraceQL search, reported attributes picked with the spans', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  const fromHead = new Map<string, SearchResult>();
  /** Statements that read attribute rows of chosen spans again. */
  let rereads = 0;
  before(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    storage = await openTestStorage(tmp.dir);
    await storage.push(
      TENANT,
      serviceBatch(
        'svc',
        SPANS.map((attrs, i) => span(i, attrs)),
      ),
    );
    for (const [q] of QUERIES) {
      fromHead.set(
        q,
        await storage.search(TENANT, { pipeline: parseSearchQuery(q), limit: 20, spss: 3 }),
      );
    }
    await storage.flush();
    assert.equal(storage.store.blocks(TENANT).length, 1);
    const all = storage.db.all.bind(storage.db);
    storage.db.all = (sql, params) => {
      if (sql.includes('span_row AS row, file_row_number AS pos')) rereads++;
      return all(sql, params);
    };
  });
  after(async () => {
    await storage.close();
    await cleanup();
  });

  for (const [q, picked] of QUERIES) {
    test(q, async () => {
      const pipeline = parseSearchQuery(q);
      const head = fromHead.get(q);
      assert.ok(head !== undefined && head.traces.length > 0);
      // Past 500 traces asked for, the block's spans come from the candidate statement: picked
      // after the choice up to 1000, with the choice above.
      for (const limit of [600, 100_000]) {
        rereads = 0;
        const r = await storage.search(TENANT, { pipeline, limit, spss: 3 });
        assert.deepEqual(r.traces, head.traces);
        assert.equal(rereads, picked ? 0 : 1);
      }
    });
  }

  test('a key repeated in one span (OTLP forbids it) reports the value that matched', async () => {
    await storage.push(
      TENANT,
      serviceBatch('svc', [span(20, [kv('dup', str('a')), kv('dup', str('b'))])]),
    );
    await storage.flush();
    const r = await storage.search(TENANT, {
      pipeline: parseSearchQuery('{ span.dup = "b" }'),
      limit: 1000,
      spss: 3,
    });
    assert.deepEqual(
      r.traces.map((t) => t.spanSets[0]?.spans[0]?.attributes),
      [[{ key: 'dup', value: { stringValue: 'b' } }]],
    );
  });
});
