import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTraceProto } from '../api/encode/index.js';
import { ShopTraceGenerator } from '../demo/index.js';
import { InvalidRequestError } from '../model/index.js';
import { EncodePool } from './encode-pool.js';

test('worker threads give exactly what the inline path gives, and the same errors', async () => {
  const workers = new EncodePool(2);
  const inline = new EncodePool(0);
  try {
    const gen = new ShopTraceGenerator({ seed: 9, startUnixMs: 1_700_000_000_000 });
    const bodies = Array.from({ length: 6 }, () => encodeTraceProto(gen.nextBatch(20)));
    for (const body of bodies) {
      const job = { format: 'otlp-protobuf' as const, body, maxAttributeBytes: 64 };
      const [a, b] = await Promise.all([workers.encode(job), inline.encode(job)]);
      assert.deepEqual(
        { ...a, encoded: { ...a.encoded, text: Buffer.from(a.encoded.text).toString() } },
        { ...b, encoded: { ...b.encoded, text: Buffer.from(b.encoded.text).toString() } },
      );
    }
    const bad = { format: 'otlp-json' as const, body: Buffer.from('{'), maxAttributeBytes: 0 };
    await assert.rejects(workers.encode(bad), (err) => {
      assert.ok(err instanceof InvalidRequestError);
      assert.equal(err.message, 'invalid OTLP JSON: the body is not valid JSON (near byte 1)');
      return true;
    });
  } finally {
    await workers.close();
    await inline.close();
  }
});
