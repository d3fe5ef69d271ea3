import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShopTraceGenerator } from '../demo/index.js';
import { filterBatch } from '../../test/helpers/batches.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { encodeBatch } from './line-format.js';
import { Segment } from './segment.js';
import { Wal } from './wal.js';

const T0 = 1_700_000_000_000;

/** A segment holding `records` records, each with spans of trace `traceId` (among others). */
async function segmentWithRecords(dir: string, records: number) {
  const seg = await Segment.open(dir, 't', 'seg', T0);
  const gen = new ShopTraceGenerator({ seed: 3, startUnixMs: T0 });
  const batch = gen.nextBatch(4);
  const traceId = batch.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.traceId as string;
  let spans = 0;
  for (let r = 0; r < records; r++) {
    const part = filterBatch(batch, (_s, i) => i % records === r);
    const enc = encodeBatch(part);
    const offset = seg.size;
    await seg.write([Buffer.from(enc.text)]);
    seg.addRecord(offset, enc.text.length, enc.traceIds);
    spans += enc.traceSpans[enc.traceIds.indexOf(traceId)] ?? 0;
  }
  return { seg, traceId, spans };
}

test('a read under way when its segment is closed completes; reads after the close find nothing', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const { seg, traceId, spans } = await segmentWithRecords(dir, 8);
    assert.equal((await seg.readTrace(traceId)).length, spans);
    const reading = seg.readTrace(traceId);
    const closing = seg.close();
    assert.equal((await reading).length, spans);
    await closing;
    assert.deepEqual(await seg.readTrace(traceId), []);
    await seg.close(); // closing twice is harmless
  } finally {
    await cleanup();
  }
});

test('the live segment list handed to readers is a snapshot', async () => {
  const { dir, cleanup } = await tempDir();
  const wal = new Wal({
    dir,
    sync: 'never',
    syncIntervalMs: 1000,
    maxSegmentBytes: 1 << 30,
    now: () => T0,
    onSealed: () => undefined,
  });
  try {
    const gen = new ShopTraceGenerator({ seed: 4, startUnixMs: T0 });
    const t = async () => {
      const found = await wal.get('t');
      assert.ok(found);
      return found;
    };
    for (let i = 0; i < 3; i++) {
      await wal.append('t', gen.nextBatch(2));
      await (await t()).cut();
    }
    const live = await wal.liveSegments('t');
    assert.equal(live.length, 4);
    await (await t()).remove(live[0] as Segment, () => Promise.resolve());
    assert.equal(live.length, 4, 'removing a segment does not change a list already handed out');
    assert.equal((await wal.liveSegments('t')).length, 3);
  } finally {
    await wal.close();
    await cleanup();
  }
});
