import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from './router.js';

const router = new Router()
  .add(['GET'], '/api/traces/:id', () => undefined)
  .add(['GET'], '/api/search/tags', () => undefined)
  .add(['GET'], '/api/v2/search/tag/*name/values', () => undefined)
  .add(['GET'], '/files/*path', () => undefined);

/** Path → [route pattern, params] or undefined (no route). */
const CASES: Array<[string, string, [string, Record<string, string>] | undefined]> = [
  // exact paths and `:param`, as before
  ['GET', '/api/search/tags', ['/api/search/tags', {}]],
  ['GET', '/api/traces/abc', ['/api/traces/:id', { id: 'abc' }]],
  ['GET', '/api/traces/a%20b', ['/api/traces/:id', { id: 'a b' }]],
  ['GET', '/api/traces/%zz', ['/api/traces/:id', { id: '%zz' }]],
  ['GET', '/api/traces/a/b', undefined],
  ['GET', '/api/traces', undefined],
  // `*param`: one or more segments with their slashes
  ['GET', '/api/v2/search/tag/name/values', ['/api/v2/search/tag/*name/values', { name: 'name' }]],
  [
    'GET',
    '/api/v2/search/tag/span.a/b/c/values',
    ['/api/v2/search/tag/*name/values', { name: 'span.a/b/c' }],
  ],
  [
    'GET',
    '/api/v2/search/tag/span.a%2Fb/values',
    ['/api/v2/search/tag/*name/values', { name: 'span.a/b' }],
  ],
  [
    'GET',
    '/api/v2/search/tag/span.a%252Fb/values',
    ['/api/v2/search/tag/*name/values', { name: 'span.a%2Fb' }],
  ],
  [
    'GET',
    '/api/v2/search/tag/x/values/values',
    ['/api/v2/search/tag/*name/values', { name: 'x/values' }],
  ],
  ['GET', '/api/v2/search/tag//values', ['/api/v2/search/tag/*name/values', { name: '' }]],
  ['GET', '/api/v2/search/tag/values', undefined],
  ['GET', '/api/v2/search/tag/x/value', undefined],
  ['GET', '/api/v2/search/tags/x/values', undefined],
  ['GET', '/files/a', ['/files/*path', { path: 'a' }]],
  ['GET', '/files/a/b/', ['/files/*path', { path: 'a/b/' }]],
  ['GET', '/files', undefined],
];

describe('Router.match', () => {
  for (const [method, path, want] of CASES) {
    test(`${method} ${path}`, () => {
      const m = router.match(method, path);
      assert.deepEqual(m.route === undefined ? undefined : [m.route.pattern, m.params], want);
    });
  }

  test('a wrong method on a `*` route is 405, not 404', () => {
    const m = router.match('POST', '/api/v2/search/tag/a/b/values');
    assert.equal(m.route, undefined);
    assert.equal(m.methodAllowed, false);
  });
});
