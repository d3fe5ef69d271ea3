/**
 * Worker threads that decode OTLP requests and encode WAL lines, so that the event loop only moves
 * bytes. With `size` 0 the jobs run inline (tests, tiny machines).
 */
import { Worker } from 'node:worker_threads';
import { InvalidRequestError, StorageError, VivaceError } from '../model/index.js';
import { runEncodeJob, type EncodeJob, type EncodeOk, type EncodeResult } from './encode-job.js';

interface Pending {
  resolve: (r: EncodeResult) => void;
  reject: (e: Error) => void;
}

export class EncodePool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #load: number[] = [];
  #nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.#spawn(i);
  }

  #spawn(slot: number): void {
    const w = new Worker(new URL('./encode-worker-entry.mjs', import.meta.url), {
      // A job holds one request (≤ 16 MiB decoded); a small heap keeps the process lean.
      resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 128 },
    });
    w.unref();
    w.on('message', (msg: { id: number; result: EncodeResult }) => {
      this.#load[slot]!--;
      const p = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      p?.resolve(msg.result);
    });
    w.on('error', (err) => {
      for (const p of this.#pending.values())
        p.reject(new StorageError('an encode worker failed', err));
      this.#pending.clear();
    });
    this.#workers[slot] = w;
    this.#load[slot] = 0;
  }

  /** Decodes and encodes a request; throws the decoder's InvalidRequestError on bad input. */
  async encode(job: EncodeJob): Promise<EncodeOk> {
    const result = this.#workers.length === 0 ? runEncodeJob(job) : await this.#post(job);
    if (result.ok) return result;
    if (result.code === 'invalid_request') throw new InvalidRequestError(result.message);
    throw new VivaceError('storage', result.message);
  }

  #post(job: EncodeJob): Promise<EncodeResult> {
    let slot = 0;
    for (let i = 1; i < this.#workers.length; i++) if (this.#load[i]! < this.#load[slot]!) slot = i;
    const id = this.#nextId++;
    this.#load[slot]!++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      (this.#workers[slot] as Worker).postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers.length = 0;
  }
}
