import { after, before } from 'node:test';
import path from 'node:path';
import { Storage, type StorageOptions } from '../../src/app/storage.js';
import { tempDir } from './tmp.js';

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

/**
 * A storage for the tests of one suite (call it inside `describe`): opened in a new temporary
 * directory and filled by `load` before them, closed and removed after them. Returns its getter.
 */
export function suiteStorage(load: (storage: Storage) => Promise<void>): () => Storage {
  let storage: Storage | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  before(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    storage = await openTestStorage(tmp.dir);
    await load(storage);
  });
  after(async () => {
    await storage?.close();
    await cleanup?.();
  });
  return () => {
    if (storage === undefined) throw new Error('the suite storage is opened before the tests');
    return storage;
  };
}
