/** The web UI's trace analysis: critical path, self time and per-operation statistics. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { criticalPath, selfTime, traceStatistics } from '../../web/src/trace/analysis.js';
import { placeInTree, type UiSpan } from '../../web/src/trace/model.js';
import { uiSpan } from './spans.js';

function span(
  id: string,
  parent: string,
  service: string,
  start: number,
  end: number,
  error = false,
): UiSpan {
  return uiSpan({
    spanId: id,
    parentSpanId: parent,
    service,
    startUs: start,
    durationUs: end - start,
    status: error ? 'error' : 'unset',
  });
}

// root 0–100 ├ b 10–15 (└ b1 11–12) └ c 30–35
const trace = () =>
  placeInTree('t', [
    span('root', '', 'api', 0, 100),
    span('b', 'root', 'db', 10, 15),
    span('b1', 'b', 'db', 11, 12, true),
    span('c', 'root', 'cache', 30, 35),
  ]);

describe('trace analysis', () => {
  it('critical path: the last-ending child, then the parent’s own time, back to the start', () => {
    const path = criticalPath(trace()).map((s) => `${s.spanId} ${s.startUs}-${s.endUs}`);
    assert.deepEqual(path, [
      'root 35-100',
      'c 30-35',
      'root 15-30',
      'b 12-15',
      'b1 11-12',
      'b 10-11',
      'root 0-10',
    ]);
  });

  it('critical path: overlapping children — the one ending last wins, the other is clipped', () => {
    const t = placeInTree('t', [
      span('root', '', 'api', 0, 100),
      span('x', 'root', 'a', 10, 90),
      span('y', 'root', 'b', 50, 80),
      span('late', 'root', 'c', 95, 130),
    ]);
    const path = criticalPath(t).map((s) => `${s.spanId} ${s.startUs}-${s.endUs}`);
    assert.deepEqual(path, ['late 95-100', 'root 90-95', 'x 10-90', 'root 0-10']);
  });

  it('self time: the span minus the union of its children, clipped to it', () => {
    const t = placeInTree('t', [
      span('root', '', 'api', 0, 100),
      span('a', 'root', 'x', 10, 40),
      span('b', 'root', 'x', 30, 50),
      span('c', 'root', 'x', 90, 150),
    ]);
    assert.equal(selfTime(t.spans[0] as UiSpan), 100 - 40 - 10);
  });

  it('statistics per service and operation, most self time first', () => {
    assert.deepEqual(
      traceStatistics(trace()).map((s) => [
        s.service,
        s.name,
        s.count,
        s.totalUs,
        s.selfUs,
        s.errors,
      ]),
      [
        ['api', 'op-root', 1, 100, 90, 0],
        ['cache', 'op-c', 1, 5, 5, 0],
        ['db', 'op-b', 1, 5, 4, 0],
        ['db', 'op-b1', 1, 1, 1, 1],
      ],
    );
  });
});
