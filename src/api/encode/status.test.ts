import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportTraceResponseToJson, rpcStatusToJson } from './status-json.js';
import { encodeExportTraceResponseProto, encodeRpcStatusProto } from './status-proto.js';
import { ExportTraceServiceResponse, JSON_LIKE, RpcStatus } from './testdata/otlp-schema.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

test('ExportTraceServiceResponse in protobuf and JSON', () => {
  const cases: Array<{
    name: string;
    input: { rejectedSpans: number; errorMessage: string };
    hex: string;
    json: object;
  }> = [
    { name: 'full success', input: { rejectedSpans: 0, errorMessage: '' }, hex: '', json: {} },
    {
      name: 'rejected spans with message',
      input: { rejectedSpans: 2, errorMessage: 'trace too large' },
      hex: '0a130802120f747261636520746f6f206c61726765',
      json: { partialSuccess: { rejectedSpans: '2', errorMessage: 'trace too large' } },
    },
    {
      name: 'message only (a warning)',
      input: { rejectedSpans: 0, errorMessage: 'slow down' },
      hex: '0a0b1209736c6f7720646f776e',
      json: { partialSuccess: { errorMessage: 'slow down' } },
    },
    {
      name: 'rejected only',
      input: { rejectedSpans: 300, errorMessage: '' },
      hex: '0a0308ac02',
      json: { partialSuccess: { rejectedSpans: '300' } },
    },
    {
      name: 'negative count is not reported',
      input: { rejectedSpans: -4, errorMessage: '' },
      hex: '',
      json: {},
    },
  ];
  for (const c of cases) {
    const bytes = encodeExportTraceResponseProto(c.input);
    assert.equal(hex(bytes), c.hex, c.name);
    assert.deepEqual(exportTraceResponseToJson(c.input), c.json, c.name);
    const decoded = ExportTraceServiceResponse.toObject(
      ExportTraceServiceResponse.decode(bytes),
      JSON_LIKE,
    );
    assert.deepEqual(decoded, c.json, `${c.name}: protobufjs agrees`);
  }
});

test('google.rpc.Status in protobuf and JSON', () => {
  const cases: Array<{ name: string; code: number; message: string; hex: string; json: object }> = [
    {
      name: 'invalid argument',
      code: 3,
      message: 'bad',
      hex: '08031203626164',
      json: { code: 3, message: 'bad' },
    },
    { name: 'unavailable, no message', code: 14, message: '', hex: '080e', json: { code: 14 } },
    { name: 'ok', code: 0, message: '', hex: '', json: {} },
    {
      name: 'negative code',
      code: -1,
      message: 'é',
      hex: '08ffffffffffffffffff011202c3a9',
      json: { code: -1, message: 'é' },
    },
  ];
  for (const c of cases) {
    const bytes = encodeRpcStatusProto(c.code, c.message);
    assert.equal(hex(bytes), c.hex, c.name);
    assert.deepEqual(rpcStatusToJson(c.code, c.message), c.json, c.name);
    assert.deepEqual(
      RpcStatus.toObject(RpcStatus.decode(bytes), JSON_LIKE),
      c.json,
      `${c.name}: protobufjs agrees`,
    );
  }
});

test('google.rpc.Status carries RetryInfo when a retry delay is given', () => {
  const typeUrl = Buffer.from('type.googleapis.com/google.rpc.RetryInfo');
  const expected = Buffer.concat([
    Buffer.from([0x08, 0x08, 0x12, 0x01, 0x78, 0x1a, 0x30, 0x0a, 0x28]),
    typeUrl,
    Buffer.from([0x12, 0x04, 0x0a, 0x02, 0x08, 0x02]),
  ]);
  assert.equal(
    Buffer.from(encodeRpcStatusProto(8, 'x', 2)).toString('hex'),
    expected.toString('hex'),
  );
});
