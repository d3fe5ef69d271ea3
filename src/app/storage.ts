/**
 * The storage engine wired together: DuckDB, the WAL, the block store, the flusher that turns the
 * WAL into blocks, and the compactor. Opening it replays the WAL.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BackgroundLane, BlockStore, DuckDb } from '../blocks/index.js';
import { Compactor, type CompactorPolicy } from '../compactor/index.js';
import { Flusher, type FlushPolicy } from '../ingest/flusher.js';
import type { SpanBatch } from '../model/index.js';
import {
  findTraceById,
  runFastStage,
  serviceGraph,
  type ServiceGraphEdge,
  searchTraces,
  type FastStage,
  type Series,
  type SearchRequest,
  type SearchResult,
  type TimeRangeMs,
  type TraceLookup,
} from '../query/index.js';
import {
  searchTagNames,
  searchTagValues,
  type TagNamesOptions,
  type TagNamesResult,
  type TagSearchOptions,
  type TagTarget,
  type TagValuesResult,
} from '../query/tags/index.js';
import type { Pipeline } from '../traceql/index.js';
import { Wal, type SyncPolicy } from '../wal/index.js';

/**
 * WAL files are cut at this size even when max_block_bytes is larger: the head block then spans
 * several files, and each is built on its own (about 25k spans), which bounds the memory and the
 * latency of one block build. Compaction merges the blocks afterwards.
 */
export const MAX_SEGMENT_BYTES = 16 << 20;

export interface StorageOptions {
  walPath: string;
  blocksPath: string;
  sync: SyncPolicy;
  syncIntervalMs: number;
  flush: Omit<FlushPolicy, 'maxBuildBytes'>;
  /** WAL file size cap (default MAX_SEGMENT_BYTES); tests make it small. */
  maxSegmentBytes?: number;
  compactor: CompactorPolicy;
  /** DuckDB memory for queries (default 256MB) and for block builds and compaction (128MB, one thread). */
  duckdbMemoryLimit?: string;
  backgroundMemoryLimit?: string;
  now?: () => number;
  log?: (msg: string) => void;
  hooks?: StorageHooks;
}

export interface StorageHooks {
  onBlockBuilt?: (spans: number, bytes: number, seconds: number) => void;
  onBuildFailed?: () => void;
  onCompaction?: (inputs: number, seconds: number) => void;
  onCompactionFailed?: () => void;
  onBlocksDeleted?: (reason: 'retention' | 'size' | 'compacted', count: number) => void;
}

export class Storage {
  /** DuckDB for queries; block builds and compaction use their own instance, so that they can
   * never take the memory a query needs. */
  readonly db: DuckDb;
  readonly #background: DuckDb;
  readonly wal: Wal;
  readonly store: BlockStore;
  readonly flusher: Flusher;
  readonly compactor: Compactor;
  readonly recoveredSpans: number;

  private constructor(parts: {
    db: DuckDb;
    background: DuckDb;
    wal: Wal;
    store: BlockStore;
    flusher: Flusher;
    compactor: Compactor;
    recoveredSpans: number;
  }) {
    this.db = parts.db;
    this.#background = parts.background;
    this.wal = parts.wal;
    this.store = parts.store;
    this.flusher = parts.flusher;
    this.compactor = parts.compactor;
    this.recoveredSpans = parts.recoveredSpans;
  }

  static async open(opts: StorageOptions): Promise<Storage> {
    const now = opts.now ?? Date.now;
    const log = opts.log ?? (() => undefined);
    const tempDirectory = path.join(opts.walPath, '..', '.duckdb-tmp');
    await mkdir(tempDirectory, { recursive: true });
    const db = await DuckDb.open({
      memoryLimit: opts.duckdbMemoryLimit ?? '256MB',
      threads: 2,
      tempDirectory,
      connections: 4,
    });
    const background = await DuckDb.open({
      memoryLimit: opts.backgroundMemoryLimit ?? '128MB',
      overload: { what: 'a block build or compaction', advice: 'it will be retried' },
      threads: 1,
      tempDirectory,
      connections: 2,
    });
    const lane = new BackgroundLane();
    const store = new BlockStore({ dir: opts.blocksPath, now, log });
    await store.open();
    const late: { flusher?: Flusher } = {};
    const wal = new Wal({
      dir: opts.walPath,
      sync: opts.sync,
      syncIntervalMs: opts.syncIntervalMs,
      maxSegmentBytes: Math.min(
        opts.flush.maxBlockBytes,
        opts.maxSegmentBytes ?? MAX_SEGMENT_BYTES,
      ),
      now,
      onSealed: (seg) => late.flusher?.enqueue(seg),
    });
    const flusher = new Flusher(
      { db: background, lane, wal, store, now, log, ...opts.hooks },
      { ...opts.flush, maxBuildBytes: opts.maxSegmentBytes ?? MAX_SEGMENT_BYTES },
    );
    late.flusher = flusher;
    const reports = await wal.recover(store.claimedSegments());
    for (const r of reports) flusher.enqueue(r.segment, true);
    const compactor = new Compactor(
      { db: background, lane, store, now, log, ...opts.hooks },
      opts.compactor,
    );
    const recoveredSpans = reports.reduce((n, r) => n + r.spans, 0);
    return new Storage({ db, background, wal, store, flusher, compactor, recoveredSpans });
  }

  start(): void {
    this.flusher.start();
    this.compactor.start();
  }

  /** Appends spans; resolves once they are durable. */
  async push(tenant: string, batch: SpanBatch): Promise<void> {
    await this.wal.append(tenant, batch);
  }

  findTrace(tenant: string, traceId: string, range?: TimeRangeMs): Promise<TraceLookup> {
    return findTraceById(this, tenant, traceId, range);
  }

  search(tenant: string, req: SearchRequest): Promise<SearchResult> {
    return searchTraces(this, tenant, req);
  }

  metricsStage(
    tenant: string,
    pipeline: Pipeline,
    stage: FastStage,
  ): Promise<Series[] | undefined> {
    return runFastStage(this, tenant, pipeline, stage);
  }

  /** The service graph of a time range, for the UI's service map. */
  serviceGraph(
    tenant: string,
    range: { startNs: bigint; endNs: bigint },
    peerAttributes: readonly string[],
  ): Promise<ServiceGraphEdge[]> {
    return serviceGraph(this, tenant, range, peerAttributes);
  }

  searchTagNames(tenant: string, opts: TagNamesOptions): Promise<TagNamesResult> {
    return searchTagNames(this, tenant, opts);
  }

  searchTagValues(
    tenant: string,
    tag: string | TagTarget,
    opts: TagSearchOptions,
  ): Promise<TagValuesResult> {
    return searchTagValues(this, tenant, tag, opts);
  }

  /** Bytes and count of WAL segments still holding data that is not in a block. */
  walBytes(): number {
    return this.#liveSegments().reduce((n, s) => n + s.size, 0);
  }

  walSegments(): number {
    return this.#liveSegments().filter((s) => s.spanCount > 0).length;
  }

  #liveSegments() {
    return this.wal.tenants().flatMap((t) => this.wal.liveSegmentsNow(t));
  }

  /** Cuts every head segment and builds it into a block. */
  async flush(): Promise<void> {
    await this.flusher.flushAll();
  }

  /** Makes everything acknowledged durable, finishes the running build and closes. */
  async close(): Promise<void> {
    await this.compactor.stop();
    await this.flusher.stop();
    await this.wal.close();
    this.store.close();
    this.db.close();
    this.#background.close();
  }
}
