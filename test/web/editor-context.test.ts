/** The TraceQL editor's completion contexts and error positions (table-driven). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionContext, errorOffset } from '../../web/src/editor/context.js';

describe('TraceQL editor: completion context', () => {
  const cases: Array<[string, unknown]> = [
    ['', { kind: 'none' }],
    ['{} | rate() ', { kind: 'none' }],
    ['{ ', { kind: 'field', from: 2, typed: '' }],
    ['{ na', { kind: 'field', from: 2, typed: 'na' }],
    ['{ name = "a" && st', { kind: 'field', from: 16, typed: 'st' }],
    ['{ (kind = server) || !sp', { kind: 'field', from: 22, typed: 'sp' }],
    ['{ resource.', { kind: 'attribute', scope: 'resource', from: 11, typed: '' }],
    ['{ span.http.me', { kind: 'attribute', scope: 'span', from: 7, typed: 'http.me' }],
    [
      '{ resource.service.name = ',
      { kind: 'value', field: 'resource.service.name', from: 26, typed: '', quoted: false },
    ],
    [
      '{ resource.service.name = "pay',
      { kind: 'value', field: 'resource.service.name', from: 26, typed: 'pay', quoted: true },
    ],
    ['{ status != er', { kind: 'value', field: 'status', from: 12, typed: 'er', quoted: false }],
    [
      '{ span.http.status_code >= 5',
      { kind: 'value', field: 'span.http.status_code', from: 27, typed: '5', quoted: false },
    ],
    ['{ name = "a}b" } | { ', { kind: 'field', from: 21, typed: '' }],
    ['{ name = "a{b" }', { kind: 'none' }],
  ];
  for (const [before, want] of cases) {
    it(JSON.stringify(before), () => assert.deepEqual(completionContext(before), want));
  }
});

describe('TraceQL editor: error offsets', () => {
  it('turns a line and column into an offset; nothing for messages without one', () => {
    assert.equal(errorOffset('parse error at line 1, col 8: syntax error', '{ .a = }'), 7);
    assert.equal(errorOffset('parse error at line 2, col 3: x', '{ .a\n  = }'), 7);
    assert.equal(errorOffset('parse error at line 9, col 1: x', '{}'), undefined);
    assert.equal(errorOffset('invalid query', '{}'), undefined);
  });
});
