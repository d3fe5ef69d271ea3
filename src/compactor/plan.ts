/**
 * Which blocks to compact and which to delete: pure functions of block metadata and the clock value
 * passed in. The selection follows Tempo's time-window selector (reference/tempo.md §6.4).
 */
import type { BlockMeta } from '../blocks/index.js';

export interface CompactionPolicy {
  /** Blocks whose end falls in the same window of this length may be merged. */
  windowMs: number;
  /** Upper bound on the summed size of one job's inputs. */
  maxBlockBytes: number;
  /**
   * Upper bound on the summed spans of one job's inputs (0 = none): the job's sort must fit the
   * background DuckDB's memory.
   */
  maxSpans?: number;
  minInputs: number;
  maxInputs: number;
  /** Within this age blocks are grouped by level and window; beyond it by window only. */
  activeWindowMs: number;
}

export const DEFAULT_INPUTS = { minInputs: 2, maxInputs: 4, activeWindowMs: 24 * 3600_000 };

/** The ids of the blocks one compaction job should merge, or [] when nothing is worth merging. */
export function planCompaction(
  metas: readonly BlockMeta[],
  nowMs: number,
  policy: CompactionPolicy,
): string[] {
  const groups = new Map<string, BlockMeta[]>();
  for (const m of metas) {
    const window = Math.floor(m.endUnixMs / policy.windowMs);
    const active = nowMs - m.endUnixMs < policy.activeWindowMs;
    const key = active ? `a:${m.compactionLevel}:${window}` : `o:${window}`;
    const list = groups.get(key) ?? [];
    list.push(m);
    groups.set(key, list);
  }
  const ranked = [...groups.entries()]
    .map(([key, list]) => ({ key, list, rank: rankOf(key, list) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || b.rank[1] - a.rank[1]);
  for (const g of ranked) {
    const job = pickInputs(g.list, policy);
    if (job.length >= policy.minInputs) return job;
  }
  return [];
}

/** [level, window]: lowest level first, then newest window. Old-window groups rank after all levels. */
function rankOf(key: string, list: readonly BlockMeta[]): [number, number] {
  const parts = key.split(':');
  const window = Number(parts[parts.length - 1]);
  if (parts[0] === 'o') return [Number.MAX_SAFE_INTEGER, window];
  return [Math.min(...list.map((m) => m.compactionLevel)), window];
}

function pickInputs(list: readonly BlockMeta[], policy: CompactionPolicy): string[] {
  const bySize = [...list].sort((a, b) => a.totalObjects - b.totalObjects || a.size - b.size);
  const picked: string[] = [];
  let bytes = 0;
  let spans = 0;
  const maxSpans = policy.maxSpans ?? 0;
  for (const m of bySize) {
    if (picked.length >= policy.maxInputs) break;
    if (picked.length > 0 && bytes + m.size > policy.maxBlockBytes) break;
    if (picked.length > 0 && maxSpans > 0 && spans + m.totalSpans > maxSpans) break;
    picked.push(m.blockID);
    bytes += m.size;
    spans += m.totalSpans;
  }
  return picked;
}

export interface RetentionPolicy {
  blockRetentionMs: number;
  compactedBlockRetentionMs: number;
  /** 0 means no limit on total size. */
  maxTotalBytes: number;
}

export interface RetentionInput {
  live: readonly BlockMeta[];
  compacted: ReadonlyArray<{ meta: BlockMeta; compactedAtMs: number }>;
}

export interface RetentionPlan {
  /** Live blocks past block_retention. */
  expired: string[];
  /** Compacted blocks past compacted_block_retention. */
  purged: string[];
  /** Blocks deleted, oldest first, to get under max_total_bytes (compacted ones first). */
  evicted: string[];
}

export function planRetention(
  input: RetentionInput,
  nowMs: number,
  policy: RetentionPolicy,
): RetentionPlan {
  const cutoff = nowMs - policy.blockRetentionMs;
  const expired = input.live
    .filter((m) => Math.max(m.endUnixMs, m.ingestedUnixMs ?? 0) < cutoff)
    .map((m) => m.blockID);
  const purged = input.compacted
    .filter((c) => nowMs - c.compactedAtMs >= policy.compactedBlockRetentionMs)
    .map((c) => c.meta.blockID);
  const gone = new Set([...expired, ...purged]);
  const evicted: string[] = [];
  if (policy.maxTotalBytes > 0) {
    const remaining = [
      ...input.compacted.map((c) => ({ m: c.meta, order: 0 })),
      ...input.live.map((m) => ({ m, order: 1 })),
    ].filter((x) => !gone.has(x.m.blockID));
    let total = remaining.reduce((sum, x) => sum + x.m.size, 0);
    remaining.sort((a, b) => a.order - b.order || a.m.endUnixMs - b.m.endUnixMs);
    for (const x of remaining) {
      if (total <= policy.maxTotalBytes) break;
      evicted.push(x.m.blockID);
      total -= x.m.size;
    }
  }
  return { expired, purged, evicted };
}
