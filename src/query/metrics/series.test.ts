/**
 * The first stage of TraceQL metrics, table-driven on spans with known times: intervals,
 * every function, `by` labels with nils, quantile interpolation, histogram buckets, sort order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FirstStageAccumulator,
  intervalOf,
  log2Bucket,
  log2Quantile,
  type FirstStage,
  type Intervals,
  type LabelValue,
  type Measured,
  type Series,
} from './series.js';

const S = 1_000_000_000n;
/** Intervals (100 s, 200 s], (200 s, 300 s], (300 s, 400 s]: stamped 200, 300, 400 s. */
const RANGE: Intervals = { startNs: 100n * S, endNs: 400n * S, stepNs: 100n * S };

const str = (value: string): LabelValue => ({ type: 'string', value });
const dur = (ms: number): Measured => ({ type: 'span-duration', ns: ms * 1e6 });

interface Span {
  at: number;
  by?: Array<LabelValue | undefined>;
  m?: Measured;
}

function run(stage: Partial<FirstStage> & Pick<FirstStage, 'fn'>, spans: Span[]): Series[] {
  const acc = new FirstStageAccumulator({ byKeys: [], quantiles: [], ...stage }, RANGE);
  for (const s of spans)
    acc.add(BigInt(Math.round(s.at * 1e9)), s.by ?? [], s.m ?? { type: 'other' });
  return acc.finish();
}

/** Series as `labels → [ts s, value]…` for compact expectations. */
function show(series: Series[]): Array<[string, Array<[number, number]>]> {
  return series.map((s) => [
    s.labels.map((l) => `${l.key}=${String(l.value.value)}`).join(','),
    s.samples.map((x) => [x.timestampMs / 1000, Number(x.value.toPrecision(12))]),
  ]);
}

describe('intervals', () => {
  const cases: Array<[number, number]> = [
    [100, -1],
    [100.000000001, 0],
    [200, 0],
    [200.5, 1],
    [400, 2],
    [400.000000001, -1],
    [50, -1],
  ];
  for (const [t, want] of cases) {
    it(`${t} s → interval ${want}`, () =>
      assert.equal(intervalOf(RANGE, BigInt(Math.round(t * 1e9))), want));
  }
});

describe('first-stage functions', () => {
  const spans: Span[] = [
    { at: 150, by: [str('cart')], m: dur(10) },
    { at: 160, by: [str('cart')], m: dur(30) },
    { at: 350, by: [str('cart')], m: dur(20) },
    { at: 250, by: [str('api')], m: { type: 'int', value: 7 } },
    { at: 260, by: [str('api')], m: { type: 'other' } },
  ];
  const cases: Array<
    [string, Partial<FirstStage> & Pick<FirstStage, 'fn'>, ReturnType<typeof show>]
  > = [
    [
      'rate: count / step seconds, 0 for empty intervals',
      { fn: 'rate', byKeys: ['resource.service.name'] },
      [
        [
          'resource.service.name=api',
          [
            [200, 0],
            [300, 0.02],
            [400, 0],
          ],
        ],
        [
          'resource.service.name=cart',
          [
            [200, 0.02],
            [300, 0],
            [400, 0.01],
          ],
        ],
      ],
    ],
    [
      'count_over_time without by: __name__',
      { fn: 'count_over_time' },
      [
        [
          '__name__=count_over_time',
          [
            [200, 2],
            [300, 2],
            [400, 1],
          ],
        ],
      ],
    ],
    [
      'sum_over_time: durations in seconds; no sample for empty intervals or non-numbers',
      { fn: 'sum_over_time', byKeys: ['svc'] },
      [
        ['svc=api', [[300, 7]]],
        [
          'svc=cart',
          [
            [200, 0.04],
            [400, 0.02],
          ],
        ],
      ],
    ],
    [
      'min_over_time',
      { fn: 'min_over_time' },
      [
        [
          '__name__=min_over_time',
          [
            [200, 0.01],
            [300, 7],
            [400, 0.02],
          ],
        ],
      ],
    ],
    [
      'max_over_time',
      { fn: 'max_over_time' },
      [
        [
          '__name__=max_over_time',
          [
            [200, 0.03],
            [300, 7],
            [400, 0.02],
          ],
        ],
      ],
    ],
    [
      'avg_over_time',
      { fn: 'avg_over_time' },
      [
        [
          '__name__=avg_over_time',
          [
            [200, 0.02],
            [300, 7],
            [400, 0.02],
          ],
        ],
      ],
    ],
  ];
  for (const [name, stage, want] of cases)
    it(name, () => assert.deepEqual(show(run(stage, spans)), want));
});

describe('quantiles and histograms (log2 buckets)', () => {
  it('log2Bucket: the next power of two, nothing below 2', () => {
    assert.deepEqual([0.5, 1.9, 2, 3, 1024, 1025].map(log2Bucket), [
      undefined,
      undefined,
      2,
      4,
      1024,
      2048,
    ]);
  });

  it('log2Quantile interpolates on a log2 scale inside the bucket', () => {
    const buckets: Array<[number, number]> = [
      [1024, 3],
      [4096, 1],
    ];
    assert.equal(log2Quantile(0.9, buckets), 4096);
    assert.equal(log2Quantile(0.5, buckets), 2 ** (9 + 2 / 3));
    assert.equal(log2Quantile(0.5, []), 0);
  });

  it('quantile_over_time: one series per quantile labelled p; no __name__; 0 when empty', () => {
    const spans: Span[] = [
      { at: 150, m: dur(1) },
      { at: 151, m: dur(1) },
      { at: 152, m: dur(1) },
      { at: 153, m: dur(3) },
      { at: 154, m: { type: 'float', value: 5 } },
    ];
    const got = show(run({ fn: 'quantile_over_time', quantiles: [0.9, 0.5] }, spans));
    const b1 = 2 ** 20 / 1e9;
    assert.deepEqual(got, [
      [
        'p=0.5',
        [
          [200, Number((2 ** (Math.log2(b1) - 1 + 2 / 3)).toPrecision(12))],
          [300, 0],
          [400, 0],
        ],
      ],
      [
        'p=0.9',
        [
          [200, 2 ** 22 / 1e9],
          [300, 0],
          [400, 0],
        ],
      ],
    ]);
  });

  it('histogram_over_time: a series per bucket labelled __bucket (seconds), counts with zeros', () => {
    const spans: Span[] = [
      { at: 150, by: [str('cart')], m: dur(1) },
      { at: 250, by: [str('cart')], m: dur(1) },
      { at: 260, by: [str('cart')], m: dur(3) },
    ];
    assert.deepEqual(show(run({ fn: 'histogram_over_time', byKeys: ['svc'] }, spans)), [
      [
        'svc=cart,__bucket=0.001048576',
        [
          [200, 1],
          [300, 1],
          [400, 0],
        ],
      ],
      [
        'svc=cart,__bucket=0.004194304',
        [
          [200, 0],
          [300, 1],
          [400, 0],
        ],
      ],
    ]);
  });
});

describe('by labels', () => {
  it('leaves nil values out, and names the first key "nil" when every value is nil', () => {
    const spans: Span[] = [
      { at: 150, by: [undefined, str('GET')] },
      { at: 150, by: [undefined, undefined] },
      { at: 150, by: [{ type: 'int', value: 200n }, str('GET')] },
    ];
    assert.deepEqual(
      show(
        run(
          { fn: 'count_over_time', byKeys: ['span.http.status_code', 'span.http.method'] },
          spans,
        ),
      ).map(([l]) => l),
      [
        'span.http.method=GET',
        'span.http.status_code=nil',
        'span.http.status_code=200,span.http.method=GET',
      ],
    );
  });

  it('sorts by label count, key, then value text with its type first', () => {
    const spans: Span[] = [
      { at: 150, by: [str('b')] },
      { at: 150, by: [{ type: 'int', value: 5n }] },
      { at: 150, by: [str('a')] },
      { at: 150, by: [{ type: 'bool', value: true }] },
    ];
    assert.deepEqual(
      show(run({ fn: 'count_over_time', byKeys: ['x'] }, spans)).map(([l]) => l),
      ['x=true', 'x=5', 'x=a', 'x=b'],
    );
  });
});

describe('exemplars', () => {
  function withExemplars(
    stage: Partial<FirstStage> & Pick<FirstStage, 'fn'>,
    spans: Span[],
    limit: number,
  ) {
    const acc = new FirstStageAccumulator(
      { byKeys: [], quantiles: [], exemplars: limit, ...stage },
      RANGE,
    );
    spans.forEach((s, i) =>
      acc.add(BigInt(Math.round(s.at * 1e9)), s.by ?? [], s.m ?? { type: 'other' }, {
        traceId: `000${i + 1}`,
        labels: [],
      }),
    );
    return acc
      .finish()
      .map((s) => [
        s.labels.map((l) => `${l.key}=${String(l.value.value)}`).join(','),
        (s.exemplars ?? []).map((e) => [e.labels[0]?.value.value, e.timestampMs / 1000, e.value]),
      ]);
  }

  it('histograms: an exemplar goes to its bucket, valued as the bucket count', () => {
    const spans: Span[] = [
      { at: 150, m: dur(1) },
      { at: 160, m: dur(3) },
      { at: 170, m: dur(3) },
    ];
    assert.deepEqual(withExemplars({ fn: 'histogram_over_time' }, spans, 10), [
      ['__bucket=0.001048576', [['1', 150, 1]]],
      [
        '__bucket=0.004194304',
        [
          ['2', 160, 2],
          ['3', 170, 2],
        ],
      ],
    ]);
  });

  it('quantiles: an exemplar goes to the quantile closest to its value', () => {
    const spans: Span[] = [
      { at: 150, m: dur(1) },
      { at: 160, m: dur(1) },
      { at: 170, m: dur(3) },
    ];
    assert.deepEqual(
      withExemplars({ fn: 'quantile_over_time', quantiles: [0.1, 0.99] }, spans, 10),
      [
        [
          'p=0.1',
          [
            ['1', 150, 0.001],
            ['2', 160, 0.001],
          ],
        ],
        ['p=0.99', [['3', 170, 0.003]]],
      ],
    );
  });

  it('at most 2 per slice of the range (N/2 slices), one per trace, N in all', () => {
    const spans: Span[] = [150, 151, 152, 153, 350].map((at) => ({ at }));
    // 4 exemplars: 2 slices of 150 s over (100 s, 400 s]; the first slice keeps 2.
    assert.deepEqual(withExemplars({ fn: 'count_over_time' }, spans, 4), [
      [
        '__name__=count_over_time',
        [
          ['1', 150, 4],
          ['2', 151, 4],
          ['5', 350, 1],
        ],
      ],
    ]);
  });
});
