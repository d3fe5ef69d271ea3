/**
 * TraceQL metrics request parameters, table-driven against Tempo's rules: timestamp forms, the
 * default step, alignment and the end cutoff, and every 400 message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultStep,
  goDurationText,
  parseGoDuration,
  parseMetricsRequest,
  parseTimestamp,
} from './request.js';

const S = 1_000_000_000n;
const NOW = 1_700_000_000n * S;

describe('timestamps', () => {
  const cases: Array<[string, bigint]> = [
    ['1700000000', 1_700_000_000n * S],
    ['1700000000.25', 1_700_000_000n * S + 250_000_000n],
    ['1700000000000000000', 1_700_000_000n * S],
    ['2023-11-14T22:13:20Z', 1_700_000_000n * S],
    ['2023-11-14T22:13:20.123456789Z', 1_700_000_000n * S + 123_456_789n],
  ];
  for (const [raw, want] of cases) it(raw, () => assert.equal(parseTimestamp('start', raw), want));
  it('refuses other text', () => {
    assert.throws(() => parseTimestamp('start', 'yesterday'), {
      message: `could not parse 'start' parameter: cannot parse "yesterday" to a valid timestamp`,
    });
  });
});

describe('durations', () => {
  it('Go durations', () => {
    assert.deepEqual(['30s', '1m30s', '500ms', '1.5h', '1d', ''].map(parseGoDuration), [
      30n * S,
      90n * S,
      S / 2n,
      5400n * S,
      undefined,
      undefined,
    ]);
  });
  it('Go duration text', () => {
    assert.deepEqual([360_000_000n, 90n * S, 86_400n * S, 15n * S, 1500n].map(goDurationText), [
      '360ms',
      '1m30s',
      '24h0m0s',
      '15s',
      '1.5µs',
    ]);
  });
  it('the default step gives about 240 points', () => {
    const h = 3600n * S;
    const got = [h, 2n * h, 6n * h, 12n * h, 24n * h, h / 2n, 300n * S, 59n * S].map((d) =>
      goDurationText(defaultStep(0n, d)),
    );
    assert.deepEqual(got, ['15s', '30s', '1m0s', '3m0s', '5m0s', '5s', '1s', '200ms']);
  });
});

describe('parseMetricsRequest', () => {
  const q = (params: Record<string, string>) => new URLSearchParams(params);

  it('aligns a range: one extra leading step, end rounded up and kept 30 s before now', () => {
    const r = parseMetricsRequest(
      q({ q: '{} | rate()', start: '1699996400', end: '1699999990', step: '60' }),
      NOW,
      false,
    );
    assert.deepEqual(r.range, {
      startNs: 1_699_996_320n * S,
      endNs: 1_699_999_920n * S,
      stepNs: 60n * S,
    });
    assert.equal(r.exemplars, 100);
  });

  it('defaults: the last hour, ~240 points', () => {
    const r = parseMetricsRequest(q({ query: '{} | rate()' }), NOW, false);
    assert.equal(r.range.stepNs, 15n * S);
    assert.equal(r.query, '{} | rate()');
    assert.equal(r.range.endNs, ((NOW - 30n * S) / (15n * S)) * 15n * S);
  });

  it('instant: one interval, the end moved before the cutoff by whole seconds', () => {
    const r = parseMetricsRequest(
      q({ q: '{} | rate()', start: '1699990000', end: '1700000000' }),
      NOW,
      true,
    );
    assert.deepEqual(r.range, {
      startNs: 1_699_990_000n * S,
      endNs: 1_699_999_970n * S,
      stepNs: 9_970n * S,
    });
    assert.equal(r.exemplars, 0);
  });

  const errors: Array<[Record<string, string>, string]> = [
    [{ start: '1700000000', end: '1699999000' }, 'end must be greater than start'],
    [
      { start: '1699999990', end: '1700000000' },
      'query window falls entirely within query_end_cutoff',
    ],
    [
      { start: '1699800000', end: '1699990000' },
      'metrics query time range exceeds the maximum allowed duration of 24h0m0s',
    ],
    [
      { start: '1699950000', end: '1699990000', step: '1' },
      'step of 1s is too small, minimum step for given range is 4s',
    ],
    [{ step: 'abc' }, 'cannot parse "abc" to a valid duration'],
    [{ step: '-5s' }, 'cannot parse "-5s": step must be positive'],
    [{ since: '5x' }, `could not parse 'since' parameter: not a valid duration string: "5x"`],
  ];
  for (const [params, message] of errors) {
    it(`400: ${message}`, () => {
      assert.throws(() => parseMetricsRequest(q({ q: '{} | rate()', ...params }), NOW, false), {
        name: 'InvalidRequestError',
        message,
      });
    });
  }
});
