/**
 * The transcoder's contract is an equivalence: for every body and options it gives exactly what
 * the model pipeline gives, `encodeBatch(truncateAttributes(drop(decodeOtlpProtobuf(body))))`,
 * or throws the same InvalidRequestError. Checked on the decoder's own test tables, on hand-made
 * field orders, on demo-shop batches and on truncated and mutated requests.
 *
 * Importing the decoder's test files (for their tables) also runs their tests here.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTraceProto } from '../../api/encode/index.js';
import { ShopTraceGenerator } from '../../demo/index.js';
import { InvalidRequestError, type SpanBatch } from '../../model/index.js';
import { cases as sharedCases } from '../../receivers/otlp/decode-shared.test.js';
import { encodeOtlpProtobuf } from '../../receivers/otlp/encode-for-tests.js';
import {
  attr,
  handMadeSpanCases,
  handMadeValueCases,
  IDS,
  malformedCases,
  random,
  requestWithSpan,
  richRequest,
} from '../../receivers/otlp/protobuf-decode.test.js';
import { decodeOtlpProtobuf } from '../../receivers/otlp/protobuf-decode.js';
import { encodeBatch, type EncodedBatch } from '../../wal/line-format.js';
import { truncateAttributes, truncateText } from '../truncate.js';
import { extraCases, T1, T2 } from './transcode-cases-for-tests.js';
import type { GenSpan } from '../../generator/gen-span.js';
import { genSpansOfBatch } from '../encode-job.js';
import { transcodeOtlpProtobuf, type TranscodeOptions } from './transcode-protobuf.js';

type Outcome =
  | {
      ok: true;
      text: string;
      rest: object;
      rejectedSpans: number;
      rejectionMessage: string;
      gen?: GenSpan[];
    }
  | { ok: false; message: string };

/** Generator spans without their sizes (the model pipeline re-encodes; the wire may differ). */
function withoutSizes(gen: GenSpan[] | undefined): GenSpan[] | undefined {
  return gen?.map((g) => ({ ...g, sizeBytes: 0 }));
}

function failure(err: unknown): Outcome {
  assert.ok(err instanceof InvalidRequestError, `not an InvalidRequestError: ${String(err)}`);
  return { ok: false, message: err.message };
}

function dropTraces(batch: SpanBatch, drop: ReadonlySet<string>): void {
  for (const rs of batch.resourceSpans) {
    for (const ss of rs.scopeSpans) ss.spans = ss.spans.filter((s) => !drop.has(s.traceId));
  }
}

/** The outcome of an accepted body: its lines as text, the rest of the batch, the partial success. */
function accepted(
  encoded: EncodedBatch,
  partial: { rejectedSpans: number; rejectionMessage: string },
): Extract<Outcome, { ok: true }> {
  const { text, ...rest } = encoded;
  const { rejectedSpans, rejectionMessage } = partial;
  return { ok: true, text: Buffer.from(text).toString(), rest, rejectedSpans, rejectionMessage };
}

/** The pipeline the transcoder replaces, as `runEncodeJob` ran it. */
function reference(body: Uint8Array, opts: TranscodeOptions): Outcome {
  try {
    const decoded = decodeOtlpProtobuf(body);
    if (opts.dropTraces && opts.dropTraces.size > 0) dropTraces(decoded.batch, opts.dropTraces);
    if (opts.maxAttributeBytes > 0) truncateAttributes(decoded.batch, opts.maxAttributeBytes);
    const out = accepted(encodeBatch(decoded.batch), decoded);
    if (opts.generator) {
      out.gen = withoutSizes(genSpansOfBatch(decoded.batch, [...opts.generator.wanted]));
    }
    return out;
  } catch (err) {
    return failure(err);
  }
}

function transcoded(body: Uint8Array, opts: TranscodeOptions): Outcome {
  try {
    const gen: GenSpan[] = [];
    const withSink: TranscodeOptions = opts.generator
      ? { ...opts, generator: { ...opts.generator, sink: (g) => gen.push({ ...g }) } }
      : opts;
    const result = transcodeOtlpProtobuf(body, withSink);
    assert.ok(Buffer.isBuffer(result.encoded.text) || result.encoded.text instanceof Uint8Array);
    const out = accepted(result.encoded, result);
    if (opts.generator) out.gen = withoutSizes(gen);
    return out;
  } catch (err) {
    return failure(err);
  }
}

/** Asserts the equivalence for one body and options; returns whether the body was accepted. */
function assertSame(body: Uint8Array, opts: TranscodeOptions, what: string): boolean {
  const want = reference(body, opts);
  const got = transcoded(body, opts);
  assert.deepEqual(got, want, `${what} (max ${opts.maxAttributeBytes})`);
  return want.ok;
}

const LIMITS = [0, 1, 2, 3, 5, 16, 2048];
const DROPS: Array<ReadonlySet<string> | undefined> = [
  undefined,
  new Set(),
  new Set([T1]),
  new Set([T2]),
  new Set([T1, T2]),
];

/** Generator options; `transcoded` gives them a sink that keeps copies. */
function generatorFor(wanted: ReadonlySet<string>): NonNullable<TranscodeOptions['generator']> {
  return { wanted, sink: () => undefined };
}

/** Every attribute key of a body's spans and resources (none when it does not decode). */
function keysOf(body: Uint8Array): Set<string> {
  const keys = new Set(['absent.key']);
  try {
    for (const rs of decodeOtlpProtobuf(body).batch.resourceSpans) {
      for (const a of rs.resource.attributes) keys.add(a.key);
      for (const ss of rs.scopeSpans)
        for (const sp of ss.spans) for (const a of sp.attributes) keys.add(a.key);
    }
  } catch {
    // A malformed body: both sides throw.
  }
  return keys;
}

/** Every combination of attribute limit and dropped traces, with and without the generator. */
function assertSameForAllOptions(body: Uint8Array, what: string): void {
  const generator = generatorFor(keysOf(body));
  for (const maxAttributeBytes of LIMITS) {
    for (const dropTraces of DROPS) {
      assertSame(body, { maxAttributeBytes, dropTraces }, what);
      assertSame(body, { maxAttributeBytes, dropTraces, generator }, `${what}, generator`);
    }
  }
}

test('truncateText cuts on a character boundary', () => {
  const rows: Array<{ text: string; max: number; want: string }> = [
    { text: 'abc', max: 3, want: 'abc' },
    { text: 'abcd', max: 3, want: 'abc' },
    { text: 'héllo', max: 2, want: 'h' },
    { text: 'héllo', max: 3, want: 'hé' },
    { text: '𝄞x', max: 3, want: '' },
    { text: '𝄞x', max: 4, want: '𝄞' },
    { text: '✓✓', max: 5, want: '✓' },
  ];
  for (const r of rows) assert.equal(truncateText(r.text, r.max), r.want, `${r.text} ${r.max}`);
});

test('the decoder tables: same lines as the model pipeline', () => {
  for (const c of sharedCases) assertSameForAllOptions(encodeOtlpProtobuf(c.request), c.name);
});

test('hand-made spans, values and malformed bodies of the decoder tests', () => {
  for (const c of handMadeSpanCases) {
    assert.ok(assertSame(requestWithSpan([...IDS, ...c.span]), { maxAttributeBytes: 0 }, c.name));
  }
  for (const c of handMadeValueCases) {
    const body = requestWithSpan([...IDS, ...attr(c.value)]);
    assert.ok(assertSame(body, { maxAttributeBytes: 0 }, c.name));
  }
  for (const c of malformedCases) {
    const body = c.body instanceof Uint8Array ? c.body : Uint8Array.from(c.body);
    assert.deepEqual(transcoded(body, { maxAttributeBytes: 0 }), {
      ok: false,
      message: `invalid OTLP protobuf: ${c.message}`,
    });
    assert.equal(assertSame(body, { maxAttributeBytes: 16 }, c.name), false);
  }
});

test('fields in any order, merged parts, truncation and drops', () => {
  for (const c of extraCases()) assertSameForAllOptions(c.body, c.name);
});

test('the body may be a view at any offset', () => {
  const request = richRequest();
  const backing = new Uint8Array(request.length + 10);
  backing.set(request, 7);
  const view = backing.subarray(7, 7 + request.length);
  assert.ok(assertSame(view, { maxAttributeBytes: 0 }, 'view'));
  assert.deepEqual(
    transcoded(view, { maxAttributeBytes: 4 }),
    transcoded(request, { maxAttributeBytes: 4 }),
  );
});

test('300 demo-shop batches, with and without limits and drops', () => {
  const gen = new ShopTraceGenerator({ seed: 7, startUnixMs: 1_700_000_000_000 });
  let spans = 0;
  for (let i = 0; i < 300; i++) {
    const batch = gen.nextBatch(1 + (i % 6));
    const body = encodeTraceProto(batch, { fillEmptyResource: false });
    const traceIds = new Set<string>();
    for (const rs of batch.resourceSpans) {
      for (const ss of rs.scopeSpans) for (const s of ss.spans) traceIds.add(s.traceId);
    }
    const drop = new Set([...traceIds].filter((_, j) => j % 2 === 0));
    for (const maxAttributeBytes of [0, 2048, 16]) {
      assert.ok(assertSame(body, { maxAttributeBytes }, `batch ${i}`));
      assert.ok(assertSame(body, { maxAttributeBytes, dropTraces: drop }, `batch ${i} dropped`));
    }
    // Our own encoder writes what the size function measures: sizes must match too.
    const generator = generatorFor(keysOf(body));
    const got: GenSpan[] = [];
    transcodeOtlpProtobuf(body, {
      maxAttributeBytes: 0,
      generator: { ...generator, sink: (g) => got.push({ ...g }) },
    });
    assert.deepEqual(
      got.map((g) => g.sizeBytes),
      genSpansOfBatch(batch, [...generator.wanted]).map((g) => g.sizeBytes),
      `batch ${i} sizes`,
    );

    spans += transcodeOtlpProtobuf(body, { maxAttributeBytes: 0 }).encoded.spanCount;
  }
  assert.ok(spans > 3000, `only ${spans} spans`);
});

test('every truncation of a rich request: same lines or the same error', () => {
  const body = richRequest();
  let thrown = 0;
  for (let cut = 0; cut <= body.length; cut++) {
    const part = body.subarray(0, cut);
    if (!assertSame(part, { maxAttributeBytes: 0 }, `cut at ${cut}`)) thrown++;
    assertSame(part, { maxAttributeBytes: 3, dropTraces: new Set([T2]) }, `cut at ${cut}`);
  }
  assert.ok(thrown > body.length * 0.9, `only ${thrown} of ${body.length} truncations failed`);
});

test('2,000 random mutations: same lines or the same error', () => {
  const rand = random(20240917);
  const valid = richRequest();
  let accepted = 0;
  for (let i = 0; i < 2000; i++) {
    // A copy: `valid` is a Buffer, whose `slice` would be a view of it.
    const body = Uint8Array.from(valid);
    const flips = 1 + Math.floor(rand() * 4);
    for (let f = 0; f < flips; f++) {
      body[Math.floor(rand() * body.length)] = Math.floor(rand() * 256);
    }
    const maxAttributeBytes = LIMITS[i % LIMITS.length] as number;
    const what = `mutation ${i} (${Buffer.from(body).toString('hex')})`;
    const generator = i % 2 === 0 ? generatorFor(keysOf(valid)) : undefined;
    const opts = { maxAttributeBytes, dropTraces: DROPS[i % DROPS.length], generator };
    if (assertSame(body, opts, what)) accepted++;
  }
  assert.ok(accepted > 100 && accepted < 1900, `${accepted} of 2000 mutations were accepted`);
});
