/**
 * Every key a config file may hold: Tempo's keys (tempo-keys.ts), the receivers' keys
 * (receiver-keys.ts) and Vivace's own keys, plus which of them Vivace reads and the warnings that
 * replace the default one for some keys.
 */

import { FIELDS } from './fields.js';
import { mergeKeyTrees, replaceKeyNode } from './key-tree.js';
import type { KeyNode, KeySection } from './key-tree.js';
import { RECEIVER_KEYS } from './receiver-keys.js';
import { RECEIVER_FIELD_PATHS } from './receivers.js';
import { TEMPO_KEYS } from './tempo-keys.js';

/** Dotted paths of the scalar keys Vivace reads. */
export const IMPLEMENTED_KEYS: ReadonlySet<string> = new Set([
  ...FIELDS.map((f) => f.path),
  ...RECEIVER_FIELD_PATHS,
]);

/** Sections on the way to a key Vivace reads: a value there that is not a mapping is an error. */
export const IMPLEMENTED_SECTIONS: ReadonlySet<string> = new Set(
  [...IMPLEMENTED_KEYS].flatMap((path) => {
    const parts = path.split('.');
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'));
  }),
);

function treeOf(paths: Iterable<string>): KeySection {
  let tree: KeySection = {};
  for (const path of paths)
    tree = mergeKeyTrees(tree, replaceKeyNode({}, path, 'leaf' satisfies KeyNode));
  return tree;
}

/** The full catalogue; Vivace's own keys (`ui.*`, `storage.trace.wal.sync`, …) come from its field table. */
export const CONFIG_KEYS: KeySection = mergeKeyTrees(
  replaceKeyNode(TEMPO_KEYS, 'distributor.receivers', RECEIVER_KEYS),
  treeOf(IMPLEMENTED_KEYS),
);

const UNUSED_RECEIVER = 'is a receiver Vivace does not have; ignored';

/**
 * Warnings that replace `<path>: accepted but not used by Vivace`. A note on a section is given once
 * and silences the warnings for the keys inside it (which are still checked).
 */
export const KEY_NOTES: Readonly<Record<string, string>> = {
  target: 'target: accepted; Vivace always runs every component in one process',
  stream_over_http_enabled:
    'stream_over_http_enabled: accepted but not used; gRPC streaming (tempopb.StreamingQuerier) is not available yet, provision Grafana with streaming off',
  'metrics_generator.storage.path':
    'metrics_generator.storage.path: accepted but not used; Vivace keeps generated series in memory and remote-writes them (no generator WAL)',
  'metrics_generator.traces_storage':
    'metrics_generator.traces_storage: accepted but not used; TraceQL metrics read the blocks Vivace already stores',
  'metrics_generator.processor.local_blocks':
    'metrics_generator.processor.local_blocks: accepted but not used; TraceQL metrics read the blocks Vivace already stores',
  'distributor.receivers.kafka': `distributor.receivers.kafka ${UNUSED_RECEIVER}`,
  'distributor.receivers.opencensus': `distributor.receivers.opencensus ${UNUSED_RECEIVER}`,
  live_store:
    'live_store: Tempo 3 settings are not used; Vivace reads the Tempo 2 keys (ingester.*)',
  backend_worker:
    'backend_worker: Tempo 3 settings are not used; Vivace reads the Tempo 2 keys (compactor.compaction.*)',
};
