import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToBase64, hexToBase64 } from './base64.js';

test('hexToBase64 matches Buffer for every length up to 20 bytes', () => {
  for (let n = 0; n <= 20; n++) {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 97 + 13) & 0xff));
    assert.equal(hexToBase64(bytes.toString('hex')), bytes.toString('base64'), `length ${n}`);
  }
});

test('hexToBase64 on ids and case', () => {
  const cases: Array<{ input: string; want: string }> = [
    { input: '', want: '' },
    { input: '0102', want: 'AQI=' },
    { input: '0102030405060708090a0b0c0d0e0f10', want: 'AQIDBAUGBwgJCgsMDQ4PEA==' },
    { input: '0102030405060708090A0B0C0D0E0F10', want: 'AQIDBAUGBwgJCgsMDQ4PEA==' },
    { input: 'fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0', want: '//79/Pv6+fj39vX08/Lx8A==' },
    { input: '1112131415161718', want: 'ERITFBUWFxg=' },
  ];
  for (const c of cases) assert.equal(hexToBase64(c.input), c.want, c.input);
});

test('bytesToBase64 honours the view offset', () => {
  const backing = new Uint8Array([9, 9, 0, 255, 16, 9]);
  assert.equal(bytesToBase64(backing.subarray(2, 5)), 'AP8Q');
  assert.equal(bytesToBase64(new Uint8Array(0)), '');
});
