import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TqlValue } from './values.js';
import {
  applyBinary,
  compareStrings,
  compileRe2,
  decodeAttr,
  goPow,
  intPow,
  regexMatch,
  valuesEqual,
} from './values.js';

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_INT32 = 2n ** 31n - 1n;

describe('intPow (Tempo TestIntPow, amd64 conversion of out-of-range results)', () => {
  // Go's int(+Inf) is platform-dependent; on amd64 it is the most negative int64.
  const inf = MIN_INT64;
  const cases: readonly (readonly [bigint, bigint, bigint])[] = [
    [-1n, 0n, 1n],
    [-1n, 1n, -1n],
    [-1n, 2n, 1n],
    [-1n, 3n, -1n],
    [-123n, 3n, -1860867n],
    [0n, 0n, 1n],
    [0n, 1n, 0n],
    [1n, 0n, 1n],
    [2n, 2n, 4n],
    [2n, 10n, 1024n],
    [3n, 7n, 2187n],
    [7n, 7n, 823543n],
    [-2n, 3n, -8n],
    [10n, -1n, 0n],
    [1n, -3n, 1n],
    [-1n, -3n, -1n],
    [2n, 62n, 1n << 62n],
    [100n, 100n, inf],
    [MAX_INT32, 2n, 4611686014132420608n],
    [2n, MAX_INT32, inf],
    [MAX_INT64, 2n, inf],
    [2n, MAX_INT64, inf],
  ];
  for (const [base, exp, want] of cases) {
    test(`${base} ^ ${exp}`, () => assert.equal(intPow(base, exp), want));
  }
});

describe('goPow', () => {
  test('differs from ** where Go does', () => {
    assert.equal(goPow(1, NaN), 1);
    assert.equal(goPow(-1, Infinity), 1);
    assert.equal(goPow(NaN, 0), 1);
    assert.equal(goPow(2, 0.5), Math.SQRT2);
  });
});

describe('compileRe2 (RE2 syntax, anchored, `.` matching newlines)', () => {
  const cases: readonly (readonly [string, string, boolean])[] = [
    ['abc', 'abc', true],
    ['abc', 'xabcx', false],
    ['a|b', 'a', true],
    ['a|b', 'ab', false],
    ['', '', true],
    ['', 'x', false],
    ['a.c', 'a\nc', true],
    ['(?i)ABC', 'abc', true],
    ['(?i:AB)c', 'abc', true],
    ['(?P<name>x+)', 'xxx', true],
    ['(?<name>x+)', 'xxx', true],
    ['\\d{2,3}', '123', true],
    ['\\d{2,3}', '1234', false],
    ['x{,2}', 'x{,2}', true],
    ['\\s', '\t', true],
    ['\\s', '\v', false],
    ['\\S+', 'a\u00a0b', true],
    ['[\\s]', ' ', true],
    ['[^\\S]', '\n', true],
    ['[[:digit:]]+', '0129', true],
    ['[[:^digit:]]+', 'ab', true],
    ['[[:^digit:]]+', 'a1', false],
    ['[[:punct:]]', '[', true],
    ['[[:^punct:]x]', 'x', true],
    ['[[:word:]]+', 'a_1', true],
    ['[]a]+', ']a]', true],
    ['[^]a]', 'b', true],
    ['\\pL+', 'héllo', true],
    ['\\p{Greek}+', 'αβγ', true],
    ['\\p{^Greek}', 'a', true],
    ['\\PL', '1', true],
    ['\\p{Lu}', 'A', true],
    ['\\QA.B\\E', 'A.B', true],
    ['\\QA.B\\E', 'AxB', false],
    ['\\x41\\x{1F600}', 'A\u{1F600}', true],
    ['\\101', 'A', true],
    ['\\.\\-\\#', '.-#', true],
    ['\\Aab\\z', 'ab', true],
    ['\\bab\\b', 'ab', true],
    ['a\\Cb', 'a-b', true],
    ['(?m)a$\\nb', 'a\nb', true],
    ['(?s).+', 'a\nb', true],
    ['😀+', '😀😀', true],
    ['[😀-😂]', '😁', true],
  ];
  for (const [pattern, text, want] of cases) {
    test(`${JSON.stringify(pattern)} on ${JSON.stringify(text)}`, () => {
      assert.equal(compileRe2(pattern).test(text), want);
      assert.equal(regexMatch(text, pattern), want);
    });
  }
});

describe('compareStrings (UTF-8 byte order)', () => {
  test('code point order, unlike UTF-16 units', () => {
    assert.ok(compareStrings('\u{1F600}', '\uffff') > 0);
    assert.ok('\u{1F600}' < '\uffff');
    assert.ok(compareStrings('a', 'b') < 0);
    assert.ok(compareStrings('ab', 'a') > 0);
    assert.equal(compareStrings('x', 'x'), 0);
  });
});

describe('decodeAttr', () => {
  const cases: readonly (readonly [string, Parameters<typeof decodeAttr>[0], TqlValue])[] = [
    ['string', { t: 1, s: 'x' }, { t: 'string', v: 'x' }],
    ['int as text', { t: 2, i: '-9223372036854775808' }, { t: 'int', v: MIN_INT64 }],
    ['int as number', { t: 2, i: 42 }, { t: 'int', v: 42n }],
    ['double', { t: 3, d: 1.5 }, { t: 'float', v: 1.5 }],
    ['double NaN', { t: 3, d: 'NaN' }, { t: 'float', v: NaN }],
    ['double -Infinity', { t: 3, d: '-Infinity' }, { t: 'float', v: -Infinity }],
    ['bool', { t: 4, b: true }, { t: 'bool', v: true }],
    ['bytes', { t: 5, s: 'AQI=' }, { t: 'nil' }],
    ['kvlist', { t: 7, s: '[]' }, { t: 'nil' }],
    ['empty value', { t: 0 }, { t: 'nil' }],
    ['empty array', { t: 6, s: '[]' }, { t: 'nil' }],
    ['one-element array', { t: 6, s: '[{"t":2,"i":"5"}]' }, { t: 'int', v: 5n }],
    ['mixed array', { t: 6, s: '[{"t":2,"i":"5"},{"t":3,"d":5}]' }, { t: 'nil' }],
    ['nested array', { t: 6, s: '[{"t":6,"s":"[]"},{"t":6,"s":"[]"}]' }, { t: 'nil' }],
    ['broken array', { t: 6, s: '[' }, { t: 'nil' }],
    [
      'bool array',
      { t: 6, s: '[{"t":4,"b":true},{"t":4,"b":false}]' },
      {
        t: 'array',
        v: [
          { t: 'bool', v: true },
          { t: 'bool', v: false },
        ],
      },
    ],
  ];
  for (const [name, attr, want] of cases) {
    test(name, () => assert.deepEqual(decodeAttr(attr), want));
  }
});

describe('applyBinary and valuesEqual', () => {
  const int = (v: bigint): TqlValue => ({ t: 'int', v });
  const dur = (v: bigint): TqlValue => ({ t: 'duration', v });
  const flt = (v: number): TqlValue => ({ t: 'float', v });
  const str = (v: string): TqlValue => ({ t: 'string', v });

  test('int and duration are equal by value, floats numerically (Static.Equals)', () => {
    assert.ok(valuesEqual(int(1000n), dur(1000n)));
    assert.ok(valuesEqual(flt(1000), dur(1000n)));
    assert.ok(!valuesEqual({ t: 'nil' }, { t: 'nil' }));
    assert.ok(valuesEqual({ t: 'status', v: 'ok' }, { t: 'status', v: 'ok' }));
    assert.ok(!valuesEqual({ t: 'status', v: 'ok' }, { t: 'kind', v: 'server' }));
  });

  test('int arithmetic wraps at 64 bits; mixed arithmetic is float', () => {
    const never = () => false;
    assert.deepEqual(applyBinary('+', int(MAX_INT64), int(1n), never), int(MIN_INT64));
    assert.deepEqual(applyBinary('/', int(MIN_INT64), int(-1n), never), int(MIN_INT64));
    assert.deepEqual(applyBinary('%', int(MIN_INT64), int(-1n), never), int(0n));
    assert.deepEqual(applyBinary('+', dur(1n), dur(2n), never), flt(3));
    assert.deepEqual(applyBinary('*', int(2n), flt(0.5), never), flt(1));
  });

  test('mismatched types: comparisons are false, arithmetic is nil', () => {
    const never = () => false;
    assert.deepEqual(applyBinary('=', int(1n), str('1'), never), { t: 'bool', v: false });
    assert.deepEqual(applyBinary('!=', int(1n), str('1'), never), { t: 'bool', v: false });
    assert.deepEqual(applyBinary('+', str('a'), str('b'), never), { t: 'nil' });
    assert.deepEqual(applyBinary('<', { t: 'bool', v: false }, { t: 'bool', v: true }, never), {
      t: 'bool',
      v: false,
    });
    assert.deepEqual(
      applyBinary('=', { t: 'status', v: 'error' }, { t: 'kind', v: 'server' }, never),
      { t: 'bool', v: false },
    );
  });
});
