/**
 * `GET /api/search` through a real Vivace: whole response bodies against golden files
 * (test/golden/search/*.json; `UPDATE_GOLDEN=1` rewrites them after a reviewed change), and the
 * exact 400 messages of bad requests.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { searchFixture } from '../fixtures/search-traces.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const GOLDEN = path.join(import.meta.dirname, '..', 'golden', 'search');
const TENANT = 'single-tenant';

/** Golden file → request query string. */
const GOLDEN_CASES: Array<[string, string]> = [
  ['status-error', 'q={status=error}'],
  ['payment-limit-2', 'q={resource.service.name="payment"}&limit=2'],
  ['http-status', 'q={span.http.status_code>=500}'],
  ['and-spss-1', 'q={name="Charge"} %26%26 {name="SELECT users"}&spss=1'],
  ['by-service-count', 'q={status=error} | by(resource.service.name) | count() > 0'],
  ['select-user', 'q={name="Charge"} | select(span.user.id, status, nestedSetParent)'],
  ['descendant', 'q={resource.service.name="checkout"} >> {status=error}'],
  ['no-match', 'q={name="nothing"}'],
  ['legacy-tags', 'tags=service.name%3Dpay name%3D"Charge"&minDuration=30ms&maxDuration=2s'],
  ['legacy-params', 'service.name=db'],
  ['time-range', 'q={}&start=1764000002&end=1764000002'],
];

/** Request query string → exact status and body of a bad request. */
const BAD_CASES: Array<[string, number, string]> = [
  ['q={status=', 400, 'parse error at line 1, col 9: syntax error: unexpected $end\n'],
  ['q={ 1 = "a" }', 400, 'invalid operation 1 = "a": int and string cannot be combined\n'],
  ['q={}&limit=0', 400, 'invalid limit: must be a positive number\n'],
  ['q={}&limit=x', 400, 'invalid limit "x": expected a non-negative integer\n'],
  ['q={}&spss=101', 400, 'invalid spss 101: spans per span set must be between 1 and 100\n'],
  ['q={}&tags=a%3Db', 400, 'invalid request: q and tags cannot both be given\n'],
  ['tags=a%3Db a%3Dc', 400, 'invalid tags: key "a" given twice\n'],
  [
    'minDuration=2s&maxDuration=1s',
    400,
    'invalid minDuration: must be less than or equal to maxDuration\n',
  ],
  [
    'minDuration=fast',
    400,
    'invalid minDuration "fast": expected a duration such as 100ms or 1.5s\n',
  ],
  ['q={}&start=10&end=5', 400, 'invalid time range: end (5) is before start (10)\n'],
  [
    'q={} | rate()',
    400,
    'invalid TraceQL search: metrics queries are answered by /api/metrics/query_range\n',
  ],
];

describe('GET /api/search', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.app.storage.push(TENANT, searchFixture('first'));
    await server.app.storage.flush();
    await server.app.storage.push(TENANT, searchFixture('second'));
  });
  after(() => server.close());

  for (const [name, query] of GOLDEN_CASES) {
    test(`${name}: ${query}`, async () => {
      const res = await fetch(`${server.api}/api/search?${query}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      const body = (await res.json()) as Record<string, unknown>;
      // Bytes read depend on the file encoder; everything else is exact.
      const metrics = body.metrics as Record<string, unknown>;
      assert.match(String(metrics.inspectedBytes), /^\d+$/);
      metrics.inspectedBytes = '<bytes>';
      if (metrics.totalBlockBytes !== undefined) metrics.totalBlockBytes = '<bytes>';
      const text = JSON.stringify(body, null, 2) + '\n';
      const file = path.join(GOLDEN, `${name}.json`);
      if (process.env.UPDATE_GOLDEN === '1') await writeFile(file, text);
      assert.equal(text, await readFile(file, 'utf8'));
    });
  }

  for (const [query, status, message] of BAD_CASES) {
    test(`${status} for ${query}`, async () => {
      const res = await fetch(`${server.api}/api/search?${query}`);
      const text = await res.text();
      assert.equal(res.status, status);
      if (message !== '') assert.equal(text, message);
      else assert.ok(text.length > 10, text);
    });
  }

  test('repeated calls answer the same, newest first', async () => {
    const url = `${server.api}/api/search?q=${encodeURIComponent('{}')}&limit=3`;
    const first = await (await fetch(url)).text();
    for (let i = 0; i < 3; i++) assert.equal(await (await fetch(url)).text(), first);
    const starts = (
      JSON.parse(first) as { traces: Array<{ startTimeUnixNano: string }> }
    ).traces.map((t) => BigInt(t.startTimeUnixNano));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => (a > b ? -1 : 1)),
    );
  });

  test('tag names and values through the real server (double-encoded name, unfinished q)', async () => {
    const name = encodeURIComponent(encodeURIComponent('resource.service.name'));
    const cases: Array<[string, unknown]> = [
      [
        '/api/v2/search/tags?scope=resource',
        { scopes: [{ name: 'resource', tags: ['deployment.environment', 'service.name'] }] },
      ],
      [
        `/api/v2/search/tag/${name}/values?q=${encodeURIComponent('{ span.user.id = ')}`,
        {
          tagValues: ['checkout', 'db', 'frontend', 'payment'].map((value) => ({
            type: 'string',
            value,
          })),
        },
      ],
      [
        `/api/v2/search/tag/${name}/values?q=${encodeURIComponent('{ name = "Charge" }')}`,
        { tagValues: [{ type: 'string', value: 'payment' }] },
      ],
      [
        '/api/search/tag/service.name/values',
        { tagValues: ['checkout', 'db', 'frontend', 'payment'] },
      ],
    ];
    for (const [url, expected] of cases) {
      const res = await fetch(server.api + url);
      assert.equal(res.status, 200, url);
      const body = (await res.json()) as Record<string, unknown>;
      delete body.metrics;
      assert.deepEqual(body, expected, url);
    }
  });

  test('fuzz: every conformance query, and seeded mutations, answer 200 or 400, never more', async () => {
    const corpus = parse(
      readFileSync(
        path.join(
          import.meta.dirname,
          '..',
          '..',
          '..',
          'shared',
          'conformance',
          'traceql',
          'test_examples.yaml',
        ),
        'utf8',
      ),
    ) as Record<string, string[] | null>;
    const seeds = Object.values(corpus).flatMap((list) => list ?? []);
    let state = 20261124;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    const pieces = [
      '{',
      '}',
      '(',
      ')',
      '|',
      '&&',
      '>>',
      '~',
      '!',
      '=',
      '"',
      'nil',
      '.a',
      'count()',
      ' ',
      'by(',
      '1s',
    ];
    const queries = [...seeds];
    for (let i = 0; i < 300; i++) {
      const q = seeds[next(seeds.length)] as string;
      const at = next(q.length + 1);
      const cut = next(3);
      queries.push(q.slice(0, at) + (pieces[next(pieces.length)] as string) + q.slice(at + cut));
    }
    const statuses = new Map<number, number>();
    for (const q of queries) {
      const res = await fetch(`${server.api}/api/search?q=${encodeURIComponent(q)}&limit=5`);
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(res.status === 200 || res.status === 400, `${res.status} for ${q}`);
    }
    assert.ok(
      (statuses.get(200) ?? 0) > 100 && (statuses.get(400) ?? 0) > 100,
      JSON.stringify([...statuses]),
    );
  });
});
