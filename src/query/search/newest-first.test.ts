import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../app/storage.js';
import { parseSearchQuery } from '../../api/http/search-routes.js';
import { VivaceError, type KeyValue, type Span, type SpanBatch } from '../../model/index.js';
import { T0 } from '../../../test/fixtures/search-traces.js';
import { plainSpan, serviceBatch } from '../../../test/helpers/batches.js';
import { openTestStorage } from '../../../test/helpers/storage.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import type { SearchResult } from './search.js';

/**
 * First pages read from the newest blocks (search.ts `newestBlocksFirst`). Five blocks, each
 * holding six traces `k0`…`k5` of its own 100 s window (trace kj starts at k·100 + j·10 s): a
 * `GET /` root, a `Charge` child of payment (an error when j is even, `user.id` when j is a
 * multiple of 3) and, when j is odd, a `SELECT users` grandchild. Besides them, traces whose
 * spans lie in an old block and in the newest one:
 * - `s1`: root at 150 s (block 1), its `Charge` at 455 s (block 4): newer than any other span,
 *   yet the trace started at 150 s.
 * - `s2`: root at 160 s (block 1), its `Charge` at 405 s (block 4), with `user.id` u-4.
 * - `x`: root and `SELECT users` at 250 s (block 2), its `Charge` at 445 s (block 4): it has
 *   both names only across blocks.
 * And in the head (the WAL, not yet a block): `h` (root and an error `Charge` of payment at
 * 470 s), and a second `Charge` (an error) for trace `31` (block 3) at 480 s.
 */
const TENANT = 'single-tenant';
const SEC = 1_000_000_000n;

function traceIdOf(name: string): string {
  return Buffer.from(name).toString('hex').padStart(32, '0');
}

const NAMES = new Map<string, string>();

interface Def {
  trace: string;
  id: string;
  parent?: string;
  service: string;
  name: string;
  atMs: number;
  durMs: number;
  error?: boolean;
  attrs?: KeyValue[];
}

function span(d: Def): Span {
  const traceId = traceIdOf(d.trace);
  NAMES.set(traceId, d.trace);
  const start = T0 + BigInt(d.atMs) * 1_000_000n;
  return plainSpan({
    traceId,
    spanId: d.id.padStart(16, '0'),
    parentSpanId: d.parent === undefined ? '' : d.parent.padStart(16, '0'),
    name: d.name,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + BigInt(d.durMs) * 1_000_000n),
    attributes: d.attrs ?? [],
    statusCode: d.error === true ? 2 : 0,
  });
}

function batchOf(defs: readonly Def[]): SpanBatch {
  const services = [...new Set(defs.map((d) => d.service))];
  return {
    resourceSpans: services.flatMap(
      (service) =>
        serviceBatch(service, defs.filter((d) => d.service === service).map(span)).resourceSpans,
    ),
  };
}

/** The spans of block k (0…4), or with k = 5 those of the head. */
function blockDefs(k: number): Def[] {
  const defs: Def[] = [];
  for (let j = 0; j < (k < 5 ? 6 : 0); j++) {
    const trace = `${k}${j}`;
    const at = (k * 100 + j * 10) * 1000;
    defs.push({ trace, id: '1', service: 'frontend', name: 'GET /', atMs: at, durMs: 1000 });
    defs.push({
      trace,
      id: '2',
      parent: '1',
      service: 'payment',
      name: 'Charge',
      atMs: at + 100,
      durMs: 200,
      error: j % 2 === 0,
      attrs: j % 3 === 0 ? [{ key: 'user.id', value: { type: 'string', value: `u-${k}` } }] : [],
    });
    if (j % 2 === 1) {
      defs.push({
        trace,
        id: '3',
        parent: '2',
        service: 'db',
        name: 'SELECT users',
        atMs: at + 150,
        durMs: 20,
      });
    }
  }
  const root = (trace: string, atS: number): Def => ({
    trace,
    id: '1',
    service: 'frontend',
    name: 'GET /',
    atMs: atS * 1000,
    durMs: 1000,
  });
  const charge = (trace: string, atS: number, id = '2', attrs: KeyValue[] = []): Def => ({
    trace,
    id,
    parent: '1',
    service: 'payment',
    name: 'Charge',
    atMs: atS * 1000,
    durMs: 200,
    error: true,
    attrs,
  });
  if (k === 1) defs.push(root('s1', 150), root('s2', 160));
  if (k === 2) {
    defs.push(root('x', 250), {
      trace: 'x',
      id: '3',
      parent: '1',
      service: 'db',
      name: 'SELECT users',
      atMs: 250_500,
      durMs: 20,
    });
  }
  const user4 = [{ key: 'user.id', value: { type: 'string' as const, value: 'u-4' } }];
  if (k === 4) defs.push(charge('s1', 455), charge('s2', 405, '2', user4), charge('x', 445));
  if (k === 5) defs.push(root('h', 470), charge('h', 470.1), charge('31', 480, '4'));
  return defs;
}

/** `43 41 s1@150`: trace names, newest first, with the start (seconds after T0) of each. */
function render(r: SearchResult): string {
  return r.traces
    .map((t) => `${NAMES.get(t.traceId) ?? t.traceId}@${(t.startNs - T0) / SEC}`)
    .join(' ');
}

/** Query → limit → expected first page. */
const CASES: Array<[string, number, string]> = [
  // h, in the head, is newest; the blocks give the rest.
  ['{ resource.service.name = "payment" }', 3, 'h@470 45@450 44@440'],
  // s1's Charge is the newest span, but s1 started at 150 s: it must not lead the page.
  ['{ status = error }', 1, 'h@470'],
  ['{ status = error }', 3, 'h@470 44@440 42@420'],
  // 31's Charge in the head is an error: 31 started at 310 s.
  ['{ status = error }', 8, 'h@470 44@440 42@420 40@400 34@340 32@320 31@310 30@300'],
  ['{ span.user.id = "u-4" }', 2, '43@430 40@400'],
  ['{ span.user.id = "u-4" }', 3, '43@430 40@400 s2@160'],
  ['{ span.user.id = "u-3" }', 2, '33@330 30@300'],
  ['{ span.user.id =~ "u-.*" }', 3, '43@430 40@400 33@330'],
  // x has both names only across blocks 2 and 4.
  ['{ name = "Charge" } && { name = "SELECT users" }', 4, '45@450 43@430 41@410 35@350'],
  [
    '{ name = "Charge" } && { name = "SELECT users" }',
    10,
    '45@450 43@430 41@410 35@350 33@330 31@310 x@250 25@250 23@230 21@210',
  ],
  ['{ name = "Charge" } | count() > 0', 2, 'h@470 45@450'],
  ['{} | count() > 2', 2, '45@450 43@430'],
  // Judged on whole traces (structural), candidates from the newest blocks first.
  ['{ resource.service.name = "frontend" } >> { status = error }', 2, 'h@470 44@440'],
  ['{ resource.service.name = "frontend" } > { name = "Charge" }', 3, 'h@470 45@450 44@440'],
  // Only x's SELECT users has no Charge for parent.
  ['{ name = "Charge" } !> { name = "SELECT users" }', 3, 'x@250'],
  ['{ name = "Charge" } | count() > 0 | { status = error }', 2, 'h@470 44@440'],
  // Not growing with more spans: read over every block.
  ['{} | count() < 3', 2, 'h@470 44@440'],
  ['{ status = error && duration > 150ms }', 2, 'h@470 44@440'],
];

/** What the search reads: the number of blocks of each candidate statement, in order. */
const PATHS: Array<[string, string, number, number[]]> = [
  [
    'the newest block alone is read when it holds the page',
    '{ resource.service.name = "frontend" } > { name = "Charge" }',
    3,
    [1],
  ],
  // s2's Charge (at 405 s, started at 160 s) is among the newest block's two newest u-4 spans.
  [
    'a span-attribute query reads a trace in older blocks whole, and looks further',
    '{ span.user.id = "u-4" }',
    2,
    [1, 3, 5],
  ],
  [
    'a span-attribute query proves its page from three blocks',
    '{ span.user.id = "u-3" }',
    2,
    [1, 3],
  ],
  // s1 (Charge at 455 s, started at 150 s) and x lead the newest block's payment traces.
  [
    'a trace newest in the newest block but older as a whole sends the search further',
    '{ resource.service.name = "payment" }',
    3,
    [1, 3, 5],
  ],
  // The newest block, then three, then all five.
  [
    'a page the newest blocks cannot prove is read over every block',
    '{ status = error }',
    8,
    [1, 3, 5],
  ],
  [
    'a structural query proves its page from the newest block',
    '{ resource.service.name = "frontend" } >> { status = error }',
    2,
    [1],
  ],
  [
    'a query that does not grow with more spans reads every block at once',
    '{} | count() < 3',
    2,
    [5],
  ],
  ['every match reads every block at once', '{ status = error }', 100_000, [5]],
];

describe('TraceQL search, first pages from the newest blocks', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  /** Blocks named by each candidate statement, in order. */
  const candidateFiles: number[] = [];
  /** Candidate statements that keep the flagged spans fail as DuckDB does out of memory. */
  let refuseKept = false;
  before(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    storage = await openTestStorage(tmp.dir);
    for (let k = 0; k < 5; k++) {
      await storage.push(TENANT, batchOf(blockDefs(k)));
      await storage.flush();
    }
    await storage.push(TENANT, batchOf(blockDefs(5)));
    assert.equal(storage.store.blocks(TENANT).length, 5);
    const json = storage.db.json.bind(storage.db);
    storage.db.json = (sql: string) => {
      if (/tr AS \(SELECT (t\.)?trace_id/.test(sql))
        candidateFiles.push(new Set(sql.match(/[^/']+\/traces\.parquet/g)).size);
      if (refuseKept && sql.includes('fs AS (SELECT fk.trace_id'))
        return Promise.reject(new VivaceError('overloaded', 'the query needed more than 1MB'));
      return json(sql);
    };
  });
  after(async () => {
    await storage.close();
    await cleanup();
  });

  for (const [q, limit, expected] of CASES) {
    test(`${q} (limit ${limit})`, async () => {
      const pipeline = parseSearchQuery(q);
      const page = await storage.search(TENANT, { pipeline, limit, spss: 3 });
      const all = await storage.search(TENANT, { pipeline, limit: 100_000, spss: 3 });
      assert.equal(render(page), expected);
      // The first page is the start of every match, and reports the same spans and counts.
      assert.deepEqual(page.traces, all.traces.slice(0, limit));
      // Past 500 and up to 1000 traces asked for, the spans are picked after the choice.
      const mid = await storage.search(TENANT, { pipeline, limit: 600, spss: 3 });
      assert.deepEqual(mid.traces, all.traces);
      // Without the memory to keep the flagged spans, their keys are kept and the spans read by row.
      refuseKept = true;
      try {
        const lean = await storage.search(TENANT, { pipeline, limit: 100_000, spss: 3 });
        assert.deepEqual(lean.traces, all.traces);
        const leanPage = await storage.search(TENANT, { pipeline, limit, spss: 3 });
        assert.deepEqual(leanPage.traces, page.traces);
      } finally {
        refuseKept = false;
      }
    });
  }

  for (const [what, q, limit, files] of PATHS) {
    test(what, async () => {
      candidateFiles.length = 0;
      const r = await storage.search(TENANT, { pipeline: parseSearchQuery(q), limit, spss: 3 });
      assert.deepEqual(candidateFiles, files);
      // Inspected: the 3 head spans and those of the blocks read (18 in the newest, 50 in the
      // newest three, 82 in all).
      const { totalBlocks, inspectedSpans } = r.metrics;
      const spans = { 1: 21, 3: 53, 5: 85 }[files.at(-1) as 1 | 3 | 5];
      assert.deepEqual({ totalBlocks, inspectedSpans }, { totalBlocks: 5, inspectedSpans: spans });
    });
  }
});
