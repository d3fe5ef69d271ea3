/**
 * A bloom filter over a block's trace ids, so that a lookup by id opens only blocks that may hold
 * it. Pure. Serialised as: magic "VBF1", k (uint8), m in bits (uint32 LE), then the bit array.
 */

const MAGIC = 'VBF1';
const HEADER = 9;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Two independent 32-bit hashes of a 32-hex trace id (mixed, so sequential ids spread too). */
function hashes(traceId: string): [number, number] {
  const w0 = parseInt(traceId.slice(0, 8), 16);
  const w1 = parseInt(traceId.slice(8, 16), 16);
  const w2 = parseInt(traceId.slice(16, 24), 16);
  const w3 = parseInt(traceId.slice(24, 32), 16);
  const h1 = fmix32(w3 ^ fmix32(w2 ^ fmix32(w1 ^ fmix32(w0))));
  const h2 = fmix32(h1 ^ w0 ^ 0x9e3779b9) | 1;
  return [h1, h2];
}

export class Bloom {
  readonly #bits: Uint8Array;
  readonly #m: number;
  readonly #k: number;

  private constructor(bits: Uint8Array, m: number, k: number) {
    this.#bits = bits;
    this.#m = m;
    this.#k = k;
  }

  /** An empty filter sized for `n` ids at false-positive rate `p`. */
  static forCount(n: number, p = 0.01): Bloom {
    const m = Math.max(64, Math.ceil((-Math.max(n, 1) * Math.log(p)) / (Math.LN2 * Math.LN2)));
    const k = Math.max(1, Math.min(16, Math.round((m / Math.max(n, 1)) * Math.LN2)));
    return new Bloom(new Uint8Array(Math.ceil(m / 8)), m, k);
  }

  static fromBytes(buf: Uint8Array): Bloom {
    if (buf.length < HEADER || Buffer.from(buf.subarray(0, 4)).toString('latin1') !== MAGIC) {
      throw new Error('not a bloom filter file');
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const k = view.getUint8(4);
    const m = view.getUint32(5, true);
    if (buf.length !== HEADER + Math.ceil(m / 8)) throw new Error('bloom filter file is truncated');
    return new Bloom(buf.slice(HEADER), m, k);
  }

  add(traceId: string): void {
    const [h1, h2] = hashes(traceId);
    for (let i = 0; i < this.#k; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const pos = bit % this.#m;
      this.#bits[pos >>> 3]! |= 1 << (pos & 7);
    }
  }

  mayContain(traceId: string): boolean {
    const [h1, h2] = hashes(traceId);
    for (let i = 0; i < this.#k; i++) {
      const pos = ((h1 + Math.imul(i, h2)) >>> 0) % this.#m;
      if ((this.#bits[pos >>> 3]! & (1 << (pos & 7))) === 0) return false;
    }
    return true;
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(HEADER + this.#bits.length);
    out.set(Buffer.from(MAGIC, 'latin1'), 0);
    const view = new DataView(out.buffer);
    view.setUint8(4, this.#k);
    view.setUint32(5, this.#m, true);
    out.set(this.#bits, HEADER);
    return out;
  }
}
