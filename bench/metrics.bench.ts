/**
 * Metrics benchmark: what the metrics generator costs on ingest. The demo shop's traces are sent
 * over OTLP/HTTP to a Vivace child process twice, with no processor and with `service-graphs` and
 * `span-metrics` on (remote-writing nowhere: the queue is measured, not Prometheus), and the
 * spans/s and server CPU of both runs are printed with the overhead.
 *
 *   npm run bench:metrics [-- --spans 600000 --concurrency 8 --batch 1000]
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { cpuSeconds, fmt, makeRequests, numberArg, sendHttp, startServer } from './lib.js';

const SPANS = numberArg('spans', 600_000);
const CONCURRENCY = numberArg('concurrency', 8);
const BATCH = numberArg('batch', 1000);

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

const off = await run('no processors', []);
const on = await run('service-graphs + span-metrics', ['service-graphs', 'span-metrics']);
console.log(
  `overhead: ${fmt((1 - on.rate / off.rate) * 100, 1)}% fewer spans/s, ${fmt((on.cpu / off.cpu - 1) * 100, 1)}% more CPU per span (target ≤ 15%)`,
);
