import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedTrace, variedBatch } from '../../test/fixtures/varied-batch.js';
import { assertSameTrace } from '../../test/helpers/trace-compare.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { openTestStorage } from '../../test/helpers/storage.js';

const T1 = '0af7651916cd43dd8448eb211c80319c';
const T2 = '00000000000000000000000000000abc';

test('a trace reads back identically from the head, from a block and after a restart', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const batch = variedBatch();
    let storage = await openTestStorage(dir);
    await storage.push('single-tenant', batch);

    const fromHead = await storage.findTrace('single-tenant', T1);
    assertSameTrace(fromHead.trace, expectedTrace(batch, T1));
    assert.equal(fromHead.blocksSearched, 0);

    await storage.flush();
    assert.equal(storage.store.blocks('single-tenant').length, 1);
    assert.equal(
      (await storage.wal.liveSegments('single-tenant')).every((s) => s.spanCount === 0),
      true,
    );
    const fromBlock = await storage.findTrace('single-tenant', T1);
    assertSameTrace(fromBlock.trace, expectedTrace(batch, T1));
    assert.equal(fromBlock.blocksSearched, 1);
    assertSameTrace((await storage.findTrace('single-tenant', T2)).trace, expectedTrace(batch, T2));

    await storage.close();
    storage = await openTestStorage(dir);
    assertSameTrace((await storage.findTrace('single-tenant', T1)).trace, expectedTrace(batch, T1));
    assert.equal((await storage.findTrace('single-tenant', 'f'.repeat(32))).trace, undefined);
    await storage.close();
  } finally {
    await cleanup();
  }
});

test('tenants are stored apart', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const storage = await openTestStorage(dir);
    await storage.push('a', variedBatch());
    assert.ok((await storage.findTrace('a', T1)).trace);
    assert.equal((await storage.findTrace('b', T1)).trace, undefined);
    await storage.flush();
    assert.ok((await storage.findTrace('a', T1)).trace);
    assert.equal((await storage.findTrace('b', T1)).trace, undefined);
    await storage.close();
  } finally {
    await cleanup();
  }
});

for (const sync of ['always', 'interval', 'never'] as const) {
  test(`sync policy ${sync}: acknowledged spans are readable at once and after a restart`, async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const batch = variedBatch();
      let storage = await openTestStorage(dir, { sync, syncIntervalMs: 20 });
      await storage.push('single-tenant', batch);
      assertSameTrace(
        (await storage.findTrace('single-tenant', T1)).trace,
        expectedTrace(batch, T1),
      );
      await new Promise((r) => setTimeout(r, 50)); // the interval policy's timer has run
      await storage.close();
      storage = await openTestStorage(dir, { sync });
      assertSameTrace(
        (await storage.findTrace('single-tenant', T1)).trace,
        expectedTrace(batch, T1),
      );
      await storage.close();
    } finally {
      await cleanup();
    }
  });
}
