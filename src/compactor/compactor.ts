/**
 * Runs compaction and retention every cycle: merges small blocks of one time window (bringing the
 * spans of a trace together and dropping duplicates), then deletes what retention says.
 */
import {
  compactBlocks,
  type BackgroundLane,
  type Block,
  type BlockMeta,
  type BlockStore,
  type DuckDb,
} from '../blocks/index.js';
import {
  DEFAULT_INPUTS,
  planCompaction,
  planRetention,
  type CompactionPolicy,
  type RetentionPolicy,
} from './plan.js';

/**
 * Spans one compaction job may merge: the sort of that many spans (nested attributes included)
 * fits the background DuckDB's memory (measured: 200k spans in 128 MB, one thread). Blocks
 * therefore stay below about 200k spans.
 */
export const MAX_SPANS_PER_JOB = 200_000;

export interface CompactorPolicy extends RetentionPolicy {
  windowMs: number;
  maxBlockBytes: number;
  cycleMs: number;
  /** Stop starting new jobs in a cycle after this long. */
  maxTimePerTenantMs?: number;
}

export interface CompactorDeps {
  db: DuckDb;
  lane: BackgroundLane;
  store: BlockStore;
  now: () => number;
  log: (msg: string) => void;
  onCompaction?: (inputs: number, seconds: number) => void;
  onCompactionFailed?: () => void;
  onBlocksDeleted?: (reason: 'retention' | 'size' | 'compacted', count: number) => void;
}

export class Compactor {
  readonly #deps: CompactorDeps;
  readonly #policy: CompactorPolicy;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(deps: CompactorDeps, policy: CompactorPolicy) {
    this.#deps = deps;
    this.#policy = policy;
  }

  start(): void {
    this.#timer = setInterval(() => void this.runCycle(), this.#policy.cycleMs);
    this.#timer.unref();
  }

  /** One cycle for every tenant (concurrent calls share the running cycle). */
  runCycle(): Promise<void> {
    this.#running ??= this.#cycle().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #cycle(): Promise<void> {
    for (const tenant of this.#deps.store.tenants()) {
      if (this.#stopped) return;
      await this.#compactTenant(tenant);
    }
    if (!this.#stopped) this.#retain();
  }

  async #compactTenant(tenant: string): Promise<void> {
    const { store, now } = this.#deps;
    const deadline = now() + (this.#policy.maxTimePerTenantMs ?? 5 * 60_000);
    const policy: CompactionPolicy = {
      windowMs: this.#policy.windowMs,
      maxBlockBytes: this.#policy.maxBlockBytes,
      maxSpans: MAX_SPANS_PER_JOB,
      ...DEFAULT_INPUTS,
    };
    while (!this.#stopped && now() < deadline) {
      const blocks = store.blocks(tenant);
      const ids = planCompaction(
        blocks.map((b) => b.meta),
        now(),
        policy,
      );
      if (ids.length === 0) return;
      const inputs = ids.map((id) => blocks.find((b) => b.id === id) as Block);
      if (!(await this.#runJob(tenant, inputs))) return;
    }
  }

  async #runJob(tenant: string, inputs: Block[]): Promise<boolean> {
    const { db, store, now } = this.#deps;
    const held = inputs.filter((b) => b.acquire());
    if (held.length !== inputs.length) {
      for (const b of held) b.release();
      return false;
    }
    const started = performance.now();
    try {
      // In the background lane: a job and a block build at once would not fit its memory.
      const out = await this.#deps.lane.run(() =>
        compactBlocks(db, { tenant, tenantDir: store.tenantDir(tenant), now }, inputs),
      );
      store.add(tenant, out);
      await store.markCompacted(tenant, inputs);
      this.#deps.onCompaction?.(inputs.length, (performance.now() - started) / 1000);
      return true;
    } catch (err) {
      this.#deps.log(`compaction of ${inputs.length} blocks failed: ${(err as Error).message}`);
      this.#deps.onCompactionFailed?.();
      return false;
    } finally {
      for (const b of held) b.release();
    }
  }

  /**
   * Retention over every tenant at once: `max_total_bytes` bounds the disk, whichever tenant the
   * oldest blocks belong to.
   */
  #retain(): void {
    const { store, now } = this.#deps;
    const byId = new Map<string, { tenant: string; block: Block }>();
    const live: BlockMeta[] = [];
    const compacted: Array<{ meta: BlockMeta; compactedAtMs: number }> = [];
    for (const tenant of store.tenants()) {
      for (const b of store.blocks(tenant)) {
        byId.set(b.id, { tenant, block: b });
        live.push(b.meta);
      }
      for (const c of store.compactedBlocks(tenant)) {
        byId.set(c.block.id, { tenant, block: c.block });
        compacted.push({ meta: c.block.meta, compactedAtMs: c.compactedAtMs });
      }
    }
    const plan = planRetention({ live, compacted }, now(), this.#policy);
    const del = (ids: string[], reason: 'retention' | 'size' | 'compacted'): void => {
      for (const id of ids) {
        const found = byId.get(id);
        if (found) void store.delete(found.tenant, found.block);
      }
      if (ids.length > 0) this.#deps.onBlocksDeleted?.(reason, ids.length);
    };
    del(plan.expired, 'retention');
    del(plan.purged, 'compacted');
    del(plan.evicted, 'size');
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }
}
