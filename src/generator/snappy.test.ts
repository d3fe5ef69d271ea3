/**
 * Snappy blocks from `snappyCompress`, decompressed by an independent implementation (snappyjs),
 * must give the input back, for empty, tiny, random, repetitive and remote-write-like inputs.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { snappyCompress } from './snappy.js';

const require = createRequire(import.meta.url);
const snappyjs = require('snappyjs') as { uncompress(input: Uint8Array): Uint8Array };

function random(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = seed >>> 16;
  }
  return out;
}

const LABELS = Buffer.from(
  Array.from(
    { length: 400 },
    (_, i) =>
      `__name__traces_spanmetrics_calls_total service checkout-${i % 7} span_name GET /cart/${i % 13} span_kind SPAN_KIND_SERVER`,
  ).join('\n'),
);

const CASES: ReadonlyArray<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['one byte', new Uint8Array([7])],
  ['three bytes', new Uint8Array([1, 2, 3])],
  ['random 100 kB', random(100_000, 1)],
  ['zeros 200 kB (copies longer than 64, offsets of 1)', new Uint8Array(200_000)],
  ['a literal longer than 65,536 bytes', random(70_000, 2)],
  ['label-heavy text', LABELS],
  [
    'repeats further apart than 64 kB',
    new Uint8Array([...random(70_000, 3), ...random(70_000, 3)]),
  ],
];

describe('snappyCompress', () => {
  for (const [name, input] of CASES) {
    it(name, () => {
      const packed = snappyCompress(input);
      assert.deepEqual(Buffer.from(snappyjs.uncompress(packed)), Buffer.from(input));
    });
  }
  it('compresses repetitive input', () => {
    assert.ok(snappyCompress(LABELS).length < LABELS.length / 5);
  });
});
