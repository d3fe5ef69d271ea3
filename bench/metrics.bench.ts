/**
 * Metrics benchmark. First, what the metrics generator costs on ingest: the demo shop's traces are
 * sent over OTLP/HTTP to a Vivace child process twice, with no processor and with `service-graphs`
 * and `span-metrics` on, and the spans/s and server CPU of both runs are printed with the
 * overhead. Then the latency of two TraceQL metrics queries over an hour of the demo shop's
 * traffic, 1.5M spans (.bench/metrics-hour; built on first use).
 *
 *   npm run bench:metrics [-- --spans 600000 --concurrency 8 --batch 1000 --runs 5]
 *   (--spans 0 skips the ingest part)
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  cpuSeconds,
  fmt,
  makeRequests,
  numberArg,
  openShopDataSet,
  type ShopDataSet,
  percentile,
  sendHttp,
  startServer,
} from './lib.js';

const SPANS = numberArg('spans', 600_000);
const CONCURRENCY = numberArg('concurrency', 8);
const BATCH = numberArg('batch', 1000);
const RUNS = numberArg('runs', 5);

/** 1.5M spans over an hour: 28 traces of about 15 spans a second. */
const HOUR_SHOP: ShopDataSet = { name: 'metrics-hour', tracesPerSecond: 28 };

const QUERIES = [
  '{} | rate() by (resource.service.name)',
  '{} | quantile_over_time(duration, .5, .9, .99) by (resource.service.name)',
];

const LIMITS = `overrides:
  defaults:
    ingestion: {rate_limit_bytes: 10_000_000_000, burst_size_bytes: 10_000_000_000, max_traces_per_user: 0}`;

async function run(name: string, processors: string[]): Promise<{ rate: number; cpu: number }> {
  const dataDir = path.join(import.meta.dirname, '..', '.bench', 'metrics', name);
  await rm(dataDir, { recursive: true, force: true });
  // Fresh timestamps: the generator only counts spans that ended within 30 s.
  const reqs = makeRequests(SPANS, 5, BATCH, 50, undefined, Date.now() - 15_000).requests;
  const yaml = `${LIMITS}
    metrics_generator: {processors: [${processors.join(', ')}]}
ingester: {max_block_duration: 30s}
`;
  const server = await startServer(dataDir, yaml);
  try {
    const pid = server.child.pid as number;
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    await sendHttp(server, reqs, CONCURRENCY);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = ((cpuSeconds(pid) - cpu0) / SPANS) * 100_000;
    const rate = SPANS / seconds;
    const text = await (await fetch(`${server.api}/metrics`)).text();
    const series =
      /tempo_metrics_generator_registry_active_series\{[^}]*\} (\d+)/.exec(text)?.[1] ?? '0';
    console.log(
      `${name.padEnd(22)} ${fmt(rate)} spans/s, server CPU ${fmt(cpu, 2)} s per 100k spans` +
        (processors.length ? `, ${series} active series` : ''),
    );
    return { rate, cpu };
  } finally {
    await server.stop();
  }
}

/** The time range of the live blocks under a blocks directory (unix seconds). */
async function blocksRange(dir: string): Promise<{ start: number; end: number }> {
  let start = Infinity;
  let end = 0;
  for (const tenant of await readdir(dir)) {
    for (const id of await readdir(path.join(dir, tenant))) {
      const meta = JSON.parse(
        await readFile(path.join(dir, tenant, id, 'meta.json'), 'utf8').catch(() => '{}'),
      ) as { startUnixMs?: number; endUnixMs?: number };
      if (meta.startUnixMs !== undefined) start = Math.min(start, meta.startUnixMs / 1000);
      if (meta.endUnixMs !== undefined) end = Math.max(end, meta.endUnixMs / 1000);
    }
  }
  return { start, end };
}

async function queries(): Promise<void> {
  const data = await openShopDataSet(1_500_000, false, HOUR_SHOP);
  try {
    const { start, end } = await blocksRange(path.join(data.dir, 'blocks'));
    // The hour the data covers, with the default step (15 s).
    const from = Math.floor(start);
    const params = `start=${from}&end=${from + 3600}`;
    console.log(
      `data from ${new Date(start * 1000).toISOString()} to ${new Date(end * 1000).toISOString()}`,
    );
    console.log(
      `TraceQL metrics over ${fmt(data.spans)} spans in ${data.blocks} blocks (one hour):`,
    );
    for (const q of QUERIES) {
      const times: number[] = [];
      let series = 0;
      let failed = false;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const res = await fetch(
          `${data.server.api}/api/metrics/query_range?q=${encodeURIComponent(q)}&${params}`,
        );
        const body = await res.text();
        times.push(performance.now() - t0);
        if (res.status !== 200) {
          console.log(
            `  ${q}: HTTP ${res.status} after ${fmt(times[0] ?? 0)} ms: ${body.trim().slice(0, 200)}`,
          );
          failed = true;
          break;
        }
        series = (JSON.parse(body) as { series: unknown[] }).series.length;
      }
      if (failed) continue;
      times.sort((a, b) => a - b);
      console.log(
        `  ${q}: p50 ${fmt(percentile(times, 50))} ms, max ${fmt(times[times.length - 1] ?? 0)} ms, ${series} series (target p50 ≤ 300 ms)`,
      );
    }
  } finally {
    await data.server.stop();
  }
}

if (SPANS > 0) {
  const off = await run('no processors', []);
  const on = await run('service-graphs + span-metrics', ['service-graphs', 'span-metrics']);
  console.log(
    `overhead: ${fmt((1 - on.rate / off.rate) * 100, 1)}% fewer spans/s, ${fmt((on.cpu / off.cpu - 1) * 100, 1)}% more CPU per span (target ≤ 15%)`,
  );
}
await queries();
