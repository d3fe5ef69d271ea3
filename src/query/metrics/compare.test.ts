import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredResource, StoredScope, StoredSpan } from '../../wal/index.js';
import { evalSpan, type EvalTrace } from '../search/model.js';
import {
  CompareAccumulator,
  compareAttributes,
  type CompareAttribute,
  type CompareStage,
} from './compare.js';
import type { Intervals, LabelValue, Series } from './series.js';

const S = 1_000_000_000n;
const str = (value: string): LabelValue => ({ type: 'string', value });

/** `type=attr=value: v1 v2 …`, one line per series, in response order. */
function render(series: readonly Series[]): string[] {
  return series.map((s) => {
    const [meta, attr] = s.labels;
    const v = attr?.value;
    const value =
      v === undefined ? '?' : v.type === 'string' ? v.value : `${v.type}:${String(v.value)}`;
    return `${String(meta?.value.value)} ${attr?.key}=${value}: ${s.samples.map((x) => x.value).join(' ')}`;
  });
}

function run(
  stage: Partial<CompareStage>,
  range: Intervals,
  spans: Array<{ at: bigint; selected: boolean; attrs: CompareAttribute[] }>,
): Series[] {
  const acc = new CompareAccumulator(
    { topN: 10, windowStartNs: 0n, windowEndNs: 0n, exemplars: 0, ...stage },
    range,
  );
  for (const s of spans) acc.add(s.at, s.selected, s.attrs);
  return acc.finish();
}

describe('compare()', () => {
  test("Tempo's TestCompare: two intervals, values and totals per group, zeros kept", () => {
    const span = (service: string, env: string, at: number) => ({
      at: BigInt(at) * S,
      selected: service === 'selected',
      attrs: [
        ['span.service', str(service)],
        ['span.environment', str(env)],
      ] as CompareAttribute[],
    });
    const series = run({}, { startNs: 0n, endNs: 4n * S, stepNs: 2n * S }, [
      span('baseline1', 'prod', 1),
      span('baseline2', 'dev', 1),
      span('baseline1', 'prod', 2),
      span('selected', 'prod', 1),
      span('selected', 'dev', 2),
      span('selected', 'dev', 2),
      span('selected', 'prod', 3),
    ]);
    assert.deepEqual(render(series), [
      'baseline span.environment=dev: 1 0',
      'baseline span.environment=prod: 2 0',
      'baseline span.service=baseline1: 2 0',
      'baseline span.service=baseline2: 1 0',
      'baseline_total span.environment=nil: 3 0',
      'baseline_total span.service=nil: 3 0',
      'selection span.environment=dev: 2 0',
      'selection span.environment=prod: 1 1',
      'selection span.service=selected: 3 1',
      'selection_total span.environment=nil: 3 1',
      'selection_total span.service=nil: 3 1',
    ]);
    assert.deepEqual(
      series[0]?.samples.map((x) => x.timestampMs),
      [2000, 4000],
    );
  });

  test('top N values per group and attribute by count; totals count every value; typed values', () => {
    const span = (name: string, status: string, code: number | undefined, selected: boolean) => ({
      at: S,
      selected,
      attrs: [
        ['name', str(name)],
        ['status', str(status)],
        ...(code === undefined ? [] : [['span.code', { type: 'int', value: BigInt(code) }]]),
      ] as CompareAttribute[],
    });
    const series = run({ topN: 1 }, { startNs: 0n, endNs: 10n * S, stepNs: 10n * S }, [
      span('GET', 'error', 500, true),
      span('GET', 'ok', 200, false),
      span('POST', 'unset', undefined, false),
      span('GET', 'error', 500, true),
      span('GET', 'ok', 200, false),
    ]);
    assert.deepEqual(render(series), [
      'baseline name=GET: 2',
      'baseline span.code=int:200: 2',
      'baseline status=ok: 2',
      'baseline_total name=nil: 3',
      'baseline_total span.code=nil: 2',
      'baseline_total status=nil: 3',
      'selection name=GET: 2',
      'selection span.code=int:500: 2',
      'selection status=error: 2',
      'selection_total name=nil: 2',
      'selection_total span.code=nil: 2',
      'selection_total status=nil: 2',
    ]);
  });

  test('a tie for the last place goes to the value that sorts first', () => {
    const span = (name: string) => ({
      at: S,
      selected: false,
      attrs: [['name', str(name)]] as CompareAttribute[],
    });
    const series = run({ topN: 1 }, { startNs: 0n, endNs: 2n * S, stepNs: 2n * S }, [
      span('b'),
      span('a'),
    ]);
    assert.deepEqual(render(series), ['baseline name=a: 1', 'baseline_total name=nil: 2']);
  });

  test('a nil value is its own value, written "nil"', () => {
    const series = run({}, { startNs: 0n, endNs: 2n * S, stepNs: 2n * S }, [
      { at: S, selected: false, attrs: [['rootName', undefined]] },
    ]);
    assert.deepEqual(render(series), [
      'baseline rootName=nil: 1',
      'baseline_total rootName=nil: 1',
    ]);
  });

  test('the selection window is (start, end]: a span starting at its start is baseline', () => {
    const acc = new CompareAccumulator(
      { topN: 10, windowStartNs: 10n * S, windowEndNs: 20n * S, exemplars: 0 },
      { startNs: 0n, endNs: 30n * S, stepNs: 30n * S },
    );
    const matches = () => true;
    assert.equal(acc.isSelection(10n * S, matches), false);
    assert.equal(acc.isSelection(10n * S + 1n, matches), true);
    assert.equal(acc.isSelection(20n * S, matches), true);
    assert.equal(acc.isSelection(20n * S + 1n, matches), false);
    assert.equal(
      acc.isSelection(15n * S, () => false),
      false,
    );
    const open = new CompareAccumulator(
      { topN: 10, windowStartNs: 0n, windowEndNs: 0n, exemplars: 0 },
      { startNs: 0n, endNs: 30n * S, stepNs: 30n * S },
    );
    assert.equal(open.isSelection(1n, matches), true);
  });

  test('spans outside the range are not counted', () => {
    const series = run({}, { startNs: 10n * S, endNs: 20n * S, stepNs: 10n * S }, [
      { at: 10n * S, selected: false, attrs: [['name', str('edge')]] },
      { at: 20n * S, selected: false, attrs: [['name', str('in')]] },
    ]);
    assert.deepEqual(render(series), ['baseline name=in: 1', 'baseline_total name=nil: 1']);
  });

  test('exemplars: one per trace, on the total series of its group and attributes, valued as the total', () => {
    const acc = new CompareAccumulator(
      { topN: 10, windowStartNs: 0n, windowEndNs: 0n, exemplars: 10 },
      { startNs: 0n, endNs: 4n * S, stepNs: 2n * S },
    );
    const attrs: CompareAttribute[] = [['name', str('GET')]];
    acc.add(S, true, attrs, {
      traceId: '000000000000000000000000000000ab',
      durationNs: 12_000_000n,
    });
    acc.add(S, true, attrs, { traceId: '000000000000000000000000000000ab', durationNs: 1n });
    acc.add(3n * S, false, attrs, { traceId: '000000000000000000000000000000cd', durationNs: S });
    const out = acc.finish();
    const totals = out.filter((s) => String(s.labels[0]?.value.value).endsWith('_total'));
    assert.deepEqual(
      totals.map((s) => [s.labels[0]?.value.value, s.exemplars]),
      [
        [
          'baseline_total',
          [
            {
              labels: [
                { key: 'trace:id', value: str('cd') },
                { key: 'name', value: str('GET') },
                { key: 'duration', value: str('1s') },
              ],
              value: 1,
              timestampMs: 3000,
            },
          ],
        ],
        [
          'selection_total',
          [
            {
              labels: [
                { key: 'trace:id', value: str('ab') },
                { key: 'name', value: str('GET') },
                { key: 'duration', value: str('12ms') },
              ],
              value: 2,
              timestampMs: 1000,
            },
          ],
        ],
      ],
    );
    assert.ok(
      out
        .filter((s) => !String(s.labels[0]?.value.value).endsWith('_total'))
        .every((s) => !s.exemplars),
    );
  });
});

describe('compareAttributes', () => {
  test("a span's attributes in Tempo's order, keyed as Tempo prints them, each once", () => {
    const resource: StoredResource = {
      rid: 'R1',
      a: [
        { k: 'service.name', t: 1, s: 'api' },
        { k: 'host name', t: 1, s: 'h1' },
      ],
    };
    const scope: StoredScope = {
      sid: 'C1',
      n: 'io.otel',
      v: '1.2',
      a: [{ k: 'lib', t: 4, b: true }],
    };
    const line: StoredSpan = {
      t: 'ab',
      s: '01',
      r: 'R1',
      c: 'C1',
      n: 'GET /',
      k: 2,
      st: '1',
      en: '2',
      sc: 2,
      sm: 'boom',
      a: [
        { k: 'http.status_code', t: 2, i: '500' },
        { k: 'http.status_code', t: 2, i: '501' },
        { k: 'ratio', t: 3, d: 0.5 },
        { k: 'tags', t: 6, s: '[{"t":1,"s":"a"},{"t":1,"s":"b"}]' },
      ],
    };
    const trace: EvalTrace = {
      traceId: 'ab',
      rootName: 'GET /',
      rootService: undefined,
      startNs: 1n,
      durationNs: 1n,
    };
    assert.deepEqual(compareAttributes(evalSpan(line, resource, scope), trace), [
      ['rootServiceName', undefined],
      ['rootName', str('GET /')],
      ['resource.service.name', str('api')],
      ['resource."host name"', str('h1')],
      ['instrumentation:name', str('io.otel')],
      ['instrumentation:version', str('1.2')],
      ['instrumentation.lib', { type: 'bool', value: true }],
      ['name', str('GET /')],
      ['status', str('error')],
      ['statusMessage', str('boom')],
      ['kind', str('server')],
      ['span.http.status_code', { type: 'int', value: 500n }],
      ['span.ratio', { type: 'double', value: 0.5 }],
      ['span.tags', undefined],
    ]);
  });
});
