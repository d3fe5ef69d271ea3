/**
 * `attrs.parquet` orders: level-0 blocks keep span order; compaction writes key order with each
 * attribute's place in its span (`pos`). Whatever the inputs' order and however the compaction
 * is cut into parts, every span must read back with its attributes in the order received.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ShopTraceGenerator } from '../demo/index.js';
import { openTestStorage } from '../../test/helpers/storage.js';
import { tempDir } from '../../test/helpers/tmp.js';
import type { Block } from './block.js';
import { compactBlocks } from './build.js';
import type { DuckDb } from './duckdb/db.js';
import { plainSpan, serviceBatch } from '../../test/helpers/batches.js';

const TENANT = 't';
const T0 = 1_700_000_000_000;

/** Every stored span of a block, by span id, read through the block's trace lookup. */
async function spansOf(db: DuckDb, blocks: readonly Block[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const b of blocks) {
    const ids = await db.all(`SELECT trace_id FROM read_parquet('${b.file('traces.parquet')}')`);
    for (const { trace_id } of ids) {
      for (const s of await b.findTrace(db, String(trace_id))) out.set(`${s.t}/${s.s}`, s);
    }
  }
  return out;
}

test('compaction writes attributes in key order, and every span reads back in its own order', async () => {
  const { dir, cleanup } = await tempDir();
  const storage = await openTestStorage(dir);
  try {
    const gen = new ShopTraceGenerator({ seed: 11, startUnixMs: T0 });
    // Keys received out of alphabetical order, one of them twice (OTLP forbids it; kept as sent).
    const odd = plainSpan({
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'odd',
      startTimeUnixNano: `${T0}000000`,
      endTimeUnixNano: `${T0}000005`,
      attributes: [
        { key: 'zeta', value: { type: 'string', value: 'last-key-first' } },
        { key: 'alpha', value: { type: 'int', value: '1' } },
        { key: 'mu', value: { type: 'bool', value: true } },
        { key: 'alpha', value: { type: 'int', value: '2' } },
      ],
    });
    for (const batch of [
      gen.nextBatch(120),
      serviceBatch('odd-service', [odd]),
      gen.nextBatch(120),
    ]) {
      await storage.push(TENANT, batch);
      await storage.flush();
    }
    const inputs = storage.store.blocks(TENANT);
    assert.equal(inputs.length, 3);
    assert.ok(inputs.every((b) => b.attrsOrder === 'span'));
    const expected = await spansOf(storage.db, inputs);
    const oddSpan = expected.get(`${'a'.repeat(32)}/${'b'.repeat(16)}`) as { a: { k: string }[] };
    assert.deepEqual(
      oddSpan.a.map((a) => a.k),
      ['zeta', 'alpha', 'mu', 'alpha'],
    );
    const target = (name: string) => ({
      tenant: TENANT,
      tenantDir: path.join(dir, name),
      now: () => T0,
    });

    const once = await compactBlocks(storage.db, target('once'), inputs);
    const parted = await compactBlocks(storage.db, target('parted'), inputs, 300);
    // Inputs in key order themselves, one of them cut into parts.
    const twice = await compactBlocks(storage.db, target('twice'), [once, parted], 500);
    for (const [name, block] of Object.entries({ once, parted, twice })) {
      assert.equal(block.attrsOrder, 'key', name);
      assert.equal(block.meta.attrsOrder, 'key', name);
      const rows = await storage.db.all(
        `SELECT k, span_row, pos FROM read_parquet('${block.file('attrs.parquet')}', file_row_number = true)
         ORDER BY file_row_number`,
      );
      const keys = rows.map((r) => [String(r.k), Number(r.span_row), Number(r.pos)] as const);
      const sorted = [...keys].sort((x, y) =>
        x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2],
      );
      assert.deepEqual(keys, sorted, `${name}: rows sorted by key, span row, place`);
      assert.deepEqual(await spansOf(storage.db, [block]), expected, name);
    }
    const parts = await storage.db.all(
      `SELECT * FROM read_parquet('${parted.file('attrs.parquet')}', file_row_number = true)
       ORDER BY file_row_number`,
    );
    const whole = await storage.db.all(
      `SELECT * FROM read_parquet('${once.file('attrs.parquet')}', file_row_number = true)
       ORDER BY file_row_number`,
    );
    assert.deepEqual(parts, whole, 'a compaction in parts writes the same attribute rows');
  } finally {
    await storage.close();
    await cleanup();
  }
});
