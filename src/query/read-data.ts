/**
 * What a query over a time range reads, held for as long as it runs: a snapshot of the head's
 * segments and the blocks that may hold spans starting in the range.
 */
import type { Block } from '../blocks/index.js';
import type { Segment } from '../wal/index.js';
import type { SearchSources } from './search/search.js';

/** What a query over a range reads: the head's segments, the blocks held, their array keys. */
export interface QueryData {
  segments: readonly Segment[];
  acquired: Block[];
  /** Span attribute keys that hold an array in some block. */
  arrayKeys: Set<string>;
}

/**
 * Runs `fn` on a snapshot of the head's segments (taken first: a segment built into a block
 * meanwhile is then in a block of the snapshot that follows) and the blocks that may hold spans
 * starting in the range, held until it ends.
 */
export async function withData<T>(
  src: SearchSources,
  tenant: string,
  range: { startNs: bigint; endNs: bigint },
  fn: (data: QueryData) => Promise<T>,
): Promise<T> {
  const segments = await src.wal.liveSegments(tenant);
  const acquired = src.store
    .blocks(tenant)
    .filter(
      (b) =>
        BigInt(b.meta.startUnixMs) * 1_000_000n <= range.endNs &&
        BigInt(b.meta.endUnixMs + 1) * 1_000_000n > range.startNs,
    )
    .filter((b) => b.acquire());
  try {
    const arrayKeys = new Set<string>();
    for (const keys of await Promise.all(acquired.map((b) => b.spanArrayKeys(src.db))))
      for (const k of keys) arrayKeys.add(k);
    return await fn({ segments, acquired, arrayKeys });
  } finally {
    for (const b of acquired) b.release();
  }
}

/** Whether a head segment's spans are already in one of the blocks read (block `sources`). */
export function inBlocks(tenant: string, acquired: readonly Block[]): (seg: Segment) => boolean {
  const sources = new Set(acquired.flatMap((b) => b.meta.sources));
  return (seg) => sources.has(`${tenant}/${seg.id}`);
}
