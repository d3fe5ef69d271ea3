/**
 * The blocks of every tenant: opened from disk at start, added by the builder and the compactor,
 * retired by compaction and retention. Lists are kept newest first.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Block } from './block.js';
import { parseBlockMeta, type BlockMeta } from './meta.js';
import { COMPACTED_META_FILE, META_FILE } from './schema/v1/sql.js';

export interface CompactedBlock {
  block: Block;
  compactedAtMs: number;
}

export interface BlockStoreOptions {
  dir: string;
  now: () => number;
  log: (msg: string) => void;
}

export class BlockStore {
  readonly #opts: BlockStoreOptions;
  readonly #live = new Map<string, Block[]>();
  readonly #compacted = new Map<string, CompactedBlock[]>();

  constructor(opts: BlockStoreOptions) {
    this.#opts = opts;
  }

  get dir(): string {
    return this.#opts.dir;
  }

  tenantDir(tenant: string): string {
    return path.join(this.#opts.dir, tenant);
  }

  /** Opens every block on disk; removes unfinished builds and blocks a crash left twice. */
  async open(): Promise<void> {
    await mkdir(this.#opts.dir, { recursive: true });
    for (const tenant of await readdir(this.#opts.dir)) {
      const tdir = this.tenantDir(tenant);
      for (const name of await readdir(tdir).catch(() => [] as string[])) {
        await this.#openOne(tenant, path.join(tdir, name), name);
      }
      await this.#retireReplaced(tenant);
    }
  }

  async #openOne(tenant: string, dir: string, name: string): Promise<void> {
    if (name.startsWith('.tmp-')) {
      await rm(dir, { recursive: true, force: true });
      return;
    }
    const found = await readMeta(dir);
    const block = found && (await Block.open(dir, found.meta).catch((err: Error) => err));
    if (found === undefined || !(block instanceof Block)) {
      // Only a crash while the block was being deleted leaves it so.
      const why = block instanceof Error ? `cannot open it: ${block.message}` : 'no meta.json';
      this.#opts.log(`removing ${dir}: ${why}`);
      await rm(dir, { recursive: true, force: true });
      return;
    }
    if (!found.compacted) {
      this.#insert(tenant, block);
      return;
    }
    const at = Date.parse(found.meta.compactedTime ?? '') || this.#opts.now();
    this.#compactedList(tenant).push({ block, compactedAtMs: at });
  }

  /** After a crash between writing a compacted block and retiring its inputs, retire them now. */
  async #retireReplaced(tenant: string): Promise<void> {
    const live = this.#live.get(tenant) ?? [];
    const replaced = new Set(live.flatMap((b) => b.meta.compactedFrom ?? []));
    const inputs = live.filter((b) => replaced.has(b.id));
    if (inputs.length > 0) await this.markCompacted(tenant, inputs);
  }

  #insert(tenant: string, block: Block): void {
    const list = this.#live.get(tenant) ?? [];
    list.push(block);
    list.sort((a, b) => b.meta.endUnixMs - a.meta.endUnixMs || (a.id < b.id ? -1 : 1));
    this.#live.set(tenant, list);
  }

  #compactedList(tenant: string): CompactedBlock[] {
    let list = this.#compacted.get(tenant);
    if (!list) this.#compacted.set(tenant, (list = []));
    return list;
  }

  add(tenant: string, block: Block): void {
    this.#insert(tenant, block);
  }

  tenants(): string[] {
    return [...new Set([...this.#live.keys(), ...this.#compacted.keys()])];
  }

  /** Live blocks of a tenant, newest first (a snapshot: safe to iterate while blocks change). */
  blocks(tenant: string): readonly Block[] {
    return [...(this.#live.get(tenant) ?? [])];
  }

  compactedBlocks(tenant: string): readonly CompactedBlock[] {
    return [...(this.#compacted.get(tenant) ?? [])];
  }

  /** WAL segments already in blocks (`tenant/segmentId`), so that recovery skips them. */
  claimedSegments(): Set<string> {
    const out = new Set<string>();
    for (const list of this.#live.values())
      for (const b of list) for (const s of b.meta.sources) out.add(s);
    for (const list of this.#compacted.values()) {
      for (const c of list) for (const s of c.block.meta.sources) out.add(s);
    }
    return out;
  }

  /** Hides blocks from new queries (they were compacted into another); files stay until purged. */
  async markCompacted(tenant: string, blocks: readonly Block[]): Promise<void> {
    const ids = new Set(blocks.map((b) => b.id));
    this.#live.set(
      tenant,
      (this.#live.get(tenant) ?? []).filter((b) => !ids.has(b.id)),
    );
    const now = this.#opts.now();
    for (const block of blocks) {
      const meta: BlockMeta = { ...block.meta, compactedTime: new Date(now).toISOString() };
      // Written before meta.json goes: a crash in between leaves a block that `open` retires again.
      await writeFile(block.file(COMPACTED_META_FILE), JSON.stringify(meta, null, 2) + '\n');
      await rm(block.file(META_FILE), { force: true });
      block.meta = meta;
      this.#compactedList(tenant).push({ block, compactedAtMs: now });
    }
  }

  /** Deletes a block now (live or compacted); running readers finish first. */
  async delete(tenant: string, block: Block): Promise<void> {
    this.#live.set(
      tenant,
      (this.#live.get(tenant) ?? []).filter((b) => b !== block),
    );
    this.#compacted.set(
      tenant,
      (this.#compacted.get(tenant) ?? []).filter((c) => c.block !== block),
    );
    await block.retire();
  }

  /** Bytes of every block on disk (live and compacted). */
  totalBytes(): number {
    let total = 0;
    for (const list of this.#live.values()) for (const b of list) total += b.meta.size;
    for (const list of this.#compacted.values()) for (const c of list) total += c.block.meta.size;
    return total;
  }

  close(): void {
    this.#live.clear();
    this.#compacted.clear();
  }
}

/** A block's meta: meta.json if it parses, else meta.compacted.json; undefined if neither does. */
async function readMeta(dir: string): Promise<{ meta: BlockMeta; compacted: boolean } | undefined> {
  for (const [file, compacted] of [
    [META_FILE, false],
    [COMPACTED_META_FILE, true],
  ] as const) {
    const text = await readFile(path.join(dir, file), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      return { meta: parseBlockMeta(text), compacted };
    } catch {
      // A meta file cut short by a crash: the other one, if any, tells the block's state.
    }
  }
  return undefined;
}
