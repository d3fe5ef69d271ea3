import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Prng } from './prng.js';

function draws(seed: number, n: number): number[] {
  const prng = new Prng(seed);
  return Array.from({ length: n }, () => prng.nextU32());
}

describe('Prng', () => {
  it('gives the same sequence for the same seed, on every platform', () => {
    assert.deepEqual(draws(1, 4), PINNED_SEED_1);
    assert.deepEqual(draws(1, 1000), draws(1, 1000));
  });

  const distinctSeeds = [0, 1, 2, -1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
  it('gives different sequences for different seeds', () => {
    const firsts = distinctSeeds.map((seed) => draws(seed, 2).join(','));
    assert.equal(new Set(firsts).size, distinctSeeds.length);
  });

  const invalid = [
    { seed: 1.5, message: 'invalid seed 1.5: must be a safe integer' },
    { seed: Number.NaN, message: 'invalid seed NaN: must be a safe integer' },
    { seed: 2 ** 53, message: 'invalid seed 9007199254740992: must be a safe integer' },
  ];
  for (const { seed, message } of invalid) {
    it(`rejects seed ${String(seed)}`, () => {
      assert.throws(() => new Prng(seed), { name: 'RangeError', message });
    });
  }

  it('keeps float, int and range within their bounds and covers them', () => {
    const prng = new Prng(42);
    const ints = new Set<number>();
    const ranged = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const f = prng.float();
      assert.ok(f >= 0 && f < 1);
      ints.add(prng.int(7));
      ranged.add(prng.range(-2, 2));
    }
    assert.deepEqual([...ints].sort(), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...ranged].sort(), [-1, -2, 0, 1, 2]);
  });

  it('draws chance(p) with about probability p', () => {
    const prng = new Prng(3);
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (prng.chance(0.25)) hits++;
    assert.ok(Math.abs(hits / 20_000 - 0.25) < 0.02, `got ${hits / 20_000}`);
  });

  it('draws normal() with mean about 0 and variance about 1', () => {
    const prng = new Prng(5);
    const n = 20_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const z = prng.normal();
      sum += z;
      squares += z * z;
    }
    const mean = sum / n;
    assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(squares / n - mean * mean - 1) < 0.05, `variance ${squares / n}`);
  });

  it('draws logNormal around its median', () => {
    const prng = new Prng(6);
    const values = Array.from({ length: 5_001 }, () => prng.logNormal(100, 0.5)).sort(
      (a, b) => a - b,
    );
    const median = values[2_500] as number;
    assert.ok(median > 95 && median < 105, `median ${median}`);
  });

  it('picks every element of a list, and refuses an empty one', () => {
    const prng = new Prng(8);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(prng.pick(['a', 'b', 'c']));
    assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
    assert.throws(() => prng.pick([]), {
      name: 'RangeError',
      message: 'cannot pick from an empty list',
    });
  });

  it('writes hex32 as eight lowercase hex digits of nextU32', () => {
    const a = new Prng(9);
    const b = new Prng(9);
    for (let i = 0; i < 100; i++) {
      const hex = a.hex32();
      assert.match(hex, /^[0-9a-f]{8}$/);
      assert.equal(parseInt(hex, 16), b.nextU32());
    }
  });
});

/** The first outputs for seed 1; a change here changes every demo trace. */
const PINNED_SEED_1 = [1608336407, 1990310018, 1483619830, 3469955947];
