/**
 * TraceQL search benchmark: latency of `GET /api/search` for the eight queries of issue 3, for
 * the first page (`limit=20`, newest first) and for every match (`limit=100000`), over ≥ 1.5M
 * stored spans of the demo shop (about 100k traces). It shares the trace-by-id benchmark's data
 * set under .bench/lookup (built on first use; pass --rebuild to make it again).
 *
 *   npm run bench:search [-- --runs 20 --rebuild --only checkout]
 *
 * `--only TEXT` runs only the queries that contain TEXT.
 */
import { fmt, numberArg, openShopDataSet, percentile } from './lib.js';

const SPANS = numberArg('spans', 1_500_000);
const RUNS = numberArg('runs', 20);
const ONLY_AT = process.argv.indexOf('--only');
const ONLY = ONLY_AT >= 0 ? (process.argv[ONLY_AT + 1] ?? '') : '';

const QUERIES = [
  '{resource.service.name="payment"}',
  '{resource.service.name="payment" && duration > 1s}',
  '{status=error}',
  '{span.http.status_code >= 500}',
  '{name="Charge"} && {name="SELECT users"}',
  '{span.user.id="u-123"}',
  '{resource.service.name="checkout"} >> {status=error}',
  '{} | count() > 20',
];

interface SearchBody {
  traces: unknown[];
}

async function timeSearch(
  api: string,
  q: string,
  limit: number,
): Promise<{ ms: number; traces: number }> {
  const url = `${api}/api/search?q=${encodeURIComponent(q)}&limit=${limit}&spss=3`;
  const t0 = performance.now();
  const res = await fetch(url);
  const body = (await res.json()) as SearchBody;
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${q}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return { ms, traces: body.traces.length };
}

async function measure(api: string, q: string, limit: number): Promise<string> {
  await timeSearch(api, q, limit); // warm-up
  const times: number[] = [];
  let traces = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await timeSearch(api, q, limit);
    times.push(r.ms);
    traces = r.traces;
  }
  times.sort((a, b) => a - b);
  return `p50 ${fmt(percentile(times, 50), 1).padStart(6)} ms  p99 ${fmt(percentile(times, 99), 1).padStart(6)} ms  ${fmt(traces).padStart(6)} traces`;
}

async function main(): Promise<void> {
  const { server, blocks, spans } = await openShopDataSet(
    SPANS,
    process.argv.includes('--rebuild'),
  );
  try {
    console.log(`stored: ${fmt(spans)} spans in ${blocks} blocks; ${RUNS} runs per figure\n`);
    for (const q of QUERIES.filter((x) => x.includes(ONLY))) {
      console.log(q);
      console.log(`  first page (limit=20)       ${await measure(server.api, q, 20)}`);
      console.log(`  every match (limit=100000)  ${await measure(server.api, q, 100_000)}`);
    }
  } finally {
    await server.stop();
  }
}

await main();
