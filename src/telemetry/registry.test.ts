import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from './registry.js';

test('exposition text of counters, gauges and histograms', () => {
  const r = new Registry();
  const c = r.counter('spans_total', 'Spans.', ['tenant']);
  c.inc({ tenant: 'a' }, 3);
  c.inc({ tenant: 'b"x' });
  r.gauge('blocks', 'Blocks.', [], () => [{ value: 2 }]);
  const h = r.histogram('lat_seconds', 'Latency.', ['route'], [0.1, 1]);
  h.observe({ route: '/x' }, 0.05);
  h.observe({ route: '/x' }, 5);
  assert.equal(
    r.expose(),
    [
      '# HELP spans_total Spans.',
      '# TYPE spans_total counter',
      'spans_total{tenant="a"} 3',
      'spans_total{tenant="b\\"x"} 1',
      '# HELP blocks Blocks.',
      '# TYPE blocks gauge',
      'blocks 2',
      '# HELP lat_seconds Latency.',
      '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{route="/x",le="0.1"} 1',
      'lat_seconds_bucket{route="/x",le="1"} 1',
      'lat_seconds_bucket{route="/x",le="+Inf"} 2',
      'lat_seconds_sum{route="/x"} 5.05',
      'lat_seconds_count{route="/x"} 2',
      '',
    ].join('\n'),
  );
});
