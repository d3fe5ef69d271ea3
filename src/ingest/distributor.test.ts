import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTraceProto } from '../api/encode/index.js';
import { mapError } from '../api/errors.js';
import type { KeyValue, Span, SpanBatch } from '../model/index.js';
import { LimitExceededError, OverloadedError } from '../model/index.js';
import type { EncodedBatch } from '../wal/index.js';
import { Distributor, type DistributorOptions } from './distributor.js';
import { EncodePool } from './encode-pool.js';
import { plainSpan } from '../../test/helpers/batches.js';

const T1 = '11111111111111111111111111111111';
const T2 = '22222222222222222222222222222222';
const T3 = '33333333333333333333333333333333';

function span(traceId: string, n: number, attributes: KeyValue[] = []): Span {
  return plainSpan({
    traceId,
    spanId: n.toString(16).padStart(16, '0'),
    name: `op-${n}`,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000100000000',
    attributes,
  });
}

function batch(spans: Span[]): SpanBatch {
  const svc: KeyValue = { key: 'service.name', value: { type: 'string', value: 'api' } };
  return {
    resourceSpans: [
      {
        resource: { attributes: [svc], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans,
          },
        ],
      },
    ],
  };
}

interface Harness {
  distributor: Distributor;
  appended: EncodedBatch[];
  events: string[];
  clock: { now: number };
  setBusy(reason: string | undefined): void;
}

function harness(over: Partial<DistributorOptions> = {}, limits = {}): Harness {
  const appended: EncodedBatch[] = [];
  const events: string[] = [];
  const clock = { now: 1_000_000 };
  let busy: string | undefined;
  const distributor = new Distributor({
    limits: {
      rateLimitBytes: 1e9,
      burstSizeBytes: 1e9,
      maxTracesPerUser: 0,
      maxBytesPerTrace: 0,
      ...limits,
    },
    maxAttributeBytes: 0,
    traceIdlePeriodMs: 5000,
    now: () => clock.now,
    pool: new EncodePool(0),
    append: (_tenant, enc) => {
      appended.push(enc);
      return Promise.resolve();
    },
    overloaded: () => busy,
    metrics: {
      received: (t, r, n) => events.push(`received ${t} ${r} ${n}`),
      discarded: (t, why, n) => events.push(`discarded ${t} ${why} ${n}`),
      refused: (t, why) => events.push(`refused ${t} ${why}`),
    },
    ...over,
  });
  return { distributor, appended, events, clock, setBusy: (r) => (busy = r) };
}

function raw(b: SpanBatch) {
  return { format: 'otlp-protobuf' as const, body: encodeTraceProto(b), receiver: 'test' };
}

test('everything accepted: appended once, counted, no partial success', async () => {
  const h = harness();
  const out = await h.distributor.pushRaw('t', raw(batch([span(T1, 1), span(T2, 2)])));
  assert.deepEqual(out, { rejectedSpans: 0, errorMessage: '' });
  assert.equal(h.appended.length, 1);
  assert.deepEqual(h.appended[0]?.traceIds, [T1, T2]);
  assert.deepEqual(h.events, ['received t test 2']);
});

test('overloaded storage refuses the whole request with 503 and Retry-After', async () => {
  const h = harness();
  h.setBusy('block building is behind; retry shortly');
  await assert.rejects(h.distributor.pushRaw('t', raw(batch([span(T1, 1)]))), (err) => {
    assert.ok(err instanceof OverloadedError);
    assert.deepEqual(mapError(err), {
      httpStatus: 503,
      grpcCode: 14,
      message: 'block building is behind; retry shortly',
      retryAfterSeconds: 1,
      unexpected: false,
    });
    return true;
  });
  assert.equal(h.appended.length, 0);
  assert.deepEqual(h.events, ['refused t overloaded']);
});

test('the byte rate limit refuses with 429 once the burst is spent, and refills', async () => {
  const body = raw(batch([span(T1, 1)]));
  const size = body.body.length;
  const h = harness({}, { rateLimitBytes: size, burstSizeBytes: size });
  await h.distributor.pushRaw('t', body);
  await assert.rejects(h.distributor.pushRaw('t', body), (err) => {
    assert.ok(err instanceof LimitExceededError);
    assert.equal(
      err.message,
      `RATE_LIMITED: ingestion rate limit (${size} bytes/s, burst ${size} bytes) reached for tenant t`,
    );
    assert.equal(mapError(err).httpStatus, 429);
    return true;
  });
  h.clock.now += 1000;
  await h.distributor.pushRaw('t', body);
  assert.equal(h.appended.length, 2);
  assert.deepEqual(h.events.slice(1, 3), ['discarded t rate_limited 1', 'refused t rate_limited']);
});

test('max_traces_per_user refuses new traces only, until old ones go idle', async () => {
  const h = harness({}, { maxTracesPerUser: 2 });
  await h.distributor.pushRaw('t', raw(batch([span(T1, 1), span(T2, 2)])));
  const out = await h.distributor.pushRaw('t', raw(batch([span(T1, 3), span(T3, 4), span(T3, 5)])));
  assert.deepEqual(out, {
    rejectedSpans: 2,
    errorMessage:
      '2 spans refused: LIVE_TRACES_EXCEEDED: the tenant has too many live traces (max_traces_per_user)',
  });
  assert.deepEqual(h.appended[1]?.traceIds, [T1]);
  h.clock.now += 6000; // T1 and T2 are idle now
  const later = await h.distributor.pushRaw('t', raw(batch([span(T3, 6)])));
  assert.deepEqual(later, { rejectedSpans: 0, errorMessage: '' });
});

test('max_bytes_per_trace refuses the spans that would make a trace too large', async () => {
  const one = raw(batch([span(T1, 1)]));
  const h = harness({}, { maxBytesPerTrace: one.body.length * 1.5 });
  assert.deepEqual(await h.distributor.pushRaw('t', one), { rejectedSpans: 0, errorMessage: '' });
  const out = await h.distributor.pushRaw('t', raw(batch([span(T1, 2)])));
  assert.deepEqual(out, {
    rejectedSpans: 1,
    errorMessage: '1 span refused: TRACE_TOO_LARGE: the trace is larger than max_bytes_per_trace',
  });
  assert.equal(h.appended.length, 1, 'nothing left to append');
  assert.ok(h.events.includes('discarded t trace_too_large 1'));
});

test('max_attribute_bytes truncates long keys and string values', async () => {
  const long: KeyValue = { key: 'k'.repeat(10), value: { type: 'string', value: 'v'.repeat(10) } };
  const h = harness({ maxAttributeBytes: 4 });
  await h.distributor.pushRaw('t', raw(batch([span(T1, 1, [long])])));
  const text = Buffer.from(h.appended[0]?.text ?? new Uint8Array()).toString();
  assert.match(text, /"a":\[\{"k":"kkkk","t":1,"s":"vvvv"\}\]/);
});
