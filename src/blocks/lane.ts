/**
 * One lane for heavy background work (block builds, compaction jobs): they run one at a time, so
 * that their memory adds up to one job's. Builds go first: they keep the WAL from growing.
 */
export class BackgroundLane {
  #busy = false;
  readonly #urgent: Array<() => void> = [];
  readonly #normal: Array<() => void> = [];

  /** Runs `job` when the lane is free; `urgent` jobs overtake waiting normal ones. */
  async run<T>(job: () => Promise<T>, urgent = false): Promise<T> {
    if (this.#busy) {
      await new Promise<void>((resolve) => (urgent ? this.#urgent : this.#normal).push(resolve));
    }
    this.#busy = true;
    try {
      return await job();
    } finally {
      const next = this.#urgent.shift() ?? this.#normal.shift();
      if (next) next();
      else this.#busy = false;
    }
  }
}
