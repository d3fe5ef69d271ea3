/**
 * The encode workers' hot path: one OTLP/protobuf request to WAL lines. Compares the model
 * pipeline (`decodeOtlpProtobuf` → `truncateAttributes` → `encodeBatch`) with the direct
 * transcoder (`transcodeOtlpProtobuf`) on demo-shop requests of exactly 1,000 spans, going round
 * 16 different ones, and prints spans/s for each with and without an attribute limit.
 *
 *   node --import tsx bench/transcode.bench.ts [seconds per case, default 3]
 *
 * The workers run with a 32 MB young generation; to match them add `--max-semi-space-size=16`.
 */

import { encodeTraceProto } from '../src/api/encode/index.js';
import { ShopTraceGenerator } from '../src/demo/index.js';
import { transcodeOtlpProtobuf } from '../src/ingest/transcode/transcode-protobuf.js';
import { truncateAttributes } from '../src/ingest/truncate.js';
import { countSpans, type SpanBatch } from '../src/model/index.js';
import { decodeOtlpProtobuf } from '../src/receivers/otlp/index.js';
import { encodeBatch } from '../src/wal/index.js';

const SPANS = 1000;
const REQUESTS = 16;

/** A demo-shop batch cut to exactly `SPANS` spans (whole traces first, then part of one). */
function requestOf(gen: ShopTraceGenerator): Uint8Array {
  const batch = gen.nextBatch(100);
  let left = SPANS;
  const kept: SpanBatch = {
    resourceSpans: batch.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => {
        const spans = ss.spans.slice(0, left);
        left -= spans.length;
        return { ...ss, spans };
      }),
    })),
  };
  if (countSpans(kept) !== SPANS) throw new Error('a demo batch had too few spans');
  return encodeTraceProto(kept, { fillEmptyResource: false });
}

function pipeline(body: Uint8Array, maxAttributeBytes: number): number {
  const decoded = decodeOtlpProtobuf(body);
  if (maxAttributeBytes > 0) truncateAttributes(decoded.batch, maxAttributeBytes);
  return encodeBatch(decoded.batch).spanCount;
}

function transcode(body: Uint8Array, maxAttributeBytes: number): number {
  return transcodeOtlpProtobuf(body, { maxAttributeBytes }).encoded.spanCount;
}

function measure(
  name: string,
  seconds: number,
  inputs: Uint8Array[],
  run: (b: Uint8Array) => number,
): number {
  for (let i = 0; i < 100; i++) run(inputs[i % inputs.length] as Uint8Array); // warm up
  let runs = 0;
  let spans = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    spans += run(inputs[runs % inputs.length] as Uint8Array);
    runs++;
    elapsed = performance.now() - start;
  }
  const perSecond = (spans / elapsed) * 1000;
  const usPerSpan = (elapsed * 1000) / spans;
  console.log(
    `${name.padEnd(28)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} spans/s` +
      `  ${usPerSpan.toFixed(2)} µs/span  (${runs} runs)`,
  );
  return perSecond;
}

const seconds = Number(process.argv[2] ?? 3);
const gen = new ShopTraceGenerator({ seed: 42, startUnixMs: 1_700_000_000_000 });
const bodies = Array.from({ length: REQUESTS }, () => requestOf(gen));
for (const body of bodies) {
  const want = Buffer.from(encodeBatch(decodeOtlpProtobuf(body).batch).text);
  if (
    !want.equals(Buffer.from(transcodeOtlpProtobuf(body, { maxAttributeBytes: 0 }).encoded.text))
  ) {
    throw new Error('the transcoder and the pipeline disagree on a bench request');
  }
}
const bytes = Math.round(bodies.reduce((sum, b) => sum + b.length, 0) / bodies.length);
console.log(
  `transcode: ${REQUESTS} demo-shop requests of ${SPANS} spans (${bytes} bytes), ${process.version}`,
);
for (const max of [0, 2048]) {
  const old = measure(`pipeline (max ${max})`, seconds, bodies, (b) => pipeline(b, max));
  const neu = measure(`transcoder (max ${max})`, seconds, bodies, (b) => transcode(b, max));
  console.log(`${''.padEnd(28)} ${(neu / old).toFixed(2)}x`);
}
