import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Span, SpanBatch } from '../model/index.js';
import type { ShopOptions } from './shop-generator.js';
import { InvalidRequestError, countSpans } from '../model/index.js';
import { ShopTraceGenerator } from './shop-generator.js';

const START = 1_700_000_000_000;

function spansOf(batch: SpanBatch): Span[] {
  const out: Span[] = [];
  for (const rs of batch.resourceSpans) for (const ss of rs.scopeSpans) out.push(...ss.spans);
  return out;
}

function bySpanId(a: Span, b: Span): number {
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

describe('ShopTraceGenerator options', () => {
  const invalid: Array<{ name: string; opts: ShopOptions; message: string }> = [
    {
      name: 'fractional seed',
      opts: { seed: 0.5, startUnixMs: START },
      message: 'invalid seed 0.5: must be a safe integer',
    },
    {
      name: 'negative start',
      opts: { seed: 1, startUnixMs: -1 },
      message: 'invalid startUnixMs -1: must be a non-negative integer',
    },
    {
      name: 'fractional start',
      opts: { seed: 1, startUnixMs: 1.5 },
      message: 'invalid startUnixMs 1.5: must be a non-negative integer',
    },
    {
      name: 'zero rate',
      opts: { seed: 1, startUnixMs: START, tracesPerSecond: 0 },
      message: 'invalid tracesPerSecond 0: must be a positive number',
    },
    {
      name: 'infinite rate',
      opts: { seed: 1, startUnixMs: START, tracesPerSecond: Infinity },
      message: 'invalid tracesPerSecond Infinity: must be a positive number',
    },
  ];
  for (const { name, opts, message } of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => new ShopTraceGenerator(opts), { name: 'InvalidRequestError', message });
    });
  }

  const badCounts = [
    { traces: -1, message: 'invalid trace count -1: must be a non-negative integer' },
    { traces: 2.5, message: 'invalid trace count 2.5: must be a non-negative integer' },
  ];
  for (const { traces, message } of badCounts) {
    it(`rejects nextBatch(${traces})`, () => {
      const gen = new ShopTraceGenerator({ seed: 1, startUnixMs: START });
      assert.throws(
        () => gen.nextBatch(traces),
        (e: unknown) => e instanceof InvalidRequestError && e.message === message,
      );
    });
  }

  it('makes an empty batch for zero traces', () => {
    const gen = new ShopTraceGenerator({ seed: 1, startUnixMs: START });
    assert.deepEqual(gen.nextBatch(0), { resourceSpans: [] });
    assert.equal(gen.tracesGenerated, 0);
  });
});

describe('ShopTraceGenerator determinism', () => {
  it('gives identical traces for the same seed and start', () => {
    const a = new ShopTraceGenerator({ seed: 11, startUnixMs: START });
    const b = new ShopTraceGenerator({ seed: 11, startUnixMs: START });
    for (let i = 0; i < 300; i++) assert.deepEqual(a.nextTrace(), b.nextTrace());
    assert.deepEqual(a.nextBatch(50), b.nextBatch(50));
  });

  it('gives different traces for different seeds', () => {
    const a = spansOf(new ShopTraceGenerator({ seed: 1, startUnixMs: START }).nextBatch(20));
    const b = spansOf(new ShopTraceGenerator({ seed: 2, startUnixMs: START }).nextBatch(20));
    assert.notDeepEqual(
      a.map((s) => s.traceId),
      b.map((s) => s.traceId),
    );
  });

  it('gives the same spans from nextBatch(n) as from n calls of nextTrace', () => {
    const a = new ShopTraceGenerator({ seed: 3, startUnixMs: START });
    const b = new ShopTraceGenerator({ seed: 3, startUnixMs: START });
    const merged = a.nextBatch(200);
    const single: Span[] = [];
    for (let i = 0; i < 200; i++) single.push(...spansOf(b.nextTrace()));
    assert.deepEqual(spansOf(merged).sort(bySpanId), single.sort(bySpanId));
    assert.equal(a.tracesGenerated, 200);
  });

  it('groups a merged batch by resource, one ResourceSpans per pod', () => {
    const batch = new ShopTraceGenerator({ seed: 4, startUnixMs: START }).nextBatch(500);
    const resources = batch.resourceSpans.map((rs) => rs.resource);
    assert.equal(new Set(resources).size, resources.length);
    const pods = batch.resourceSpans.map(
      (rs) => rs.resource.attributes.find((a) => a.key === 'k8s.pod.name')?.value,
    );
    assert.equal(new Set(pods.map((p) => JSON.stringify(p))).size, pods.length);
  });
});

describe('ShopTraceGenerator timing', () => {
  it('starts trace k within its slot of 1000/tracesPerSecond ms', () => {
    const rate = 30;
    const gen = new ShopTraceGenerator({ seed: 5, startUnixMs: START, tracesPerSecond: rate });
    for (let k = 0; k < 2000; k++) {
      const slot = gen.nextTraceUnixMs;
      assert.equal(slot, START + (k * 1000) / rate);
      const root = spansOf(gen.nextTrace()).find((s) => s.parentSpanId === '');
      const startMs = Number(BigInt(root?.startTimeUnixNano ?? '0') / 1_000_000n);
      assert.ok(
        startMs >= Math.floor(slot) && startMs < slot + 1000 / rate,
        `trace ${k} at ${startMs}, slot ${slot}`,
      );
    }
  });

  it('fills the time up to now when started earlier (here two minutes at 30 traces/s)', () => {
    const gen = new ShopTraceGenerator({
      seed: 5,
      startUnixMs: START - 120_000,
      tracesPerSecond: 30,
    });
    let first = Infinity;
    let last = 0;
    while (gen.nextTraceUnixMs < START) {
      for (const span of spansOf(gen.nextTrace())) {
        const ms = Number(BigInt(span.startTimeUnixNano) / 1_000_000n);
        if (span.parentSpanId === '') [first, last] = [Math.min(first, ms), Math.max(last, ms)];
      }
    }
    assert.equal(gen.tracesGenerated, 3_600);
    assert.ok(first >= START - 120_000 && first < START - 120_000 + 34, `first root at ${first}`);
    assert.ok(last >= START - 34 && last < START, `last root at ${last}`);
  });
});

describe('ShopTraceGenerator speed', () => {
  it('makes several hundred thousand spans per second', () => {
    const gen = new ShopTraceGenerator({ seed: 6, startUnixMs: START });
    gen.nextBatch(2_000); // warm up
    let spans = 0;
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) spans += countSpans(gen.nextBatch(100));
    const seconds = (performance.now() - t0) / 1000;
    const rate = Math.round(spans / seconds);
    console.log(`shop generator: ${spans} spans in ${seconds.toFixed(3)} s = ${rate} spans/s`);
    // A loose floor, so that a busy CI machine does not fail it; the target is 300k spans/s.
    assert.ok(rate > 50_000, `${rate} spans/s`);
  });
});
