/**
 * What a restart finds on disk and what it makes of it: a graceful stop keeps the head and the
 * blocks; a torn WAL tail is cut; unfinished or half-deleted blocks are removed; a compaction that
 * was cut short by a crash is finished. Each test stops the storage, edits its files the way a
 * crash would leave them, and starts it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Storage } from '../../src/app/storage.js';
import { compactBlocks, type Block } from '../../src/blocks/index.js';
import { ShopTraceGenerator } from '../../src/demo/index.js';
import type { SpanBatch } from '../../src/model/index.js';
import { Wal } from '../../src/wal/index.js';
import { expectedTrace, variedBatch } from '../fixtures/varied-batch.js';
import { spanIds, spanIdsByTrace, spansOf, splitBatch } from '../helpers/batches.js';
import { openTestStorage } from '../helpers/storage.js';
import { tempDir } from '../helpers/tmp.js';
import { assertSameTrace } from '../helpers/trace-compare.js';

const TENANT = 'single-tenant';
const T0 = Date.now() - 60_000;
const VARIED_TRACE = '0af7651916cd43dd8448eb211c80319c';

function shopBatch(seed: number, traces: number): SpanBatch {
  return new ShopTraceGenerator({ seed, startUnixMs: T0 }).nextBatch(traces);
}

/** Asserts that every trace of `batch` reads back with exactly its span ids, from one place. */
async function assertAllFound(storage: Storage, batch: SpanBatch): Promise<void> {
  for (const [traceId, ids] of spanIdsByTrace(batch)) {
    const found = await storage.findTrace(TENANT, traceId);
    assert.deepEqual(spanIds(found.trace), ids, `trace ${traceId}`);
  }
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir('vivace-restart-');
  try {
    await fn(dir);
  } finally {
    await cleanup();
  }
}

const walDir = (dir: string) => path.join(dir, 'wal', TENANT);
const blocksDir = (dir: string) => path.join(dir, 'blocks', TENANT);

async function names(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

/** The WAL segment files holding spans (the empty spare is left out). */
async function segmentFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await names(walDir(dir))) {
    const file = path.join(walDir(dir), name);
    if ((await stat(file)).size > 0) out.push(file);
  }
  return out;
}

test('a graceful restart keeps the head and the blocks', async () => {
  await withDir(async (dir) => {
    const inBlock = shopBatch(1, 30);
    const inHead = shopBatch(2, 30);
    let storage = await openTestStorage(dir);
    await storage.push(TENANT, inBlock);
    await storage.flush();
    await storage.push(TENANT, variedBatch());
    await storage.push(TENANT, inHead);
    await storage.close();

    storage = await openTestStorage(dir);
    try {
      assert.equal(storage.recoveredSpans, spansOf(inHead).length + spansOf(variedBatch()).length);
      await assertAllFound(storage, inBlock);
      await assertAllFound(storage, inHead);
      const varied = await storage.findTrace(TENANT, VARIED_TRACE);
      assertSameTrace(varied.trace, expectedTrace(variedBatch(), VARIED_TRACE));
      await storage.flusher.idle();
      assert.equal(storage.store.blocks(TENANT).length, 2, 'the replayed head became a block');
      assertSameTrace(
        (await storage.findTrace(TENANT, VARIED_TRACE)).trace,
        expectedTrace(variedBatch(), VARIED_TRACE),
      );
      await assertAllFound(storage, inHead);
    } finally {
      await storage.close();
    }
  });
});

const tornTails: Array<{ name: string; tail: (line: string) => string }> = [
  { name: 'half a line', tail: (line) => line.slice(0, Math.floor(line.length / 2)) },
  { name: 'a line that is not JSON, then a good line', tail: (line) => 'x{"t":\n' + line },
  { name: 'zero bytes', tail: () => '\0'.repeat(4096) },
  { name: 'a JSON value that is not an object', tail: () => '42\n' },
  { name: 'an object that is no WAL line', tail: () => '{"x":1}\n' },
];

for (const c of tornTails) {
  test(`a torn WAL tail is cut at start: ${c.name}`, async () => {
    await withDir(async (dir) => {
      const batch = shopBatch(3, 20);
      let storage = await openTestStorage(dir);
      await storage.push(TENANT, batch);
      await storage.close();
      const [file, ...more] = await segmentFiles(dir);
      assert.ok(file);
      assert.deepEqual(more, []);
      const { size } = await stat(file);
      const extra = shopBatch(99, 1);
      const line = JSON.stringify({ t: spansOf(extra)[0]?.traceId, s: 'ab', n: 'x' }) + '\n';
      const tail = c.tail(line);
      await appendFile(file, tail);

      const wal = new Wal({
        dir: path.join(dir, 'wal'),
        sync: 'always',
        syncIntervalMs: 100,
        maxSegmentBytes: 1 << 30,
        now: () => T0,
        onSealed: () => undefined,
      });
      const reports = await wal.recover(new Set());
      await wal.close();
      assert.deepEqual(
        reports.map((r) => [r.spans, r.truncatedBytes]),
        [[spansOf(batch).length, Buffer.byteLength(tail)]],
      );
      assert.equal((await stat(file)).size, size, 'the file is cut back to its good part');

      storage = await openTestStorage(dir);
      try {
        assert.equal(storage.recoveredSpans, spansOf(batch).length);
        await assertAllFound(storage, batch);
        await storage.flusher.idle();
        await assertAllFound(storage, batch);
        assert.deepEqual(await segmentFiles(dir), []);
      } finally {
        await storage.close();
      }
    });
  });
}

test('a WAL segment already in a block is deleted at start, not replayed twice', async () => {
  await withDir(async (dir) => {
    const batch = shopBatch(4, 20);
    let storage = await openTestStorage(dir);
    await storage.push(TENANT, batch);
    const [file] = await segmentFiles(dir);
    assert.ok(file);
    await copyFile(file, file + '.saved');
    await storage.flush();
    await storage.close();
    // As if the process died after renaming the block into place, before deleting the segment.
    await copyFile(file + '.saved', file);
    await rm(file + '.saved');

    storage = await openTestStorage(dir);
    try {
      assert.equal(storage.recoveredSpans, 0);
      assert.deepEqual(await segmentFiles(dir), []);
      await storage.flusher.idle();
      assert.equal(storage.store.blocks(TENANT).length, 1);
      await assertAllFound(storage, batch);
    } finally {
      await storage.close();
    }
  });
});

test('a leftover .tmp- block directory is removed at start', async () => {
  await withDir(async (dir) => {
    const batch = shopBatch(5, 10);
    let storage = await openTestStorage(dir);
    await storage.push(TENANT, batch);
    await storage.flush();
    await storage.close();
    const tmp = path.join(blocksDir(dir), '.tmp-0b7e1f5c-4d5e-4f60-8a71-92b3c4d5e6f7');
    await mkdir(tmp);
    await writeFile(path.join(tmp, 'data.parquet'), 'half a file');

    storage = await openTestStorage(dir);
    try {
      assert.equal((await names(blocksDir(dir))).length, 1);
      assert.equal(storage.store.blocks(TENANT).length, 1);
      await assertAllFound(storage, batch);
    } finally {
      await storage.close();
    }
  });
});

const halfDeleted: Array<{ name: string; remove: string[] }> = [
  { name: 'no meta.json', remove: ['meta.json'] },
  {
    name: 'only meta.json left',
    remove: [
      'attrs.parquet',
      'bloom',
      'data.parquet',
      'resources.parquet',
      'scopes.parquet',
      'traces.parquet',
    ],
  },
  { name: 'no bloom', remove: ['bloom'] },
  { name: 'no attrs.parquet', remove: ['attrs.parquet'] },
];

for (const c of halfDeleted) {
  test(`a half-deleted block is removed at start: ${c.name}`, async () => {
    await withDir(async (dir) => {
      const lost = shopBatch(6, 10);
      const kept = shopBatch(7, 10);
      let storage = await openTestStorage(dir);
      await storage.push(TENANT, lost);
      await storage.flush();
      const [broken] = storage.store.blocks(TENANT);
      assert.ok(broken);
      await storage.push(TENANT, kept);
      await storage.flush();
      await storage.close();
      for (const name of c.remove) await rm(path.join(broken.dir, name));

      storage = await openTestStorage(dir);
      try {
        assert.deepEqual(await names(broken.dir), []);
        assert.equal(storage.store.blocks(TENANT).length, 1);
        await assertAllFound(storage, kept);
        for (const id of spanIdsByTrace(lost).keys()) {
          assert.equal((await storage.findTrace(TENANT, id)).trace, undefined);
        }
      } finally {
        await storage.close();
      }
    });
  });
}

/** How a crash left the inputs of a finished compaction: which meta files each still has. */
const compactionCrashes: Array<{ name: string; inputs: Array<'live' | 'both' | 'compacted'> }> = [
  { name: 'no input retired yet', inputs: ['live', 'live', 'live'] },
  { name: 'one input with both meta files', inputs: ['both', 'live', 'live'] },
  { name: 'one input already retired', inputs: ['compacted', 'live', 'live'] },
];

for (const c of compactionCrashes) {
  test(`a compaction cut short by a crash is finished at start: ${c.name}`, async () => {
    await withDir(async (dir) => {
      const batch = shopBatch(8, 30);
      const [longest] = [...spanIdsByTrace(batch)].sort((a, b) => b[1].length - a[1].length);
      const [traceId, ids] = longest as [string, string[]];
      let storage = await openTestStorage(dir);
      const inputs: Block[] = [];
      for (const part of splitBatch(batch, c.inputs.length)) {
        await storage.push(TENANT, part);
        await storage.flush();
      }
      inputs.push(...storage.store.blocks(TENANT));
      const target = { tenant: TENANT, tenantDir: blocksDir(dir), now: Date.now };
      const out = await compactBlocks(storage.db, target, inputs);
      await storage.close();
      for (const [i, state] of c.inputs.entries()) {
        const input = inputs[i] as Block;
        if (state === 'live') continue;
        const meta = { ...input.meta, compactedTime: new Date().toISOString() };
        await writeFile(path.join(input.dir, 'meta.compacted.json'), JSON.stringify(meta));
        if (state === 'compacted') await rm(path.join(input.dir, 'meta.json'));
      }

      storage = await openTestStorage(dir);
      try {
        assert.deepEqual(
          storage.store.blocks(TENANT).map((b) => b.id),
          [out.id],
        );
        assert.deepEqual(
          storage.store
            .compactedBlocks(TENANT)
            .map((x) => x.block.id)
            .sort(),
          inputs.map((b) => b.id).sort(),
        );
        for (const input of inputs) {
          assert.deepEqual(await names(input.dir), [
            'attrs.parquet',
            'bloom',
            'data.parquet',
            'meta.compacted.json',
            'resources.parquet',
            'scopes.parquet',
            'traces.parquet',
          ]);
        }
        const found = await storage.findTrace(TENANT, traceId);
        assert.equal(found.blocksSearched, 1);
        assert.deepEqual(
          spansOf(found.trace)
            .map((s) => s.spanId)
            .sort(),
          ids,
          'every span once',
        );
        await assertAllFound(storage, batch);
      } finally {
        await storage.close();
      }
    });
  });
}
