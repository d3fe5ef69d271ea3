import path from 'node:path';
import { Storage, type StorageOptions } from '../../src/app/storage.js';

/** Storage under `dir` with test-friendly policies (nothing happens on timers unless asked). */
export function openTestStorage(dir: string, over: Partial<StorageOptions> = {}): Promise<Storage> {
  return Storage.open({
    walPath: path.join(dir, 'wal'),
    blocksPath: path.join(dir, 'blocks'),
    sync: 'always',
    syncIntervalMs: 100,
    flush: {
      maxBlockBytes: 100 << 20,
      maxBlockDurationMs: 3600_000,
      traceIdlePeriodMs: 3600_000,
      checkPeriodMs: 1000,
    },
    compactor: {
      windowMs: 3600_000,
      maxBlockBytes: 1 << 30,
      cycleMs: 3600_000,
      blockRetentionMs: 1000 * 3600_000,
      compactedBlockRetentionMs: 3600_000,
      maxTotalBytes: 0,
    },
    ...over,
  });
}
