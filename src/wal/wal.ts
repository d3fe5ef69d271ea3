/**
 * The write-ahead log of every tenant. Spans are appended here before a request is acknowledged;
 * sealed segments are handed to the block builder, which removes them once their block is written.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SpanBatch } from '../model/index.js';
import type { EncodedBatch } from './line-format.js';
import { syncDirectory, type Segment } from './segment.js';
import { listSegmentIds, recoverSegment, type RecoveryReport } from './recover.js';
import { TenantWal, type SyncPolicy } from './tenant-wal.js';

export interface WalOptions {
  dir: string;
  sync: SyncPolicy;
  syncIntervalMs: number;
  maxPendingBytes?: number;
  /** Segments are cut once they hold this many bytes (bounds the memory of one block build). */
  maxSegmentBytes: number;
  now: () => number;
  /** Called once a segment is sealed and fully written (to build it into a block). */
  onSealed: (seg: Segment) => void;
}

export class Wal {
  readonly #opts: WalOptions;
  readonly #tenants = new Map<string, Promise<TenantWal>>();
  readonly #ready = new Map<string, TenantWal>();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: WalOptions) {
    this.#opts = opts;
    if (opts.sync === 'interval') {
      this.#timer = setInterval(() => void this.#syncAll(), opts.syncIntervalMs);
      this.#timer.unref();
    }
  }

  /**
   * Replays every tenant's segments, except those `claimed` by blocks (deleted instead).
   * The recovered segments are sealed; pass them to the block builder.
   */
  async recover(claimed: ReadonlySet<string>): Promise<RecoveryReport[]> {
    await mkdir(this.#opts.dir, { recursive: true });
    const reports: RecoveryReport[] = [];
    for (const tenant of await readdir(this.#opts.dir)) {
      const dir = path.join(this.#opts.dir, tenant);
      const recovered: Segment[] = [];
      for (const id of await listSegmentIds(dir)) {
        if (claimed.has(`${tenant}/${id}`)) {
          await rm(path.join(dir, id + '.ndjson'), { force: true });
          continue;
        }
        const report = await recoverSegment(dir, tenant, id, this.#opts.now());
        if (report) {
          reports.push(report);
          recovered.push(report.segment);
        }
      }
      if (recovered.length > 0) (await this.#tenant(tenant)).adoptRecovered(recovered);
    }
    return reports;
  }

  #tenant(tenant: string): Promise<TenantWal> {
    let t = this.#tenants.get(tenant);
    if (t === undefined) {
      const dir = path.join(this.#opts.dir, tenant);
      t = mkdir(dir, { recursive: true }).then(async () => {
        await syncDirectory(this.#opts.dir); // the new tenant directory survives a power loss
        return TenantWal.create({
          dir,
          tenant,
          sync: this.#opts.sync,
          maxPendingBytes: this.#opts.maxPendingBytes ?? 256 << 20,
          maxSegmentBytes: this.#opts.maxSegmentBytes,
          now: this.#opts.now,
          onSealed: this.#opts.onSealed,
        });
      });
      this.#tenants.set(tenant, t);
      t.then(
        (w) => this.#ready.set(tenant, w),
        () => this.#tenants.delete(tenant),
      );
    }
    return t;
  }

  /** Appends a batch for a tenant; resolves when durable under the sync policy. */
  async append(tenant: string, batch: SpanBatch): Promise<void> {
    const t = await this.#tenant(tenant);
    await t.append(batch);
  }

  /** Appends an already encoded batch for a tenant; resolves when durable. */
  async appendEncoded(tenant: string, enc: EncodedBatch): Promise<void> {
    const t = await this.#tenant(tenant);
    await t.appendEncoded(enc);
  }

  /** The tenant's WAL, if it has one. */
  async get(tenant: string): Promise<TenantWal | undefined> {
    return this.#tenants.get(tenant);
  }

  tenants(): string[] {
    return [...this.#tenants.keys()];
  }

  /**
   * Segments still holding data that is not in a block (for the head read path), oldest first. A
   * snapshot: segments built into blocks meanwhile stay in it (and read as empty once closed).
   */
  async liveSegments(tenant: string): Promise<readonly Segment[]> {
    const t = this.#tenants.get(tenant);
    return t ? [...(await t).live] : [];
  }

  /** Live segments of tenants whose WAL is open (synchronous, for metrics). */
  liveSegmentsNow(tenant: string): readonly Segment[] {
    return this.#ready.get(tenant)?.live ?? [];
  }

  async #syncAll(): Promise<void> {
    for (const t of this.#tenants.values()) await (await t).syncPending().catch(() => undefined);
  }

  /** Writes and syncs everything appended so far. */
  async drain(): Promise<void> {
    for (const t of this.#tenants.values()) await (await t).drain();
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    for (const t of this.#tenants.values()) await (await t).close();
    this.#tenants.clear();
    this.#ready.clear();
  }
}
