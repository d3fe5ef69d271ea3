/**
 * The WAL of one tenant: an active segment taking appends with group commit, a spare segment opened
 * ahead so that a cut never waits for the disk, and the sealed segments waiting to become blocks.
 */
import type { SpanBatch } from '../model/index.js';
import { nanoTextToMillis, OverloadedError, StorageError } from '../model/index.js';
import {
  encodeBatch,
  type EncodedBatch,
  type StoredResource,
  type StoredScope,
} from './line-format.js';
import { newSegmentId, Segment } from './segment.js';

export type SyncPolicy = 'always' | 'interval' | 'never';

export interface TenantWalOptions {
  dir: string;
  tenant: string;
  sync: SyncPolicy;
  /** Appends waiting for the disk beyond this many bytes are refused (503). */
  maxPendingBytes: number;
  /** The active segment is cut as soon as it holds this many bytes. */
  maxSegmentBytes: number;
  now: () => number;
  /** Called once a sealed segment's last record is on disk. */
  onSealed: (seg: Segment) => void;
}

interface PendingRecord {
  seg: Segment;
  buf: Buffer;
  traceIds: Iterable<string>;
  spans: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class TenantWal {
  readonly #opts: TenantWalOptions;
  #active: Segment;
  #spare: Promise<Segment> | undefined;
  #pending: PendingRecord[] = [];
  #inFlight: PendingRecord[] = [];
  #pendingBytes = 0;
  #flushing: Promise<void> | undefined;
  #cutting: Promise<Segment | undefined> | undefined;
  /** Sealed segments not yet handed over because records are still in flight. */
  #sealing: Segment[] = [];
  /** Every segment still holding data that is not in a block yet (oldest first). */
  readonly live: Segment[] = [];
  #unsynced = new Set<Segment>();

  private constructor(opts: TenantWalOptions, active: Segment) {
    this.#opts = opts;
    this.#active = active;
    this.live.push(active);
  }

  static async create(opts: TenantWalOptions): Promise<TenantWal> {
    const seg = await Segment.open(opts.dir, opts.tenant, newSegmentId(opts.now()), opts.now());
    const wal = new TenantWal(opts, seg);
    wal.#prepareSpare();
    return wal;
  }

  get active(): Segment {
    return this.#active;
  }

  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Appends a batch; resolves once it is durable under the sync policy. */
  append(batch: SpanBatch): Promise<void> {
    return this.appendEncoded(encodeBatch(batch));
  }

  /** Appends a batch already encoded as WAL lines (by an encode worker). */
  appendEncoded(enc: EncodedBatch): Promise<void> {
    if (this.#pendingBytes > this.#opts.maxPendingBytes) {
      return Promise.reject(new OverloadedError('the write-ahead log is behind; retry shortly'));
    }
    const seg = this.#active;
    // Every record declares the resources and scopes it uses, so an entry stays valid even if
    // the record that added it fails to be written.
    for (const [id, line] of enc.resources) {
      if (!seg.resources.has(id)) seg.resources.set(id, JSON.parse(line) as StoredResource);
    }
    for (const [id, line] of enc.scopes) {
      if (!seg.scopes.has(id)) seg.scopes.set(id, JSON.parse(line) as StoredScope);
    }
    if (enc.spanCount > 0) {
      seg.noteSpanTimes(nanoTextToMillis(enc.minStart), nanoTextToMillis(enc.maxEnd));
    }
    seg.spanCount += enc.spanCount;
    seg.lastAppendMs = this.#opts.now();
    const buf = Buffer.from(enc.text.buffer, enc.text.byteOffset, enc.text.byteLength);
    return new Promise<void>((resolve, reject) => {
      const spans = enc.spanCount;
      this.#pending.push({ seg, buf, traceIds: enc.traceIds, spans, resolve, reject });
      this.#pendingBytes += buf.length;
      this.#flushing ??= this.#flushLoop();
    });
  }

  async #flushLoop(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        this.#inFlight = batch;
        try {
          await this.#flushRecords(batch);
        } finally {
          this.#inFlight = [];
        }
        this.#handOverSealed();
        if (this.#active.size >= this.#opts.maxSegmentBytes) void this.cut().catch(() => undefined);
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async #flushRecords(records: PendingRecord[]): Promise<void> {
    // Records of one round may span a cut: write them segment by segment, in order.
    let from = 0;
    while (from < records.length) {
      const seg = (records[from] as PendingRecord).seg;
      let to = from;
      while (to < records.length && (records[to] as PendingRecord).seg === seg) to++;
      await this.#writeGroup(seg, records.slice(from, to));
      from = to;
    }
  }

  async #writeGroup(seg: Segment, group: PendingRecord[]): Promise<void> {
    const start = seg.size;
    let bytes = 0;
    for (const r of group) bytes += r.buf.length;
    try {
      await seg.write(group.map((r) => r.buf));
      if (this.#opts.sync === 'always') await seg.sync();
      else if (this.#opts.sync === 'interval') this.#unsynced.add(seg);
    } catch (cause) {
      this.#pendingBytes -= bytes;
      await this.#undo(seg, start, group, cause);
      return;
    }
    let offset = start;
    for (const r of group) {
      seg.addRecord(offset, r.buf.length, r.traceIds);
      offset += r.buf.length;
      r.resolve();
    }
    this.#pendingBytes -= bytes;
  }

  async #undo(seg: Segment, size: number, group: PendingRecord[], cause: unknown): Promise<void> {
    for (const r of group) seg.spanCount -= r.spans;
    await seg.truncateTo(size).catch(() => undefined);
    const err = new StorageError(`could not write the WAL: ${(cause as Error).message}`, cause);
    for (const r of group) r.reject(err);
  }

  /**
   * Seals the active segment if it holds spans; the spare becomes active. Calls made while a cut
   * is under way share it (they would cut the same segment), so that whoever waits on a cut (the
   * size rule after a write, the flusher, `/flush`) sees it finished.
   */
  cut(): Promise<Segment | undefined> {
    this.#cutting ??= this.#cut().finally(() => (this.#cutting = undefined));
    return this.#cutting;
  }

  async #cut(): Promise<Segment | undefined> {
    const old = this.#active;
    if (old.spanCount === 0 || this.#spare === undefined) return undefined;
    const spare = this.#spare;
    this.#spare = undefined;
    let next: Segment;
    try {
      next = await spare;
    } catch (err) {
      this.#prepareSpare(); // so that the next cut can try again
      throw err;
    }
    this.#active = next;
    next.activeSinceMs = this.#opts.now();
    this.live.push(next);
    old.sealed = true;
    this.#sealing.push(old);
    this.#prepareSpare();
    this.#handOverSealed();
    return old;
  }

  #prepareSpare(): void {
    const now = this.#opts.now();
    const spare = Segment.open(this.#opts.dir, this.#opts.tenant, newSegmentId(now), now);
    spare.catch(() => undefined);
    this.#spare = spare;
  }

  #handOverSealed(): void {
    const busy = new Set<Segment>();
    for (const r of this.#pending) busy.add(r.seg);
    for (const r of this.#inFlight) busy.add(r.seg);
    const waiting: Segment[] = [];
    for (const seg of this.#sealing) {
      if (busy.has(seg)) waiting.push(seg);
      else this.#opts.onSealed(seg);
    }
    this.#sealing = waiting;
  }

  /** Syncs segments written since the last sync (the `interval` policy's timer calls this). */
  async syncPending(): Promise<void> {
    const segs = [...this.#unsynced];
    this.#unsynced.clear();
    for (const seg of segs) await seg.sync();
  }

  /** Waits until every appended record is written and synced. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    await this.syncPending();
  }

  /** Forgets a segment whose data is now in a block, and deletes its file. */
  async remove(seg: Segment, unlink: (file: string) => Promise<void>): Promise<void> {
    const i = this.live.indexOf(seg);
    if (i >= 0) this.live.splice(i, 1);
    this.#unsynced.delete(seg);
    await seg.close();
    await unlink(seg.path);
  }

  async close(): Promise<void> {
    await this.drain();
    for (const seg of this.live) await seg.close();
    const spare = this.#spare;
    this.#spare = undefined;
    if (spare) {
      const s = await spare.catch(() => undefined);
      await s?.close();
    }
  }

  /** Adopts segments recovered at start (already sealed). */
  adoptRecovered(segs: Segment[]): void {
    this.live.unshift(...segs);
  }

  get spareSegment(): Promise<Segment> | undefined {
    return this.#spare;
  }
}
