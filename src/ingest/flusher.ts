/**
 * Turns the WAL into blocks. The head block of a tenant is its active WAL segment plus the segments
 * the WAL sealed only because they reached the file size cap ("held"): together they are cut, as
 * Tempo's head block, at max_block_bytes, max_block_duration or after trace_idle_period without
 * spans. Then each of their files is built into a level-0 block, one build at a time, so that a
 * build's memory is bounded by the file size, not by max_block_bytes.
 */
import { rm } from 'node:fs/promises';
import type { BackgroundLane, BlockStore, DuckDb } from '../blocks/index.js';
import { buildBlockFromWal } from '../blocks/index.js';
import { StorageError } from '../model/index.js';
import type { Segment, Wal } from '../wal/index.js';

export interface FlushPolicy {
  maxBlockBytes: number;
  /** Largest WAL input of one block build (the WAL's file size cap). */
  maxBuildBytes: number;
  maxBlockDurationMs: number;
  traceIdlePeriodMs: number;
  /** How often the cut rules are checked. */
  checkPeriodMs: number;
}

/** The resource and scope lines of segments, as NDJSON (one line per id). */
function dictionaryOf(group: readonly Segment[]): string {
  const lines = new Map<string, string>();
  for (const seg of group) {
    for (const [id, r] of seg.resources) lines.set(id, JSON.stringify(r));
    for (const [id, c] of seg.scopes) lines.set(id, JSON.stringify(c));
  }
  return [...lines.values()].join('\n') + '\n';
}

export interface FlusherDeps {
  db: DuckDb;
  lane: BackgroundLane;
  wal: Wal;
  store: BlockStore;
  now: () => number;
  log: (msg: string) => void;
  onBlockBuilt?: (spans: number, bytes: number, seconds: number) => void;
  onBuildFailed?: () => void;
}

export class Flusher {
  readonly #deps: FlusherDeps;
  readonly #policy: FlushPolicy;
  readonly #queue: Segment[] = [];
  /** Sealed at the file size cap, still part of the head block. */
  readonly #held: Segment[] = [];
  /** Segments whose arrival ends a head block (cut while records were still being written). */
  readonly #releaseOnArrival = new Set<Segment>();
  #building: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(deps: FlusherDeps, policy: FlushPolicy) {
    this.#deps = deps;
    this.#policy = policy;
  }

  start(): void {
    this.#timer = setInterval(() => void this.checkCuts(), this.#policy.checkPeriodMs);
    this.#timer.unref();
  }

  /** Sealed segments waiting for a build (for backpressure). */
  get backlog(): number {
    return this.#queue.length;
  }

  /** Sealed segments held in the head block, not yet released for building. */
  get held(): number {
    return this.#held.length;
  }

  /**
   * Takes a sealed segment. `release`: build it now (recovered segments); otherwise it stays in
   * the head block until the block is cut.
   */
  enqueue(seg: Segment, release = false): void {
    this.#held.push(seg);
    if (release || this.#releaseOnArrival.delete(seg)) this.#release(seg.tenant);
  }

  /** Moves a tenant's held segments to the build queue. */
  #release(tenant: string): void {
    for (let i = 0; i < this.#held.length;) {
      const seg = this.#held[i] as Segment;
      if (seg.tenant === tenant) {
        this.#held.splice(i, 1);
        this.#queue.push(seg);
      } else i++;
    }
    if (this.#queue.length > 0) this.#building ??= this.#buildLoop();
  }

  /** Cuts every tenant's head block that has reached a limit. */
  async checkCuts(): Promise<void> {
    if (this.#queue.length > 0) this.#building ??= this.#buildLoop();
    const now = this.#deps.now();
    for (const tenant of this.#deps.wal.tenants()) {
      const t = await this.#deps.wal.get(tenant);
      if (t === undefined) continue;
      const held = this.#held.filter((s) => s.tenant === tenant);
      const head = t.active.spanCount > 0 ? [...held, t.active] : held;
      if (head.length === 0) continue;
      const bytes = head.reduce((n, s) => n + s.size, 0);
      const since = Math.min(...head.map((s) => s.activeSinceMs));
      if (
        bytes >= this.#policy.maxBlockBytes ||
        now - since >= this.#policy.maxBlockDurationMs ||
        now - t.active.lastAppendMs >= this.#policy.traceIdlePeriodMs
      ) {
        await this.#cutHead(tenant);
      }
    }
  }

  /** Ends a tenant's head block: seals the active segment and releases everything held. */
  async #cutHead(tenant: string): Promise<void> {
    const t = await this.#deps.wal.get(tenant);
    const old = await t?.cut();
    if (old && !this.#held.includes(old)) this.#releaseOnArrival.add(old);
    else this.#release(tenant);
  }

  /** Cuts every head block and waits until all of it is in blocks (`/flush`). */
  async flushAll(): Promise<void> {
    for (const tenant of this.#deps.wal.tenants()) {
      const t = await this.#deps.wal.get(tenant);
      await t?.drain();
      await this.#cutHead(tenant);
      await t?.drain();
      this.#release(tenant);
    }
    await this.idle();
    if (this.#queue.length > 0) throw new StorageError('building blocks failed; see the log');
  }

  /** Waits until no segment is queued or being built. */
  async idle(): Promise<void> {
    while (this.#building) await this.#building;
  }

  async #buildLoop(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#stopped) {
        const group = this.#takeGroup();
        if (!(await this.#build(group))) break; // retried at the next check
      }
    } finally {
      this.#building = undefined;
    }
  }

  /** The oldest queued segment and the others of its tenant, up to max_block_bytes in all. */
  #takeGroup(): Segment[] {
    const first = this.#queue[0] as Segment;
    const group: Segment[] = [];
    let bytes = 0;
    for (const seg of [...this.#queue]) {
      if (seg.tenant !== first.tenant) continue;
      if (group.length > 0 && bytes + seg.size > this.#policy.maxBuildBytes) break;
      group.push(seg);
      bytes += seg.size;
      this.#queue.splice(this.#queue.indexOf(seg), 1);
    }
    return group;
  }

  async #build(group: Segment[]): Promise<boolean> {
    const { db, store, wal, now } = this.#deps;
    const tenant = (group[0] as Segment).tenant;
    const started = performance.now();
    try {
      const block = await this.#deps.lane.run(
        () =>
          buildBlockFromWal(
            db,
            { tenant, tenantDir: store.tenantDir(tenant), now },
            group.map((s) => s.path),
            group.map((s) => `${tenant}/${s.id}`),
            dictionaryOf(group),
          ),
        true,
      );
      store.add(tenant, block);
      const t = await wal.get(tenant);
      for (const seg of group) await t?.remove(seg, (f) => rm(f, { force: true }));
      const seconds = (performance.now() - started) / 1000;
      this.#deps.onBlockBuilt?.(block.meta.totalSpans, block.meta.size, seconds);
      return true;
    } catch (err) {
      this.#deps.log(
        `block build for tenant ${tenant} failed, will retry: ${(err as Error).message}`,
      );
      this.#deps.onBuildFailed?.();
      // To the back of the queue: a segment that cannot be built must not hold up the others.
      this.#queue.push(...group);
      return false;
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#stopped = true;
    await this.idle();
  }
}
