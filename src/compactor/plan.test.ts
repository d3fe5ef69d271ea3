import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BlockMeta } from '../blocks/index.js';
import {
  planCompaction,
  planRetention,
  type CompactionPolicy,
  type RetentionPolicy,
} from './plan.js';

const HOUR = 3600_000;
const NOW = 1_000 * HOUR;

/** A block `id` of `level`, ending `ageMs` before NOW, with `objects` traces and `size` bytes. */
function meta(id: string, level: number, ageMs: number, objects: number, size: number): BlockMeta {
  const end = NOW - ageMs;
  return {
    format: 'vivace1',
    blockID: id,
    tenantID: 't',
    startTime: '',
    endTime: '',
    startUnixMs: end - 60_000,
    endUnixMs: end,
    totalObjects: objects,
    totalSpans: objects * 10,
    size,
    compactionLevel: level,
    minTraceID: '',
    maxTraceID: '',
    sources: [],
    createdAt: '',
  };
}

const POLICY: CompactionPolicy = {
  windowMs: HOUR,
  maxBlockBytes: 1000,
  minInputs: 2,
  maxInputs: 4,
  activeWindowMs: 24 * HOUR,
};

// NOW is a window boundary: ages up to one hour fall in the newest window.
const M = 60_000;

const compactionCases: Array<{
  name: string;
  blocks: BlockMeta[];
  policy?: Partial<CompactionPolicy>;
  want: string[];
}> = [
  { name: 'no blocks', blocks: [], want: [] },
  { name: 'one block is not a job', blocks: [meta('a', 0, 1 * M, 5, 10)], want: [] },
  {
    name: 'two blocks of one level and window, fewest traces first',
    blocks: [meta('a', 0, 1 * M, 9, 10), meta('b', 0, 2 * M, 3, 10)],
    want: ['b', 'a'],
  },
  {
    name: 'equal trace counts: the smaller block first',
    blocks: [meta('a', 0, 1 * M, 3, 30), meta('b', 0, 2 * M, 3, 20)],
    want: ['b', 'a'],
  },
  {
    name: 'at most 4 inputs, the smallest ones',
    blocks: [
      meta('a', 0, 1 * M, 50, 10),
      meta('b', 0, 2 * M, 10, 10),
      meta('c', 0, 3 * M, 40, 10),
      meta('d', 0, 4 * M, 20, 10),
      meta('e', 0, 5 * M, 30, 10),
    ],
    want: ['b', 'd', 'e', 'c'],
  },
  {
    name: 'blocks alone in their windows are not merged across windows',
    blocks: [meta('a', 0, 10 * M, 1, 10), meta('b', 0, 70 * M, 1, 10)],
    want: [],
  },
  {
    name: 'levels are not mixed within the active window; the lowest level goes first',
    blocks: [
      meta('l1a', 1, 1 * M, 1, 10),
      meta('l1b', 1, 2 * M, 1, 10),
      meta('l0a', 0, 3 * M, 5, 10),
      meta('l0b', 0, 4 * M, 6, 10),
    ],
    want: ['l0a', 'l0b'],
  },
  {
    name: 'a single block of the lowest level does not block the next level',
    blocks: [
      meta('l0', 0, 1 * M, 1, 10),
      meta('l1a', 1, 2 * M, 2, 10),
      meta('l1b', 1, 3 * M, 3, 10),
    ],
    want: ['l1a', 'l1b'],
  },
  {
    name: 'within a level, the newest window first',
    blocks: [
      meta('old1', 0, 130 * M, 1, 10),
      meta('old2', 0, 140 * M, 1, 10),
      meta('new1', 0, 10 * M, 5, 10),
      meta('new2', 0, 20 * M, 5, 10),
    ],
    want: ['new1', 'new2'],
  },
  {
    name: 'inputs stop before max_block_bytes is exceeded',
    blocks: [meta('a', 0, 1 * M, 1, 400), meta('b', 0, 2 * M, 2, 500), meta('c', 0, 3 * M, 3, 200)],
    want: ['a', 'b'],
  },
  {
    name: 'inputs stop before maxSpans is exceeded',
    blocks: [meta('a', 0, 1 * M, 10, 10), meta('b', 0, 2 * M, 12, 10), meta('c', 0, 3 * M, 20, 10)],
    policy: { maxSpans: 250 },
    want: ['a', 'b'],
  },
  {
    name: 'maxSpans 0 means no limit on spans',
    blocks: [meta('a', 0, 1 * M, 10 ** 6, 10), meta('b', 0, 2 * M, 10 ** 6, 10)],
    policy: { maxSpans: 0 },
    want: ['a', 'b'],
  },
  {
    name: 'a group whose two smallest do not fit together yields no job; the next group does',
    blocks: [
      meta('big1', 0, 1 * M, 1, 600),
      meta('big2', 0, 2 * M, 2, 600),
      meta('s1', 0, 70 * M, 1, 100),
      meta('s2', 0, 80 * M, 2, 100),
    ],
    want: ['s1', 's2'],
  },
  {
    name: 'beyond the active window, blocks of one window merge whatever their levels',
    blocks: [meta('a', 0, 30 * HOUR + M, 1, 10), meta('b', 2, 30 * HOUR + 2 * M, 2, 10)],
    want: ['a', 'b'],
  },
  {
    name: 'old-window groups rank after every active group',
    blocks: [
      meta('o1', 0, 30 * HOUR + M, 1, 10),
      meta('o2', 0, 30 * HOUR + 2 * M, 1, 10),
      meta('h1', 5, 1 * M, 9, 10),
      meta('h2', 5, 2 * M, 9, 10),
    ],
    want: ['h1', 'h2'],
  },
  {
    name: 'a block exactly activeWindowMs old is old',
    blocks: [meta('a', 0, 24 * HOUR, 1, 10), meta('b', 3, 24 * HOUR, 2, 10)],
    want: ['a', 'b'],
  },
  {
    name: 'minInputs 3 leaves a pair alone',
    blocks: [meta('a', 0, 1 * M, 1, 10), meta('b', 0, 2 * M, 2, 10)],
    policy: { minInputs: 3 },
    want: [],
  },
];

for (const c of compactionCases) {
  test(`planCompaction: ${c.name}`, () => {
    assert.deepEqual(planCompaction(c.blocks, NOW, { ...POLICY, ...c.policy }), c.want);
  });
}

const RETENTION: RetentionPolicy = {
  blockRetentionMs: 10 * HOUR,
  compactedBlockRetentionMs: HOUR,
  maxTotalBytes: 0,
};

const retentionCases: Array<{
  name: string;
  live: BlockMeta[];
  compacted?: Array<{ meta: BlockMeta; compactedAtMs: number }>;
  policy?: Partial<RetentionPolicy>;
  want: { expired: string[]; purged: string[]; evicted: string[] };
}> = [
  {
    name: 'nothing to delete',
    live: [meta('a', 0, HOUR, 1, 10)],
    want: { expired: [], purged: [], evicted: [] },
  },
  {
    name: 'live blocks that ended before block_retention expire; one ending exactly at it stays',
    live: [
      meta('old', 0, 10 * HOUR + 1, 1, 10),
      meta('edge', 0, 10 * HOUR, 1, 10),
      meta('new', 0, 0, 1, 10),
    ],
    want: { expired: ['old'], purged: [], evicted: [] },
  },
  {
    name: 'retention counts from ingestion when spans arrived with old timestamps',
    live: [
      { ...meta('replayed', 0, 30 * HOUR, 1, 10), ingestedUnixMs: NOW - HOUR },
      { ...meta('stale', 0, 30 * HOUR, 1, 10), ingestedUnixMs: NOW - 11 * HOUR },
    ],
    want: { expired: ['stale'], purged: [], evicted: [] },
  },
  {
    name: 'compacted blocks are purged once compacted_block_retention has passed',
    live: [],
    compacted: [
      { meta: meta('c1', 0, 0, 1, 10), compactedAtMs: NOW - HOUR },
      { meta: meta('c2', 0, 0, 1, 10), compactedAtMs: NOW - HOUR + 1 },
    ],
    want: { expired: [], purged: ['c1'], evicted: [] },
  },
  {
    name: 'max_total_bytes evicts compacted blocks first, then the oldest live ones',
    live: [
      meta('new', 0, 1 * HOUR, 1, 300),
      meta('mid', 0, 2 * HOUR, 1, 300),
      meta('old', 0, 3 * HOUR, 1, 300),
    ],
    compacted: [{ meta: meta('c', 0, 0, 1, 100), compactedAtMs: NOW }],
    policy: { maxTotalBytes: 500 },
    want: { expired: [], purged: [], evicted: ['c', 'old', 'mid'] },
  },
  {
    name: 'eviction stops as soon as the rest fits (exactly at the limit is fine)',
    live: [meta('new', 0, 1 * HOUR, 1, 300), meta('old', 0, 2 * HOUR, 1, 300)],
    policy: { maxTotalBytes: 300 },
    want: { expired: [], purged: [], evicted: ['old'] },
  },
  {
    name: 'expired and purged blocks do not count towards max_total_bytes',
    live: [meta('expired', 0, 20 * HOUR, 1, 1000), meta('keep', 0, HOUR, 1, 400)],
    compacted: [{ meta: meta('gone', 0, 0, 1, 1000), compactedAtMs: NOW - 2 * HOUR }],
    policy: { maxTotalBytes: 500 },
    want: { expired: ['expired'], purged: ['gone'], evicted: [] },
  },
  {
    name: 'max_total_bytes 0 means no limit',
    live: [meta('a', 0, HOUR, 1, 10 ** 12)],
    want: { expired: [], purged: [], evicted: [] },
  },
];

for (const c of retentionCases) {
  test(`planRetention: ${c.name}`, () => {
    const plan = planRetention({ live: c.live, compacted: c.compacted ?? [] }, NOW, {
      ...RETENTION,
      ...c.policy,
    });
    assert.deepEqual(plan, c.want);
  });
}
