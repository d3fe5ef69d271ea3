/**
 * Trace-by-id benchmark: latency of `GET /api/traces/{id}` (JSON) and `GET /api/v2/traces/{id}`
 * (protobuf, as Grafana asks) with no time range, over ≥ 1.5M stored spans of the demo shop.
 * The data set is built once under .bench/lookup and reused (pass --rebuild to make it again).
 *
 *   npm run bench:lookup [-- --spans 1500000 --lookups 1000 --rebuild]
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  blockStats,
  fmt,
  makeRequests,
  percentile,
  sendHttp,
  startServer,
  type ServerProcess,
} from './lib.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const SPANS = arg('spans', 1_500_000);
const LOOKUPS = arg('lookups', 1000);
const dataDir = path.join(import.meta.dirname, '..', '.bench', 'lookup');
const samplesFile = path.join(dataDir, 'sample.json');
const CONFIG = `compactor: {compaction: {compaction_cycle: 3s}}
overrides:
  defaults:
    ingestion: {rate_limit_bytes: 10_000_000_000, burst_size_bytes: 10_000_000_000, max_traces_per_user: 0}
`;

type Sample = Array<{ traceId: string; spans: number }>;

function blockCount(): Promise<{ blocks: number; spans: number }> {
  return blockStats(path.join(dataDir, 'blocks'));
}

async function build(server: ServerProcess): Promise<Sample> {
  console.log(`building the data set: ${fmt(SPANS)} spans…`);
  const { requests, sample } = makeRequests(SPANS, 7, 1000);
  await sendHttp(server, requests, 8);
  await fetch(`${server.api}/flush`, { method: 'POST' });
  await writeFile(samplesFile, JSON.stringify(sample));
  return sample;
}

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
  const rebuild = process.argv.includes('--rebuild') || !existsSync(samplesFile);
  if (rebuild) await rm(dataDir, { recursive: true, force: true });
  const server = await startServer(dataDir, CONFIG);
  try {
    const sample = rebuild
      ? await build(server)
      : (JSON.parse(await readFile(samplesFile, 'utf8')) as Sample);
    for (let i = 0; i < 90; i++) {
      const { blocks } = await blockCount();
      if (blocks <= 4) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const { blocks, spans } = await blockCount();
    console.log(`stored: ${fmt(spans)} spans in ${blocks} blocks`);
    const ids = Array.from(
      { length: LOOKUPS },
      (_, i) => (sample[(i * 7919) % sample.length] as Sample[number]).traceId,
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
