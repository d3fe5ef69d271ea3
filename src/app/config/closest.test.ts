import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestMatch, editDistance } from './closest.js';

describe('editDistance', () => {
  const cases: Array<[string, string, number]> = [
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['max_block_byte', 'max_block_bytes', 1],
    ['ingestor', 'ingester', 1],
    ['same', 'same', 0],
  ];
  for (const [a, b, want] of cases) {
    it(`${a} → ${b}`, () => assert.equal(editDistance(a, b), want));
  }
});

describe('closestMatch', () => {
  const keys = ['max_block_bytes', 'max_block_duration', 'trace_idle_period', 'flush_check_period'];
  const cases: Array<{ word: string; candidates: string[]; want: string | undefined }> = [
    { word: 'max_block_byte', candidates: keys, want: 'max_block_bytes' },
    { word: 'trace_idle_perod', candidates: keys, want: 'trace_idle_period' },
    { word: 'MAX_BLOCK_BYTES', candidates: keys, want: 'max_block_bytes' },
    { word: 'zzz', candidates: keys, want: undefined },
    { word: 'flush', candidates: keys, want: undefined },
    // Short words allow one edit only.
    { word: 'ux', candidates: ['ui'], want: 'ui' },
    { word: 'xy', candidates: ['ui'], want: undefined },
    // Ties go to the alphabetically first candidate.
    { word: 'ab', candidates: ['ac', 'aa'], want: 'aa' },
    { word: 'x', candidates: [], want: undefined },
  ];
  for (const { word, candidates, want } of cases) {
    it(word, () => assert.equal(closestMatch(word, candidates), want));
  }
});
