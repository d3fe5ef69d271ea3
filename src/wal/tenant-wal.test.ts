import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { ShopTraceGenerator } from '../demo/index.js';
import { spanIdsByTrace, spansOf } from '../../test/helpers/batches.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { encodeBatch } from './line-format.js';
import { Wal } from './wal.js';

const T0 = 1_700_000_000_000;

test('a failed WAL write is refused and leaves the head as if it never happened', async () => {
  const { dir, cleanup } = await tempDir();
  const wal = new Wal({
    dir,
    sync: 'always',
    syncIntervalMs: 1000,
    maxSegmentBytes: 1 << 30,
    now: () => T0,
    onSealed: () => undefined,
  });
  try {
    const gen = new ShopTraceGenerator({ seed: 5, startUnixMs: T0 });
    const first = gen.nextBatch(3);
    await wal.append('t', first);
    const t = await wal.get('t');
    assert.ok(t);
    const seg = t.active;
    const sizeBefore = (await stat(seg.path)).size;

    // The next write fails (a full disk); a batch appended meanwhile is written afterwards.
    const write = seg.write.bind(seg);
    let calls = 0;
    seg.write = (buffers) =>
      ++calls === 1 ? Promise.reject(new Error('disk full')) : write(buffers);
    const failed = gen.nextBatch(3);
    const later = gen.nextBatch(3);
    const results = await Promise.allSettled([wal.append('t', failed), wal.append('t', later)]);
    assert.deepEqual(
      results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok')),
      ['could not write the WAL: disk full', 'ok'],
    );

    assert.equal(seg.spanCount, spansOf(first).length + spansOf(later).length);
    for (const id of spanIdsByTrace(failed).keys()) assert.equal(seg.hasTrace(id), false);
    const laterBytes = encodeBatch(later).text.length;
    assert.equal(seg.size, sizeBefore + laterBytes, 'only the later batch was added');
    assert.equal((await stat(seg.path)).size, seg.size, 'nothing of the failed write is left');
    for (const [id, ids] of spanIdsByTrace(later)) {
      const spans = await seg.readTrace(id);
      assert.deepEqual(spans.map((s) => s.s).sort(), ids);
      for (const s of spans) assert.ok(seg.resources.has(s.r), `resource ${s.r} is known`);
      for (const s of spans) assert.ok(seg.scopes.has(s.c), `scope ${s.c} is known`);
    }
  } finally {
    await wal.close();
    await cleanup();
  }
});
