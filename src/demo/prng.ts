/**
 * A small seeded pseudo-random generator (SFC32) for the demo shop.
 * It is deterministic across platforms: every step is 32-bit integer arithmetic, so one seed gives
 * the same sequence everywhere. Not for anything that needs to be unpredictable.
 */

const TWO_32 = 4294967296;

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Lowercase hex of one byte. */
function hexByte(b: number): string {
  return HEX[b] as string;
}

export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** `seed` is any safe integer (negative seeds are fine); equal seeds give equal sequences. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`invalid seed ${String(seed)}: must be a safe integer`);
    }
    // The seed's two 32-bit halves go into the state as they are, so different seeds start from
    // different states; SFC32's first outputs still show that structure, so some are skipped.
    this.#a = 0x9e3779b9;
    this.#b = seed >>> 0;
    this.#c = Math.floor(seed / TWO_32) | 0;
    this.#d = 1;
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  /** The next unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextU32() / TWO_32;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max], both ends included. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty list, each equally likely. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /**
   * An approximately standard normal value (mean 0, variance 1), bounded to about ±3.5: the sum
   * of four uniforms, rescaled. Cheaper than Box–Muller and smooth enough for latencies.
   */
  normal(): number {
    const sum = this.float() + this.float() + this.float() + this.float();
    return (sum - 2) * 1.7320508075688772;
  }

  /** A log-normal value with the given median and shape (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Eight lowercase hex characters (32 random bits). */
  hex32(): string {
    const v = this.nextU32();
    return (
      hexByte(v >>> 24) + hexByte((v >>> 16) & 255) + hexByte((v >>> 8) & 255) + hexByte(v & 255)
    );
  }
}
