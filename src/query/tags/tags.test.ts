import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureLayouts, searchFixture, T0 } from '../../../test/fixtures/search-traces.js';
import { tagExtrasBatch } from '../../../test/fixtures/tag-traces.js';
import { openTestStorage, suiteStorage } from '../../../test/helpers/storage.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import {
  INTRINSIC_TAGS,
  searchTagNames,
  searchTagValues,
  type TagNamesOptions,
  type TagSearchOptions,
} from './index.js';

const TENANT = 'single-tenant';
const T0_MS = Number(T0 / 1_000_000n);

type Names = Record<string, readonly string[]>;

const ALL_SPAN_KEYS = [
  'a/b c',
  'amount',
  'big',
  'blob',
  'db.system',
  'deployment.environment',
  'empty',
  'http.method',
  'http.status_code',
  'kv',
  'million',
  'mixed',
  'ratio',
  'retry',
  'sizes',
  'tags',
  'tiny',
  'user.id',
];
const E1_SPAN_KEYS = [
  'a/b c',
  'big',
  'blob',
  'empty',
  'http.method',
  'kv',
  'million',
  'mixed',
  'ratio',
  'tiny',
];

const EVERYTHING: Names = {
  resource: ['deployment.environment', 'host.id', 'service.name'],
  span: ALL_SPAN_KEYS,
  intrinsic: INTRINSIC_TAGS,
  event: ['attempt', 'exception.message'],
  link: ['relation'],
  instrumentation: ['http.method', 'lib.lang'],
};

const INVENTORY: Names = {
  resource: ['host.id', 'service.name'],
  span: E1_SPAN_KEYS,
  intrinsic: INTRINSIC_TAGS,
  event: ['attempt'],
  link: ['relation'],
  instrumentation: ['http.method', 'lib.lang'],
};

/** Options → names per scope, in response order. */
const NAME_CASES: Array<[string, TagNamesOptions, Names]> = [
  ['every scope', {}, EVERYTHING],
  ['span scope', { scope: 'span' }, { span: ALL_SPAN_KEYS }],
  ['resource scope', { scope: 'resource' }, { resource: EVERYTHING.resource as string[] }],
  ['event scope', { scope: 'event' }, { event: ['attempt', 'exception.message'] }],
  ['link scope', { scope: 'link' }, { link: ['relation'] }],
  [
    'instrumentation scope',
    { scope: 'instrumentation' },
    { instrumentation: ['http.method', 'lib.lang'] },
  ],
  ['intrinsic scope', { scope: 'intrinsic' }, { intrinsic: INTRINSIC_TAGS }],
  [
    'limit per scope, not for intrinsics',
    { limit: 1 },
    {
      resource: ['deployment.environment'],
      span: ['a/b c'],
      intrinsic: INTRINSIC_TAGS,
      event: ['attempt'],
      link: ['relation'],
      instrumentation: ['http.method'],
    },
  ],
  [
    'byte budget: intrinsics first, then stop',
    { scope: 'span', maxBytes: 12 },
    { span: ['a/b c', 'amount'] },
  ],
  [
    'q: one service',
    { q: '{ resource.service.name = "payment" }' },
    {
      resource: ['service.name'],
      span: ['amount', 'retry', 'sizes', 'tags', 'user.id'],
      intrinsic: INTRINSIC_TAGS,
    },
  ],
  ['q: another service', { q: '{ resource.service.name = "inventory" }' }, INVENTORY],
  [
    'q: unfinished, its complete condition kept',
    {
      q: '{ resource.service.name = "inventory" && span.foo = ',
    },
    INVENTORY,
  ],
  [
    'q: span scope only',
    { scope: 'span', q: '{ span.http.status_code >= 500 }' },
    { span: ['http.status_code'] },
  ],
  ['q: not TraceQL, ignored', { q: 'select * from spans' }, EVERYTHING],
  ['q: {} keeps everything', { q: '{}' }, EVERYTHING],
  ['q: nothing matches', { q: '{ name = "nope" }' }, { intrinsic: INTRINSIC_TAGS }],
  [
    'time range before the data',
    { startMs: T0_MS - 10_000, endMs: T0_MS - 5_000 },
    { intrinsic: INTRINSIC_TAGS },
  ],
  ['time range over the data', { startMs: T0_MS, endMs: T0_MS + 60_000 }, EVERYTHING],
];

/** Every span name and every service of the fixture, as values. */
const ALL_NAMES = [
  'string Charge',
  'string GET /',
  'string GET /cart',
  'string POST /checkout',
  'string PUT /stock',
  'string SELECT users',
  'string render',
];
const ALL_SERVICES = [
  'string checkout',
  'string db',
  'string frontend',
  'string inventory',
  'string payment',
];

/** Tag → options → values as `type value`. */
const VALUE_CASES: Array<[string, TagSearchOptions, string[]]> = [
  // attributes, typed as stored
  ['span.http.method', {}, ['string GET', 'string PUT']],
  ['.http.method', {}, ['string GET', 'string PUT']],
  ['instrumentation.http.method', {}, ['string LIB']],
  ['instrumentation.lib.lang', {}, ['string ts']],
  ['resource.host.id', {}, ['int 7']],
  ['.http.status_code', {}, ['int 200', 'int 500', 'int 503']],
  ['span.amount', {}, ['float 12.5']],
  ['span.ratio', {}, ['float 3.0']],
  ['span.big', {}, ['float 1e+21']],
  ['span.tiny', {}, ['float 1e-05']],
  ['span.million', {}, ['float 1.234567e+06']],
  ['span.retry', {}, ['bool true']],
  ['span.tags', {}, ['string beta', 'string vip']],
  ['span.sizes', {}, ['int 1', 'int 2', 'int 3']],
  ['span.blob', {}, []],
  ['span.mixed', {}, []],
  ['span.kv', {}, []],
  ['span.empty', {}, ['string ']],
  ['span."a/b c"', {}, ['string slashed']],
  ['span.nope', {}, []],
  ['resource.service.name', {}, ALL_SERVICES],
  ['.service.name', {}, ALL_SERVICES],
  ['.deployment.environment', {}, ['string canary', 'string prod']],
  ['event.exception.message', {}, ['string boom']],
  ['event.attempt', {}, ['int 2']],
  ['link.relation', {}, ['string child-of', 'string follows']],
  ['parent.span.http.method', {}, []],
  // intrinsics
  ['name', {}, ALL_NAMES],
  ['span:name', {}, ALL_NAMES],
  ['statusMessage', {}, ['string card declined']],
  ['rootServiceName', {}, ['string checkout', 'string frontend', 'string inventory']],
  ['trace:rootService', {}, ['string checkout', 'string frontend', 'string inventory']],
  [
    'rootName',
    {},
    ['string GET /', 'string GET /cart', 'string POST /checkout', 'string PUT /stock'],
  ],
  ['event:name', {}, ['string exception', 'string retry']],
  ['link:traceID', {}, ['string a', 'string b']],
  ['link:spanID', {}, ['string 00000000000000a1', 'string 00000000000000b1']],
  [
    'instrumentation:name',
    {},
    ['string io.opentelemetry.http', 'string io.vivace.extra', 'string vivace-test'],
  ],
  ['instrumentation:version', {}, ['string 0.1', 'string 1.2.3']],
  ['trace:id', {}, ['string a', 'string b', 'string c', 'string d', 'string e']],
  [
    'span:parentID',
    {},
    [
      'string 00000000000000a1',
      'string 00000000000000a2',
      'string 00000000000000a3',
      'string 00000000000000b1',
      'string 00000000000000d2',
      'string 00000000000000ff',
    ],
  ],
  ['status', {}, ['keyword ok', 'keyword error', 'keyword unset']],
  ['span:status', { limit: 2 }, ['keyword ok', 'keyword error']],
  [
    'kind',
    {},
    [
      'keyword client',
      'keyword server',
      'keyword producer',
      'keyword consumer',
      'keyword internal',
      'keyword unspecified',
    ],
  ],
  ['duration', {}, []],
  ['traceDuration', {}, []],
  ['trace:duration', {}, []],
  ['event:timeSinceStart', {}, []],
  ['span:childCount', {}, []],
  // limits
  ['resource.service.name', { limit: 2 }, ['string checkout', 'string db']],
  ['resource.service.name', { maxBytes: 36 }, ['string checkout', 'string db']],
  ['resource.service.name', { maxBytes: 37 }, ['string checkout', 'string db', 'string frontend']],
  // q narrows the spans
  ['resource.service.name', { q: '{ span.http.status_code >= 500 }' }, ['string checkout']],
  ['resource.service.name', { q: '{ status = error }' }, ['string checkout', 'string payment']],
  [
    'resource.service.name',
    { q: '{ span.http.method = "GET" || kind = client }' },
    ['string checkout', 'string db', 'string frontend'],
  ],
  ['name', { q: '{ resource.service.name = "payment" }' }, ['string Charge']],
  [
    'span.user.id',
    { q: '{ resource.service.name = "payment" && name = ' },
    ['string u-123', 'string u-999'],
  ],
  ['span.http.method', { q: '{ .ratio > 2 }' }, ['string PUT']],
  ['rootServiceName', { q: '{ resource.service.name = "frontend" }' }, ['string frontend']],
  ['instrumentation:name', { q: '{ span.http.method = "PUT" }' }, ['string io.vivace.extra']],
  ['event:name', { q: '{ resource.service.name = "checkout" }' }, ['string exception']],
  ['name', { q: '{ name = "nope" }' }, []],
  ['name', { q: 'not { traceql' }, ALL_NAMES],
  ['name', { q: '{ name = }' }, ALL_NAMES],
  // time range
  ['name', { startMs: T0_MS - 10_000, endMs: T0_MS - 5_000 }, []],
  ['resource.service.name', { startMs: T0_MS, endMs: T0_MS + 60_000 }, ALL_SERVICES],
];

const label = (o: object): string => (Object.keys(o).length === 0 ? '' : ` ${JSON.stringify(o)}`);

for (const mode of fixtureLayouts([tagExtrasBatch()])) {
  describe(`tag search, data ${mode.name}`, () => {
    const storage = suiteStorage((st) => mode.load(st, TENANT));

    for (const [name, opts, expected] of NAME_CASES) {
      test(`names: ${name}`, async () => {
        const r = await searchTagNames(storage(), TENANT, opts);
        assert.deepEqual(Object.fromEntries(r.scopes), expected);
        assert.deepEqual([...r.scopes.keys()], Object.keys(expected));
      });
    }

    for (const [tag, opts, expected] of VALUE_CASES) {
      test(`values: ${tag}${label(opts)}`, async () => {
        const r = await searchTagValues(storage(), TENANT, tag, opts);
        assert.deepEqual(
          r.values.map((v) => `${v.type} ${v.value}`),
          expected,
        );
      });
    }

    test('inspected bytes: what was read; nothing for static answers', async () => {
      assert.ok((await searchTagNames(storage(), TENANT, {})).inspectedBytes > 0);
      assert.ok((await searchTagValues(storage(), TENANT, 'name', {})).inspectedBytes > 0);
      assert.equal(
        (await searchTagNames(storage(), TENANT, { scope: 'intrinsic' })).inspectedBytes,
        0,
      );
      assert.equal((await searchTagValues(storage(), TENANT, 'status', {})).inspectedBytes, 0);
      assert.equal((await searchTagValues(storage(), TENANT, 'duration', {})).inspectedBytes, 0);
      const before = { startMs: T0_MS - 10_000, endMs: T0_MS - 5_000 };
      assert.equal((await searchTagValues(storage(), TENANT, 'name', before)).inspectedBytes, 0);
    });

    test('an unknown tenant has nothing', async () => {
      const r = await searchTagValues(storage(), 'other', 'name', {});
      assert.deepEqual(r, { values: [], inspectedBytes: 0 });
    });

    test('a tag that is not an identifier is an invalid request', async () => {
      await assert.rejects(searchTagValues(storage(), TENANT, 'service name', {}), {
        code: 'invalid_request',
        message:
          'invalid tag name "service name": expected a TraceQL identifier such as resource.service.name, .http.method or name',
      });
    });
  });
}

describe('tag search, filters the block SQL decides loosely', () => {
  // Event conditions compile to `true` in SQL: blocks then suggest values of every span, the
  // head only those of matching spans. The head's answer is always within the blocks'.
  const q = '{ event.attempt = 2 }';
  test('the head is exact, blocks a superset', async () => {
    const tmp = await tempDir();
    const st = await openTestStorage(tmp.dir);
    try {
      await st.push(TENANT, searchFixture());
      await st.push(TENANT, tagExtrasBatch());
      const head = await searchTagValues(st, TENANT, 'resource.service.name', { q });
      assert.deepEqual(head.values, [{ type: 'string', value: 'inventory' }]);
      await st.flush();
      const blocks = await searchTagValues(st, TENANT, 'resource.service.name', { q });
      assert.deepEqual(
        blocks.values.map((v) => v.value),
        ['checkout', 'db', 'frontend', 'inventory', 'payment'],
      );
    } finally {
      await st.close();
      await tmp.cleanup();
    }
  });
});
