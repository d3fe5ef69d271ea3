/**
 * A written block is looked up by known trace ids. DESIGN.md §4 records a DuckDB trap (an equality
 * filter on a BLOB column of a Parquet file found nothing for ids that are there); this guards the
 * lookup path against anything like it, at row-group boundaries and at the ends of the id range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ShopTraceGenerator } from '../demo/index.js';
import { parseTraceQL } from '../traceql/index.js';
import { spanIdsByTrace } from '../../test/helpers/batches.js';
import { openTestStorage } from '../../test/helpers/storage.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { StoredSpan } from '../wal/index.js';

const TENANT = 't';
const T0 = 1_700_000_000_000;

/** An id next to `id` in sort order (last hex digit changed), so it falls inside the id range. */
function neighbour(id: string, delta: number): string {
  const last = (parseInt(id.slice(-1), 16) + delta + 16) % 16;
  return id.slice(0, -1) + last.toString(16);
}

test('a written block finds every known trace id, and no other', async () => {
  const { dir, cleanup } = await tempDir();
  // One WAL file, so that the ~45k spans make one block of several row groups.
  const storage = await openTestStorage(dir, { maxSegmentBytes: 32 << 20 });
  try {
    const gen = new ShopTraceGenerator({ seed: 42, startUnixMs: T0 });
    const expected = new Map<string, string[]>();
    for (let i = 0; i < 6; i++) {
      const batch = gen.nextBatch(500);
      for (const [id, spans] of spanIdsByTrace(batch)) expected.set(id, spans);
      await storage.push(TENANT, batch);
    }
    await storage.flush();
    const [block, ...others] = storage.store.blocks(TENANT);
    assert.ok(block);
    assert.equal(others.length, 0);
    const sorted = [...expected.keys()].sort();
    assert.equal(block.meta.totalObjects, sorted.length);
    assert.equal(block.meta.minTraceID, sorted[0]);
    assert.equal(block.meta.maxTraceID, sorted[sorted.length - 1]);

    // The first and last id of every row group, read from the file's own statistics.
    const groups = await storage.db.all(
      `SELECT row_group_id, stats_min_value AS lo, stats_max_value AS hi
       FROM parquet_metadata('${block.dataFile}') WHERE path_in_schema = 'trace_id'
       ORDER BY row_group_id`,
    );
    assert.ok(groups.length >= 3, `the block has ${groups.length} row groups`);
    const boundary = groups.flatMap((g) => [String(g.lo), String(g.hi)]);
    const every7th = sorted.filter((_, i) => i % 7 === 0);
    const known = [...new Set([...boundary, ...every7th])];
    for (const id of known) {
      const spans = await block.findTrace(storage.db, id);
      assert.deepEqual(spans.map((s) => s.s).sort(), expected.get(id), `trace ${id}`);
      assert.ok(spans.every((s) => s.t === id));
    }

    const unknown = [
      '0'.repeat(31) + '1',
      'f'.repeat(32),
      ...boundary.flatMap((id) => [neighbour(id, 1), neighbour(id, -1)]),
    ].filter((id) => !expected.has(id));
    assert.ok(unknown.length >= 2 * groups.length);
    for (const id of unknown) assert.deepEqual(await block.findTrace(storage.db, id), [], id);
  } finally {
    await storage.close();
    await cleanup();
  }
});

test('a failed read of a block dictionary is not remembered', async () => {
  const { dir, cleanup } = await tempDir();
  const storage = await openTestStorage(dir);
  try {
    await storage.push(TENANT, new ShopTraceGenerator({ seed: 43, startUnixMs: T0 }).nextBatch(5));
    await storage.flush();
    const [block] = storage.store.blocks(TENANT);
    assert.ok(block);
    for (const [name, read] of [
      ['resources.parquet', () => block.resources(storage.db)],
      ['scopes.parquet', () => block.scopes(storage.db)],
    ] as const) {
      const file = path.join(block.dir, name);
      await rename(file, file + '.away');
      await assert.rejects(read());
      await rename(file + '.away', file);
      assert.ok((await read()).size > 0, `${name} is read once it is back`);
    }
  } finally {
    await storage.close();
    await cleanup();
  }
});

test('a block written without traces.parquet gets it from its data when a search needs it', async () => {
  const { dir, cleanup } = await tempDir();
  const storage = await openTestStorage(dir);
  try {
    const gen = new ShopTraceGenerator({ seed: 44, startUnixMs: T0 });
    await storage.push(TENANT, gen.nextBatch(40));
    await storage.flush();
    const [block] = storage.store.blocks(TENANT);
    assert.ok(block);
    const summary = path.join(block.dir, 'traces.parquet');
    const search = async (q: string) => {
      const root = parseTraceQL(q);
      assert.equal(root.query.kind, 'Pipeline');
      return storage.search(TENANT, { pipeline: root.query, limit: 1000, spss: 3 });
    };
    const queries = ['{}', '{status=error}', '{} | count() > 5', '{kind=server} >> {kind=client}'];
    const before = await Promise.all(queries.map(search));
    assert.ok(before.every((r) => r.traces.length > 0));
    // A block of an older build: reopened without the file, as at start.
    await rm(summary);
    const reopened = await openTestStorage(dir);
    try {
      for (const [i, q] of queries.entries()) {
        const root = parseTraceQL(q);
        assert.equal(root.query.kind, 'Pipeline');
        const after = await reopened.search(TENANT, { pipeline: root.query, limit: 1000, spss: 3 });
        assert.deepEqual(after.traces, before[i]?.traces, q);
      }
      await stat(summary);
    } finally {
      await reopened.close();
    }
  } finally {
    await storage.close();
    await cleanup();
  }
});

test('a lookup skips events and links only for traces without them, and reads older summaries whole', async () => {
  const { dir, cleanup } = await tempDir();
  const storage = await openTestStorage(dir);
  try {
    const gen = new ShopTraceGenerator({ seed: 45, startUnixMs: T0 });
    await storage.push(TENANT, gen.nextBatch(150));
    await storage.flush();
    const [block] = storage.store.blocks(TENANT);
    assert.ok(block);
    const summary = path.join(block.dir, 'traces.parquet');
    const counts = await storage.db.all(
      `SELECT trace_id, nested_spans FROM read_parquet('${summary}') ORDER BY trace_id`,
    );
    const before = new Map<string, StoredSpan[]>();
    let withNested = 0;
    for (const { trace_id, nested_spans } of counts) {
      const spans: StoredSpan[] = await block.findTrace(storage.db, String(trace_id));
      before.set(String(trace_id), spans);
      const nested = spans.filter((s) => (s.e?.length ?? 0) > 0 || (s.l?.length ?? 0) > 0).length;
      assert.equal(Number(nested_spans), nested, `nested_spans of ${String(trace_id)}`);
      if (nested > 0) withNested++;
    }
    assert.ok(withNested > 0 && withNested < counts.length, 'traces with and without events');
    // A summary of an older build, without the column: every lookup reads events and links.
    const old = `${summary}.old`;
    await storage.db.run(
      `COPY (SELECT * EXCLUDE (nested_spans) FROM read_parquet('${summary}')) TO '${old}' (FORMAT parquet)`,
    );
    await rename(old, summary);
    const reopened = await openTestStorage(dir);
    try {
      const [again] = reopened.store.blocks(TENANT);
      assert.ok(again);
      for (const [id, spans] of before) {
        assert.deepEqual(await again.findTrace(reopened.db, id), spans, id);
      }
    } finally {
      await reopened.close();
    }
  } finally {
    await storage.close();
    await cleanup();
  }
});
