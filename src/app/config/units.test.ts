import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteSize, parseDurationMs, parseWholeNumber } from './units.js';

describe('parseDurationMs', () => {
  const cases: Array<{ input: string; want: number | undefined }> = [
    { input: '0', want: 0 },
    { input: '0s', want: 0 },
    { input: '-0', want: 0 },
    { input: '5s', want: 5000 },
    { input: '5m', want: 300_000 },
    { input: '1h30m', want: 5_400_000 },
    { input: '300ms', want: 300 },
    { input: '1.5s', want: 1500 },
    { input: '1.1s', want: 1100 },
    { input: '.5s', want: 500 },
    { input: '1.s', want: 1000 },
    { input: '24h', want: 86_400_000 },
    { input: '336h', want: 1_209_600_000 },
    { input: '10us', want: 0.01 },
    { input: '10µs', want: 0.01 },
    { input: '10μs', want: 0.01 },
    { input: '1500ns', want: 0.0015 },
    { input: '2m0s', want: 120_000 },
    { input: '1h2m3s4ms', want: 3_723_004 },
    { input: '+5s', want: 5000 },
    { input: '-1.5h', want: -5_400_000 },
    { input: '1d', want: 86_400_000 },
    { input: '2w', want: 1_209_600_000 },
    { input: '1w2d', want: 777_600_000 },
    { input: '0.0000000001s', want: 0 },
    // Not durations.
    { input: '', want: undefined },
    { input: '5', want: undefined },
    { input: '5 s', want: undefined },
    { input: 's', want: undefined },
    { input: '.s', want: undefined },
    { input: '1y', want: undefined },
    { input: '5sec', want: undefined },
    { input: 'five minutes', want: undefined },
    { input: '5m-3s', want: undefined },
    { input: '--5s', want: undefined },
  ];
  for (const { input, want } of cases) {
    it(JSON.stringify(input), () => assert.equal(parseDurationMs(input), want));
  }
});

describe('parseWholeNumber', () => {
  const cases: Array<{ input: string; want: number | undefined }> = [
    { input: '0', want: 0 },
    { input: '1000000', want: 1_000_000 },
    { input: '1_000_000', want: 1_000_000 },
    { input: '-5', want: -5 },
    { input: '+5', want: 5 },
    { input: '1__000', want: undefined },
    { input: '_1', want: undefined },
    { input: '1_', want: undefined },
    { input: '1.0', want: undefined },
    { input: '1e6', want: undefined },
    { input: '', want: undefined },
  ];
  for (const { input, want } of cases) {
    it(JSON.stringify(input), () => assert.equal(parseWholeNumber(input), want));
  }
});

describe('parseByteSize', () => {
  const cases: Array<{ input: string; want: number | undefined }> = [
    { input: '524288000', want: 524_288_000 },
    { input: '1_000_000', want: 1_000_000 },
    { input: '500MiB', want: 524_288_000 },
    { input: '1GB', want: 1_000_000_000 },
    { input: '1gb', want: 1_000_000_000 },
    { input: '1.5 GiB', want: 1_610_612_736 },
    { input: '1.1KB', want: 1100 },
    { input: '16KiB', want: 16_384 },
    { input: '100B', want: 100 },
    { input: '2TiB', want: 2_199_023_255_552 },
    { input: '0.5B', want: undefined },
    { input: '1.0001KB', want: undefined },
    { input: '5 MB ', want: undefined },
    { input: '5M', want: undefined },
    { input: '-1MB', want: undefined },
    { input: 'lots', want: undefined },
  ];
  for (const { input, want } of cases) {
    it(JSON.stringify(input), () => assert.equal(parseByteSize(input), want));
  }
});
