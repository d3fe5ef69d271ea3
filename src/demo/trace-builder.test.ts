import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource, Scope, Span } from '../model/index.js';
import { BatchCollector } from './batch-collector.js';
import { Prng } from './prng.js';
import { buildShop } from './shop-services.js';
import { KIND, TraceBuilder, nanoText } from './trace-builder.js';

describe('nanoText', () => {
  const cases = [
    { name: 'zero offset', baseMs: 1_700_000_000_000, offsetNs: 0, want: '1700000000000000000' },
    { name: 'one nanosecond', baseMs: 1_700_000_000_000, offsetNs: 1, want: '1700000000000000001' },
    {
      name: 'just below a ms',
      baseMs: 1_700_000_000_000,
      offsetNs: 999_999,
      want: '1700000000000999999',
    },
    {
      name: 'exactly one ms',
      baseMs: 1_700_000_000_000,
      offsetNs: 1_000_000,
      want: '1700000000001000000',
    },
    {
      name: 'an hour and 123 ns',
      baseMs: 1_700_000_000_123,
      offsetNs: 3_600_000_000_123,
      want: '1700003600123000123',
    },
    { name: 'epoch', baseMs: 0, offsetNs: 0, want: '0' },
    { name: 'epoch plus ns', baseMs: 0, offsetNs: 42, want: '42' },
    { name: 'epoch plus a ms', baseMs: 0, offsetNs: 1_000_042, want: '1000042' },
    // 2^53 + 1 ns would be rounded by a float; the text must stay exact.
    { name: 'beyond 2^53', baseMs: 9_007_199_254, offsetNs: 740_993, want: '9007199254740993' },
  ];
  for (const { name, baseMs, offsetNs, want } of cases) {
    it(name, () => {
      assert.equal(nanoText(baseMs, offsetNs), want);
      assert.equal(BigInt(want), BigInt(baseMs) * 1_000_000n + BigInt(offsetNs));
    });
  }
});

function scope(name: string): Scope {
  return { name, version: '1', attributes: [], droppedAttributesCount: 0 };
}

function resource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

function fakeSpan(spanId: string): Span {
  return { spanId } as Span;
}

describe('BatchCollector', () => {
  it('groups by resource, then scope, in first-seen order, and starts over after take', () => {
    const [r1, r2] = [resource(), resource()];
    const [s1, s2] = [scope('a'), scope('b')];
    const c = new BatchCollector();
    c.add(r1, s1, fakeSpan('1'));
    c.add(r2, s1, fakeSpan('2'));
    c.add(r1, s2, fakeSpan('3'));
    c.add(r1, s1, fakeSpan('4'));
    const batch = c.take();
    const shape = batch.resourceSpans.map((rs) => ({
      resource: rs.resource === r1 ? 'r1' : 'r2',
      scopes: rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => s.spanId)]),
    }));
    assert.deepEqual(shape, [
      {
        resource: 'r1',
        scopes: [
          ['a', ['1', '4']],
          ['b', ['3']],
        ],
      },
      { resource: 'r2', scopes: [['a', ['2']]] },
    ]);
    assert.deepEqual(c.take(), { resourceSpans: [] });
  });
});

describe('TraceBuilder', () => {
  it('makes spans with ids, parent, flags, times, status and exception events', () => {
    const shop = buildShop();
    const collector = new BatchCollector();
    const b = new TraceBuilder(new Prng(1), shop, collector);
    b.begin(1_700_000_000_000, collector);
    const root = b.span(undefined, shop.frontend, 'http', 'GET /', KIND.server, 500, []);
    const child = b.span(root, shop.gateway, 'http', 'GET /api', KIND.server, 1_000_500, []);
    b.fail(child, 2_000_000, 'boom', { type: 'Error', message: 'boom', stacktrace: 'Error: boom' });
    b.end(child, 2_000_001);
    b.end(root, 3_000_000);
    assert.match(root.traceId, /^[0-9a-f]{32}$/);
    assert.match(root.spanId, /^[0-9a-f]{16}$/);
    assert.equal(child.traceId, root.traceId);
    assert.equal(child.parentSpanId, root.spanId);
    assert.deepEqual(
      [root.flags, root.startTimeUnixNano, root.endTimeUnixNano],
      [0x101, '1700000000000000500', '1700000000003000000'],
    );
    assert.deepEqual(
      [child.flags, child.statusCode, child.statusMessage, child.endTimeUnixNano],
      [0x301, 2, 'boom', '1700000000002000001'],
    );
    assert.deepEqual(child.events, [
      {
        timeUnixNano: '1700000000002000000',
        name: 'exception',
        attributes: [
          { key: 'exception.type', value: { type: 'string', value: 'Error' } },
          { key: 'exception.message', value: { type: 'string', value: 'boom' } },
          { key: 'exception.stacktrace', value: { type: 'string', value: 'Error: boom' } },
        ],
        droppedAttributesCount: 0,
      },
    ]);
    const batch = collector.take();
    assert.equal(batch.resourceSpans.length, 2);
  });
});
