import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeValue,
  listChoices,
  nonNegative,
  positive,
  readBool,
  readBytes,
  readDurationMs,
  readOneOf,
  readPort,
  readString,
  readStringList,
  readWholeNumber,
} from './values.js';
import type { Read, Reader } from './values.js';

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = (problem: string): Read<never> => ({ ok: false, problem });

const cases: Array<{ name: string; read: Reader<unknown>; input: unknown; want: Read<unknown> }> = [
  { name: 'duration text', read: readDurationMs, input: '30s', want: ok(30_000) },
  { name: 'duration zero number', read: readDurationMs, input: 0, want: ok(0) },
  {
    name: 'duration as a number',
    read: readDurationMs,
    input: 10,
    want: fail('10 is not a duration (use e.g. 30s, 5m, 1h)'),
  },
  {
    name: 'duration as words',
    read: readDurationMs,
    input: 'five minutes',
    want: fail('"five minutes" is not a duration (use e.g. 30s, 5m, 1h)'),
  },
  { name: 'bytes int', read: readBytes, input: 524288000, want: ok(524_288_000) },
  { name: 'bytes underscores', read: readBytes, input: '1_000_000', want: ok(1_000_000) },
  { name: 'bytes float form', read: readBytes, input: 1.073741824e9, want: ok(1_073_741_824) },
  { name: 'bytes with unit', read: readBytes, input: '500MiB', want: ok(524_288_000) },
  {
    name: 'bytes fraction',
    read: readBytes,
    input: 1.5,
    want: fail('1.5 is not a size in bytes (use e.g. 524288000 or 500MiB)'),
  },
  {
    name: 'bytes too large',
    read: readBytes,
    input: 1e300,
    want: fail('1e+300 is too large'),
  },
  {
    name: 'bytes list',
    read: readBytes,
    input: [1],
    want: fail('a list is not a size in bytes (use e.g. 524288000 or 500MiB)'),
  },
  { name: 'whole number', read: readWholeNumber, input: '10_000', want: ok(10_000) },
  {
    name: 'whole number with unit',
    read: readWholeNumber,
    input: '10KB',
    want: fail('"10KB" is not a whole number (use e.g. 10000)'),
  },
  { name: 'port', read: readPort, input: 3200, want: ok(3200) },
  { name: 'port zero', read: readPort, input: 0, want: ok(0) },
  {
    name: 'port too large',
    read: readPort,
    input: 70000,
    want: fail('70000 is not a port number (use 0 to 65535)'),
  },
  { name: 'bool', read: readBool, input: false, want: ok(false) },
  { name: 'bool yes', read: readBool, input: 'yes', want: ok(true) },
  { name: 'bool Off', read: readBool, input: 'Off', want: ok(false) },
  {
    name: 'bool maybe',
    read: readBool,
    input: 'maybe',
    want: fail('"maybe" is not a boolean (use true or false)'),
  },
  { name: 'string', read: readString, input: '/var/tempo', want: ok('/var/tempo') },
  { name: 'string from number', read: readString, input: 1.5, want: ok('1.5') },
  {
    name: 'string from mapping',
    read: readString,
    input: { a: 1 },
    want: fail('expected a string, got a mapping'),
  },
  { name: 'string list', read: readStringList, input: ['a', 'b'], want: ok(['a', 'b']) },
  {
    name: 'string list with a number',
    read: readStringList,
    input: ['a', 1],
    want: fail('expected a list of strings, got a list'),
  },
  { name: 'one of', read: readOneOf(['a', 'b', 'c']), input: 'b', want: ok('b') },
  {
    name: 'one of, wrong',
    read: readOneOf(['a', 'b', 'c']),
    input: 'd',
    want: fail('"d" is not a valid value (use a, b or c)'),
  },
  { name: 'positive', read: positive(readDurationMs), input: '1s', want: ok(1000) },
  {
    name: 'positive zero',
    read: positive(readDurationMs),
    input: '0s',
    want: fail('must be greater than 0 (got "0s")'),
  },
  {
    name: 'positive keeps the reader problem',
    read: positive(readDurationMs),
    input: 'x',
    want: fail('"x" is not a duration (use e.g. 30s, 5m, 1h)'),
  },
  { name: 'non-negative zero', read: nonNegative(readBytes), input: 0, want: ok(0) },
  {
    name: 'non-negative, negative',
    read: nonNegative(readBytes),
    input: -1,
    want: fail('must not be negative (got -1)'),
  },
];

describe('readers', () => {
  for (const { name, read, input, want } of cases) {
    it(name, () => assert.deepEqual(read(input), want));
  }
});

describe('describeValue', () => {
  const table: Array<[unknown, string]> = [
    ['x', '"x"'],
    [5, '5'],
    [true, 'true'],
    [null, 'null'],
    [[1], 'a list'],
    [{}, 'a mapping'],
    [new Uint8Array([1]), 'a value of another kind'],
  ];
  for (const [input, want] of table) {
    it(want, () => assert.equal(describeValue(input), want));
  }
});

describe('listChoices', () => {
  const table: Array<[string[], string]> = [
    [[], ''],
    [['a'], 'a'],
    [['a', 'b'], 'a or b'],
    [['a', 'b', 'c'], 'a, b or c'],
  ];
  for (const [input, want] of table) {
    it(JSON.stringify(input), () => assert.equal(listChoices(input), want));
  }
});
