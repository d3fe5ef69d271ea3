/** Vivace's own metrics, with Tempo's names where Tempo has the same thing. */
import { statfsSync } from 'node:fs';
import type { DistributorMetrics } from '../ingest/index.js';
import { Registry, type Histogram } from '../telemetry/index.js';
import type { StorageHooks, Storage } from './storage.js';

/** Where data lives on disk, for the free-space gauges. */
export interface DataPaths {
  wal: string;
  blocks: string;
}

export interface SelfMetrics {
  registry: Registry;
  distributor: DistributorMetrics;
  storageHooks: StorageHooks;
  requestDuration: Histogram;
  /** Counts a UDP datagram that was not taken (Jaeger agent receivers), by reason. */
  datagramRefused(receiver: string, reason: string): void;
  /** Registers the gauges that read storage state (and the disks under `paths`) at scrape time. */
  watchStorage(storage: Storage, paths: DataPaths): void;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createSelfMetrics(): SelfMetrics {
  const r = new Registry();
  const spans = r.counter('tempo_distributor_spans_received_total', 'Spans accepted.', [
    'tenant',
    'receiver',
  ]);
  const bytes = r.counter('tempo_distributor_bytes_received_total', 'Request bytes received.', [
    'tenant',
  ]);
  const refusedRequests = r.counter(
    'vivace_distributor_requests_refused_total',
    'Requests refused whole (503 overloaded, 429 rate limited).',
    ['tenant', 'reason'],
  );
  const discarded = r.counter('tempo_discarded_spans_total', 'Spans refused, by reason.', [
    'tenant',
    'reason',
  ]);
  const datagrams = r.counter(
    'vivace_receiver_datagrams_refused_total',
    'UDP datagrams dropped (malformed, refused by a limit, overloaded), by receiver and reason.',
    ['receiver', 'reason'],
  );
  const built = r.counter('vivace_blocks_built_total', 'Blocks built from the WAL.');
  const buildFailed = r.counter(
    'vivace_block_build_failures_total',
    'Failed block builds (retried).',
  );
  const buildSeconds = r.histogram(
    'vivace_block_build_duration_seconds',
    'Time to build a block.',
    [],
    LATENCY_BUCKETS,
  );
  const compactions = r.counter('tempodb_compaction_blocks_total', 'Blocks compacted away.', [
    'level',
  ]);
  const compactionFailed = r.counter('vivace_compaction_failures_total', 'Failed compaction jobs.');
  const deleted = r.counter('vivace_blocks_deleted_total', 'Blocks deleted, by reason.', [
    'reason',
  ]);
  const requestDuration = r.histogram(
    'tempo_request_duration_seconds',
    'Time to answer an HTTP request.',
    ['method', 'route', 'status_code'],
    LATENCY_BUCKETS,
  );
  r.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', [], () => [
    { value: process.memoryUsage.rss() },
  ]);
  r.gauge('nodejs_heap_size_used_bytes', 'V8 heap in use (main thread).', [], () => [
    { value: process.memoryUsage().heapUsed },
  ]);
  r.gauge(
    'nodejs_external_memory_bytes',
    'Memory of Buffers and other objects outside the V8 heap.',
    [],
    () => [{ value: process.memoryUsage().external }],
  );
  return {
    registry: r,
    requestDuration,
    datagramRefused: (receiver, reason) => datagrams.inc({ receiver, reason }),
    distributor: {
      received: (tenant, receiver, n, b) => {
        spans.inc({ tenant, receiver }, n);
        bytes.inc({ tenant }, b);
      },
      discarded: (tenant, reason, n) => discarded.inc({ tenant, reason }, n),
      refused: (tenant, reason) => refusedRequests.inc({ tenant, reason }),
    },
    storageHooks: {
      onBlockBuilt: (_spans, _bytes, seconds) => {
        built.inc();
        buildSeconds.observe({}, seconds);
      },
      onBuildFailed: () => buildFailed.inc(),
      onCompaction: (inputs) => compactions.inc({ level: 'any' }, inputs),
      onCompactionFailed: () => compactionFailed.inc(),
      onBlocksDeleted: (reason, count) => deleted.inc({ reason }, count),
    },
    watchStorage: (storage, paths) => watchStorage(r, storage, paths),
  };
}

/** Size and free bytes of the file system holding `path`, or undefined when it cannot be read. */
function diskOf(path: string): { size: number; free: number } | undefined {
  try {
    const s = statfsSync(path);
    return { size: s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch {
    return undefined;
  }
}

function watchStorage(r: Registry, storage: Storage, paths: DataPaths): void {
  const disks = () =>
    (['wal', 'blocks'] as const).flatMap((kind) => {
      const d = diskOf(paths[kind]);
      return d ? [{ kind, ...d }] : [];
    });
  r.gauge(
    'vivace_storage_free_bytes',
    'Bytes free (for unprivileged users) on the file system of the WAL and of the blocks.',
    ['kind'],
    () => disks().map((d) => ({ labels: { kind: d.kind }, value: d.free })),
  );
  r.gauge(
    'vivace_storage_size_bytes',
    'Size of the file system of the WAL and of the blocks.',
    ['kind'],
    () => disks().map((d) => ({ labels: { kind: d.kind }, value: d.size })),
  );
  r.gauge('vivace_blocks', 'Live blocks, by tenant.', ['tenant'], () =>
    storage.store
      .tenants()
      .map((tenant) => ({ labels: { tenant }, value: storage.store.blocks(tenant).length })),
  );
  r.gauge('vivace_blocks_bytes', 'Bytes of all blocks on disk (live and compacted).', [], () => [
    { value: storage.store.totalBytes() },
  ]);
  r.gauge('vivace_blocks_spans', 'Spans in live blocks, by tenant.', ['tenant'], () =>
    storage.store.tenants().map((tenant) => ({
      labels: { tenant },
      value: storage.store.blocks(tenant).reduce((n, b) => n + b.meta.totalSpans, 0),
    })),
  );
  r.gauge('vivace_wal_bytes', 'Bytes in WAL segments not yet in blocks.', [], () => [
    { value: storage.walBytes() },
  ]);
  r.gauge('vivace_wal_segments', 'WAL segments not yet in blocks.', [], () => [
    { value: storage.walSegments() },
  ]);
  r.gauge('vivace_block_build_backlog', 'Sealed WAL segments waiting to become blocks.', [], () => [
    { value: storage.flusher.backlog },
  ]);
}
