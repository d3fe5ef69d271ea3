/** Helpers shared by the benchmarks: a Vivace child process, its CPU and memory, percentiles. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { encodeTraceProto } from '../src/api/encode/index.js';
import { ShopTraceGenerator } from '../src/demo/index.js';
import { countSpans, type SpanBatch } from '../src/model/index.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  api: string;
  otlpHttp: string;
  otlpGrpc: string;
  /** Jaeger thrift_http, `http://host:port`. */
  jaegerHttp: string;
  /** Zipkin, `http://host:port`. */
  zipkin: string;
  stop(): Promise<void>;
}

/** Starts `vivace` as a child process with a config made from `extraYaml` and free ports. */
export async function startServer(dataDir: string, extraYaml: string): Promise<ServerProcess> {
  await mkdir(dataDir, { recursive: true });
  const [api, http, grpc, jaeger, zipkin] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const config = `server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${api}
  log_level: warn
distributor:
  receivers:
    otlp:
      protocols:
        grpc: {endpoint: "127.0.0.1:${grpc}"}
        http: {endpoint: "127.0.0.1:${http}"}
    jaeger:
      protocols:
        thrift_http: {endpoint: "127.0.0.1:${jaeger}"}
    zipkin: {endpoint: "127.0.0.1:${zipkin}"}
storage:
  trace:
    backend: local
    wal: {path: ${path.join(dataDir, 'wal')}}
    local: {path: ${path.join(dataDir, 'blocks')}}
ui: {enabled: false}
${extraYaml}`;
  const file = path.join(dataDir, 'tempo.yaml');
  await writeFile(file, config);
  const bin = path.join(import.meta.dirname, '..', 'bin', 'vivace.js');
  const child = spawn(process.execPath, [bin, `-config.file=${file}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${api}`;
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${base}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    api: base,
    otlpHttp: `http://127.0.0.1:${http}`,
    otlpGrpc: `127.0.0.1:${grpc}`,
    jaegerHttp: `http://127.0.0.1:${jaeger}`,
    zipkin: `http://127.0.0.1:${zipkin}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** CPU seconds (user + system) used so far by a process. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

/** Peak resident set size (VmHWM) of a process, in bytes. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** Runs `task` for each item with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  });
  await Promise.all(workers);
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

export interface Request {
  body: Uint8Array;
  spans: number;
}

/**
 * OTLP requests of about `batchSpans` spans of the demo shop, `spans` in all, starting an hour ago;
 * also returns a sample of the trace ids (about one in `sampleEvery`) with their span counts.
 */
export function makeRequests(
  spans: number,
  seed: number,
  batchSpans: number,
  sampleEvery = 50,
  encode: (batch: SpanBatch) => Request[] = (batch) => [
    { body: encodeTraceProto(batch), spans: countSpans(batch) },
  ],
  startUnixMs = Date.now() - 3600_000,
  tracesPerSecond = 1000,
): { requests: Request[]; sample: Array<{ traceId: string; spans: number }> } {
  const gen = new ShopTraceGenerator({ seed, startUnixMs, tracesPerSecond });
  const requests: Request[] = [];
  const sample: Array<{ traceId: string; spans: number }> = [];
  let total = 0;
  let traces = 0;
  while (total < spans) {
    const batch = gen.nextBatch(Math.max(1, Math.round(batchSpans / 15)));
    const perTrace = new Map<string, number>();
    for (const rs of batch.resourceSpans) {
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans) perTrace.set(s.traceId, (perTrace.get(s.traceId) ?? 0) + 1);
    }
    for (const [traceId, n] of perTrace)
      if (traces++ % sampleEvery === 0) sample.push({ traceId, spans: n });
    requests.push(...encode(batch));
    total += countSpans(batch);
  }
  return { requests, sample };
}

/** Posts requests to OTLP/HTTP, retrying on 429/503. */
export function sendHttp(server: ServerProcess, reqs: Request[], concurrency: number) {
  return postAll(`${server.otlpHttp}/v1/traces`, 'application/x-protobuf', reqs, concurrency);
}

/** Posts every request's body to `url`, `concurrency` at a time, retrying on 429/503. */
export async function postAll(
  url: string,
  contentType: string,
  reqs: Request[],
  concurrency: number,
): Promise<void> {
  await pool(reqs, concurrency, async (r) => {
    for (;;) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body: r.body,
      });
      await res.arrayBuffer();
      if (res.ok) return;
      if (res.status !== 429 && res.status !== 503) throw new Error(`HTTP ${res.status}`);
      await new Promise((w) => setTimeout(w, 100));
    }
  });
}

/** Live blocks under a blocks directory (from their meta.json): count, spans and bytes. */
export async function blockStats(
  dir: string,
): Promise<{ spans: number; bytes: number; blocks: number }> {
  let spans = 0;
  let bytes = 0;
  let blocks = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.name !== 'meta.json') continue;
    const meta = JSON.parse(await readFile(path.join(e.parentPath, e.name), 'utf8')) as {
      totalSpans: number;
      size: number;
    };
    spans += meta.totalSpans;
    bytes += meta.size;
    blocks++;
  }
  return { spans, bytes, blocks };
}

/** A numeric command-line option `--name value`, or `dflt`. */
export function numberArg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Trace ids of the stored demo data set, about one in fifty, with their span counts. */
export type ShopSample = Array<{ traceId: string; spans: number }>;

const SHOP_DATA_CONFIG = `compactor: {compaction: {compaction_cycle: 3s}}
overrides:
  defaults:
    ingestion: {rate_limit_bytes: 10_000_000_000, burst_size_bytes: 10_000_000_000, max_traces_per_user: 0}
`;

/** A data set of the demo shop's traces: its folder under `.bench/` and how dense it is. */
export interface ShopDataSet {
  name: string;
  /** Traces per second of span time (about 15 spans each). */
  tracesPerSecond: number;
}

/** The data set the lookup and search benchmarks share: 1.5M spans make 100 s of traffic. */
export const DENSE_SHOP: ShopDataSet = { name: 'lookup', tracesPerSecond: 1000 };

/**
 * Starts Vivace on a demo shop data set (`.bench/<name>/`) starting an hour ago: stores `spans`
 * spans first when `rebuild` is set or the set is missing, then waits until compaction has left
 * at most four blocks.
 */
export async function openShopDataSet(
  spans: number,
  rebuild: boolean,
  set: ShopDataSet = DENSE_SHOP,
): Promise<{
  server: ServerProcess;
  sample: ShopSample;
  blocks: number;
  spans: number;
  dir: string;
}> {
  const SHOP_DATA_DIR = path.join(import.meta.dirname, '..', '.bench', set.name);
  const samplesFile = path.join(SHOP_DATA_DIR, 'sample.json');
  const build = rebuild || !existsSync(samplesFile);
  if (build) await rm(SHOP_DATA_DIR, { recursive: true, force: true });
  const server = await startServer(SHOP_DATA_DIR, SHOP_DATA_CONFIG);
  let sample: ShopSample;
  if (build) {
    console.log(`building the data set: ${fmt(spans)} spans…`);
    const start = Date.now() - 3600_000;
    const made = makeRequests(spans, 7, 1000, 50, undefined, start, set.tracesPerSecond);
    await sendHttp(server, made.requests, 8);
    await fetch(`${server.api}/flush`, { method: 'POST' });
    await writeFile(samplesFile, JSON.stringify(made.sample));
    sample = made.sample;
  } else {
    sample = JSON.parse(await readFile(samplesFile, 'utf8')) as ShopSample;
  }
  const blocksDir = path.join(SHOP_DATA_DIR, 'blocks');
  for (let i = 0; i < 90; i++) {
    if ((await blockStats(blocksDir)).blocks <= 4) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const stats = await blockStats(blocksDir);
  return { server, sample, blocks: stats.blocks, spans: stats.spans, dir: SHOP_DATA_DIR };
}
