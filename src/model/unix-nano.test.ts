import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalToU64, i64ToDecimal, u64ToDecimal } from './unix-nano.js';

function split(v: bigint): { hi: number; lo: number } {
  const u = BigInt.asUintN(64, v);
  return { hi: Number(u >> 32n), lo: Number(u & 0xffffffffn) };
}

const cases: Array<{ name: string; value: bigint }> = [
  { name: 'zero', value: 0n },
  { name: 'small', value: 42n },
  { name: '2^53-1', value: 9007199254740991n },
  { name: '2^53', value: 9007199254740992n },
  { name: 'a timestamp', value: 1700000000123456789n },
  { name: 'u64 max', value: 18446744073709551615n },
  { name: 'exact billion multiple', value: 5000000000000000000n },
];

test('u64ToDecimal matches BigInt for every case', () => {
  for (const c of cases) {
    const { hi, lo } = split(c.value);
    assert.equal(u64ToDecimal(hi, lo), c.value.toString(), c.name);
    assert.deepEqual(decimalToU64(c.value.toString()), { hi, lo }, c.name);
  }
});

test('i64ToDecimal handles negatives', () => {
  for (const v of [-1n, -42n, -9223372036854775808n, 9223372036854775807n, -1700000000123456789n]) {
    const { hi, lo } = split(v);
    assert.equal(i64ToDecimal(hi, lo), v.toString());
    assert.deepEqual(decimalToU64(v.toString()), { hi, lo });
  }
});

test('decimalToU64 rejects what does not fit', () => {
  assert.equal(decimalToU64('18446744073709551616'), undefined);
  assert.equal(decimalToU64('-9223372036854775809'), undefined);
  assert.equal(decimalToU64('12a'), undefined);
  assert.equal(decimalToU64(''), undefined);
});

test('random values round-trip', () => {
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed;
  };
  for (let i = 0; i < 2000; i++) {
    const hi = rnd();
    const lo = rnd();
    const big = (BigInt(hi) << 32n) | BigInt(lo);
    assert.equal(u64ToDecimal(hi, lo), big.toString());
    assert.equal(i64ToDecimal(hi, lo), BigInt.asIntN(64, big).toString());
  }
});
