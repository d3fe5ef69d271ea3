import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import type { Storage, StorageOptions } from '../app/storage.js';
import type { Block } from '../blocks/index.js';
import { ShopTraceGenerator } from '../demo/index.js';
import type { SpanBatch } from '../model/index.js';
import { spanIds, spanIdsByTrace, spansOf, splitBatch } from '../../test/helpers/batches.js';
import { openTestStorage } from '../../test/helpers/storage.js';
import { tempDir } from '../../test/helpers/tmp.js';

const TENANT = 't';
const HOUR = 3600_000;
const T0 = 1_700_000_000_000;

interface Env {
  storage: Storage;
  clock: { now: number };
}

async function withStorage(
  compactor: Partial<StorageOptions['compactor']>,
  fn: (env: Env) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = await tempDir();
  const clock = { now: T0 };
  const storage = await openTestStorage(dir, {
    now: () => clock.now,
    compactor: {
      windowMs: HOUR,
      maxBlockBytes: 1 << 30,
      cycleMs: HOUR,
      blockRetentionMs: 1000 * HOUR,
      compactedBlockRetentionMs: HOUR,
      maxTotalBytes: 0,
      ...compactor,
    },
  });
  try {
    await fn({ storage, clock });
  } finally {
    await storage.close();
    await cleanup();
  }
}

/** Pushes `batch` and builds it into a block of its own; returns that block. */
async function pushBlock(storage: Storage, batch: SpanBatch, tenant = TENANT): Promise<Block> {
  const before = new Set(storage.store.blocks(tenant));
  await storage.push(tenant, batch);
  await storage.flush();
  const added = storage.store.blocks(tenant).filter((b) => !before.has(b));
  assert.equal(added.length, 1);
  return added[0] as Block;
}

function shopBatch(seed: number, traces: number, startUnixMs = T0 - 60_000): SpanBatch {
  return new ShopTraceGenerator({ seed, startUnixMs }).nextBatch(traces);
}

/** Asserts that every trace of `batch` reads back with exactly its span ids. */
async function assertAllFound(storage: Storage, batch: SpanBatch): Promise<void> {
  for (const [traceId, ids] of spanIdsByTrace(batch)) {
    const found = await storage.findTrace(TENANT, traceId);
    assert.deepEqual(spanIds(found.trace), ids, `trace ${traceId}`);
  }
}

async function filesOf(block: Block): Promise<string[]> {
  return (await readdir(block.dir).catch(() => [] as string[])).sort();
}

const BLOCK_FILES = [
  'attrs.parquet',
  'bloom',
  'data.parquet',
  'meta.json',
  'resources.parquet',
  'scopes.parquet',
  'traces.parquet',
];
const COMPACTED_FILES = [
  'attrs.parquet',
  'bloom',
  'data.parquet',
  'meta.compacted.json',
  'resources.parquet',
  'scopes.parquet',
  'traces.parquet',
];

for (const parts of [2, 3, 4]) {
  test(`compaction brings a trace split over ${parts} blocks into one, and purges the inputs later`, async () => {
    await withStorage({}, async ({ storage, clock }) => {
      const batch = shopBatch(parts, 30);
      const inputs: Block[] = [];
      for (const part of splitBatch(batch, parts)) inputs.push(await pushBlock(storage, part));
      const [longest] = [...spanIdsByTrace(batch)].sort((a, b) => b[1].length - a[1].length);
      const [traceId, ids] = longest as [string, string[]];
      assert.ok(ids.length >= parts);
      assert.equal((await storage.findTrace(TENANT, traceId)).blocksSearched, parts);

      await storage.compactor.runCycle();
      const [out, ...rest] = storage.store.blocks(TENANT);
      assert.deepEqual(rest, []);
      assert.equal(out?.meta.compactionLevel, 1);
      assert.equal(out?.meta.totalSpans, spansOf(batch).length);
      assert.equal(out?.meta.totalObjects, spanIdsByTrace(batch).size);
      assert.deepEqual(out?.meta.compactedFrom?.sort(), inputs.map((b) => b.id).sort());
      const found = await storage.findTrace(TENANT, traceId);
      assert.equal(found.blocksSearched, 1);
      assert.deepEqual(spanIds(found.trace), ids);
      await assertAllFound(storage, batch);
      for (const b of inputs) assert.deepEqual(await filesOf(b), COMPACTED_FILES);
      assert.deepEqual(await filesOf(out), BLOCK_FILES);

      clock.now += HOUR - 1;
      await storage.compactor.runCycle();
      for (const b of inputs) assert.deepEqual(await filesOf(b), COMPACTED_FILES);
      clock.now += 1;
      await storage.compactor.runCycle();
      await Promise.all(inputs.map((b) => b.retire()));
      for (const b of inputs) assert.deepEqual(await filesOf(b), []);
      assert.deepEqual(storage.store.compactedBlocks(TENANT), []);
      await assertAllFound(storage, batch);
    });
  });
}

test('compaction keeps one copy of spans pushed twice', async () => {
  await withStorage({}, async ({ storage }) => {
    const batch = shopBatch(11, 40);
    const spans = spansOf(batch).length;
    await pushBlock(storage, batch);
    await pushBlock(storage, batch);
    assert.deepEqual(
      storage.store.blocks(TENANT).map((b) => b.meta.totalSpans),
      [spans, spans],
    );
    await storage.compactor.runCycle();
    assert.deepEqual(
      storage.store.blocks(TENANT).map((b) => b.meta.totalSpans),
      [spans],
    );
    await assertAllFound(storage, batch);
  });
});

test('compaction levels increase as merged blocks are merged again', async () => {
  await withStorage({}, async ({ storage }) => {
    const levels = () =>
      storage.store
        .blocks(TENANT)
        .map((b) => b.meta.compactionLevel)
        .sort();
    const batches = [1, 2, 3, 4].map((seed) => shopBatch(100 + seed, 10));
    await pushBlock(storage, batches[0] as SpanBatch);
    await pushBlock(storage, batches[1] as SpanBatch);
    await storage.compactor.runCycle();
    assert.deepEqual(levels(), [1]);
    await pushBlock(storage, batches[2] as SpanBatch);
    assert.deepEqual(levels(), [0, 1]);
    await storage.compactor.runCycle();
    assert.deepEqual(levels(), [0, 1], 'levels are not mixed');
    await pushBlock(storage, batches[3] as SpanBatch);
    await storage.compactor.runCycle();
    assert.deepEqual(
      levels(),
      [2],
      'the level-0 pair became level 1, then the level-1 pair level 2',
    );
    for (const b of batches) await assertAllFound(storage, b);
  });
});

/** No compaction job fits in 1 byte: these tests see retention alone. */
const NO_COMPACTION = { maxBlockBytes: 1 };

test('retention by time deletes blocks that ended before block_retention', async () => {
  await withStorage(
    { ...NO_COMPACTION, blockRetentionMs: 2 * HOUR },
    async ({ storage, clock }) => {
      const old = shopBatch(21, 10, T0 - 3 * HOUR);
      const recent = shopBatch(22, 10, T0 - HOUR);
      clock.now = T0 - 3 * HOUR + 60_000; // each block is built when its spans arrive
      const oldBlock = await pushBlock(storage, old);
      clock.now = T0 - HOUR + 60_000;
      const recentBlock = await pushBlock(storage, recent);
      clock.now = T0;
      await storage.compactor.runCycle();
      await oldBlock.retire();
      assert.deepEqual(await filesOf(oldBlock), []);
      assert.deepEqual(await filesOf(recentBlock), BLOCK_FILES);
      assert.deepEqual(
        storage.store.blocks(TENANT).map((b) => b.id),
        [recentBlock.id],
      );
      for (const traceId of spanIdsByTrace(old).keys()) {
        assert.equal((await storage.findTrace(TENANT, traceId)).trace, undefined);
      }
      await assertAllFound(storage, recent);
    },
  );
});

test('max_total_bytes bounds all tenants together: the oldest block goes, whoever owns it', async () => {
  // Blocks of the same spans have the same size: build once to measure, then again with the limit.
  const build = async (storage: Storage) => ({
    a: await pushBlock(storage, shopBatch(51, 10, T0 - 3 * HOUR), 'tenant-a'),
    b: await pushBlock(storage, shopBatch(52, 10, T0 - 2 * HOUR), 'tenant-b'),
    c: await pushBlock(storage, shopBatch(53, 10, T0 - HOUR), 'tenant-a'),
  });
  let limit = 0;
  await withStorage({ ...NO_COMPACTION }, async ({ storage }) => {
    const { b, c } = await build(storage);
    limit = b.meta.size + c.meta.size;
  });
  await withStorage({ ...NO_COMPACTION, maxTotalBytes: limit }, async ({ storage }) => {
    const { a, b, c } = await build(storage);
    await storage.compactor.runCycle();
    assert.deepEqual(
      storage.store.blocks('tenant-a').map((x) => x.id),
      [c.id],
    );
    assert.deepEqual(
      storage.store.blocks('tenant-b').map((x) => x.id),
      [b.id],
    );
    await a.retire();
    assert.deepEqual(await filesOf(a), []);
  });
});

test('spans with old timestamps are kept for block_retention after they arrive', async () => {
  await withStorage(
    { ...NO_COMPACTION, blockRetentionMs: 2 * HOUR },
    async ({ storage, clock }) => {
      const replayed = shopBatch(23, 10, T0 - 24 * HOUR);
      const block = await pushBlock(storage, replayed);
      assert.equal(block.meta.ingestedUnixMs, T0);
      await storage.compactor.runCycle();
      assert.deepEqual(
        storage.store.blocks(TENANT).map((b) => b.id),
        [block.id],
      );
      await assertAllFound(storage, replayed);
      clock.now = T0 + 2 * HOUR + 1;
      await storage.compactor.runCycle();
      assert.deepEqual(storage.store.blocks(TENANT), []);
    },
  );
});

const sizeCases = [
  { name: 'the oldest block goes first', keep: 2, want: ['new', 'mid'] },
  { name: 'then the next oldest', keep: 1, want: ['new'] },
  { name: 'nothing goes while everything fits', keep: 3, want: ['new', 'mid', 'old'] },
];

for (const c of sizeCases) {
  test(`retention by size (max_total_bytes): ${c.name}`, async () => {
    // The sizes are known only once the blocks exist: build them once to measure, then again.
    const build = async (storage: Storage) => {
      const blocks = new Map<string, Block>();
      for (const [name, ageH, seed] of [
        ['old', 3, 1],
        ['mid', 2, 2],
        ['new', 1, 3],
      ] as const) {
        blocks.set(name, await pushBlock(storage, shopBatch(30 + seed, 10, T0 - ageH * HOUR)));
      }
      return blocks;
    };
    let limit = 0;
    await withStorage(NO_COMPACTION, async ({ storage }) => {
      const sizes = [...(await build(storage)).values()].map((b) => b.meta.size).reverse();
      limit = sizes.slice(0, c.keep).reduce((a, b) => a + b, 0);
    });
    await withStorage({ ...NO_COMPACTION, maxTotalBytes: limit }, async ({ storage }) => {
      const blocks = await build(storage);
      await storage.compactor.runCycle();
      const names = new Map([...blocks].map(([name, b]) => [b.id, name]));
      assert.deepEqual(
        storage.store.blocks(TENANT).map((b) => names.get(b.id)),
        c.want,
      );
      for (const [name, b] of blocks) {
        if (c.want.includes(name)) continue;
        await b.retire();
        assert.deepEqual(await filesOf(b), [], `${name} is deleted`);
      }
      assert.ok(storage.store.totalBytes() <= limit);
    });
  });
}

test('a block deleted under a running query stays readable until the query releases it', async () => {
  await withStorage({ ...NO_COMPACTION, blockRetentionMs: HOUR }, async ({ storage, clock }) => {
    const batch = shopBatch(41, 10, T0 - 30 * 60_000);
    const block = await pushBlock(storage, batch);
    const [traceId, ids] = [...spanIdsByTrace(batch)][0] as [string, string[]];
    assert.equal(block.acquire(), true);

    clock.now += HOUR + 1;
    await storage.compactor.runCycle();
    assert.deepEqual(storage.store.blocks(TENANT), [], 'retention dropped the block');
    assert.equal(block.acquire(), false, 'new readers skip it');
    assert.equal((await storage.findTrace(TENANT, traceId)).trace, undefined);
    assert.deepEqual(await filesOf(block), BLOCK_FILES, 'the files stay while it is held');
    const spans = await block.findTrace(storage.db, traceId);
    assert.deepEqual(spans.map((s) => s.s).sort(), ids);

    let deleted = false;
    const gone = block.retire().then(() => (deleted = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(deleted, false);
    block.release();
    await gone;
    assert.deepEqual(await filesOf(block), []);
  });
});

test('lookups running while blocks are built, compacted and deleted never fail', async () => {
  const policy = { blockRetentionMs: 2 * HOUR, compactedBlockRetentionMs: 0 };
  await withStorage(policy, async ({ storage, clock }) => {
    const kept = new Map<string, string[]>();
    const doomed: string[] = [];
    let latest: string[] = [];
    const problems: string[] = [];
    let done = false;
    let lookups = 0;
    const reader = async (seed: number) => {
      let x = seed;
      const pick = <T>(list: readonly T[]): T =>
        list[(x = (x * 48271) % 2147483647) % list.length] as T;
      while (!done) {
        // Half the lookups ask for the newest traces, which are in the head while blocks are built.
        const ids = x % 2 === 0 ? latest : [...kept.keys()];
        if (ids.length === 0) {
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        const id = pick(ids);
        try {
          const found = await storage.findTrace(TENANT, id);
          const got = spanIds(found.trace).join();
          if (got !== kept.get(id)?.join())
            problems.push(`${id}: ${spanIds(found.trace).length} spans`);
          if (doomed.length > 0) await storage.findTrace(TENANT, pick(doomed));
        } catch (err) {
          problems.push(`${id}: ${(err as Error).message}`);
        }
        lookups++;
      }
    };
    const readers = [1, 2, 3].map((seed) => reader(seed));
    try {
      for (let round = 0; round < 12; round++) {
        const recent = shopBatch(500 + round, 20, clock.now - 60_000);
        const old = shopBatch(600 + round, 5, clock.now - 3 * HOUR);
        await storage.flush(); // old spans get a block of their own, which retention deletes
        const now = clock.now;
        clock.now -= 3 * HOUR; // ...because they arrived three hours ago
        await storage.push(TENANT, old);
        await storage.flush();
        clock.now = now;
        for (const id of spanIdsByTrace(old).keys()) doomed.push(id);
        await storage.push(TENANT, recent);
        for (const [id, ids] of spanIdsByTrace(recent)) kept.set(id, ids);
        latest = [...spanIdsByTrace(recent).keys()];
        if (round % 3 !== 2) await storage.flush();
        await storage.compactor.runCycle();
        clock.now += 60_000;
      }
      await storage.flush();
      await storage.compactor.runCycle();
    } finally {
      done = true;
      await Promise.all(readers);
    }
    assert.deepEqual(problems.slice(0, 5), []);
    assert.ok(lookups > 100, `only ${lookups} lookups ran`);
    for (const id of doomed) {
      assert.equal((await storage.findTrace(TENANT, id)).trace, undefined, `${id} was deleted`);
    }
  });
});
