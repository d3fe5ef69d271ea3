import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexId16, hexId8, utf8Text } from './buffer-text.js';
import { intern, MAX_INTERNED } from './string-intern.js';

function internOf(bytes: Uint8Array | number[], offset = 0): string {
  const buf = Buffer.alloc(bytes.length + offset + 3, 0x7a);
  buf.set(bytes, offset);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  return intern(buf, view, offset, offset + bytes.length);
}

test('intern returns the decoded text, and the same string for the same bytes', () => {
  const words = ['a', 'ab', 'abc', 'abcd', 'http.method', 'GET', 'x'.repeat(MAX_INTERNED)];
  for (const word of words) {
    const first = internOf(Buffer.from(word));
    assert.equal(first, word);
    assert.equal(internOf(Buffer.from(word), 5), word, `${word} at another offset`);
  }
});

test('intern never confuses bytes that are not ASCII with a cached string', () => {
  const cases: Array<{ bytes: number[]; want: string }> = [
    { bytes: [0xc3, 0xa9], want: 'é' },
    { bytes: [0xe9], want: '\ufffd' },
    { bytes: [0xc3, 0xa9], want: 'é' },
    { bytes: [0x61, 0xe9, 0x62], want: 'a\ufffdb' },
    { bytes: [0x61, 0xc3, 0xa9, 0x62], want: 'aéb' },
    { bytes: [0x80], want: '\ufffd' },
    { bytes: [0xf0, 0x9d, 0x84, 0x9e], want: '𝄞' },
  ];
  for (let round = 0; round < 2; round++) {
    for (const c of cases)
      assert.equal(internOf(c.bytes), c.want, Buffer.from(c.bytes).toString('hex'));
  }
});

test('intern stays exact when far more strings than slots collide', () => {
  const words: string[] = [];
  for (let i = 0; i < 40_000; i++) words.push(`k${i % 997}.${(i * 7919) % 30011}`);
  for (let round = 0; round < 2; round++) {
    for (const word of words) assert.equal(internOf(Buffer.from(word)), word);
  }
});

test('hex ids and UTF-8 text match Node’s own encoders', () => {
  const buf = Buffer.alloc(272);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 37 + 11) & 0xff;
  for (let start = 0; start + 16 <= buf.length; start += 3) {
    assert.equal(hexId8(buf, start), buf.toString('hex', start, start + 8));
    assert.equal(hexId16(buf, start), buf.toString('hex', start, start + 16));
  }
  const text = Buffer.from('plain, ümlaut, ✓, 𝄞');
  assert.equal(utf8Text(text, 0, text.length), 'plain, ümlaut, ✓, 𝄞');
  assert.equal(utf8Text(text, 7, 14), 'ümlaut');
});
