/**
 * The work an encode worker does for one request: decode OTLP, drop refused traces, truncate long
 * attributes, and encode WAL lines. Pure; also run inline when there are no workers.
 */
import { spanProtoSize } from '../api/encode/trace-proto.js';
import { aggregate, GenAggregator, type GenBatch, type GenPlan } from '../generator/aggregate.js';
import { genSpansOf, type GenSpan } from '../generator/gen-span.js';
import type { RawFormat, Span, SpanBatch } from '../model/index.js';
import { VivaceError } from '../model/index.js';
// Direct module imports (not the folders' index.ts): the worker must not load the servers.
import { decodeJaeger } from '../receivers/jaeger/decode.js';
import type { DecodeResult } from '../receivers/otlp/decode-result.js';
import { decodeOtlpJson } from '../receivers/otlp/json-decode.js';
import { decodeZipkin } from '../receivers/zipkin/decode.js';
import { encodeBatch, type EncodedBatch } from '../wal/line-format.js';
import { truncateAttributes } from './truncate.js';
import { transcodeOtlpProtobuf } from './transcode/transcode-protobuf.js';

export interface EncodeJob {
  format: RawFormat;
  body: Uint8Array;
  maxAttributeBytes: number;
  /** Traces to leave out (refused by a limit). */
  dropTraces?: readonly string[];
  /** Zipkin: string tags that read as a bool, int or double are stored as one. */
  parseStringTags?: boolean;
  /** When the request was received (ms since the epoch): Zipkin v1 spans without times start then. */
  receivedAtMs?: number;
  /** When the metrics generator is on: what it needs; the request's `gen` is then returned. */
  generator?: GenPlan;
}

export interface EncodeOk {
  ok: true;
  encoded: EncodedBatch;
  rejectedSpans: number;
  rejectionMessage: string;
  /** The kept spans reduced for the metrics generator (when `generator` was given). */
  gen?: GenBatch;
}

export interface EncodeFailed {
  ok: false;
  code: string;
  message: string;
}

export type EncodeResult = EncodeOk | EncodeFailed;

/** Takes the spans of the given traces out of a batch, in place. */
export function dropTraces(batch: SpanBatch, drop: ReadonlySet<string>): void {
  for (const rs of batch.resourceSpans) {
    for (const ss of rs.scopeSpans) ss.spans = ss.spans.filter((s) => !drop.has(s.traceId));
  }
}

/** Decodes a request in any format but OTLP protobuf (which is transcoded) to the span model. */
function decodeModel(job: EncodeJob): DecodeResult {
  const { format, body } = job;
  switch (format) {
    case 'otlp-protobuf':
      throw new Error('OTLP protobuf is transcoded, not decoded');
    case 'otlp-json':
      return decodeOtlpJson(
        Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
      );
    case 'jaeger-thrift-batch':
    case 'jaeger-agent-compact':
    case 'jaeger-agent-binary':
    case 'jaeger-proto':
      return decodeJaeger(format, body);
    case 'zipkin-v2-json':
    case 'zipkin-v2-proto':
    case 'zipkin-v1-json':
      return decodeZipkin(format, body, {
        parseStringTags: job.parseStringTags ?? false,
        receivedAtMs: job.receivedAtMs ?? Date.now(),
      });
  }
}

/** The wanted keys of a plan as a set, kept for the plan's lifetime (one per worker). */
const wantedSets = new WeakMap<GenPlan, ReadonlySet<string>>();
let lastPlanKeys = '';
let lastWanted: ReadonlySet<string> = new Set();

function wantedKeys(plan: GenPlan): ReadonlySet<string> {
  const cached = wantedSets.get(plan);
  if (cached) return cached;
  // Each job carries its own copy of the plan: reuse the set while the keys are the same.
  const text = plan.keys.join('\u0000');
  if (text !== lastPlanKeys) {
    lastPlanKeys = text;
    lastWanted = new Set(plan.keys);
  }
  wantedSets.set(plan, lastWanted);
  return lastWanted;
}

/** The generator's view of a decoded batch; sizes are the spans' OTLP protobuf sizes. */
export function genSpansOfBatch(batch: SpanBatch, keys: readonly string[]): GenSpan[] {
  const spans = batch.resourceSpans.map((rs) => rs.scopeSpans.map((ss) => ss.spans));
  return genSpansOf(batch, new Set(keys), (r, s, i) => spanProtoSize(spans[r]?.[s]?.[i] as Span));
}

export function runEncodeJob(job: EncodeJob): EncodeResult {
  try {
    if (job.format === 'otlp-protobuf') {
      // The hot path: protobuf straight to WAL lines, no model objects (same output, tested).
      const drop =
        job.dropTraces && job.dropTraces.length > 0 ? new Set(job.dropTraces) : undefined;
      const agg = job.generator
        ? new GenAggregator(job.generator, job.receivedAtMs ?? Date.now())
        : undefined;
      const out = transcodeOtlpProtobuf(job.body, {
        maxAttributeBytes: job.maxAttributeBytes,
        ...(drop ? { dropTraces: drop } : {}),
        ...(agg && job.generator
          ? { generator: { wanted: wantedKeys(job.generator), sink: (g: GenSpan) => agg.add(g) } }
          : {}),
      });
      const result: EncodeOk = { ok: true, ...out };
      if (agg) result.gen = agg.finish();
      return result;
    }
    const decoded = decodeModel(job);
    if (job.dropTraces && job.dropTraces.length > 0)
      dropTraces(decoded.batch, new Set(job.dropTraces));
    if (job.maxAttributeBytes > 0) truncateAttributes(decoded.batch, job.maxAttributeBytes);
    const result: EncodeOk = {
      ok: true,
      encoded: encodeBatch(decoded.batch),
      rejectedSpans: decoded.rejectedSpans,
      rejectionMessage: decoded.rejectionMessage,
    };
    if (job.generator) {
      const spans = genSpansOfBatch(decoded.batch, job.generator.keys);
      result.gen = aggregate(job.generator, job.receivedAtMs ?? Date.now(), spans);
    }
    return result;
  } catch (err) {
    if (err instanceof VivaceError) return { ok: false, code: err.code, message: err.message };
    return { ok: false, code: 'internal', message: (err as Error).message };
  }
}
