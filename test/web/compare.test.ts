/** Comparing two traces by structure: paths, counts, mean durations, what only one has. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTraces } from '../../web/src/trace/compare.js';
import { placeInTree, type UiSpan } from '../../web/src/trace/model.js';
import { uiSpan } from './spans.js';

function span(
  id: string,
  parent: string,
  service: string,
  name: string,
  us: number,
  error = false,
): UiSpan {
  return uiSpan({
    spanId: id,
    parentSpanId: parent,
    service,
    name,
    startUs: Number(id.replace(/\D/g, '') || 0),
    durationUs: us,
    status: error ? 'error' : 'unset',
  });
}

describe('compare two traces', () => {
  it('lines up paths, counts and means; a path only in B sits under its parent', () => {
    const a = placeInTree('a', [
      span('a1', '', 'web', 'GET', 100),
      span('a2', 'a1', 'db', 'SELECT', 10),
      span('a3', 'a1', 'db', 'SELECT', 30),
      span('a4', 'a1', 'cache', 'GET', 1),
    ]);
    const b = placeInTree('b', [
      span('b1', '', 'web', 'GET', 300),
      span('b2', 'b1', 'db', 'SELECT', 200, true),
      span('b5', 'b2', 'db', 'lock wait', 150),
    ]);
    assert.deepEqual(
      compareTraces(a, b).map((r) => [
        r.path,
        r.depth,
        r.countA,
        r.countB,
        r.meanA,
        r.meanB,
        r.errorsB,
      ]),
      [
        ['web: GET', 0, 1, 1, 100, 300, 0],
        ['web: GET › db: SELECT', 1, 2, 1, 20, 200, 1],
        ['web: GET › db: SELECT › db: lock wait', 2, 0, 1, 0, 150, 0],
        ['web: GET › cache: GET', 1, 1, 0, 1, 0, 0],
      ],
    );
  });
});
