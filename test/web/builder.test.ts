/** The search builder's TraceQL, table-driven. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildQuery, EMPTY_BUILDER, type BuilderState } from '../../web/src/builder/build.js';

const cases: Array<[string, Partial<BuilderState>, string]> = [
  ['nothing', {}, '{}'],
  ['a service', { service: 'checkout' }, '{ resource.service.name = "checkout" }'],
  [
    'service, name, status, durations',
    { service: 'api', spanName: 'GET /', status: 'error', minDuration: '100ms', maxDuration: '2s' },
    '{ resource.service.name = "api" && name = "GET /" && status = error && duration >= 100ms && duration <= 2s }',
  ],
  ['a duration that is not one is left out', { minDuration: '100' }, '{}'],
  [
    'attributes: numbers bare, strings quoted, regexes quoted, any scope, quoting of odd keys',
    {
      attrs: [
        { scope: 'span', key: 'http.status_code', op: '>=', value: '500' },
        { scope: 'resource', key: 'deployment.environment', op: '=', value: 'prod' },
        { scope: 'any', key: 'user.id', op: '=~', value: 'u-1.*' },
        { scope: 'span', key: 'a b', op: '=', value: 'say "hi"' },
        { scope: 'event', key: 'exception.type', op: 'exists', value: '' },
        { scope: 'span', key: 'retry', op: '=', value: 'true' },
        { scope: 'span', key: 'db.statement', op: 'missing', value: '' },
        { scope: 'span', key: 'empty', op: '=', value: '' },
        { scope: 'span', key: '', op: '=', value: 'x' },
      ],
    },
    '{ span.http.status_code >= 500 && resource.deployment.environment = "prod" && .user.id =~ "u-1.*" && span."a b" = "say \\"hi\\"" && event.exception.type != nil && span.retry = true && span.db.statement = nil }',
  ],
];

describe('search builder', () => {
  for (const [name, state, want] of cases) {
    it(name, () => assert.equal(buildQuery({ ...EMPTY_BUILDER, ...state }), want));
  }
});
