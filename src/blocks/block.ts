/**
 * One immutable block on disk, with its bloom filter in memory. Readers hold a reference while
 * they use the files, so that retention and compaction never delete a block under a query.
 */
import { readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StoredAttr, StoredResource, StoredScope, StoredSpan } from '../wal/index.js';
import { Bloom } from './bloom.js';
import type { DuckDb, Row } from './duckdb/db.js';
import type { BlockMeta } from './meta.js';
import {
  BLOOM_FILE,
  COMPACTED_META_FILE,
  ATTRS_FILE,
  arrayKeysSql,
  type AttrsOrder,
  DATA_FILE,
  findAttrsSql,
  readRowAttrsSql,
  readRowKeysSql,
  readRowsSql,
  findTraceSql,
  META_FILE,
  readResourcesSql,
  readScopesSql,
  traceRowsSql,
  RESOURCES_FILE,
  SCOPES_FILE,
  TRACES_FILE,
  writeTraceSummarySql,
} from './schema/v1/sql.js';

/**
 * A row of `findTraceSql` / `readRowsSql` as a stored span with attributes `a`. One literal of
 * the line's fields: copying the row by rest and spread cost ten times more.
 */
function storedSpan(r: Row, a: unknown): StoredSpan {
  return {
    t: r.t,
    s: r.s,
    p: r.p,
    r: r.r,
    c: r.c,
    n: r.n,
    k: r.k,
    st: r.st,
    en: r.en,
    ts: r.ts,
    f: r.f,
    sc: r.sc,
    sm: r.sm,
    a: a ?? [],
    da: r.da,
    e: r.e,
    de: r.de,
    l: r.l,
    dl: r.dl,
  } as StoredSpan;
}

export class Block {
  readonly dir: string;
  meta: BlockMeta;
  readonly #bloom: Bloom;
  #refs = 0;
  #doomed = false;
  #deleted: Promise<void> | undefined;
  #markDeleted: () => void = () => undefined;
  #resources: Promise<Map<string, StoredResource>> | undefined;
  #scopes: Promise<Map<string, StoredScope>> | undefined;
  #summary: Promise<void> | undefined;
  #arrayKeys: Promise<Set<string>> | undefined;

  constructor(dir: string, meta: BlockMeta, bloom: Bloom) {
    this.dir = dir;
    this.meta = meta;
    this.#bloom = bloom;
  }

  /** Opens a block written earlier; throws when one of its files is missing or unreadable. */
  static async open(dir: string, meta: BlockMeta): Promise<Block> {
    const bloom = Bloom.fromBytes(await readFile(path.join(dir, BLOOM_FILE)));
    for (const name of [DATA_FILE, ATTRS_FILE, RESOURCES_FILE, SCOPES_FILE])
      await stat(path.join(dir, name));
    return new Block(dir, meta, bloom);
  }

  get id(): string {
    return this.meta.blockID;
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  /** How the block's `attrs.parquet` rows are ordered. */
  get attrsOrder(): AttrsOrder {
    return this.meta.attrsOrder ?? 'span';
  }

  get dataFile(): string {
    return this.file(DATA_FILE);
  }

  /** True when compaction or retention has retired this block: new readers must skip it. */
  get retired(): boolean {
    return this.#doomed;
  }

  mayContain(traceId: string): boolean {
    return this.#bloom.mayContain(traceId);
  }

  /** Takes a reference; false when the block is retired (skip it). */
  acquire(): boolean {
    if (this.#doomed) return false;
    this.#refs++;
    return true;
  }

  release(): void {
    this.#refs--;
    if (this.#refs === 0 && this.#doomed) this.#removeFiles();
  }

  /** Retires the block; its files go once the last reader releases it. */
  retire(): Promise<void> {
    if (!this.#doomed) {
      this.#doomed = true;
      this.#deleted = new Promise((resolve) => (this.#markDeleted = resolve));
      if (this.#refs === 0) this.#removeFiles();
    }
    return this.#deleted as Promise<void>;
  }

  #removeFiles(): void {
    removeBlockDir(this.dir).then(this.#markDeleted, this.#markDeleted);
  }

  /** The stored spans of a trace (empty when absent). The caller holds a reference. */
  async findTrace(db: DuckDb, traceId: string): Promise<StoredSpan[]> {
    if (!this.#bloom.mayContain(traceId)) return [];
    // The trace's rows come from the small `traces.parquet`, so that its spans and attributes are
    // read side by side: in key order the attribute read scans the whole `span_row` column.
    await this.traceSummary(db);
    const [where] = await db.all(traceRowsSql(this.file(TRACES_FILE), traceId));
    if (where === undefined) return [];
    const first = Number(where.first_row);
    const last = first + Number(where.span_count) - 1;
    const nested = where.nested_spans === undefined || Number(where.nested_spans) > 0;
    const [rows, attrRows] = await Promise.all([
      db.all(findTraceSql(this.dataFile, traceId, nested)),
      db.all(findAttrsSql(this.file(ATTRS_FILE), this.attrsOrder, first, last)),
    ]);
    const attrs = new Map<number, unknown>();
    for (const r of attrRows) attrs.set(Number(r.span_row), r.a);
    return rows.map((r) => storedSpan(r, attrs.get(Number(r.row))));
  }

  /** Data rows `rows` as stored spans with their attributes, by row. The caller holds a reference. */
  async readRows(db: DuckDb, rows: readonly number[]): Promise<Map<number, StoredSpan>> {
    const out = new Map<number, StoredSpan>();
    if (rows.length === 0) return out;
    const [spans, attrRows] = await Promise.all([
      db.all(readRowsSql(this.dataFile, rows)),
      db.all(readRowAttrsSql(this.file(ATTRS_FILE), this.attrsOrder, rows)),
    ]);
    const attrs = new Map<number, unknown>();
    for (const r of attrRows) attrs.set(Number(r.span_row), r.a);
    for (const r of spans) out.set(Number(r.row), storedSpan(r, attrs.get(Number(r.row))));
    return out;
  }

  /** The span attribute keys holding an array somewhere in the block (read once, then kept). */
  spanArrayKeys(db: DuckDb): Promise<Set<string>> {
    this.#arrayKeys ??= db
      .all(arrayKeysSql(this.file(ATTRS_FILE)))
      .then((rows) => new Set(rows.map((r) => String(r.k))))
      .catch((err: unknown) => {
        this.#arrayKeys = undefined;
        throw err;
      });
    return this.#arrayKeys;
  }

  /**
   * Makes sure the block has its `traces.parquet` (blocks written before it existed get one, from
   * their data, the first time a search needs it). The caller holds a reference.
   */
  traceSummary(db: DuckDb): Promise<void> {
    this.#summary ??= this.#writeSummaryIfMissing(db).catch((err: unknown) => {
      this.#summary = undefined;
      throw err;
    });
    return this.#summary;
  }

  async #writeSummaryIfMissing(db: DuckDb): Promise<void> {
    const file = this.file(TRACES_FILE);
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    )
      return;
    const tmp = this.file(`.${TRACES_FILE}.tmp`);
    await db.run(writeTraceSummarySql(this.dataFile, tmp));
    await rename(tmp, file);
  }

  /** The block's resources by id (read once; a failed read is tried again next time). */
  resources(db: DuckDb): Promise<Map<string, StoredResource>> {
    this.#resources ??= this.#readDictionary<StoredResource>(
      db,
      readResourcesSql(this.file(RESOURCES_FILE)),
      (r) => r.rid,
    ).catch((err: unknown) => {
      this.#resources = undefined;
      throw err;
    });
    return this.#resources;
  }

  /** The block's scopes by id (read once; a failed read is tried again next time). */
  scopes(db: DuckDb): Promise<Map<string, StoredScope>> {
    this.#scopes ??= this.#readDictionary<StoredScope>(
      db,
      readScopesSql(this.file(SCOPES_FILE)),
      (c) => c.sid,
    ).catch((err: unknown) => {
      this.#scopes = undefined;
      throw err;
    });
    return this.#scopes;
  }

  async #readDictionary<T>(
    db: DuckDb,
    sql: string,
    key: (row: T) => string,
  ): Promise<Map<string, T>> {
    const map = new Map<string, T>();
    for (const row of (await db.all(sql)) as unknown as T[]) map.set(key(row), row);
    return map;
  }
}

/**
 * The span attributes named `keys` of some data rows of some blocks, in one statement: for each
 * `parts[i]`, a map from row to those attributes in stored order (rows without them are absent).
 * The caller holds references on the blocks.
 */
export async function readSpanAttributes(
  db: DuckDb,
  parts: readonly { block: Block; rows: readonly number[] }[],
  keys: readonly string[],
): Promise<Map<number, StoredAttr[]>[]> {
  const out = parts.map(() => new Map<number, StoredAttr[]>());
  if (keys.length === 0 || parts.every((p) => p.rows.length === 0)) return out;
  const sql = readRowKeysSql(
    parts.map((p) => ({
      file: p.block.file(ATTRS_FILE),
      order: p.block.attrsOrder,
      rows: p.rows,
    })),
    keys,
  );
  for (const { src, row, ...attr } of await db.all(sql)) {
    const byRow = out[Number(src)];
    if (byRow === undefined) continue;
    const list = byRow.get(Number(row));
    if (list === undefined) byRow.set(Number(row), [attr as unknown as StoredAttr]);
    else list.push(attr as unknown as StoredAttr);
  }
  return out;
}

/**
 * Deletes a block's directory, its meta files first: a crash midway leaves a directory without
 * meta.json, which the next start removes, never a block with files missing.
 */
async function removeBlockDir(dir: string): Promise<void> {
  await rm(path.join(dir, META_FILE), { force: true });
  await rm(path.join(dir, COMPACTED_META_FILE), { force: true });
  await rm(dir, { recursive: true, force: true });
}
