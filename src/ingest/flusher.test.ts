import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShopTraceGenerator } from '../demo/index.js';
import type { SpanBatch } from '../model/index.js';
import type { FlushPolicy } from './flusher.js';
import { spansOf } from '../../test/helpers/batches.js';
import { openTestStorage } from '../../test/helpers/storage.js';
import { tempDir } from '../../test/helpers/tmp.js';

const TENANT = 't';
const T0 = 1_700_000_000_000;
const S = 1000;

/** One moment of a cut scenario: optionally push a batch, optionally run the cut rules. */
interface Step {
  atMs: number;
  /** Traces in a batch pushed at `atMs` (its index among pushes is its name in `blocks`). */
  push?: number;
  check?: boolean;
  /** The blocks that exist afterwards, each as the indexes of the pushes it holds. */
  blocks: number[][];
}

const cases: Array<{ name: string; policy: Partial<FlushPolicy>; steps: Step[] }> = [
  {
    name: 'nothing is cut while no rule applies',
    policy: { maxBlockDurationMs: 60 * S, traceIdlePeriodMs: 10 * S },
    steps: [
      { atMs: 0, push: 5, check: true, blocks: [] },
      { atMs: 5 * S, push: 5, check: true, blocks: [] },
      { atMs: 14 * S, check: true, blocks: [] },
    ],
  },
  {
    name: 'an empty head is never cut',
    policy: { maxBlockDurationMs: 1, traceIdlePeriodMs: 1 },
    steps: [{ atMs: 100 * S, check: true, blocks: [] }],
  },
  {
    name: 'cut by trace_idle_period once no span arrived for that long',
    policy: { maxBlockDurationMs: 3600 * S, traceIdlePeriodMs: 10 * S },
    steps: [
      { atMs: 0, push: 5, blocks: [] },
      { atMs: 6 * S, push: 5, check: true, blocks: [] },
      { atMs: 15 * S, check: true, blocks: [] },
      { atMs: 16 * S, check: true, blocks: [[0, 1]] },
    ],
  },
  {
    name: 'cut by max_block_duration even while spans keep arriving',
    policy: { maxBlockDurationMs: 20 * S, traceIdlePeriodMs: 10 * S },
    steps: [
      { atMs: 0, push: 5, blocks: [] },
      { atMs: 8 * S, push: 5, check: true, blocks: [] },
      { atMs: 16 * S, push: 5, check: true, blocks: [] },
      { atMs: 20 * S, push: 5, check: true, blocks: [[0, 1, 2, 3]] },
    ],
  },
  {
    name: 'max_block_duration counts from when a segment became the head',
    policy: { maxBlockDurationMs: 20 * S, traceIdlePeriodMs: 3600 * S },
    steps: [
      { atMs: 0, push: 5, blocks: [] },
      { atMs: 20 * S, check: true, blocks: [[0]] },
      { atMs: 25 * S, push: 5, check: true, blocks: [[0]] },
      { atMs: 39 * S, check: true, blocks: [[0]] },
      { atMs: 40 * S, check: true, blocks: [[0], [1]] },
    ],
  },
  {
    name: 'cut by max_block_bytes once the head holds that much',
    policy: { maxBlockBytes: 200_000, maxBlockDurationMs: 3600 * S, traceIdlePeriodMs: 3600 * S },
    steps: [
      { atMs: 0, push: 10, check: true, blocks: [] },
      { atMs: S, push: 200, check: true, blocks: [[0, 1]] },
      { atMs: 2 * S, push: 10, check: true, blocks: [[0, 1]] },
    ],
  },
];

function spanCount(batches: SpanBatch[], indexes: number[]): number {
  return indexes.reduce((n, i) => n + spansOf(batches[i]).length, 0);
}

for (const c of cases) {
  test(`flusher: ${c.name}`, async () => {
    const { dir, cleanup } = await tempDir();
    let clock = T0;
    const storage = await openTestStorage(dir, {
      now: () => clock,
      flush: {
        maxBlockBytes: 100 << 20,
        maxBlockDurationMs: 3600 * S,
        traceIdlePeriodMs: 3600 * S,
        checkPeriodMs: S,
        ...c.policy,
      },
    });
    try {
      const gen = new ShopTraceGenerator({ seed: 7, startUnixMs: T0 });
      const pushed: SpanBatch[] = [];
      for (const step of c.steps) {
        clock = T0 + step.atMs;
        if (step.push !== undefined) {
          const batch = gen.nextBatch(step.push);
          pushed.push(batch);
          await storage.push(TENANT, batch);
        }
        if (step.check) await storage.flusher.checkCuts();
        await storage.flusher.idle();
        const blocks = storage.store.blocks(TENANT).map((b) => b.meta.totalSpans);
        const want = step.blocks.map((idx) => spanCount(pushed, idx));
        assert.deepEqual(blocks.sort(), want.sort(), `blocks after the step at ${step.atMs} ms`);
        const inBlocks = want.reduce((a, b) => a + b, 0);
        const head = (await storage.wal.liveSegments(TENANT)).reduce((n, s) => n + s.spanCount, 0);
        assert.equal(head, spanCount(pushed, [...pushed.keys()]) - inBlocks, 'spans in the head');
      }
    } finally {
      await storage.close();
      await cleanup();
    }
  });
}

test('flush right after the head filled up (a cut under way) leaves nothing in the head', async () => {
  const { dir, cleanup } = await tempDir();
  const storage = await openTestStorage(dir, {
    flush: {
      maxBlockBytes: 50_000,
      maxBlockDurationMs: 3600 * S,
      traceIdlePeriodMs: 3600 * S,
      checkPeriodMs: S,
    },
  });
  try {
    const gen = new ShopTraceGenerator({ seed: 8, startUnixMs: T0 });
    const batches = Array.from({ length: 6 }, () => gen.nextBatch(10));
    for (const batch of batches) {
      await storage.push(TENANT, batch);
      await storage.flush();
      const head = (await storage.wal.liveSegments(TENANT)).reduce((n, s) => n + s.spanCount, 0);
      assert.equal(head, 0);
    }
    const inBlocks = storage.store.blocks(TENANT).reduce((n, b) => n + b.meta.totalSpans, 0);
    assert.equal(inBlocks, spanCount(batches, [...batches.keys()]));
  } finally {
    await storage.close();
    await cleanup();
  }
});

test('a head block spanning several WAL files waits for its cut, then each file becomes a block', async () => {
  const { dir, cleanup } = await tempDir();
  const clock = { now: T0 };
  const storage = await openTestStorage(dir, {
    now: () => clock.now,
    maxSegmentBytes: 60_000,
    flush: {
      maxBlockBytes: 1_000_000,
      maxBlockDurationMs: 3600 * S,
      traceIdlePeriodMs: 3600 * S,
      checkPeriodMs: 3600 * S,
    },
  });
  try {
    const gen = new ShopTraceGenerator({ seed: 77, startUnixMs: T0 - 60 * S });
    const pushed: SpanBatch[] = [];
    for (let i = 0; i < 4; i++) {
      const batch = gen.nextBatch(12);
      pushed.push(batch);
      await storage.push(TENANT, batch);
      await storage.wal.drain();
      await storage.flusher.checkCuts();
    }
    await storage.flusher.idle();
    assert.ok(storage.flusher.held >= 2, `${storage.flusher.held} files held`);
    assert.equal(storage.store.blocks(TENANT).length, 0, 'nothing built before the cut');
    while (storage.flusher.held > 0 || storage.store.blocks(TENANT).length === 0) {
      const batch = gen.nextBatch(12);
      pushed.push(batch);
      await storage.push(TENANT, batch);
      await storage.wal.drain();
      await storage.flusher.checkCuts();
      await storage.flusher.idle();
    }
    const blocks = storage.store.blocks(TENANT);
    assert.ok(blocks.length >= 3, `${blocks.length} blocks`);
    for (const b of blocks) assert.ok(b.meta.totalSpans > 0);
    const inBlocks = blocks.reduce((n, b) => n + b.meta.totalSpans, 0);
    const active = (await storage.wal.liveSegments(TENANT)).reduce((n, s) => n + s.spanCount, 0);
    assert.equal(
      inBlocks + active,
      pushed.reduce((n, b) => n + spansOf(b).length, 0),
    );
  } finally {
    await storage.close();
    await cleanup();
  }
});
