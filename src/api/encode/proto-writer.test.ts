import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoWriter, WireType, numberToU64 } from './proto-writer.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Runs `write` on a fresh writer and returns the hex of what it wrote. */
function written(write: (w: ProtoWriter) => void, initialCapacity?: number): string {
  const w = new ProtoWriter(initialCapacity);
  write(w);
  return hex(w.finish());
}

test('ProtoWriter scalar encodings', () => {
  const cases: Array<{ name: string; write: (w: ProtoWriter) => void; want: string }> = [
    { name: 'varint32 0', write: (w) => w.varint32(0), want: '00' },
    { name: 'varint32 127', write: (w) => w.varint32(127), want: '7f' },
    { name: 'varint32 128', write: (w) => w.varint32(128), want: '8001' },
    { name: 'varint32 300', write: (w) => w.varint32(300), want: 'ac02' },
    { name: 'varint32 2^32-1', write: (w) => w.varint32(0xffffffff), want: 'ffffffff0f' },
    { name: 'varint64 2^32', write: (w) => w.varint64(1, 0), want: '8080808010' },
    {
      name: 'varint64 -1',
      write: (w) => w.varint64(0xffffffff, 0xffffffff),
      want: 'ffffffffffffffffff01',
    },
    {
      name: 'varint64 i64 min',
      write: (w) => w.varint64(0x80000000, 0),
      want: '80808080808080808001',
    },
    { name: 'int32 5', write: (w) => w.int32(5), want: '05' },
    { name: 'int32 -1 (10 bytes)', write: (w) => w.int32(-1), want: 'ffffffffffffffffff01' },
    { name: 'int32 -2', write: (w) => w.int32(-2), want: 'feffffffffffffffff01' },
    { name: 'fixed32', write: (w) => w.fixed32(0x01020304), want: '04030201' },
    { name: 'fixed32 max', write: (w) => w.fixed32(0xffffffff), want: 'ffffffff' },
    { name: 'fixed64', write: (w) => w.fixed64(0x01020304, 0x05060708), want: '0807060504030201' },
    { name: 'double 1', write: (w) => w.double(1), want: '000000000000f03f' },
    { name: 'double NaN', write: (w) => w.double(NaN), want: '000000000000f87f' },
    { name: 'double -0', write: (w) => w.double(-0), want: '0000000000000080' },
    { name: 'tag 1 varint', write: (w) => w.tag(1, WireType.varint), want: '08' },
    { name: 'tag 16 fixed32', write: (w) => w.tag(16, WireType.fixed32), want: '8501' },
    { name: 'bytes', write: (w) => w.bytes(new Uint8Array([1, 2, 3])), want: '03010203' },
    { name: 'bytes empty', write: (w) => w.bytes(new Uint8Array(0)), want: '00' },
    { name: 'hexBytes', write: (w) => w.hexBytes('00ff7F'), want: '0300ff7f' },
  ];
  for (const c of cases) assert.equal(written(c.write), c.want, c.name);
});

test('ProtoWriter.string encodes UTF-8 like Buffer, with U+FFFD for lone surrogates', () => {
  const cases: Array<{ name: string; input: string; want?: string }> = [
    { name: 'empty', input: '' },
    { name: 'ascii', input: 'hello' },
    { name: 'two-byte', input: 'é' },
    { name: 'three-byte', input: '中文' },
    { name: 'surrogate pair', input: '😀x' },
    { name: 'lone high surrogate', input: 'a\ud800b', want: 'a\ufffdb' },
    { name: 'lone low surrogate', input: '\udc00', want: '\ufffd' },
    { name: 'high surrogate at end', input: 'z\ud83d', want: 'z\ufffd' },
    { name: '127 bytes', input: 'a'.repeat(127) },
    { name: '128 bytes (2-byte length)', input: 'a'.repeat(128) },
    { name: '43 three-byte chars (length shift)', input: '中'.repeat(43) },
    { name: '512 chars, JS path', input: 'é'.repeat(512) },
    { name: '513 chars, native path', input: 'é'.repeat(513) },
    {
      name: 'long with lone surrogate, native path',
      input: 'b'.repeat(600) + '\ud800',
      want: 'b'.repeat(600) + '\ufffd',
    },
    { name: '20000 chars (3-byte length)', input: 'q'.repeat(20000) },
  ];
  for (const c of cases) {
    const body = Buffer.from(c.want ?? c.input, 'utf8');
    const len = new ProtoWriter();
    len.varint32(body.length);
    assert.equal(
      written((w) => w.string(c.input), 64),
      hex(len.finish()) + body.toString('hex'),
      c.name,
    );
  }
});

test('ProtoWriter nested messages get exact, minimal lengths', () => {
  const cases: Array<{ name: string; bodyLength: number; lengthHex: string }> = [
    { name: 'empty', bodyLength: 0, lengthHex: '00' },
    { name: '127', bodyLength: 127, lengthHex: '7f' },
    { name: '128', bodyLength: 128, lengthHex: '8001' },
    { name: '16383', bodyLength: 16383, lengthHex: 'ff7f' },
    { name: '16384', bodyLength: 16384, lengthHex: '808001' },
    { name: '2^21', bodyLength: 2 ** 21, lengthHex: '80808001' },
  ];
  for (const c of cases) {
    const body = new Uint8Array(c.bodyLength).map((_, i) => i & 0xff);
    const got = written((w) => {
      w.varint32(7);
      const mark = w.beginMessage(2);
      for (const b of body) w.varint32(b & 0x7f);
      w.endMessage(mark);
      w.varint32(9);
    }, 16);
    const want = '07' + '12' + c.lengthHex + hex(body.map((b) => b & 0x7f)) + '09';
    assert.equal(got, want, c.name);
  }
});

test('ProtoWriter nested messages inside nested messages shift correctly', () => {
  const got = written((w) => {
    const outer = w.beginMessage(1);
    const inner = w.beginMessage(2);
    w.string('x'.repeat(200));
    w.endMessage(inner);
    w.stringField(3, 'end');
    w.endMessage(outer);
  }, 8);
  const innerBody = 'c801' + '78'.repeat(200); // string length 200, then 'x' * 200
  const innerField = '12' + 'ca01' + innerBody; // 202-byte body, 205 bytes in all
  const outerBody = innerField + '1a03656e64'; // 210 bytes
  assert.equal(got, '0a' + 'd201' + outerBody);
});

test('ProtoWriter field helpers skip proto3 defaults', () => {
  const cases: Array<{ name: string; write: (w: ProtoWriter) => void; want: string }> = [
    { name: 'string empty', write: (w) => w.stringField(1, ''), want: '' },
    { name: 'string', write: (w) => w.stringField(1, 'a'), want: '0a0161' },
    { name: 'hex empty', write: (w) => w.hexBytesField(1, ''), want: '' },
    { name: 'hex', write: (w) => w.hexBytesField(1, 'ab'), want: '0a01ab' },
    { name: 'uint32 zero', write: (w) => w.uint32Field(10, 0), want: '' },
    { name: 'uint32', write: (w) => w.uint32Field(10, 3), want: '5003' },
    { name: 'int32 zero', write: (w) => w.int32Field(1, 0), want: '' },
    { name: 'int32 negative', write: (w) => w.int32Field(1, -1), want: '08ffffffffffffffffff01' },
    { name: 'fixed32 zero', write: (w) => w.fixed32Field(16, 0), want: '' },
    { name: 'fixed32', write: (w) => w.fixed32Field(16, 1), want: '850101000000' },
    { name: 'varint64 number zero', write: (w) => w.varint64NumberField(1, 0), want: '' },
    {
      name: 'varint64 number 2^40',
      write: (w) => w.varint64NumberField(1, 2 ** 40),
      want: '08808080808020',
    },
    {
      name: 'varint64 number -2',
      write: (w) => w.varint64NumberField(1, -2),
      want: '08feffffffffffffffff01',
    },
    { name: 'fixed64 decimal zero', write: (w) => w.fixed64DecimalField(7, '0'), want: '' },
    { name: 'fixed64 decimal empty', write: (w) => w.fixed64DecimalField(7, ''), want: '' },
    { name: 'fixed64 decimal corrupt', write: (w) => w.fixed64DecimalField(7, '12x'), want: '' },
    {
      name: 'fixed64 decimal too big',
      write: (w) => w.fixed64DecimalField(7, '18446744073709551616'),
      want: '',
    },
    {
      name: 'fixed64 decimal 1',
      write: (w) => w.fixed64DecimalField(7, '1'),
      want: '390100000000000000',
    },
    {
      name: 'fixed64 decimal timestamp',
      write: (w) => w.fixed64DecimalField(7, '1700000000123456789'),
      want: '39' + Buffer.from(new BigUint64Array([1700000000123456789n]).buffer).toString('hex'),
    },
    {
      name: 'fixed64 decimal u64 max',
      write: (w) => w.fixed64DecimalField(7, '18446744073709551615'),
      want: '39ffffffffffffffff',
    },
  ];
  for (const c of cases) assert.equal(written(c.write), c.want, c.name);
});

test('decimal fields agree with BigInt on edge and random values', () => {
  const values: bigint[] = [
    0n,
    1n,
    9n,
    10n,
    999999999n,
    1000000000n,
    8999999999999999n,
    9000000000000000n,
  ];
  values.push(
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    2n ** 63n - 1n,
    2n ** 63n,
    2n ** 64n - 1n,
  );
  let seed = 42n;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
    values.push(seed >> BigInt(i % 64)); // every magnitude from 64 bits down to 1
  }
  for (const v of values) {
    const le = Buffer.from(new BigUint64Array([v]).buffer).toString('hex');
    const want = v === 0n ? '' : '39' + le;
    assert.equal(
      written((w) => w.fixed64DecimalField(7, v.toString())),
      want,
      v.toString(),
    );
    const signed = BigInt.asIntN(64, v);
    const varint = written((w) => w.varint64(Number(v >> 32n), Number(v & 0xffffffffn)));
    assert.equal(
      written((w) => w.int64Decimal(signed.toString())),
      varint,
      signed.toString(),
    );
  }
});

test('decimal fields reject what is not a 64-bit integer', () => {
  const cases = [
    '',
    '-',
    '+1',
    '1.5',
    ' 1',
    '1e3',
    '0x10',
    '18446744073709551616',
    '-9223372036854775809',
    '123456789012345678901',
    '١',
  ];
  for (const text of cases) {
    assert.equal(
      written((w) => w.fixed64DecimalField(7, text)),
      '',
      JSON.stringify(text),
    );
    assert.equal(
      written((w) => w.int64Decimal(text)),
      '00',
      JSON.stringify(text),
    );
  }
  assert.equal(
    written((w) => w.int64Decimal('-0')),
    '00',
  );
  assert.equal(
    written((w) => w.int64Decimal('007')),
    '07',
  );
  assert.equal(
    written((w) => w.fixed64DecimalField(7, '-1')),
    '39ffffffffffffffff',
  );
});

test("numberToU64 splits integers in two's complement halves", () => {
  const cases: Array<{ input: number; want: { hi: number; lo: number } }> = [
    { input: 0, want: { hi: 0, lo: 0 } },
    { input: -0, want: { hi: 0, lo: 0 } },
    { input: 5, want: { hi: 0, lo: 5 } },
    { input: 2 ** 32, want: { hi: 1, lo: 0 } },
    { input: 2 ** 53 - 1, want: { hi: 0x1fffff, lo: 0xffffffff } },
    { input: -1, want: { hi: 0xffffffff, lo: 0xffffffff } },
    { input: -(2 ** 32), want: { hi: 0xffffffff, lo: 0 } },
    { input: 7.9, want: { hi: 0, lo: 7 } },
  ];
  for (const c of cases) assert.deepEqual(numberToU64(c.input), c.want, String(c.input));
});

test('ProtoWriter grows from a tiny buffer and finish returns a plain, exact copy', () => {
  const w = new ProtoWriter(1);
  for (let i = 0; i < 10000; i++) w.varint32(300);
  assert.equal(w.length, 20000);
  const out = w.finish();
  assert.equal(out.length, 20000);
  assert.equal(w.length, 0);
  assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
  assert.equal(hex(out.subarray(19996)), 'ac02ac02');
});

test('ProtoWriter reuses a finished buffer without leaking old bytes into new output', () => {
  const first = new ProtoWriter(4096);
  first.string('a'.repeat(1000));
  const firstOut = first.finish();
  const second = new ProtoWriter(16); // takes the spare left by `first`
  second.stringField(1, 'b');
  assert.equal(hex(second.finish()), '0a0162');
  assert.equal(firstOut.length, 1002);
  assert.ok(
    firstOut.subarray(2).every((b) => b === 0x61),
    'the first result is a copy',
  );
  first.varint32(5); // a finished writer starts over on a fresh buffer
  assert.equal(hex(first.finish()), '05');
});
