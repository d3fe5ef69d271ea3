/**
 * Trace-by-id benchmark: latency of `GET /api/traces/{id}` (JSON) and `GET /api/v2/traces/{id}`
 * (protobuf, as Grafana asks) with no time range, over ≥ 1.5M stored spans of the demo shop.
 * The data set is built once under .bench/lookup and reused (pass --rebuild to make it again).
 *
 *   npm run bench:lookup [-- --spans 1500000 --lookups 1000 --rebuild]
 */
import { fmt, numberArg, openShopDataSet, percentile, type ShopSample } from './lib.js';

const SPANS = numberArg('spans', 1_500_000);
const LOOKUPS = numberArg('lookups', 1000);

async function measure(
  name: string,
  ids: string[],
  url: (id: string) => string,
  init: RequestInit,
  expect: number,
) {
  const times: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const res = await fetch(url(id), init);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    if (res.status !== expect) throw new Error(`${name}: ${id} answered ${res.status}`);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `${name.padEnd(34)} p50 ${fmt(percentile(times, 50), 1)} ms  p99 ${fmt(percentile(times, 99), 1)} ms  mean ${fmt(mean, 1)} ms  (${times.length} lookups)`,
  );
}

async function main(): Promise<void> {
  const { server, sample, blocks, spans } = await openShopDataSet(
    SPANS,
    process.argv.includes('--rebuild'),
  );
  try {
    console.log(`stored: ${fmt(spans)} spans in ${blocks} blocks`);
    const ids = Array.from(
      { length: LOOKUPS },
      (_, i) => (sample[(i * 7919) % sample.length] as ShopSample[number]).traceId,
    );
    const missing = Array.from({ length: Math.min(200, LOOKUPS) }, (_, i) =>
      (i + 1).toString(16).padStart(32, 'f'),
    );
    // Warm-up: open the blocks' metadata once.
    await measure('warm-up', ids.slice(0, 20), (id) => `${server.api}/api/traces/${id}`, {}, 200);
    await measure(
      'GET /api/traces/{id} (JSON)',
      ids,
      (id) => `${server.api}/api/traces/${id}`,
      {},
      200,
    );
    await measure(
      'GET /api/v2/traces/{id} (protobuf)',
      ids,
      (id) => `${server.api}/api/v2/traces/${id}`,
      { headers: { Accept: 'application/protobuf' } },
      200,
    );
    await measure('missing id (404)', missing, (id) => `${server.api}/api/traces/${id}`, {}, 404);
  } finally {
    await server.stop();
  }
}

await main();
