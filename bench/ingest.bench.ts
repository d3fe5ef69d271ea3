/**
 * Ingest benchmark: realistic multi-service traces (the demo shop) sent over OTLP/HTTP (protobuf)
 * and OTLP/gRPC to a Vivace child process on this machine. Prints spans/s, server CPU seconds per
 * 100k spans, server peak RSS and bytes per span on disk. The load generator runs in this process,
 * on the same cores; requests are generated and encoded before timing starts. Then, on the same
 * server, `--foreign` spans (default 300k) each as Jaeger thrift over HTTP (a `Batch` per service)
 * and as Zipkin v2 JSON: spans/s and CPU for those receivers.
 *
 *   npm run bench:ingest [-- --spans 1500000 --concurrency 8 --batch 1000 --foreign 300000]
 */
import { credentials, makeGenericClientConstructor, type Client } from '@grpc/grpc-js';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { countSpans } from '../src/model/index.js';
import { rawUnaryService } from '../src/receivers/grpc-unary.js';
import { jaegerThriftBodies, zipkinV2Json } from './foreign-encode.js';
import {
  blockStats,
  cpuSeconds,
  fmt,
  makeRequests,
  numberArg,
  peakRssBytes,
  pool,
  postAll,
  sendHttp,
  startServer,
  type Request,
  type ServerProcess,
} from './lib.js';

const TOTAL_SPANS = numberArg('spans', 1_500_000);
const CONCURRENCY = numberArg('concurrency', 8);
const BATCH_SPANS = numberArg('batch', 1000);
const FOREIGN_SPANS = numberArg('foreign', 300_000);

const TraceClient = makeGenericClientConstructor(
  rawUnaryService('Export', '/opentelemetry.proto.collector.trace.v1.TraceService/Export'),
  'TraceService',
);

async function sendGrpc(
  server: ServerProcess,
  reqs: Request[],
  concurrency: number,
): Promise<void> {
  const client = new TraceClient(server.otlpGrpc, credentials.createInsecure(), {
    'grpc.max_send_message_length': 64 << 20,
  }) as unknown as Client & { Export: (b: Buffer, cb: (err: Error | null) => void) => void };
  const exportOne = (b: Buffer) =>
    new Promise<void>((resolve, reject) =>
      client.Export(b, (err) => (err ? reject(err) : resolve())),
    );
  await pool(reqs, concurrency, (r) => exportOne(Buffer.from(r.body)));
  client.close();
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

type Sender = (server: ServerProcess, reqs: Request[], concurrency: number) => Promise<void>;

async function phase(name: string, server: ServerProcess, reqs: Request[], send: Sender) {
  const pid = server.child.pid as number;
  const spans = reqs.reduce((n, r) => n + r.spans, 0);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  await send(server, reqs, CONCURRENCY);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  console.log(
    `${name.padEnd(14)} ${fmt(spans)} spans in ${fmt(seconds, 2)} s: ${fmt(spans / seconds)} spans/s, ` +
      `server CPU ${fmt((cpu / spans) * 100_000, 2)} s per 100k spans`,
  );
  return spans;
}

async function main(): Promise<void> {
  const dataDir = path.join(import.meta.dirname, '..', '.bench', 'ingest');
  await rm(dataDir, { recursive: true, force: true });
  console.log(`generating ${fmt(TOTAL_SPANS)} spans in requests of ~${BATCH_SPANS} spans…`);
  const httpReqs = makeRequests(TOTAL_SPANS / 2, 1, BATCH_SPANS).requests;
  const grpcReqs = makeRequests(TOTAL_SPANS / 2, 2, BATCH_SPANS).requests;
  const server = await startServer(
    dataDir,
    `ingester: {max_block_duration: 30s}
compactor: {compaction: {compaction_cycle: 5s}}
overrides:
  defaults:
    ingestion: {rate_limit_bytes: 10_000_000_000, burst_size_bytes: 10_000_000_000, max_traces_per_user: 0}
`,
  );
  try {
    let spans = await phase('OTLP/HTTP', server, httpReqs, sendHttp);
    spans += await phase('OTLP/gRPC', server, grpcReqs, sendGrpc);
    const pid = server.child.pid as number;
    const rss = peakRssBytes(pid);
    const t0 = performance.now();
    await fetch(`${server.api}/flush`, { method: 'POST' });
    const flushSeconds = (performance.now() - t0) / 1000;
    const level0 = await blockStats(path.join(dataDir, 'blocks'));
    console.log(`peak RSS       ${fmt(rss / 2 ** 20)} MiB (server, during ingest)`);
    console.log(`flush          ${fmt(flushSeconds, 2)} s to turn the rest of the WAL into blocks`);
    console.log(
      `on disk        ${fmt(level0.bytes / level0.spans, 1)} bytes/span in ${level0.blocks} blocks (${fmt(level0.spans)} spans)`,
    );
    // Let the compactor merge the level-0 blocks, then measure again.
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      const s = await blockStats(path.join(dataDir, 'blocks'));
      if (s.blocks <= 2) break;
    }
    const compacted = await blockStats(path.join(dataDir, 'blocks'));
    console.log(
      `compacted      ${fmt(compacted.bytes / compacted.spans, 1)} bytes/span in ${compacted.blocks} blocks (${fmt(compacted.spans)} spans; ${fmt((await dirBytes(path.join(dataDir, 'blocks'))) / 2 ** 20, 1)} MiB incl. compacted-away blocks)`,
    );
    console.log(
      `peak RSS       ${fmt(peakRssBytes(pid) / 2 ** 20)} MiB (server, whole run incl. compaction)`,
    );
    if (spans !== compacted.spans)
      console.log(`note: sent ${spans} spans, blocks hold ${compacted.spans}`);
    if (FOREIGN_SPANS > 0) {
      console.log(`generating ${fmt(FOREIGN_SPANS)} spans each for Jaeger and Zipkin…`);
      const jaegerReqs = makeRequests(
        FOREIGN_SPANS,
        3,
        BATCH_SPANS,
        50,
        jaegerThriftBodies,
      ).requests;
      const zipkinReqs = makeRequests(FOREIGN_SPANS, 4, BATCH_SPANS, 50, (b) => [
        { body: zipkinV2Json(b), spans: countSpans(b) },
      ]).requests;
      await phase('Jaeger thrift', server, jaegerReqs, (s, r, c) =>
        postAll(`${s.jaegerHttp}/api/traces`, 'application/x-thrift', r, c),
      );
      await phase('Zipkin JSON', server, zipkinReqs, (s, r, c) =>
        postAll(`${s.zipkin}/api/v2/spans`, 'application/json', r, c),
      );
    }
  } finally {
    await server.stop();
  }
}

await main();
