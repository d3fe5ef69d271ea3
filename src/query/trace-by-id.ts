/** Trace by id over the head (WAL segments) and the blocks, newest first. */
import type { BlockStore, DuckDb } from '../blocks/index.js';
import type { SpanBatch } from '../model/index.js';
import type { Wal } from '../wal/index.js';
import { assembleTrace, type TracePart } from './assemble-trace.js';

export interface TraceSources {
  db: DuckDb;
  wal: Wal;
  store: BlockStore;
}

export interface TimeRangeMs {
  startMs: number;
  endMs: number;
}

export interface TraceLookup {
  trace: SpanBatch | undefined;
  /** Bytes of the blocks that had to be opened (Tempo's inspectedBytes, roughly). */
  inspectedBytes: number;
  blocksSearched: number;
}

function overlaps(startMs: number, endMs: number, range: TimeRangeMs | undefined): boolean {
  if (range === undefined || startMs === 0) return true;
  return startMs <= range.endMs && endMs >= range.startMs;
}

/**
 * Finds a trace by its 32-hex id. With a range, only blocks overlapping it are read (as Tempo).
 */
export async function findTraceById(
  src: TraceSources,
  tenant: string,
  traceId: string,
  range?: TimeRangeMs,
): Promise<TraceLookup> {
  const parts: TracePart[] = [];
  for (const seg of await src.wal.liveSegments(tenant)) {
    if (!seg.hasTrace(traceId) || !overlaps(seg.minStartMs, seg.maxEndMs, range)) continue;
    parts.push({
      spans: await seg.readTrace(traceId),
      resources: seg.resources,
      scopes: seg.scopes,
    });
  }
  let inspectedBytes = 0;
  let blocksSearched = 0;
  const lookups = src.store.blocks(tenant).map(async (block) => {
    if (!overlaps(block.meta.startUnixMs, block.meta.endUnixMs, range)) return;
    if (!block.mayContain(traceId) || !block.acquire()) return;
    try {
      blocksSearched++;
      inspectedBytes += block.meta.size;
      const spans = await block.findTrace(src.db, traceId);
      if (spans.length === 0) return;
      const [resources, scopes] = await Promise.all([
        block.resources(src.db),
        block.scopes(src.db),
      ]);
      parts.push({ spans, resources, scopes });
    } finally {
      block.release();
    }
  });
  await Promise.all(lookups);
  return { trace: assembleTrace(parts), inspectedBytes, blocksSearched };
}
