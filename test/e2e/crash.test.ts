/**
 * kill -9 loses no acknowledged span: Vivace runs as a child process under concurrent OTLP load with
 * small blocks (so that blocks are cut, built and compacted during the load), is killed with SIGKILL
 * mid-load (once while a block is being written), restarted on the same data, and every span that
 * was answered 200 must read back through `GET /api/traces/{id}`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { encodeTraceProto } from '../../src/api/encode/index.js';
import { ShopTraceGenerator } from '../../src/demo/index.js';
import type { SpanBatch } from '../../src/model/index.js';
import { decodeOtlpProtobuf } from '../../src/receivers/otlp/index.js';
import {
  freePort,
  killChild,
  startChild,
  writeChildConfig,
  type ChildVivace,
} from '../helpers/child-vivace.js';
import { tempDir } from '../helpers/tmp.js';

const TENANT = 'single-tenant';
const SENDERS = 4;
const TRACES_PER_REQUEST = 8;
/** Traces read back at the end (all of them when fewer were acknowledged). */
const MAX_CHECKED_TRACES = 2500;

const EXTRA_CONFIG = `ingester:
  max_block_bytes: 1000000
  max_block_duration: 1s
  trace_idle_period: 1s
  flush_check_period: 100ms
compactor:
  compaction:
    compaction_cycle: 1s
    compaction_window: 1h
    compacted_block_retention: 1s
overrides:
  defaults:
    ingestion:
      rate_limit_bytes: 1000000000
      burst_size_bytes: 1000000000
      max_traces_per_user: 10000000
    global:
      max_bytes_per_trace: 100000000
`;

/** The span ids of every acknowledged trace. */
class AckLog {
  readonly traces = new Map<string, Set<string>>();
  spans = 0;
  requests = 0;

  record(batch: SpanBatch): void {
    this.requests++;
    for (const rs of batch.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          let set = this.traces.get(s.traceId);
          if (!set) this.traces.set(s.traceId, (set = new Set()));
          set.add(s.spanId);
          this.spans++;
        }
      }
    }
  }
}

interface Load {
  stop(): Promise<void>;
  failures: () => number;
}

/** Starts `SENDERS` loops posting shop batches; acknowledged ones go to `acks`. */
function startLoad(otlpUrl: string, seedBase: number, acks: AckLog): Load {
  let stopped = false;
  let failures = 0;
  const partial: string[] = [];
  const loop = async (seed: number) => {
    const gen = new ShopTraceGenerator({ seed, startUnixMs: Date.now() });
    while (!stopped) {
      const batch = gen.nextBatch(TRACES_PER_REQUEST);
      try {
        const res = await fetch(otlpUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: encodeTraceProto(batch),
        });
        const body = new Uint8Array(await res.arrayBuffer());
        if (res.status === 200 && body.length === 0) acks.record(batch);
        else if (res.status === 200) partial.push(Buffer.from(body).toString('latin1'));
        else failures++;
      } catch {
        failures++; // the process was killed under this request
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const loops = Array.from({ length: SENDERS }, (_, i) => loop(seedBase + i));
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      assert.deepEqual(partial, [], 'no request may be partly refused');
    },
    failures: () => failures,
  };
}

/** Resolves once a block is being written (a `.tmp-` directory exists), or after `maxMs`. */
async function waitForBlockWrite(blocksDir: string, minMs: number, maxMs: number) {
  const started = Date.now();
  await new Promise((r) => setTimeout(r, minMs));
  while (Date.now() - started < maxMs) {
    const names = await readdir(blocksDir).catch(() => [] as string[]);
    if (names.some((n) => n.startsWith('.tmp-'))) return true;
    await new Promise((r) => setTimeout(r, 2));
  }
  return false;
}

async function readTraceSpanIds(api: string, traceId: string): Promise<string[] | string> {
  const res = await fetch(`${api}/api/traces/${traceId}`, {
    headers: { accept: 'application/protobuf' },
  });
  if (res.status !== 200) return `HTTP ${res.status} ${await res.text()}`;
  const { batch } = decodeOtlpProtobuf(new Uint8Array(await res.arrayBuffer()));
  const ids: string[] = [];
  for (const rs of batch.resourceSpans) {
    for (const ss of rs.scopeSpans) for (const s of ss.spans) ids.push(s.spanId);
  }
  return ids.sort();
}

/** Reads back the acknowledged traces (a sample when there are many); returns the mismatches. */
async function verify(api: string, acks: AckLog) {
  const ids = [...acks.traces.keys()];
  const step = Math.max(1, ids.length / MAX_CHECKED_TRACES);
  const chosen: string[] = [];
  for (let i = 0; i < ids.length && chosen.length < MAX_CHECKED_TRACES; i += step) {
    chosen.push(ids[Math.floor(i)] as string);
  }
  const problems: string[] = [];
  let spansChecked = 0;
  let next = 0;
  const worker = async () => {
    while (next < chosen.length) {
      const id = chosen[next++] as string;
      const want = [...(acks.traces.get(id) as Set<string>)].sort();
      const got = await readTraceSpanIds(api, id);
      spansChecked += want.length;
      if (typeof got === 'string') problems.push(`${id}: ${got}`);
      else if (got.join() !== want.join()) {
        problems.push(`${id}: want ${want.length} spans, got ${got.length}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { problems, tracesChecked: chosen.length, spansChecked };
}

interface Phase {
  name: string;
  seedBase: number;
  /** Kill as soon as a block is being written (after minMs), else at maxMs. */
  killOnBlockWrite: boolean;
  minMs: number;
  maxMs: number;
}

const PHASES: Phase[] = [
  {
    name: 'kill while a block is written',
    seedBase: 100,
    killOnBlockWrite: true,
    minMs: 2000,
    maxMs: 7000,
  },
  {
    name: 'kill at an arbitrary moment',
    seedBase: 200,
    killOnBlockWrite: false,
    minMs: 2500,
    maxMs: 2500,
  },
  {
    name: 'kill soon after a restart',
    seedBase: 300,
    killOnBlockWrite: true,
    minMs: 300,
    maxMs: 5000,
  },
];

test('kill -9 under load loses no acknowledged span', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = await tempDir('vivace-crash-');
  const ports = { api: await freePort(), otlpHttp: await freePort() };
  const config = await writeChildConfig(dir, ports, EXTRA_CONFIG);
  const api = `http://127.0.0.1:${ports.api}`;
  const otlpUrl = `http://127.0.0.1:${ports.otlpHttp}/v1/traces`;
  const blocksDir = path.join(dir, 'blocks', TENANT);
  const acks = new AckLog();
  let child: ChildVivace | undefined;
  const outputs: string[] = [];
  try {
    for (const phase of PHASES) {
      child = await startChild(config, ports.api);
      const load = startLoad(otlpUrl, phase.seedBase, acks);
      const duringWrite = phase.killOnBlockWrite
        ? await waitForBlockWrite(blocksDir, phase.minMs, phase.maxMs)
        : (await new Promise((r) => setTimeout(r, phase.minMs)), false);
      await killChild(child);
      outputs.push(child.output());
      await load.stop();
      console.log(
        `${phase.name}: ${acks.spans} spans acknowledged so far` +
          (phase.killOnBlockWrite ? `, killed during a block write: ${duringWrite}` : ''),
      );
    }
    child = await startChild(config, ports.api);
    const { problems, tracesChecked, spansChecked } = await verify(api, acks);
    console.log(
      `acknowledged ${acks.requests} requests, ${acks.traces.size} traces, ${acks.spans} spans; ` +
        `checked ${tracesChecked} traces, ${spansChecked} spans`,
    );
    assert.ok(spansChecked >= 3000, `only ${spansChecked} spans were checked`);
    if (problems.length > 0) console.log(child.output());
    assert.deepEqual(problems.slice(0, 10), [], `${problems.length} traces differ`);
    outputs.push(child.output());
    assert.deepEqual(
      outputs
        .join('')
        .split('\n')
        .filter((l) => /error|fail/i.test(l)),
      [],
      'the server logged failures',
    );
  } finally {
    if (child) await killChild(child);
    await cleanup();
  }
});
