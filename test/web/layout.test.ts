/** The service map's layout: callers left of what they call, cycles cut, columns ordered by name. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layoutColumns } from '../../web/src/services/layout.js';

const show = (nodes: string[], edges: Array<[string, string]>) =>
  layoutColumns(
    nodes,
    edges.map(([from, to]) => ({ from, to })),
  ).map((p) => `${p.id}@${p.column},${p.row}`);

describe('service map layout', () => {
  it('puts each node one column right of its deepest caller', () => {
    assert.deepEqual(
      show(
        ['db', 'api', 'web', 'cache', 'auth'],
        [
          ['web', 'api'],
          ['api', 'db'],
          ['web', 'auth'],
          ['auth', 'db'],
          ['api', 'cache'],
        ],
      ),
      ['web@0,0', 'api@1,0', 'auth@1,1', 'cache@2,0', 'db@2,1'],
    );
  });

  it('cuts cycles and ignores self-calls; unconnected nodes sit in the first column', () => {
    assert.deepEqual(
      show(
        ['a', 'b', 'c', 'lonely'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'b'],
          ['c', 'c'],
        ],
      ),
      ['a@0,0', 'lonely@0,1', 'b@1,0', 'c@2,0'],
    );
  });
});
