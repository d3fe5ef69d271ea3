import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Storage } from '../../app/storage.js';
import { searchTagNames, searchTagValues } from '../../query/tags/index.js';
import { searchFixture } from '../../../test/fixtures/search-traces.js';
import { tagExtrasBatch } from '../../../test/fixtures/tag-traces.js';
import { openTestStorage } from '../../../test/helpers/storage.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { mapError } from '../errors.js';
import { Router } from './router.js';
import { addTagRoutes, decodeTagName, v1TagTarget, type TagSearcher } from './tag-routes.js';

const TENANT = 'single-tenant';

/** The Storage methods the lead adds, with bytes read pinned so that bodies are exact. */
function searcher(storage: Storage, tenants: string[]): TagSearcher {
  const pin = <T extends { inspectedBytes: number }>(r: T): T => ({
    ...r,
    inspectedBytes: r.inspectedBytes > 0 ? 1234 : 0,
  });
  return {
    searchTagNames: async (tenant, opts) => {
      tenants.push(tenant);
      return pin(await searchTagNames(storage, tenant, opts));
    },
    searchTagValues: async (tenant, tag, opts) => {
      tenants.push(tenant);
      return pin(await searchTagValues(storage, tenant, tag, opts));
    },
  };
}

/** server.ts's request glue, trimmed: route, run, map errors to plain-text statuses. */
async function handle(req: IncomingMessage, res: ServerResponse, router: Router): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const { route, params, methodAllowed } = router.match(req.method ?? 'GET', url.pathname);
  try {
    if (route === undefined) {
      res.writeHead(methodAllowed ? 404 : 405, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(methodAllowed ? '404 page not found\n' : `method ${req.method} not allowed\n`);
      return;
    }
    await route.handler({ req, res, params, query: url.searchParams, route: route.pattern });
  } catch (err) {
    const m = mapError(err);
    res.writeHead(m.httpStatus, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(m.message + '\n');
  }
}

const NAMES_V1 =
  '["a/b c","amount","attempt","big","blob","db.system","deployment.environment","empty","exception.message","host.id","http.method","http.status_code","kv","lib.lang","million","mixed","ratio","relation","retry","service.name","sizes","tags","tiny","user.id"]';
const INTRINSICS =
  '["duration","event:name","event:timeSinceStart","instrumentation:name","instrumentation:version","kind","link:spanID","link:traceID","name","rootName","rootServiceName","span:duration","span:id","span:kind","span:name","span:parentID","span:status","span:statusMessage","status","statusMessage","trace:duration","trace:id","trace:rootName","trace:rootService","traceDuration"]';
const SPAN_KEYS =
  '["a/b c","amount","big","blob","db.system","deployment.environment","empty","http.method","http.status_code","kv","million","mixed","ratio","retry","sizes","tags","tiny","user.id"]';
const M = '"metrics":{"inspectedBytes":"1234"}';
const NAMES_ALL = `{"scopes":[{"name":"resource","tags":["deployment.environment","host.id","service.name"]},{"name":"span","tags":${SPAN_KEYS}},{"name":"intrinsic","tags":${INTRINSICS}},{"name":"event","tags":["attempt","exception.message"]},{"name":"link","tags":["relation"]},{"name":"instrumentation","tags":["http.method","lib.lang"]}],${M}}`;
const SERVICES_V2 =
  '[{"type":"string","value":"checkout"},{"type":"string","value":"db"},{"type":"string","value":"frontend"},{"type":"string","value":"inventory"},{"type":"string","value":"payment"}]';
const NAMES = [
  'Charge',
  'GET /',
  'GET /cart',
  'POST /checkout',
  'PUT /stock',
  'SELECT users',
  'render',
];

/** Request path → status and whole body. */
const CASES: Array<[string, number, string]> = [
  // v1 tag names: one list, intrinsics only when asked
  ['/api/search/tags', 200, `{"tagNames":${NAMES_V1},${M}}`],
  ['/api/search/tags?scope=none', 200, `{"tagNames":${NAMES_V1},${M}}`],
  ['/api/search/tags?scope=span&limit=2', 200, `{"tagNames":["a/b c","amount"],${M}}`],
  ['/api/search/tags?limit=3', 200, `{"tagNames":["a/b c","amount","attempt"],${M}}`],
  ['/api/search/tags?scope=intrinsic', 200, `{"tagNames":${INTRINSICS},"metrics":{}}`],
  ['/api/search/tags?scope=trace', 200, '{"metrics":{}}'],
  ['/api/search/tags?scope=link', 200, `{"tagNames":["relation"],${M}}`],
  ['/api/search/tags?start=1&end=2', 200, '{"metrics":{}}'],
  [
    '/api/search/tags?scope=spans',
    400,
    'invalid scope: spans (expected one of resource, span, event, link, instrumentation, intrinsic, none)\n',
  ],
  ['/api/search/tags?limit=-1', 400, 'invalid limit "-1": expected a non-negative integer\n'],
  [
    '/api/search/tags?start=10&end=5',
    400,
    'invalid time range: end (5) must be after start (10)\n',
  ],
  ['/api/search/tags?start=x&end=5', 400, 'invalid start "x": expected unix epoch seconds\n'],
  // v2 tag names: per scope, the intrinsic list without a scope
  ['/api/v2/search/tags', 200, NAMES_ALL],
  ['/api/v2/search/tags?limit=5000&start=1764000000&end=1764003600', 200, NAMES_ALL],
  ['/api/v2/search/tags?scope=none', 200, NAMES_ALL],
  [
    '/api/v2/search/tags?scope=intrinsic',
    200,
    `{"scopes":[{"name":"intrinsic","tags":${INTRINSICS}}],"metrics":{}}`,
  ],
  [
    '/api/v2/search/tags?scope=resource',
    200,
    `{"scopes":[{"name":"resource","tags":["deployment.environment","host.id","service.name"]}],${M}}`,
  ],
  [
    '/api/v2/search/tags?scope=event&q=' +
      encodeURIComponent('{ resource.service.name = "payment" }'),
    200,
    `{${M}}`,
  ],
  [
    '/api/v2/search/tags?scope=span&q=' + encodeURIComponent('{ span.http.status_code >= 500 }'),
    200,
    `{"scopes":[{"name":"span","tags":["http.status_code"]}],${M}}`,
  ],
  [
    '/api/v2/search/tags?scope=span&q=' + encodeURIComponent('{ span.http.status_code >= '),
    200,
    `{"scopes":[{"name":"span","tags":${SPAN_KEYS}}],${M}}`,
  ],
  ['/api/v2/search/tags?scope=trace', 200, '{"metrics":{}}'],
  [
    '/api/v2/search/tags?scope=Span',
    400,
    'invalid scope: Span (expected one of resource, span, event, link, instrumentation, intrinsic, none)\n',
  ],
  // v2 tag values
  ['/api/v2/search/tag/resource.service.name/values', 200, `{"tagValues":${SERVICES_V2},${M}}`],
  ['/api/v2/search/tag/.service.name/values?limit=5000', 200, `{"tagValues":${SERVICES_V2},${M}}`],
  [
    '/api/v2/search/tag/resource.service.name/values?tag=resource.service.name&q=' +
      encodeURIComponent('{ resource.cluster = }'),
    200,
    `{"tagValues":${SERVICES_V2},${M}}`,
  ],
  [
    '/api/v2/search/tag/resource.service.name/values?q=' +
      encodeURIComponent('{ status = error && name = }'),
    200,
    `{"tagValues":[{"type":"string","value":"checkout"},{"type":"string","value":"payment"}],${M}}`,
  ],
  [
    '/api/v2/search/tag/resource.service.name/values?q=' + encodeURIComponent('{{{ ((('),
    200,
    `{"tagValues":${SERVICES_V2},${M}}`,
  ],
  [
    '/api/v2/search/tag/resource.service.name/values?limit=1',
    200,
    `{"tagValues":[{"type":"string","value":"checkout"}],${M}}`,
  ],
  [
    '/api/v2/search/tag/span.http.status_code/values',
    200,
    `{"tagValues":[{"type":"int","value":"200"},{"type":"int","value":"500"},{"type":"int","value":"503"}],${M}}`,
  ],
  [
    '/api/v2/search/tag/span.amount/values',
    200,
    `{"tagValues":[{"type":"float","value":"12.5"}],${M}}`,
  ],
  [
    '/api/v2/search/tag/span.retry/values',
    200,
    `{"tagValues":[{"type":"bool","value":"true"}],${M}}`,
  ],
  ['/api/v2/search/tag/span.empty/values', 200, `{"tagValues":[{"type":"string"}],${M}}`],
  ['/api/v2/search/tag/span.nope/values', 200, `{${M}}`],
  [
    '/api/v2/search/tag/name/values',
    200,
    `{"tagValues":[${NAMES.map((n) => `{"type":"string","value":"${n}"}`).join(',')}],${M}}`,
  ],
  [
    '/api/v2/search/tag/span:name/values?q=' +
      encodeURIComponent('{ resource.service.name = "payment" }'),
    200,
    `{"tagValues":[{"type":"string","value":"Charge"}],${M}}`,
  ],
  [
    '/api/v2/search/tag/status/values',
    200,
    '{"tagValues":[{"type":"keyword","value":"ok"},{"type":"keyword","value":"error"},{"type":"keyword","value":"unset"}],"metrics":{}}',
  ],
  [
    '/api/v2/search/tag/span:kind/values',
    200,
    '{"tagValues":[{"type":"keyword","value":"client"},{"type":"keyword","value":"server"},{"type":"keyword","value":"producer"},{"type":"keyword","value":"consumer"},{"type":"keyword","value":"internal"},{"type":"keyword","value":"unspecified"}],"metrics":{}}',
  ],
  ['/api/v2/search/tag/duration/values', 200, '{"metrics":{}}'],
  ['/api/v2/search/tag/traceDuration/values', 200, '{"metrics":{}}'],
  [
    '/api/v2/search/tag/trace:rootService/values',
    200,
    `{"tagValues":[{"type":"string","value":"checkout"},{"type":"string","value":"frontend"},{"type":"string","value":"inventory"}],${M}}`,
  ],
  [
    '/api/v2/search/tag/event:name/values',
    200,
    `{"tagValues":[{"type":"string","value":"exception"},{"type":"string","value":"retry"}],${M}}`,
  ],
  [
    '/api/v2/search/tag/instrumentation.lib.lang/values',
    200,
    `{"tagValues":[{"type":"string","value":"ts"}],${M}}`,
  ],
  // names with `/` and spaces: raw, encoded once, encoded twice (Grafana)
  [
    '/api/v2/search/tag/span."a/b c"/values',
    200,
    `{"tagValues":[{"type":"string","value":"slashed"}],${M}}`,
  ],
  [
    `/api/v2/search/tag/${encodeURIComponent('span."a/b c"')}/values`,
    200,
    `{"tagValues":[{"type":"string","value":"slashed"}],${M}}`,
  ],
  [
    `/api/v2/search/tag/${encodeURIComponent(encodeURIComponent('span."a/b c"'))}/values`,
    200,
    `{"tagValues":[{"type":"string","value":"slashed"}],${M}}`,
  ],
  [
    `/api/v2/search/tag/${encodeURIComponent(encodeURIComponent('resource.service.name'))}/values?limit=1`,
    200,
    `{"tagValues":[{"type":"string","value":"checkout"}],${M}}`,
  ],
  [
    '/api/v2/search/tag/service.name/values',
    400,
    'please provide a valid tagName: "service.name" is not a TraceQL identifier (such as resource.service.name, span.http.method, .a, name or span:status)\n',
  ],
  [
    '/api/v2/search/tag/.a%20b/values',
    400,
    'please provide a valid tagName: ".a b" is not a TraceQL identifier (such as resource.service.name, span.http.method, .a, name or span:status)\n',
  ],
  ['/api/v2/search/tag//values', 400, 'please provide a non-empty tagName\n'],
  [
    '/api/v2/search/tag/name/values?limit=x',
    400,
    'invalid limit "x": expected a non-negative integer\n',
  ],
  // v1 tag values: unscoped names, text values
  [
    '/api/search/tag/service.name/values',
    200,
    `{"tagValues":["checkout","db","frontend","inventory","payment"],${M}}`,
  ],
  ['/api/search/tag/http.status_code/values', 200, `{"tagValues":["200","500","503"],${M}}`],
  ['/api/search/tag/http.method/values', 200, `{"tagValues":["GET","PUT"],${M}}`],
  ['/api/search/tag/deployment.environment/values', 200, `{"tagValues":["canary","prod"],${M}}`],
  ['/api/search/tag/status.code/values', 200, '{"tagValues":["error","ok","unset"],"metrics":{}}'],
  ['/api/search/tag/error/values', 200, `{"tagValues":["true"],${M}}`],
  ['/api/search/tag/name/values?limit=2', 200, `{"tagValues":["Charge","GET /"],${M}}`],
  [
    '/api/search/tag/root.service.name/values',
    200,
    `{"tagValues":["checkout","frontend","inventory"],${M}}`,
  ],
  ['/api/search/tag/a%2Fb%20c/values', 200, `{"tagValues":["slashed"],${M}}`],
  ['/api/search/tag/a/b c/values', 200, `{"tagValues":["slashed"],${M}}`],
  [
    `/api/search/tag/${encodeURIComponent(encodeURIComponent('a/b c'))}/values`,
    200,
    `{"tagValues":["slashed"],${M}}`,
  ],
  ['/api/search/tag/constructor/values', 200, `{${M}}`],
  // not ours
  ['/api/v2/search/tag/name', 404, '404 page not found\n'],
];

interface Mode {
  name: string;
  load: (storage: Storage) => Promise<void>;
}

const MODES: Mode[] = [
  { name: 'in the head', load: () => Promise.resolve() },
  { name: 'in a block', load: (st) => st.flush() },
];

for (const mode of MODES) {
  describe(`tag routes, data ${mode.name}`, () => {
    let storage: Storage;
    let server: Server;
    let base: string;
    let cleanup: () => Promise<void>;
    const tenants: string[] = [];
    before(async () => {
      const tmp = await tempDir();
      cleanup = tmp.cleanup;
      storage = await openTestStorage(tmp.dir);
      await storage.push(TENANT, searchFixture());
      await storage.push(TENANT, tagExtrasBatch());
      await mode.load(storage);
      const router = addTagRoutes(new Router(), {
        tags: searcher(storage, tenants),
        tenantOf: (ctx) => String(ctx.req.headers['x-scope-orgid'] ?? TENANT),
      });
      server = createServer((req, res) => void handle(req, res, router));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await storage.close();
      await cleanup();
    });

    for (const [path, status, body] of CASES) {
      test(`GET ${path}`, async () => {
        const res = await fetch(base + path);
        assert.deepEqual([res.status, await res.text()], [status, body]);
        if (status === 200) assert.equal(res.headers.get('content-type'), 'application/json');
      });
    }

    test('the tenant comes from tenantOf', async () => {
      tenants.length = 0;
      const res = await fetch(base + '/api/v2/search/tag/name/values', {
        headers: { 'X-Scope-OrgID': 'other' },
      });
      assert.deepEqual([res.status, await res.text()], [200, '{"metrics":{}}']);
      assert.deepEqual(tenants, ['other']);
    });

    test('HEAD is answered, POST is not allowed', async () => {
      const head = await fetch(base + '/api/v2/search/tags', { method: 'HEAD' });
      assert.equal(head.status, 200);
      const post = await fetch(base + '/api/v2/search/tags', { method: 'POST' });
      assert.deepEqual([post.status, await post.text()], [405, 'method POST not allowed\n']);
    });
  });
}

describe('decodeTagName', () => {
  const noSpaces = (n: string): boolean => !n.includes(' ');
  const CASES: Array<[string, string]> = [
    ['resource.service.name', 'resource.service.name'],
    ['span.a/b', 'span.a/b'],
    ['span.a%2Fb', 'span.a/b'],
    ['span.a%252Fb', 'span.a%2Fb'],
    ['span.%zz', 'span.%zz'],
    ['span.a%20b', 'span.a%20b'],
  ];
  for (const [once, want] of CASES) {
    test(once, () => assert.equal(decodeTagName(once, noSpaces), want));
  }
});

describe('v1TagTarget', () => {
  const CASES: Array<[string, unknown]> = [
    ['name', { kind: 'intrinsic', intrinsic: 'name' }],
    ['status.code', { kind: 'intrinsic', intrinsic: 'status' }],
    ['root.service.name', { kind: 'intrinsic', intrinsic: 'rootServiceName' }],
    ['root.name', { kind: 'intrinsic', intrinsic: 'rootName' }],
    ['service.name', { kind: 'attribute', scope: 'resource', name: 'service.name', parent: false }],
    ['http.method', { kind: 'attribute', scope: 'span', name: 'http.method', parent: false }],
    ['status', { kind: 'attribute', scope: 'unscoped', name: 'status', parent: false }],
    ['constructor', { kind: 'attribute', scope: 'unscoped', name: 'constructor', parent: false }],
  ];
  for (const [name, want] of CASES) test(name, () => assert.deepEqual(v1TagTarget(name), want));
});
