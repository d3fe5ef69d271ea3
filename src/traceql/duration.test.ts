import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from './duration.js';

const S = 1_000_000_000n;

const parses: Array<{ text: string; want: bigint | undefined }> = [
  // Prometheus form: integer amounts, units from the largest down, each once
  { text: '0', want: 0n },
  { text: '1y', want: 365n * 86400n * S },
  { text: '2w1d', want: 15n * 86400n * S },
  { text: '1h30m', want: 5400n * S },
  { text: '1s500ms', want: 1500n * 1_000_000n },
  // Go form: fractions, ns/us/µs, any order
  { text: '1.5s', want: 1500n * 1_000_000n },
  { text: '.5ms', want: 500_000n },
  { text: '1.s', want: S },
  { text: '30m1h', want: 5400n * S },
  { text: '300us', want: 300_000n },
  { text: '7µs', want: 7000n },
  { text: '1h15m30.918273645s', want: 4530n * S + 918_273_645n },
  { text: '2562047h47m16.854775807s', want: (1n << 63n) - 1n },
  // neither
  { text: '', want: undefined },
  { text: '1', want: undefined },
  { text: '1t', want: undefined },
  { text: '1d1.5h', want: undefined },
  { text: '1.5d', want: undefined },
  { text: '.s', want: undefined },
  { text: '2562047h47m16.854775808s', want: undefined },
  { text: '106751d23h47m16s855ms', want: undefined },
];

test('parseDuration', async (t) => {
  for (const c of parses) await t.test(c.text, () => assert.equal(parseDuration(c.text), c.want));
});

const formats: Array<{ nanos: bigint; want: string }> = [
  { nanos: 0n, want: '0s' },
  { nanos: 5400n * S, want: '1h30m' },
  { nanos: 86400n * S, want: '24h' },
  { nanos: 1500n * 1_000_000n, want: '1s500ms' },
  { nanos: 1n, want: '1ns' },
  { nanos: 1_001_001n, want: '1ms1us1ns' },
  { nanos: -2n * S, want: '-2s' },
];

test('formatDuration', async (t) => {
  for (const c of formats) {
    await t.test(c.want, () => {
      assert.equal(formatDuration(c.nanos), c.want);
      if (c.nanos >= 0n) assert.equal(parseDuration(c.want), c.nanos);
    });
  }
});
