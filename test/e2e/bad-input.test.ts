/**
 * Bad input against running servers: each case gets the right status and the exact message, and
 * afterwards every server still ingests and serves traces. Three servers: `main` (defaults),
 * `limited` (4 KiB bodies and messages, 1000 bytes/s) and `tenants` (multi-tenancy on). The config
 * cases run the `vivace` command as a child process.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { runVivace } from '../helpers/cli.js';
import {
  decodeExportResponse,
  grpcCall,
  otlpProtobuf,
  otlpRequest,
  postOtlp,
  readExportResponse,
  readRpcStatus,
  type HttpReply,
  type PostOptions,
} from '../helpers/otlp-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { READ_PATHS } from '../helpers/trace-read.js';

type ServerName = 'main' | 'limited' | 'tenants';

const servers = {} as Record<ServerName, TestServer>;

const LIMIT = 4096;
const listen = { host: '127.0.0.1', port: 0 };

before(async () => {
  [servers.main, servers.limited, servers.tenants] = await Promise.all([
    startTestServer(),
    startTestServer({
      receivers: {
        otlpHttp: { ...listen, maxRequestBodyBytes: LIMIT },
        otlpGrpc: { ...listen, maxRecvMsgBytes: LIMIT },
      },
      overrides: { rateLimitBytes: 1000, burstSizeBytes: 1000 },
    }),
    startTestServer({ multitenancyEnabled: true }),
  ]);
});

after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

const PROTO = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const valid = (traceId = TRACE, spanIds = [SPAN]) => otlpRequest(traceId, spanIds);

/** A valid request whose span has `over` in place of some fields, as JSON text. */
function jsonWith(over: Record<string, unknown>): string {
  const req = valid();
  const span = req.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  return JSON.stringify({
    resourceSpans: [{ ...req.resourceSpans[0], scopeSpans: [{ spans: [{ ...span, ...over }] }] }],
  });
}

const VALID_PROTO = otlpProtobuf(valid());
const GARBAGE = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
/** ResourceSpans field 1 sent as a varint. */
const WRONG_WIRE_TYPE = Buffer.from([0x08, 0x01]);
/** A span (in a ScopeSpans in a ResourceSpans) whose `name`, field 5, is sent as a varint. */
const WRONG_WIRE_TYPE_IN_SPAN = Buffer.from([0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x28, 0x01]);
/** Over 1000 bytes (the limited server's burst), under 4096 (its body limit). */
const LARGE = otlpRequest(TRACE, [SPAN], 'x'.repeat(1500));

interface HttpCase {
  name: string;
  on?: ServerName;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  opts?: PostOptions;
  status: number;
  /** The `google.rpc.Status` of an error reply, in the request's encoding. */
  rpc?: { encoding: 'json' | 'protobuf'; code: number; message: string };
  /** A plain-text reply. */
  text?: string;
  /** Reply headers that must be present. */
  replyHeaders?: Record<string, string>;
  /** The `ExportTraceServiceResponse` of a 200 reply, as JSON. */
  accepted?: object;
  /** Spans of `TRACE` readable afterwards. */
  stored?: number;
}

const INVALID = 3;
const RESOURCE_EXHAUSTED = 8;
const UNAUTHENTICATED = 16;
const RATE_LIMITED =
  'RATE_LIMITED: ingestion rate limit (1000 bytes/s, burst 1000 bytes) reached for tenant single-tenant';
const TOO_LARGE = `request body is larger than the limit of ${LIMIT} bytes`;
const PROTO_ERROR = (message: string) => ({
  encoding: 'protobuf' as const,
  code: INVALID,
  message: `invalid OTLP protobuf: ${message}`,
});
const JSON_ERROR = (message: string) => ({
  encoding: 'json' as const,
  code: INVALID,
  message: `invalid OTLP JSON: ${message}`,
});
const SPAN_PATH = 'resourceSpans[0].scopeSpans[0].spans[0]';

const HTTP_CASES: HttpCase[] = [
  {
    name: 'truncated protobuf',
    headers: PROTO,
    body: VALID_PROTO.subarray(0, VALID_PROTO.length - 5),
    status: 400,
    rpc: PROTO_ERROR('truncated length-delimited field 1 of ExportTraceServiceRequest at byte 0'),
  },
  {
    name: 'garbage bytes',
    headers: PROTO,
    body: GARBAGE,
    status: 400,
    rpc: PROTO_ERROR('wire type 7 is not valid (field 536870911) at byte 0'),
  },
  {
    name: 'protobuf with a wrong wire type',
    headers: PROTO,
    body: WRONG_WIRE_TYPE,
    status: 400,
    rpc: PROTO_ERROR(
      'wire type 0 (varint) is wrong for field 1 of ExportTraceServiceRequest at byte 0',
    ),
  },
  {
    name: 'protobuf with a wrong wire type inside a span',
    headers: { 'Content-Type': 'application/protobuf' },
    body: WRONG_WIRE_TYPE_IN_SPAN,
    status: 400,
    rpc: PROTO_ERROR('wire type 0 (varint) is wrong for field 5 of Span at byte 6'),
  },
  {
    name: 'invalid JSON',
    headers: JSON_TYPE,
    body: '{"resourceSpans": [',
    status: 400,
    rpc: JSON_ERROR('the body is not valid JSON'),
  },
  {
    name: 'invalid JSON, with the place of the fault',
    headers: JSON_TYPE,
    body: '{"resourceSpans": []} x',
    status: 400,
    rpc: JSON_ERROR('the body is not valid JSON (near byte 22)'),
  },
  {
    name: 'JSON: a boolean kind',
    headers: JSON_TYPE,
    body: jsonWith({ kind: true }),
    status: 400,
    rpc: JSON_ERROR(`${SPAN_PATH}.kind: expected an integer or a SpanKind name, got true`),
  },
  {
    name: 'JSON: attributes that are a string',
    headers: JSON_TYPE,
    body: jsonWith({ attributes: 'x' }),
    status: 400,
    rpc: JSON_ERROR(`${SPAN_PATH}.attributes: expected an array, got "x"`),
  },
  {
    name: 'JSON: a time that is not a number',
    headers: JSON_TYPE,
    body: jsonWith({ startTimeUnixNano: 'abc' }),
    status: 400,
    rpc: JSON_ERROR(
      `${SPAN_PATH}.startTimeUnixNano: expected an unsigned 64-bit integer (decimal string or number), got "abc"`,
    ),
  },
  {
    name: 'JSON: an intValue with a fraction',
    headers: JSON_TYPE,
    body: jsonWith({ attributes: [{ key: 'n', value: { intValue: '1.5' } }] }),
    status: 400,
    rpc: JSON_ERROR(
      `${SPAN_PATH}.attributes[0].value.intValue: expected a signed 64-bit integer (decimal string or number), got "1.5"`,
    ),
  },
  {
    name: 'JSON: an unknown kind name',
    headers: JSON_TYPE,
    body: jsonWith({ kind: 'SPAN_KIND_FOO' }),
    status: 400,
    rpc: JSON_ERROR(
      `${SPAN_PATH}.kind: expected an integer or a SpanKind name, got "SPAN_KIND_FOO"`,
    ),
  },
  {
    name: 'JSON: an array instead of the request object',
    headers: JSON_TYPE,
    body: '[1,2]',
    status: 400,
    rpc: JSON_ERROR('the request: expected an object, got an array'),
  },
  {
    name: 'a body over the size limit (Content-Length)',
    on: 'limited',
    headers: JSON_TYPE,
    body: ' '.repeat(LIMIT + 1),
    status: 413,
    rpc: { encoding: 'json', code: RESOURCE_EXHAUSTED, message: TOO_LARGE },
  },
  {
    name: 'a body over the size limit (chunked)',
    on: 'limited',
    headers: PROTO,
    body: Buffer.alloc(3 * LIMIT),
    opts: { chunked: true },
    status: 413,
    rpc: { encoding: 'protobuf', code: RESOURCE_EXHAUSTED, message: TOO_LARGE },
  },
  {
    name: 'a gzip body that expands past the size limit',
    on: 'limited',
    headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
    body: gzipSync(' '.repeat(100 * LIMIT)),
    status: 413,
    rpc: { encoding: 'json', code: RESOURCE_EXHAUSTED, message: TOO_LARGE },
  },
  {
    name: 'a gzip body that is not gzip',
    headers: { ...PROTO, 'Content-Encoding': 'gzip' },
    body: VALID_PROTO,
    status: 400,
    rpc: {
      encoding: 'protobuf',
      code: INVALID,
      message: 'could not decompress the gzip body: incorrect header check',
    },
  },
  {
    name: 'a truncated gzip body',
    headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
    body: gzipSync(JSON.stringify(valid())).subarray(0, 20),
    status: 400,
    rpc: {
      encoding: 'json',
      code: INVALID,
      message: 'could not decompress the gzip body: unexpected end of file',
    },
  },
  {
    name: 'a wrong Content-Type',
    headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify(valid()),
    status: 415,
    rpc: {
      encoding: 'json',
      code: INVALID,
      message:
        'unsupported Content-Type "text/plain": use application/x-protobuf or application/json',
    },
  },
  {
    name: 'no Content-Type',
    headers: {},
    body: VALID_PROTO,
    status: 415,
    rpc: {
      encoding: 'json',
      code: INVALID,
      message: 'unsupported Content-Type "": use application/x-protobuf or application/json',
    },
  },
  {
    name: 'an unknown Content-Encoding',
    headers: { ...PROTO, 'Content-Encoding': 'br' },
    body: VALID_PROTO,
    status: 415,
    rpc: {
      encoding: 'protobuf',
      code: INVALID,
      message: 'unsupported Content-Encoding "br": use gzip, deflate or none',
    },
  },
  {
    name: 'GET /v1/traces',
    headers: {},
    opts: { method: 'GET' },
    status: 405,
    text: 'method GET not allowed: use POST\n',
    replyHeaders: { allow: 'POST' },
  },
  {
    name: 'PUT /v1/traces',
    headers: PROTO,
    body: VALID_PROTO,
    opts: { method: 'PUT' },
    status: 405,
    text: 'method PUT not allowed: use POST\n',
    replyHeaders: { allow: 'POST' },
  },
  ...['/v1/metrics', '/v1/logs', '/', '/v1/traces/x'].map((p) => ({
    name: `POST ${p}`,
    headers: PROTO,
    body: VALID_PROTO,
    opts: { path: p },
    status: 404,
    text: '404 page not found: OTLP/HTTP traces are accepted on POST /v1/traces\n',
  })),
  {
    name: 'rate limited (protobuf)',
    on: 'limited',
    headers: PROTO,
    body: otlpProtobuf(LARGE),
    status: 429,
    rpc: { encoding: 'protobuf', code: RESOURCE_EXHAUSTED, message: RATE_LIMITED },
    replyHeaders: { 'retry-after': '1' },
  },
  {
    name: 'rate limited (JSON)',
    on: 'limited',
    headers: JSON_TYPE,
    body: JSON.stringify(LARGE),
    status: 429,
    rpc: { encoding: 'json', code: RESOURCE_EXHAUSTED, message: RATE_LIMITED },
    replyHeaders: { 'retry-after': '1' },
  },
  {
    name: 'a span with an all-zero trace id (JSON): partial success',
    headers: JSON_TYPE,
    body: JSON.stringify({
      resourceSpans: [
        valid('00000000000000000000000000000000', ['0000000000000001']).resourceSpans[0],
        valid(TRACE, ['0000000000000002']).resourceSpans[0],
      ],
    }),
    status: 200,
    accepted: {
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage:
          '1 span rejected: span 0 of scope 0 of resource 0 has an invalid trace_id (must be 16 bytes, not all zero)',
      },
    },
    stored: 1,
  },
  {
    name: 'a span with a short span id (protobuf): partial success',
    headers: PROTO,
    body: otlpProtobuf(valid(TRACE, ['0000000000000003', '0102'])),
    status: 200,
    accepted: {
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage:
          '1 span rejected: span 1 of scope 0 of resource 0 has an invalid span_id (must be 8 bytes, not all zero)',
      },
    },
    stored: 2,
  },
  {
    name: 'a gzip-compressed valid body',
    headers: { ...PROTO, 'Content-Encoding': 'gzip' },
    body: gzipSync(otlpProtobuf(valid(TRACE, ['0000000000000004']))),
    status: 200,
    accepted: {},
    stored: 3,
  },
  {
    name: 'a deflate-compressed valid body with a charset parameter',
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Encoding': 'deflate' },
    body: deflateSync(JSON.stringify(valid(TRACE, ['0000000000000005']))),
    status: 200,
    accepted: {},
    stored: 4,
  },
];

function assertHttpReply(reply: HttpReply, c: HttpCase): void {
  assert.equal(reply.status, c.status, reply.body.toString());
  for (const [k, v] of Object.entries(c.replyHeaders ?? {})) assert.equal(reply.headers.get(k), v);
  if (c.rpc) {
    const type = c.rpc.encoding === 'json' ? 'application/json' : 'application/x-protobuf';
    assert.equal(reply.headers.get('content-type'), type);
    const status = readRpcStatus(reply);
    assert.equal(status.code, c.rpc.code);
    assert.equal(status.message, c.rpc.message);
  }
  if (c.text !== undefined) {
    assert.equal(reply.headers.get('content-type'), 'text/plain');
    assert.equal(reply.body.toString(), c.text);
  }
  if (c.accepted) assert.deepEqual(readExportResponse(reply), c.accepted);
}

async function spansOf(s: TestServer, traceId: string, headers = {}): Promise<string[]> {
  const { batch } = await READ_PATHS[0]!.read(s.api, traceId, headers);
  return batch.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => sp.spanId)),
  );
}

/** Sends the head of a request and part of its body on a raw socket, then hangs up. */
function hangUpMidBody(base: string): Promise<void> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        'POST /v1/traces HTTP/1.1\r\nHost: vivace\r\nContent-Type: application/json\r\n' +
          'Content-Length: 1000\r\n\r\n{"resourceSpans":[',
      );
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

describe('OTLP/HTTP', () => {
  for (const c of HTTP_CASES) {
    test(`${c.name} → ${c.status}`, async () => {
      const s = servers[c.on ?? 'main'];
      assertHttpReply(await postOtlp(s.otlpHttp, c.body, c.headers, c.opts), c);
      if (c.stored !== undefined) assert.equal((await spansOf(s, TRACE)).length, c.stored);
    });
  }

  test('a client that hangs up in the middle of the body breaks nothing', async () => {
    await Promise.all([1, 2, 3].map(() => hangUpMidBody(servers.main.otlpHttp)));
    const reply = await postOtlp(servers.main.otlpHttp, VALID_PROTO, PROTO);
    assert.equal(reply.status, 200);
  });
});

interface GrpcCase {
  name: string;
  on?: ServerName;
  body: Uint8Array;
  metadata?: Record<string, string>;
  method?: string;
  code: number;
  details: string;
  /** Trailing metadata of the error (transport keys left out). */
  trailers?: Record<string, string>;
  /** The `ExportTraceServiceResponse` of a success, as JSON. */
  accepted?: object;
}

/** One length-delimited protobuf field; every length here is under 128, a one-byte varint. */
function lengthField(tag: number, value: Uint8Array): Buffer {
  assert.ok(value.length < 128);
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

/**
 * `google.rpc.Status{code, message, details: [Any{RetryInfo{retry_delay: 1s}}]}`, written out by
 * hand, as the `grpc-status-details-bin` trailer reads back (all its bytes are ASCII).
 */
function statusWithRetryInfo(code: number, message: string): string {
  const retryInfo = Buffer.from([0x0a, 0x02, 0x08, 0x01]); // retry_delay (1) { seconds (1): 1 }
  const any = Buffer.concat([
    lengthField(0x0a, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')),
    lengthField(0x12, retryInfo),
  ]);
  return Buffer.concat([
    Buffer.from([0x08, code]),
    lengthField(0x12, Buffer.from(message)),
    lengthField(0x1a, any),
  ]).toString();
}

const GRPC_CASES: GrpcCase[] = [
  {
    name: 'garbage bytes',
    body: GARBAGE,
    code: INVALID,
    details: 'invalid OTLP protobuf: wire type 7 is not valid (field 536870911) at byte 0',
  },
  {
    name: 'a wrong wire type inside a span',
    body: WRONG_WIRE_TYPE_IN_SPAN,
    code: INVALID,
    details: 'invalid OTLP protobuf: wire type 0 (varint) is wrong for field 5 of Span at byte 6',
  },
  {
    name: 'a truncated message',
    body: VALID_PROTO.subarray(0, 10),
    code: INVALID,
    details:
      'invalid OTLP protobuf: truncated length-delimited field 1 of ExportTraceServiceRequest at byte 0',
  },
  {
    name: 'a message over max_recv_msg_size',
    on: 'limited',
    body: Buffer.alloc(LIMIT + 1),
    code: RESOURCE_EXHAUSTED,
    details: `Received message larger than max (${LIMIT + 1} vs ${LIMIT})`,
  },
  {
    name: 'rate limited',
    on: 'limited',
    body: otlpProtobuf(LARGE),
    code: RESOURCE_EXHAUSTED,
    details: RATE_LIMITED,
    trailers: {
      'grpc-status-details-bin': statusWithRetryInfo(RESOURCE_EXHAUSTED, RATE_LIMITED),
      'retry-after': '1',
    },
  },
  {
    name: 'the metrics service',
    body: VALID_PROTO,
    method: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
    code: 12,
    details:
      'The server does not implement the method /opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  },
  {
    name: 'no X-Scope-OrgID with multi-tenancy on',
    on: 'tenants',
    body: VALID_PROTO,
    code: UNAUTHENTICATED,
    details: 'no org id: multi-tenancy is on, set the X-Scope-OrgID header',
  },
  {
    name: 'an invalid X-Scope-OrgID',
    on: 'tenants',
    body: VALID_PROTO,
    metadata: { 'x-scope-orgid': 'team/a' },
    code: UNAUTHENTICATED,
    details: `invalid X-Scope-OrgID: the tenant id "team/a" has a character other than a-z, A-Z, 0-9 and !-_.*'()`,
  },
  {
    name: 'a span with an all-zero span id: partial success',
    body: otlpProtobuf(valid('6b8efff798038103d269b633813fc60c', ['0000000000000000'])),
    code: 0,
    details: '',
    accepted: {
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage:
          '1 span rejected: span 0 of scope 0 of resource 0 has an invalid span_id (must be 8 bytes, not all zero)',
      },
    },
  },
];

const STATUS_NAMES: Record<number, string> = {
  0: 'OK',
  3: 'INVALID_ARGUMENT',
  8: 'RESOURCE_EXHAUSTED',
  12: 'UNIMPLEMENTED',
  16: 'UNAUTHENTICATED',
};

describe('OTLP/gRPC', () => {
  for (const c of GRPC_CASES) {
    test(`${c.name} → ${STATUS_NAMES[c.code]}`, async () => {
      const s = servers[c.on ?? 'main'];
      const reply = await grpcCall(s.otlpGrpc, c.body, c.metadata, c.method);
      assert.deepEqual(
        { code: reply.code, details: reply.details, metadata: reply.metadata },
        { code: c.code, details: c.details, metadata: c.trailers ?? {} },
      );
      if (c.accepted)
        assert.deepEqual(decodeExportResponse(reply.response ?? Buffer.alloc(0)), c.accepted);
    });
  }
});

describe('multi-tenancy', () => {
  const TENANT_CASES: Array<{ name: string; orgId?: string; message: string }> = [
    {
      name: 'no X-Scope-OrgID',
      message: 'no org id: multi-tenancy is on, set the X-Scope-OrgID header',
    },
    {
      name: 'X-Scope-OrgID ".."',
      orgId: '..',
      message: 'invalid X-Scope-OrgID: the tenant id may not be ".."',
    },
    {
      name: 'an X-Scope-OrgID of 151 characters',
      orgId: 'a'.repeat(151),
      message: 'invalid X-Scope-OrgID: the tenant id is longer than 150 characters',
    },
    {
      name: 'an X-Scope-OrgID with a slash',
      orgId: 'team/a',
      message: `invalid X-Scope-OrgID: the tenant id "team/a" has a character other than a-z, A-Z, 0-9 and !-_.*'()`,
    },
  ];

  for (const c of TENANT_CASES) {
    test(`${c.name} → 401 from the receiver and from the API`, async () => {
      const s = servers.tenants;
      const headers: Record<string, string> = c.orgId ? { 'X-Scope-OrgID': c.orgId } : {};
      const reply = await postOtlp(s.otlpHttp, JSON.stringify(valid()), {
        ...JSON_TYPE,
        ...headers,
      });
      assertHttpReply(reply, {
        name: c.name,
        headers,
        status: 401,
        rpc: { encoding: 'json', code: UNAUTHENTICATED, message: c.message },
      });
      for (const route of ['/api/traces/', '/api/v2/traces/']) {
        const res = await fetch(`${s.api}${route}${TRACE}`, { headers });
        assert.equal(res.status, 401);
        assert.equal(await res.text(), `${c.message}\n`);
      }
    });
  }

  test("two tenants do not see each other's traces", async () => {
    const s = servers.tenants;
    const a = { 'X-Scope-OrgID': 'team-a' };
    const b = { 'X-Scope-OrgID': 'team-b' };
    const onlyA = '7b8efff798038103d269b633813fc60c';
    const send = (orgId: string, traceId: string, spanId: string) =>
      grpcCall(s.otlpGrpc, otlpProtobuf(valid(traceId, [spanId])), { 'x-scope-orgid': orgId });
    assert.equal((await send('team-a', onlyA, '000000000000000a')).code, 0);
    // One trace id in both tenants, with different spans.
    assert.equal((await send('team-a', TRACE, '00000000000000a1')).code, 0);
    const reply = await postOtlp(s.otlpHttp, JSON.stringify(valid(TRACE, ['00000000000000b1'])), {
      ...JSON_TYPE,
      ...b,
    });
    assert.equal(reply.status, 200);
    for (const p of READ_PATHS) {
      assert.deepEqual((await p.read(s.api, onlyA, a)).batch.resourceSpans.length, 1, p.name);
      const mine = await p.read(s.api, TRACE, b);
      assert.deepEqual(
        mine.batch.resourceSpans.flatMap((rs) => rs.scopeSpans[0]!.spans.map((x) => x.spanId)),
        ['00000000000000b1'],
        p.name,
      );
    }
    assert.deepEqual(await spansOf(s, TRACE, a), ['00000000000000a1']);
    for (const route of ['/api/traces/', '/api/v2/traces/']) {
      for (const accept of ['application/json', 'application/protobuf']) {
        const res = await fetch(`${s.api}${route}${onlyA}`, { headers: { ...b, Accept: accept } });
        assert.equal(res.status, 404);
        assert.equal(await res.text(), `trace not found: ${onlyA}\n`);
      }
    }
  });
});

/** A stored trace whose id has leading zeros, for the short-id cases. */
const PADDED = '00000000000000000123456789abcdef';

interface ApiCase {
  name: string;
  path: string;
  method?: string;
  accept?: string;
  status: number;
  /** The exact plain-text body of an error. */
  text?: string;
  /** For 200: the trace id the spans must have. */
  traceId?: string;
}

const INVALID_ID = (raw: string) =>
  `invalid trace id "${raw}": expected 1 to 32 hexadecimal characters\n`;
const PROTOBUF_ACCEPT = 'application/protobuf';

const API_CASES: ApiCase[] = [
  { name: 'a non-hex id', path: '/api/traces/xyz', status: 400, text: INVALID_ID('xyz') },
  { name: 'a non-hex id (v2)', path: '/api/v2/traces/xyz', status: 400, text: INVALID_ID('xyz') },
  {
    name: 'a non-hex id, protobuf wanted',
    path: '/api/traces/xyz',
    accept: PROTOBUF_ACCEPT,
    status: 400,
    text: INVALID_ID('xyz'),
  },
  {
    name: 'an id of 33 digits',
    path: `/api/traces/1${PADDED}`,
    status: 400,
    text: INVALID_ID(`1${PADDED}`),
  },
  { name: 'a malformed escape', path: '/api/traces/%zz', status: 400, text: INVALID_ID('%zz') },
  { name: 'an empty id', path: '/api/traces/', status: 400, text: INVALID_ID('') },
  ...['/api/traces/', '/api/v2/traces/'].flatMap((route) =>
    [undefined, PROTOBUF_ACCEPT].map((accept) => ({
      name: `an unknown id (${route}, ${accept ?? 'JSON'})`,
      path: `${route}${'f'.repeat(32)}`,
      ...(accept ? { accept } : {}),
      status: 404,
      text: `trace not found: ${'f'.repeat(32)}\n`,
    })),
  ),
  ...[
    ['abc', '5', 'invalid start "abc": expected unix epoch seconds'],
    ['-1', '5', 'invalid start "-1": expected unix epoch seconds'],
    ['1.5', '5', 'invalid start "1.5": expected unix epoch seconds'],
    ['5', 'soon', 'invalid end "soon": expected unix epoch seconds'],
    ['10', '10', 'invalid time range: end (10) must be after start (10)'],
    ['20', '10', 'invalid time range: end (10) must be after start (20)'],
  ].map(([start, end, message]) => ({
    name: `start=${start} end=${end}`,
    path: `/api/v2/traces/${PADDED}?start=${start}&end=${end}`,
    status: 400,
    text: `${message}\n`,
  })),
  {
    name: 'start alone (ignored, as Tempo)',
    path: `/api/traces/${PADDED}?start=10`,
    status: 200,
    traceId: PADDED,
  },
  {
    name: 'a short id (left-padded)',
    path: '/api/traces/123456789abcdef',
    status: 200,
    traceId: PADDED,
  },
  {
    name: 'an upper-case short id',
    path: '/api/v2/traces/123456789ABCDEF',
    status: 200,
    traceId: PADDED,
  },
  {
    name: 'an upper-case full id',
    path: `/api/traces/${PADDED.toUpperCase()}`,
    status: 200,
    traceId: PADDED,
  },
  {
    name: 'POST on a trace',
    path: `/api/traces/${PADDED}`,
    method: 'POST',
    status: 405,
    text: 'method POST not allowed\n',
  },
  { name: 'an unknown path', path: '/api/nope', status: 404, text: '404 page not found\n' },
];

function traceIdsIn(body: unknown): string[] {
  const o = body as { batches?: unknown[]; trace?: { resourceSpans?: unknown[] } };
  const list = (o.batches ?? o.trace?.resourceSpans ?? []) as Array<{
    scopeSpans: Array<{ spans: Array<{ traceId: string }> }>;
  }>;
  const ids = list.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.traceId)));
  return [...new Set(ids.map((b64) => Buffer.from(b64, 'base64').toString('hex')))];
}

describe('API', () => {
  before(async () => {
    const reply = await postOtlp(servers.main.otlpHttp, otlpProtobuf(valid(PADDED)), PROTO);
    assert.equal(reply.status, 200);
  });

  for (const c of API_CASES) {
    test(`${c.name} → ${c.status}`, async () => {
      const res = await fetch(`${servers.main.api}${c.path}`, {
        method: c.method ?? 'GET',
        headers: c.accept ? { Accept: c.accept } : {},
      });
      assert.equal(res.status, c.status);
      if (c.text !== undefined) {
        assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
        assert.equal(await res.text(), c.text);
      }
      if (c.traceId !== undefined) assert.deepEqual(traceIdsIn(await res.json()), [c.traceId]);
    });
  }

  test('a short upper-case id finds the trace through every read path', async () => {
    for (const p of READ_PATHS) {
      const { batch } = await p.read(servers.main.api, '123456789ABCDEF');
      assert.deepEqual(
        batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).length,
        1,
        p.name,
      );
    }
  });
});

/** A valid config: both OTLP receivers and the API on free ports of 127.0.0.1. */
const GOOD_CONFIG = `distributor:
  receivers:
    otlp:
      protocols:
        grpc:
          endpoint: 127.0.0.1:0
        http:
          endpoint: 127.0.0.1:0
server:
  http_listen_address: 127.0.0.1
  http_listen_port: 0
`;

interface ConfigCase {
  name: string;
  /** File contents; undefined for a file that does not exist. */
  text: string | undefined;
  exit: number;
  /** Lines printed; `FILE` stands for the file's path. */
  lines: string[];
}

const CONFIG_CASES: ConfigCase[] = [
  {
    name: 'a valid file',
    text: GOOD_CONFIG,
    exit: 0,
    lines: ['FILE: valid (0 warning(s))'],
  },
  {
    name: 'a Tempo key Vivace does not use',
    text: `${GOOD_CONFIG}query_frontend:\n  max_retries: 3\n`,
    exit: 0,
    lines: [
      'warning: query_frontend.max_retries: accepted but not used by Vivace',
      'FILE: valid (1 warning(s))',
    ],
  },
  {
    name: 'an unknown key',
    text: `${GOOD_CONFIG}  http_listen_prot: 3200\n`,
    exit: 1,
    lines: [
      'error: server.http_listen_prot: unknown key; did you mean server.http_listen_port?',
      'FILE: 1 error(s), 0 warning(s)',
    ],
  },
  {
    name: 'a wrong duration',
    text: `${GOOD_CONFIG}ingester:\n  trace_idle_period: 5 seconds\n`,
    exit: 1,
    lines: [
      'error: ingester.trace_idle_period: "5 seconds" is not a duration (use e.g. 30s, 5m, 1h)',
      'FILE: 1 error(s), 0 warning(s)',
    ],
  },
  {
    name: 'several mistakes, all reported',
    text: `${GOOD_CONFIG}ingester:\n  trace_idle_period: 5 seconds\n  max_block_bytes: lots\nstorage:\n  trace:\n    backend: s3\n`,
    exit: 1,
    lines: [
      'error: ingester.trace_idle_period: "5 seconds" is not a duration (use e.g. 30s, 5m, 1h)',
      'error: ingester.max_block_bytes: "lots" is not a size in bytes (use e.g. 524288000 or 500MiB)',
      'error: storage.trace.backend: s3 is not supported yet, use local',
      'FILE: 3 error(s), 0 warning(s)',
    ],
  },
  {
    name: 'a YAML syntax error',
    text: 'server:\n\thttp_listen_port: 3200\n',
    exit: 1,
    lines: [
      'error: YAML syntax error at line 2, col 1: Tabs are not allowed as indentation',
      'FILE: 1 error(s), 0 warning(s)',
    ],
  },
  {
    name: 'a missing file',
    text: undefined,
    exit: 1,
    lines: ['error: cannot read config file FILE: no such file', 'FILE: 1 error(s), 0 warning(s)'],
  },
];

describe('config files', { concurrency: true }, () => {
  let dir = '';
  let cleanup: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    ({ dir, cleanup } = await tempDir('vivace-config-'));
  });

  after(() => cleanup());

  async function fileFor(c: ConfigCase, index: number): Promise<string> {
    const file = path.join(dir, `case-${index}.yaml`);
    if (c.text !== undefined) await writeFile(file, c.text);
    return file;
  }

  CONFIG_CASES.forEach((c, i) => {
    test(`check-config, ${c.name} → exit ${c.exit}`, async () => {
      const file = await fileFor(c, i);
      const run = await runVivace(['check-config', `-config.file=${file}`]);
      const want = c.lines.map((l) => l.replaceAll('FILE', file)).join('\n') + '\n';
      assert.deepEqual(run, { code: c.exit, stdout: want, stderr: '' });
    });
  });

  test('serving with a bad file prints the errors and exits 1 without starting', async () => {
    const file = await fileFor(CONFIG_CASES[2]!, 100);
    const run = await runVivace([`-config.file=${file}`]);
    assert.deepEqual(run, {
      code: 1,
      stdout: '',
      stderr:
        'error: server.http_listen_prot: unknown key; did you mean server.http_listen_port?\n' +
        'not starting: the config has 1 error(s)\n',
    });
  });

  test('a mistyped flag → exit 2 with a suggestion', async () => {
    const run = await runVivace(['check-config', '-config.fil=x.yaml']);
    assert.deepEqual(run, {
      code: 2,
      stdout: '',
      stderr:
        'unknown flag -config.fil; did you mean -config.file? (run "vivace help check-config" for usage)\n',
    });
  });
});

describe('after all of the above', () => {
  for (const name of ['main', 'limited', 'tenants'] as const) {
    test(`the ${name} server still ingests and serves a valid trace`, async () => {
      const s = servers[name];
      const headers: Record<string, string> =
        name === 'tenants' ? { 'X-Scope-OrgID': 'team-c' } : {};
      const traceId = '9f8efff798038103d269b633813fc60c';
      const httpReply = await postOtlp(
        s.otlpHttp,
        otlpProtobuf(valid(traceId, ['00000000000000c1'])),
        {
          ...PROTO,
          ...headers,
        },
      );
      assert.equal(httpReply.status, 200, httpReply.body.toString());
      const grpcReply = await grpcCall(
        s.otlpGrpc,
        otlpProtobuf(valid(traceId, ['00000000000000c2'])),
        name === 'tenants' ? { 'x-scope-orgid': 'team-c' } : {},
      );
      assert.equal(grpcReply.code, 0, grpcReply.details);
      assert.deepEqual((await spansOf(s, traceId, headers)).sort(), [
        '00000000000000c1',
        '00000000000000c2',
      ]);
      assert.equal((await fetch(`${s.api}/ready`)).status, 200);
    });
  }
});
