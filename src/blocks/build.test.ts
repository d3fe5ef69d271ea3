/**
 * Compaction in parts: a job larger than the part size is sorted in trace-id ranges and the parts
 * are concatenated. The result must be exactly the block a single sort would write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ShopTraceGenerator } from '../demo/index.js';
import { openTestStorage } from '../../test/helpers/storage.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { compactBlocks } from './build.js';

const TENANT = 't';
const T0 = 1_700_000_000_000;

test('a compaction sorted in parts writes exactly what one sort writes', async () => {
  const { dir, cleanup } = await tempDir();
  const storage = await openTestStorage(dir);
  try {
    const gen = new ShopTraceGenerator({ seed: 7, startUnixMs: T0 });
    const repeated = gen.nextBatch(40);
    for (const batch of [gen.nextBatch(150), repeated, gen.nextBatch(150), repeated]) {
      await storage.push(TENANT, batch);
      await storage.flush();
    }
    const inputs = storage.store.blocks(TENANT);
    assert.equal(inputs.length, 4);
    const inputSpans = inputs.reduce((n, b) => n + b.meta.totalSpans, 0);
    const target = (name: string) => ({
      tenant: TENANT,
      tenantDir: path.join(dir, name),
      now: () => T0,
    });

    const whole = await compactBlocks(storage.db, target('whole'), inputs);
    const rows = (b: typeof whole) =>
      storage.db.all(
        `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${b.dataFile}', file_row_number = true)
         ORDER BY file_row_number`,
      );
    const wholeRows = await rows(whole);
    const ids = wholeRows.map((r) => String(r.trace_id));
    assert.deepEqual(ids, [...ids].sort(), 'sorted by trace id');
    const repeatedSpans = repeated.resourceSpans
      .flatMap((rs) => rs.scopeSpans)
      .reduce((n, ss) => n + ss.spans.length, 0);
    assert.equal(whole.meta.totalSpans, inputSpans - repeatedSpans, 'one copy of each span');

    for (const partSpans of [50, 333, 1000]) {
      const parted = await compactBlocks(
        storage.db,
        target(`parts-${partSpans}`),
        inputs,
        partSpans,
      );
      assert.deepEqual(await rows(parted), wholeRows, `parts of ${partSpans} spans`);
      const comparable = (b: typeof whole) => ({ ...b.meta, size: 0, blockID: '', createdAt: '' });
      assert.deepEqual(comparable(parted), comparable(whole));
    }
  } finally {
    await storage.close();
    await cleanup();
  }
});
