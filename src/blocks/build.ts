/**
 * Writing blocks: from sealed WAL segments (level 0) and from other blocks (compaction). A block is
 * written into a hidden temporary directory, synced, then renamed into place: a crash leaves either
 * no block or a whole one.
 */
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { nanoTextToMillis } from '../model/index.js';
import { Block } from './block.js';
import { Bloom } from './bloom.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDb } from './duckdb/db.js';
import type { BlockMeta } from './meta.js';
import {
  ATTRS_FILE,
  type AttrsOrder,
  blockStatsSql,
  BLOOM_FILE,
  concatenateSql,
  compactDictionarySql,
  inputRowRangesSql,
  sortSpansFromBlocksSql,
  sortSpansFromWalSql,
  type CompactionInput,
  type TraceIdRange,
  writeAttrTableSql,
  writeMovedAttrsSql,
  writeMovedSpansSql,
  writeSpanTableSql,
  DATA_FILE,
  distinctTraceIdsSql,
  findDuplicatesSql,
  FORMAT,
  loadDictionarySql,
  META_FILE,
  RESOURCES_FILE,
  SCOPES_FILE,
  traceIdCutsSql,
  TRACES_FILE,
  writeResourcesFromWalSql,
  writeTraceSummarySql,
  writeScopesFromWalSql,
} from './schema/v1/sql.js';

export interface BuildTarget {
  tenant: string;
  /** The tenant's block directory: `<local.path>/<tenant>`. */
  tenantDir: string;
  now: () => number;
}

interface BlockOrigin {
  level: number;
  sources: string[];
  compactedFrom?: string[];
  /** Defaults to the build time (level 0). */
  ingestedUnixMs?: number;
  /** Defaults to `span`. */
  attrsOrder?: AttrsOrder;
}

let tableSeq = 0;

/**
 * Runs `fn` on a connection with `preserve_insertion_order` on, so that a sorted temporary table
 * keeps its order (its `rowid` is the sorted position) and copies of it are written in order.
 */
function withOrderedConnection<T>(db: DuckDb, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  return db.withConnection(async (c) => {
    await c.run('SET preserve_insertion_order = true');
    try {
      return await fn(c);
    } finally {
      await c.run('RESET preserve_insertion_order');
    }
  });
}

/** The number of rows of table `table`. */
async function countRows(c: DuckDBConnection, table: string): Promise<number> {
  const reader = await c.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return reader.getRowObjectsJson()[0]?.n as number;
}

/**
 * Builds a level-0 block from WAL segment files. `sources` are their `tenant/segmentId` names;
 * `dictionary` holds the resource and scope lines they use (NDJSON text).
 */
export async function buildBlockFromWal(
  db: DuckDb,
  target: BuildTarget,
  files: readonly string[],
  sources: readonly string[],
  dictionary: string,
): Promise<Block> {
  const { id, tmp } = await startBlock(target);
  const dictFile = path.join(tmp, 'dictionary.ndjson');
  await writeFile(dictFile, dictionary);
  const dict = `dict_${++tableSeq}`;
  const spans = `spans_${tableSeq}`;
  const outputs = { data: path.join(tmp, DATA_FILE), attrs: path.join(tmp, ATTRS_FILE) };
  try {
    await withOrderedConnection(db, async (c) => {
      await c.run(loadDictionarySql(dict, dictFile));
      try {
        await c.run(sortSpansFromWalSql(spans, files, dict));
        try {
          await c.run(writeSpanTableSql(spans, outputs.data));
          await c.run(writeAttrTableSql(spans, outputs.attrs));
        } finally {
          await c.run(`DROP TABLE IF EXISTS ${spans}`);
        }
        await c.run(writeResourcesFromWalSql(dict, path.join(tmp, RESOURCES_FILE)));
        await c.run(writeScopesFromWalSql(dict, path.join(tmp, SCOPES_FILE)));
      } finally {
        await c.run(`DROP TABLE IF EXISTS ${dict}`);
      }
    });
    await rm(dictFile);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return finishBlock(db, target, id, tmp, { level: 0, sources: [...sources] });
}

/**
 * Spans sorted in one statement at most. DuckDB's sort keeps nested columns (attributes, events)
 * in memory, and a compaction part holds its sorted table and the regrouped attributes too (measured:
 * 40k spans need more than 96 MB, 10k fit in 64 MB), so a larger job is sorted in parts of
 * trace-id ranges, which are then concatenated: memory stays bounded whatever the size of the job.
 */
export const COMPACTION_PART_SPANS = 12_000;

/** Merges blocks into one of level max(levels)+1, dropping duplicate spans. */
export async function compactBlocks(
  db: DuckDb,
  target: BuildTarget,
  inputs: readonly Block[],
  partSpans = COMPACTION_PART_SPANS,
): Promise<Block> {
  const { id, tmp } = await startBlock(target);
  const files = (name: string) => inputs.map((b) => b.file(name));
  const spans = inputs.reduce((n, b) => n + b.meta.totalSpans, 0);
  try {
    await withOrderedConnection(db, (c) =>
      compactSpans(c, {
        data: files(DATA_FILE),
        attrs: files(ATTRS_FILE),
        attrsOrders: inputs.map((b) => b.attrsOrder),
        parts: Math.ceil(spans / partSpans),
        tmp,
      }),
    );
    await db.run(
      compactDictionarySql(files(RESOURCES_FILE), 'resource_id', path.join(tmp, RESOURCES_FILE)),
    );
    await db.run(compactDictionarySql(files(SCOPES_FILE), 'scope_id', path.join(tmp, SCOPES_FILE)));
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const level = Math.max(...inputs.map((b) => b.meta.compactionLevel)) + 1;
  const sources = inputs.flatMap((b) => b.meta.sources);
  const compactedFrom = inputs.map((b) => b.id);
  const ingestedUnixMs = Math.max(
    ...inputs.map((b) => b.meta.ingestedUnixMs ?? (Date.parse(b.meta.createdAt) || 0)),
  );
  return finishBlock(db, target, id, tmp, {
    level,
    sources,
    compactedFrom,
    ingestedUnixMs,
    attrsOrder: 'key',
  });
}

interface CompactionJob {
  /** The inputs' data and attribute files and attribute orders, in the same order. */
  data: string[];
  attrs: string[];
  attrsOrders: AttrsOrder[];
  parts: number;
  tmp: string;
}

/**
 * Sorts each trace-id range into part files (one range when `parts` is 1), then concatenates the
 * parts in order into the block's data and attribute files.
 */
async function compactSpans(c: DuckDBConnection, job: CompactionJob): Promise<void> {
  const dups = `dups_${++tableSeq}`;
  await c.run(findDuplicatesSql(dups, job.data));
  try {
    const final = { data: path.join(job.tmp, DATA_FILE), attrs: path.join(job.tmp, ATTRS_FILE) };
    const ranges = job.parts > 1 ? await traceIdRanges(c, job) : [{}];
    const parts: Array<{ data: string; attrs: string }> = [];
    let rows = 0;
    for (const [i, range] of ranges.entries()) {
      const out =
        ranges.length === 1
          ? final
          : {
              data: path.join(job.tmp, `part-${i}.data`),
              attrs: path.join(job.tmp, `part-${i}.attrs`),
            };
      const inputs = await inputRows(c, job, range);
      if (inputs.length === 0) continue;
      const table = `part_${++tableSeq}`;
      await c.run(sortSpansFromBlocksSql(table, inputs, dups, range));
      try {
        await c.run(writeMovedSpansSql(table, out.data));
        const order = ranges.length === 1 ? 'key' : 'span';
        await c.run(writeMovedAttrsSql(table, inputs, out.attrs, rows, order));
        rows += await countRows(c, table);
      } finally {
        await c.run(`DROP TABLE IF EXISTS ${table}`);
      }
      parts.push(out);
    }
    if (parts.length > 1) {
      await c.run(
        concatenateSql(
          parts.map((p) => p.data),
          final.data,
          'data',
        ),
      );
      await c.run(
        concatenateSql(
          parts.map((p) => p.attrs),
          final.attrs,
          'attrs',
        ),
      );
      await Promise.all(parts.flatMap((p) => [rm(p.data), rm(p.attrs)]));
    }
  } finally {
    await c.run(`DROP TABLE IF EXISTS ${dups}`);
  }
}

/** Trace-id ranges that cut the inputs' spans into `job.parts` parts of about equal size. */
async function traceIdRanges(c: DuckDBConnection, job: CompactionJob): Promise<TraceIdRange[]> {
  const reader = await c.runAndReadAll(traceIdCutsSql(job.data, job.parts));
  const cuts = [...new Set(reader.getRowObjectsJson().map((r) => r.cut as string))];
  return Array.from({ length: cuts.length + 1 }, (_, i) => ({ from: cuts[i - 1], to: cuts[i] }));
}

/** The inputs holding spans of `range`, with the rows that hold them. */
async function inputRows(
  c: DuckDBConnection,
  job: CompactionJob,
  range: TraceIdRange,
): Promise<CompactionInput[]> {
  const reader = await c.runAndReadAll(inputRowRangesSql(job.data, range));
  return reader.getRowObjectsJson().map((r) => {
    const data = r.file as string;
    const i = job.data.indexOf(data);
    const attrs = job.attrs[i] as string;
    const attrsOrder = job.attrsOrders[i] as AttrsOrder;
    return { data, attrs, attrsOrder, lo: Number(r.lo), hi: Number(r.hi) };
  });
}

async function startBlock(target: BuildTarget): Promise<{ id: string; tmp: string }> {
  const id = randomUUID();
  const tmp = path.join(target.tenantDir, `.tmp-${id}`);
  await mkdir(tmp, { recursive: true });
  return { id, tmp };
}

async function finishBlock(
  db: DuckDb,
  target: BuildTarget,
  id: string,
  tmp: string,
  how: BlockOrigin,
): Promise<Block> {
  try {
    const tracesFile = path.join(tmp, TRACES_FILE);
    await db.run(writeTraceSummarySql(path.join(tmp, DATA_FILE), tracesFile));
    const [stats] = await db.all(blockStatsSql(tracesFile));
    const ids = await db.all(distinctTraceIdsSql(tracesFile));
    const bloom = Bloom.forCount(ids.length);
    for (const row of ids) bloom.add(row.trace_id as string);
    await writeFile(path.join(tmp, BLOOM_FILE), bloom.toBytes());
    const meta = makeMeta(target, id, stats ?? {}, how);
    meta.size = await directorySize(tmp);
    await writeFile(path.join(tmp, META_FILE), JSON.stringify(meta, null, 2) + '\n');
    await syncDirectory(tmp, true);
    const dir = path.join(target.tenantDir, id);
    await rename(tmp, dir);
    await syncDirectory(target.tenantDir, false);
    return new Block(dir, meta, bloom);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function nsToMs(v: unknown): number {
  return nanoTextToMillis(text(v));
}

function makeMeta(
  target: BuildTarget,
  id: string,
  stats: Record<string, unknown>,
  how: BlockOrigin,
): BlockMeta {
  const startUnixMs = nsToMs(stats.min_start);
  const endUnixMs = nsToMs(stats.max_end);
  return {
    format: FORMAT,
    blockID: id,
    tenantID: target.tenant,
    startTime: new Date(startUnixMs).toISOString(),
    endTime: new Date(endUnixMs).toISOString(),
    startUnixMs,
    endUnixMs,
    totalObjects: Number(stats.traces ?? 0),
    totalSpans: Number(stats.spans ?? 0),
    size: 0,
    compactionLevel: how.level,
    minTraceID: text(stats.min_trace),
    maxTraceID: text(stats.max_trace),
    sources: how.sources,
    createdAt: new Date(target.now()).toISOString(),
    ingestedUnixMs: how.ingestedUnixMs ?? target.now(),
    ...(how.attrsOrder === 'key' ? { attrsOrder: 'key' as const } : {}),
    ...(how.compactedFrom ? { compactedFrom: how.compactedFrom } : {}),
  };
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(path.join(dir, name))).size;
  return total;
}

/** fsyncs a directory (and, with `files`, every file in it) so that a rename after it is durable. */
export async function syncDirectory(dir: string, files: boolean): Promise<void> {
  if (files) {
    for (const name of await readdir(dir)) {
      const fh = await open(path.join(dir, name), 'r');
      await fh.sync().finally(() => fh.close());
    }
  }
  const fh = await open(dir, 'r');
  await fh.sync().finally(() => fh.close());
}
