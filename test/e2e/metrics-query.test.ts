/**
 * TraceQL metrics over HTTP on spans with known times: `/api/metrics/query_range` and
 * `/api/metrics/query` answer the exact series (labels, timestamps, values, proto3 JSON), the same
 * from the head and, after `POST /flush`, from a block; bad queries get 400 with the reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postOtlp } from '../helpers/otlp-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const S = 1_000_000_000n;
/** A minute boundary ten minutes ago, in seconds. */
const T = Math.floor((Date.now() / 1000 - 600) / 60) * 60;

interface TestSpan {
  service: string;
  at: number;
  ms: number;
  error?: boolean;
  status?: number;
}

const SPANS: TestSpan[] = [
  { service: 'cart', at: 10, ms: 10, error: true },
  { service: 'cart', at: 20, ms: 10 },
  { service: 'cart', at: 70, ms: 20 },
  { service: 'api', at: 30, ms: 3, status: 200 },
  { service: 'api', at: 80, ms: 3, status: 500 },
];

function otlpJson(): string {
  return JSON.stringify({
    resourceSpans: SPANS.map((s, i) => {
      const start = (BigInt(T + s.at) * S).toString();
      const end = (BigInt(T + s.at) * S + BigInt(s.ms) * 1_000_000n).toString();
      return {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: s.service } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: (i + 1).toString(16).padStart(32, '0'),
                spanId: (i + 1).toString(16).padStart(16, '0'),
                name: 'GET',
                kind: 2,
                startTimeUnixNano: start,
                endTimeUnixNano: end,
                attributes:
                  s.status === undefined
                    ? []
                    : [{ key: 'http.status_code', value: { intValue: String(s.status) } }],
                status: s.error ? { code: 2 } : {},
              },
            ],
          },
        ],
      };
    }),
  });
}

let server: TestServer;

before(async () => {
  server = await startTestServer();
  const res = await postOtlp(server.otlpHttp, otlpJson(), { 'Content-Type': 'application/json' });
  assert.equal(res.status, 200);
});
after(() => server.close());

async function get(path: string, params: Record<string, string>): Promise<[number, string]> {
  const res = await fetch(`${server.api}${path}?${new URLSearchParams(params).toString()}`);
  return [res.status, await res.text()];
}

const ms = (s: number) => String((T + s) * 1000);
const range = { start: String(T), end: String(T + 120), step: '60' };

const RANGE_CASES: ReadonlyArray<[string, string, unknown]> = [
  [
    'count by service, zeros left out of the JSON',
    '{} | count_over_time() by (resource.service.name)',
    {
      series: [
        {
          labels: [{ key: 'resource.service.name', value: { stringValue: 'api' } }],
          samples: [
            { timestampMs: ms(0) },
            { timestampMs: ms(60), value: 1 },
            { timestampMs: ms(120), value: 1 },
          ],
        },
        {
          labels: [{ key: 'resource.service.name', value: { stringValue: 'cart' } }],
          samples: [
            { timestampMs: ms(0) },
            { timestampMs: ms(60), value: 2 },
            { timestampMs: ms(120), value: 1 },
          ],
        },
      ],
      metrics: {},
    },
  ],
  [
    'rate of errors without by: __name__',
    '{ status = error } | rate()',
    {
      series: [
        {
          labels: [{ key: '__name__', value: { stringValue: 'rate' } }],
          samples: [
            { timestampMs: ms(0) },
            { timestampMs: ms(60), value: 1 / 60 },
            { timestampMs: ms(120) },
          ],
        },
      ],
      metrics: {},
    },
  ],
  [
    'max of durations in seconds; no sample where nothing matched',
    '{ resource.service.name = "cart" } | max_over_time(duration)',
    {
      series: [
        {
          labels: [{ key: '__name__', value: { stringValue: 'max_over_time' } }],
          samples: [
            { timestampMs: ms(60), value: 0.01 },
            { timestampMs: ms(120), value: 0.02 },
          ],
        },
      ],
      metrics: {},
    },
  ],
  [
    'by an int attribute, with a metric filter',
    '{ } | count_over_time() by (span.http.status_code) > 0',
    {
      series: [
        {
          labels: [{ key: 'span.http.status_code', value: { intValue: '200' } }],
          samples: [{ timestampMs: ms(60), value: 1 }],
        },
        {
          labels: [{ key: 'span.http.status_code', value: { intValue: '500' } }],
          samples: [{ timestampMs: ms(120), value: 1 }],
        },
        {
          labels: [{ key: 'span.http.status_code', value: { stringValue: 'nil' } }],
          samples: [
            { timestampMs: ms(60), value: 2 },
            { timestampMs: ms(120), value: 1 },
          ],
        },
      ],
      metrics: {},
    },
  ],
  [
    'topk per interval (a tie goes to the label that sorts first)',
    '{} | count_over_time() by (resource.service.name) | topk(1)',
    {
      series: [
        {
          labels: [{ key: 'resource.service.name', value: { stringValue: 'api' } }],
          samples: [{ timestampMs: ms(0) }, { timestampMs: ms(120), value: 1 }],
        },
        {
          labels: [{ key: 'resource.service.name', value: { stringValue: 'cart' } }],
          samples: [{ timestampMs: ms(60), value: 2 }],
        },
      ],
      metrics: {},
    },
  ],
  [
    'a ratio of two queries: matched labels, nothing where the divisor is 0',
    '({ status = error } | count_over_time()) / ({} | count_over_time())',
    {
      series: [
        {
          labels: [{ key: '__name__', value: { stringValue: 'count_over_time' } }],
          samples: [{ timestampMs: ms(60), value: 1 / 3 }, { timestampMs: ms(120) }],
        },
      ],
      metrics: {},
    },
  ],
  [
    'a query times a scalar',
    '({ resource.service.name = "cart" } | count_over_time() by (resource.service.name)) * 10',
    {
      series: [
        {
          labels: [{ key: 'resource.service.name', value: { stringValue: 'cart' } }],
          samples: [
            { timestampMs: ms(0) },
            { timestampMs: ms(60), value: 20 },
            { timestampMs: ms(120), value: 10 },
          ],
        },
      ],
      metrics: {},
    },
  ],
  [
    'histogram of durations: a series per power-of-two bucket, in seconds',
    '{} | histogram_over_time(duration)',
    {
      series: [0.004194304, 0.016777216, 0.033554432].map((bucket, k) => ({
        labels: [{ key: '__bucket', value: { doubleValue: bucket } }],
        samples: [
          { timestampMs: ms(0) },
          k === 2 ? { timestampMs: ms(60) } : { timestampMs: ms(60), value: k === 0 ? 1 : 2 },
          k === 1 ? { timestampMs: ms(120) } : { timestampMs: ms(120), value: 1 },
        ],
      })),
      metrics: {},
    },
  ],
  [
    'median by service: interpolated inside the bucket on a log2 scale; p labels the quantile',
    '{} | quantile_over_time(duration, .5) by (resource.service.name)',
    {
      series: [
        ['api', 0.004194304, 0.004194304],
        ['cart', 0.016777216 / Math.SQRT2, 0.033554432],
      ].map(([service, first, second]) => ({
        labels: [
          { key: 'resource.service.name', value: { stringValue: service } },
          { key: 'p', value: { doubleValue: 0.5 } },
        ],
        samples: [
          { timestampMs: ms(0) },
          { timestampMs: ms(60), value: first },
          { timestampMs: ms(120), value: second },
        ],
      })),
      metrics: {},
    },
  ],
  [
    'average duration by service, in seconds',
    '{} | avg_over_time(duration) by (resource.service.name)',
    {
      series: [
        ['api', 0.003, 0.003],
        ['cart', 0.01, 0.02],
      ].map(([service, first, second]) => ({
        labels: [{ key: 'resource.service.name', value: { stringValue: service } }],
        samples: [
          { timestampMs: ms(60), value: first },
          { timestampMs: ms(120), value: second },
        ],
      })),
      metrics: {},
    },
  ],
  [
    'minimum duration by status (a string label)',
    '{} | min_over_time(duration) by (status)',
    {
      series: [
        {
          labels: [{ key: 'status', value: { stringValue: 'error' } }],
          samples: [{ timestampMs: ms(60), value: 0.01 }],
        },
        {
          labels: [{ key: 'status', value: { stringValue: 'unset' } }],
          samples: [
            { timestampMs: ms(60), value: 0.003 },
            { timestampMs: ms(120), value: 0.003 },
          ],
        },
      ],
      metrics: {},
    },
  ],
  [
    'sum of an int attribute, only where a span has it',
    '{} | sum_over_time(span.http.status_code)',
    {
      series: [
        {
          labels: [{ key: '__name__', value: { stringValue: 'sum_over_time' } }],
          samples: [
            { timestampMs: ms(60), value: 200 },
            { timestampMs: ms(120), value: 500 },
          ],
        },
      ],
      metrics: {},
    },
  ],
  [
    'bottomk per interval (ties to the label that sorts first)',
    '{} | count_over_time() by (resource.service.name) | bottomk(1)',
    {
      series: [
        {
          labels: [{ key: 'resource.service.name', value: { stringValue: 'api' } }],
          samples: [
            { timestampMs: ms(0) },
            { timestampMs: ms(60), value: 1 },
            { timestampMs: ms(120), value: 1 },
          ],
        },
      ],
      metrics: {},
    },
  ],
];

function checkAll(when: string): void {
  for (const [name, q, want] of RANGE_CASES) {
    it(`query_range: ${name} (${when})`, async () => {
      const [status, body] = await get('/api/metrics/query_range', { q, ...range });
      assert.equal(status, 200, body);
      // Exemplars are checked on their own below.
      const got = JSON.parse(body) as { series: Array<{ exemplars?: unknown }> };
      for (const s of got.series) delete s.exemplars;
      assert.deepEqual(got, want);
    });
  }
  it(`query_range: exemplars, one per trace, valued as their interval (${when})`, async () => {
    const [status, body] = await get('/api/metrics/query_range', {
      q: '{ resource.service.name = "cart" } | count_over_time() by (resource.service.name)',
      ...range,
    });
    assert.equal(status, 200, body);
    const [series] = (JSON.parse(body) as { series: Array<{ exemplars: unknown }> }).series;
    const label = { key: 'resource.service.name', value: { stringValue: 'cart' } };
    const trace = (n: number) => ({ key: 'trace:id', value: { stringValue: String(n) } });
    assert.deepEqual(series?.exemplars, [
      { labels: [trace(1), label], value: 2, timestampMs: ms(10) },
      { labels: [trace(2), label], value: 2, timestampMs: ms(20) },
      { labels: [trace(3), label], value: 1, timestampMs: ms(70) },
    ]);
  });
  it(`query_range: with(sample=…) is exact here, as without it (${when})`, async () => {
    const plain = await get('/api/metrics/query_range', {
      q: '{ status = error } | rate() with(exemplars=false)',
      ...range,
    });
    for (const hint of ['sample=true', 'sample=0.1', 'span_sample=0.5']) {
      const sampled = await get('/api/metrics/query_range', {
        q: `{ status = error } | rate() with(${hint}, exemplars=false)`,
        ...range,
      });
      assert.deepEqual(sampled, plain, hint);
    }
  });
  it(`query_range: with(exemplars=false) gives none (${when})`, async () => {
    const [status, body] = await get('/api/metrics/query_range', {
      q: '{ resource.service.name = "cart" } | count_over_time() with(exemplars=false)',
      ...range,
    });
    assert.equal(status, 200, body);
    const [series] = (JSON.parse(body) as { series: Array<{ exemplars?: unknown }> }).series;
    assert.equal(series?.exemplars, undefined);
  });
  it(`query_range: exemplars=1 keeps one (the newest trace's); a duration shows it (${when})`, async () => {
    const [, body] = await get('/api/metrics/query_range', {
      q: '{ resource.service.name = "api" } | max_over_time(duration)',
      ...range,
      exemplars: '1',
    });
    const [series] = (JSON.parse(body) as { series: Array<{ exemplars: unknown }> }).series;
    assert.deepEqual(series?.exemplars, [
      {
        labels: [
          { key: 'trace:id', value: { stringValue: '5' } },
          { key: 'duration', value: { stringValue: '3ms' } },
        ],
        value: 0.003,
        timestampMs: ms(80),
      },
    ]);
  });
  it(`query: one value over the window (${when})`, async () => {
    const [status, body] = await get('/api/metrics/query', {
      q: '{} | count_over_time() by (resource.service.name)',
      start: String(T),
      end: String(T + 120),
    });
    assert.equal(status, 200, body);
    assert.deepEqual(JSON.parse(body), {
      series: [
        { labels: [{ key: 'resource.service.name', value: { stringValue: 'api' } }], value: 2 },
        { labels: [{ key: 'resource.service.name', value: { stringValue: 'cart' } }], value: 3 },
      ],
      metrics: {},
    });
  });
  it(`query: compare() — top values and totals per group, ties to the first value (${when})`, async () => {
    // Base: the three cart spans and api's 500; selection: cart's error and api's 500.
    const [status, body] = await get('/api/metrics/query', {
      q: '{ resource.service.name = "cart" || span.http.status_code = 500 } | compare({ status = error || span.http.status_code >= 500 }, 1)',
      start: String(T),
      end: String(T + 120),
    });
    assert.equal(status, 200, body);
    const got = JSON.parse(body) as {
      series: Array<{ labels: Array<{ key: string; value: unknown }>; value: number }>;
    };
    const lines = got.series.map(
      (s) =>
        `${JSON.stringify(s.labels[0]?.value)} ${s.labels[1]?.key}=${JSON.stringify(s.labels[1]?.value)} ${s.value}`,
    );
    const type = (t: string) => JSON.stringify({ stringValue: t });
    const str = (v: string) => JSON.stringify({ stringValue: v });
    // Every span of a group shares these values but the service, which the top one shows.
    const common = (group: string, service: string, ofService: number) => [
      `${type(group)} instrumentation:name=${str('')} 2`,
      `${type(group)} instrumentation:version=${str('')} 2`,
      `${type(group)} kind=${str('server')} 2`,
      `${type(group)} name=${str('GET')} 2`,
      `${type(group)} resource.service.name=${str(service)} ${ofService}`,
      `${type(group)} rootName=${str('GET')} 2`,
      `${type(group)} rootServiceName=${str(service)} ${ofService}`,
    ];
    const totals = (group: string, keys: string[], spanCode: boolean) =>
      keys.map(
        (k) =>
          `${type(`${group}_total`)} ${k}=${str('nil')} ${k === 'span.http.status_code' && spanCode ? 1 : 2}`,
      );
    const keys = (withCode: boolean) => [
      'instrumentation:name',
      'instrumentation:version',
      'kind',
      'name',
      'resource.service.name',
      'rootName',
      'rootServiceName',
      ...(withCode ? ['span.http.status_code'] : []),
      'status',
      'statusMessage',
    ];
    assert.deepEqual(lines, [
      ...common('baseline', 'cart', 2),
      `${type('baseline')} status=${str('unset')} 2`,
      `${type('baseline')} statusMessage=${str('')} 2`,
      ...totals('baseline', keys(false), false),
      ...common('selection', 'api', 1),
      `${type('selection')} span.http.status_code=${JSON.stringify({ intValue: '500' })} 1`,
      `${type('selection')} status=${str('error')} 1`,
      `${type('selection')} statusMessage=${str('')} 2`,
      ...totals('selection', keys(true), true),
    ]);
  });
}

describe('TraceQL metrics from the head', () => checkAll('head'));

describe('TraceQL metrics from a block', () => {
  before(async () => {
    const res = await fetch(`${server.api}/flush`, { method: 'POST' });
    assert.equal(res.status, 204);
  });
  checkAll('block');
});

describe('TraceQL metrics: bad requests', () => {
  const cases: ReadonlyArray<[Record<string, string>, string]> = [
    [{ q: '{}', ...range }, 'not a metrics query'],
    [
      { q: '{} | rate(', ...range },
      'parse error at line 1, col 11: syntax error: unexpected $end, expecting )',
    ],
    [
      { q: '{} | compare({status=error}, 0)', ...range },
      'invalid compare(): the number of top values must be between 1 and 1000, not 0',
    ],
    [
      { q: '({} | compare({status=error})) * 2', ...range },
      'compare() cannot be combined with topk, bottomk, filters or arithmetic: ({} | compare({ status = error })) * 2',
    ],
    [
      { q: '{} | rate() + 5', ...range },
      'parse error at line 1, col 13: syntax error: unexpected +, expecting with',
    ],
    [{ q: '{} | rate()', start: String(T + 60), end: String(T) }, 'end must be greater than start'],
  ];
  for (const [params, message] of cases) {
    it(message, async () => {
      const [status, body] = await get('/api/metrics/query_range', params);
      assert.deepEqual([status, body.trim()], [400, message]);
    });
  }
});
