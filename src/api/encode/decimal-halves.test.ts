import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalToU64 } from '../../model/index.js';
import { parseDecimalInto } from './decimal-halves.js';

function parse(text: string): { hi: number; lo: number } | undefined {
  const out = { hi: 0, lo: 0 };
  return parseDecimalInto(text, out) ? out : undefined;
}

test('parseDecimalInto agrees with the model decimalToU64', () => {
  const cases = [
    '0',
    '-0',
    '7',
    '-7',
    '000000000000000000001',
    '00000000000000000001',
    '999999999',
    '1000000000',
    '8999999999999999',
    '9000000000000000',
    '4294967295',
    '4294967296',
    '9007199254740993',
    '1700000000123456789',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775808',
    '-9223372036854775809',
    '18446744073709551615',
    '18446744073709551616',
    '99999999999999999999',
    '',
    '-',
    '+1',
    '1.0',
    '1e9',
    'abc',
  ];
  for (const text of cases) assert.deepEqual(parse(text), decimalToU64(text), JSON.stringify(text));
});
