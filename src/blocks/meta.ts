/** A block's `meta.json` (docs/formats/block-v1.md). Field names follow Tempo's where they exist. */

export interface BlockMeta {
  format: string;
  blockID: string;
  tenantID: string;
  /** RFC 3339 times of the earliest span start and the latest span end. */
  startTime: string;
  endTime: string;
  startUnixMs: number;
  endUnixMs: number;
  /** Traces (Tempo's name) and spans in the block. */
  totalObjects: number;
  totalSpans: number;
  /** Bytes of all the block's files. */
  size: number;
  compactionLevel: number;
  minTraceID: string;
  maxTraceID: string;
  /** WAL segments (`tenant/segmentId`) this block was built from, directly or through compaction. */
  sources: string[];
  createdAt: string;
  /**
   * Unix ms when the newest of its spans reached Vivace (the build time of the level-0 blocks it
   * came from). Retention counts from the later of this and `endUnixMs`, as Tempo bounds block
   * times by ingestion: spans sent with old timestamps are not deleted the moment they arrive.
   */
  ingestedUnixMs?: number;
  /** How `attrs.parquet` rows are ordered (`AttrsOrder`); absent means `span`. */
  attrsOrder?: 'span' | 'key';
  /** Ids of the blocks this one replaced (set by compaction). */
  compactedFrom?: string[];
  /** Set when the block was compacted away (meta.compacted.json). */
  compactedTime?: string;
}

/** Parses and checks a meta.json text; throws with the reason when it is not one. */
export function parseBlockMeta(text: string): BlockMeta {
  const m = JSON.parse(text) as Partial<BlockMeta>;
  const need = ['format', 'blockID', 'tenantID', 'startUnixMs', 'endUnixMs', 'totalSpans'] as const;
  for (const key of need) {
    if (m[key] === undefined) throw new Error(`meta.json has no ${key}`);
  }
  return { sources: [], compactionLevel: 0, ...m } as BlockMeta;
}
