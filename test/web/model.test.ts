/** The web UI's pure parts: the trace model (ids, tree, visible rows, durations) and time ranges. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, idToHex, traceFromJson, visibleSpans } from '../../web/src/trace/model.js';
import { describeRange, resolveRange, resolveTime } from '../../web/src/time.js';

const span = (id: string, parent: string, name: string, startMs: number, ms: number) => ({
  traceId: 'AAAAAAAAAAAAAAAAAAAAAQ==',
  spanId: id,
  parentSpanId: parent,
  name,
  kind: 'SPAN_KIND_SERVER',
  startTimeUnixNano: String(BigInt(startMs) * 1_000_000n),
  endTimeUnixNano: String(BigInt(startMs + ms) * 1_000_000n),
  status: name === 'b' ? { code: 'STATUS_CODE_ERROR', message: 'boom' } : {},
});

describe('trace model', () => {
  it('reads ids in base64 (Tempo) and hex (OTLP files)', () => {
    assert.equal(idToHex('AAAAAAAAAAAAAAAAAAAAAQ==', 16), '00000000000000000000000000000001');
    assert.equal(idToHex('00000000000000AB', 8), '00000000000000ab');
    assert.equal(idToHex('AAAAAAAAAAE=', 8), '0000000000000001');
  });

  it('places spans in their tree, children by start, orphans as roots', () => {
    const trace = traceFromJson({
      trace: {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
            scopeSpans: [
              {
                scope: { name: 's' },
                spans: [
                  span('AAAAAAAAAAI=', 'AAAAAAAAAAE=', 'c', 30, 5),
                  span('AAAAAAAAAAE=', '', 'root', 0, 100),
                  span('AAAAAAAAAAM=', 'AAAAAAAAAAE=', 'b', 10, 5),
                  span('AAAAAAAAAAQ=', 'AAAAAAAAAAM=', 'b.1', 11, 1),
                  span('AAAAAAAAAAU=', 'AAAAAAAAAAk=', 'orphan', 50, 1),
                ],
              },
            ],
          },
        ],
      },
    });
    assert.equal(trace.traceId, '00000000000000000000000000000001');
    assert.deepEqual(
      trace.spans.map((s) => `${'  '.repeat(s.depth)}${s.name}`),
      ['root', '  b', '    b.1', '  c', 'orphan'],
    );
    assert.equal(trace.spans[1]?.status, 'error');
    assert.equal(trace.spans[1]?.statusMessage, 'boom');
    assert.equal(trace.spans[0]?.kind, 'server');
    assert.equal(trace.endUs - trace.startUs, 100_000);
    const collapsedB = new Set([trace.spans[1]?.spanId ?? '']);
    assert.deepEqual(
      visibleSpans(trace, collapsedB).map((s) => s.name),
      ['root', 'b', 'c', 'orphan'],
    );
    const collapsedRoot = new Set([trace.spans[0]?.spanId ?? '']);
    assert.deepEqual(
      visibleSpans(trace, collapsedRoot).map((s) => s.name),
      ['root', 'orphan'],
    );
  });

  it('survives a cycle of parents and a 10,000-deep chain', () => {
    const a = span('AAAAAAAAAAE=', 'AAAAAAAAAAI=', 'a', 0, 1);
    const b = span('AAAAAAAAAAI=', 'AAAAAAAAAAE=', 'b', 1, 1);
    const cyc = traceFromJson({ resourceSpans: [{ scopeSpans: [{ spans: [a, b] }] }] });
    assert.equal(cyc.spans.length, 2);
    const chain = Array.from({ length: 10_000 }, (_, i) => ({
      spanId: (i + 1).toString(16).padStart(16, '0'),
      parentSpanId: i === 0 ? '' : i.toString(16).padStart(16, '0'),
      name: `s${i}`,
      startTimeUnixNano: String(i),
      endTimeUnixNano: String(i + 1),
    }));
    const deep = traceFromJson({ resourceSpans: [{ scopeSpans: [{ spans: chain }] }] });
    assert.equal(deep.spans[9_999]?.depth, 9_999);
  });

  it('formats durations as people read them', () => {
    const cases: Array<[number, string]> = [
      [0.4, '0µs'],
      [850, '850µs'],
      [1_000, '1ms'],
      [12_345, '12.3ms'],
      [100_000, '100ms'],
      [999_499, '999ms'],
      [999_600, '1s'],
      [1_520_000, '1.52s'],
      [125_000_000, '2m 5s'],
      [11_040_000_000, '3h 4m'],
      [1_209_600_000_000, '14d 0h'],
    ];
    for (const [us, want] of cases) assert.equal(formatDuration(us), want, String(us));
  });
});

describe('time ranges', () => {
  const now = 1_800_000_000_000;
  it('reads now, now-<n><unit> and unix ms; nothing else', () => {
    assert.equal(resolveTime('now', now), now);
    assert.equal(resolveTime('now-15m', now), now - 900_000);
    assert.equal(resolveTime('now-2d', now), now - 172_800_000);
    assert.equal(resolveTime('1700000000000', now), 1_700_000_000_000);
    assert.equal(resolveTime('yesterday', now), undefined);
  });
  it('falls back to the last hour, and names presets', () => {
    assert.deepEqual(resolveRange({ from: 'bad', to: 'now' }, now), {
      startMs: now - 3_600_000,
      endMs: now,
    });
    assert.equal(describeRange({ from: 'now-6h', to: 'now' }, now), 'Last 6 hours');
  });
});
