/**
 * One WAL segment file and its in-memory index (the head): which records hold which trace ids,
 * and the resources and scopes declared in it. Records are the byte ranges written for one request.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { StoredResource, StoredScope, StoredSpan } from './line-format.js';

/** A new, unique, time-sortable segment id. */
export function newSegmentId(nowMs: number): string {
  return `${String(nowMs).padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
}

export const SEGMENT_SUFFIX = '.ndjson';

/** fsyncs a directory, so that the files just created in it survive a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class Segment {
  readonly id: string;
  readonly tenant: string;
  readonly path: string;
  readonly createdAtMs: number;
  /**
   * When the segment became the head (the spare is opened one cut ahead, so this is later than
   * `createdAtMs`): max_block_duration counts from here.
   */
  activeSinceMs: number;
  /** Bytes durably written (everything below is readable). */
  size = 0;
  spanCount = 0;
  lastAppendMs: number;
  /** Unix ms of the earliest span start and latest span end seen (0 when empty). */
  minStartMs = 0;
  maxEndMs = 0;
  sealed = false;
  readonly resources = new Map<string, StoredResource>();
  readonly scopes = new Map<string, StoredScope>();
  readonly #traceRecords = new Map<string, number[]>();
  readonly #recOffset: number[] = [];
  readonly #recLength: number[] = [];
  #fh: FileHandle;
  /** Reads under way, and the close that waits for them. */
  #readers = 0;
  #noReaders: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  private constructor(tenant: string, id: string, file: string, fh: FileHandle, nowMs: number) {
    this.tenant = tenant;
    this.id = id;
    this.path = file;
    this.#fh = fh;
    this.createdAtMs = nowMs;
    this.activeSinceMs = nowMs;
    this.lastAppendMs = nowMs;
  }

  /** Opens (creating if needed) the segment `id` in `dir` for appending. */
  static async open(dir: string, tenant: string, id: string, nowMs: number): Promise<Segment> {
    const file = path.join(dir, id + SEGMENT_SUFFIX);
    const fh = await open(file, 'a+');
    const seg = new Segment(tenant, id, file, fh, nowMs);
    seg.size = (await fh.stat()).size;
    // A new file's name must be durable before its first acknowledged record is.
    if (seg.size === 0) await syncDirectory(dir);
    return seg;
  }

  get traceCount(): number {
    return this.#traceRecords.size;
  }

  hasTrace(traceId: string): boolean {
    return this.#traceRecords.has(traceId);
  }

  /** Trace ids in this segment (for tag and search scans of the head). */
  traceIds(): IterableIterator<string> {
    return this.#traceRecords.keys();
  }

  /** Appends buffers at the end of the file; resolves once written (not synced). */
  async write(buffers: Buffer[]): Promise<void> {
    let total = 0;
    for (const b of buffers) total += b.length;
    let written = 0;
    while (written < total) {
      const { bytesWritten } = await this.#fh.writev(
        written === 0 ? buffers : [Buffer.concat(buffers).subarray(written)],
      );
      written += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.#fh.datasync();
  }

  /** Cuts the file back to `size` (after a failed write, so no partial record stays). */
  async truncateTo(size: number): Promise<void> {
    await this.#fh.truncate(size);
  }

  /** Makes a written record visible to readers. */
  addRecord(offset: number, length: number, traceIds: Iterable<string>): void {
    const rec = this.#recOffset.length;
    this.#recOffset.push(offset);
    this.#recLength.push(length);
    for (const id of traceIds) {
      const list = this.#traceRecords.get(id);
      if (list === undefined) this.#traceRecords.set(id, [rec]);
      else if (list[list.length - 1] !== rec) list.push(rec);
    }
    if (offset + length > this.size) this.size = offset + length;
  }

  noteSpanTimes(startMs: number, endMs: number): void {
    if (this.minStartMs === 0 || startMs < this.minStartMs) this.minStartMs = startMs;
    if (endMs > this.maxEndMs) this.maxEndMs = endMs;
  }

  /**
   * The stored span lines of one trace, in write order. Empty once the segment is closed: it is
   * closed only after its spans are in a block, or at shutdown. A read under way finishes first.
   */
  async readTrace(traceId: string): Promise<StoredSpan[]> {
    const recs = this.#traceRecords.get(traceId);
    if (recs === undefined || this.#closing) return [];
    this.#readers++;
    try {
      return await this.#readRecords(traceId, recs);
    } finally {
      if (--this.#readers === 0) this.#noReaders?.();
    }
  }

  async #readRecords(traceId: string, recs: readonly number[]): Promise<StoredSpan[]> {
    const out: StoredSpan[] = [];
    const needle = `{"t":"${traceId}"`;
    for (const rec of recs) {
      const len = this.#recLength[rec] as number;
      const buf = Buffer.allocUnsafe(len);
      await this.#fh.read(buf, 0, len, this.#recOffset[rec] as number);
      const text = buf.toString('utf8');
      // A span line starts with its trace id; the same text inside a line (a link) is skipped.
      const lineStart = '\n' + needle;
      let at = text.startsWith(needle) ? 0 : text.indexOf(lineStart);
      while (at !== -1) {
        const from = text.charCodeAt(at) === 10 ? at + 1 : at;
        const end = text.indexOf('\n', from);
        if (end === -1) break;
        out.push(JSON.parse(text.slice(from, end)) as StoredSpan);
        at = text.indexOf(lineStart, end);
      }
    }
    return out;
  }

  /**
   * Every stored span line written so far (searches of the head). Empty once the segment is
   * closed (its spans are then in a block); a read under way finishes first.
   */
  async readAllSpans(): Promise<StoredSpan[]> {
    if (this.#closing || this.size === 0) return [];
    this.#readers++;
    try {
      const size = this.size;
      const buf = Buffer.allocUnsafe(size);
      let done = 0;
      while (done < size) {
        const { bytesRead } = await this.#fh.read(buf, done, size - done, done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      const out: StoredSpan[] = [];
      const text = buf.toString('utf8', 0, done);
      let from = 0;
      while (from < text.length) {
        let end = text.indexOf('\n', from);
        if (end === -1) end = text.length;
        // Span lines start with their trace id; resource and scope lines with `rid` and `sid`.
        if (text.startsWith('{"t":', from))
          out.push(JSON.parse(text.slice(from, end)) as StoredSpan);
        from = end + 1;
      }
      return out;
    } finally {
      if (--this.#readers === 0) this.#noReaders?.();
    }
  }

  /** Closes the file once the reads under way are done (calling it again is harmless). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#readers > 0) await new Promise<void>((resolve) => (this.#noReaders = resolve));
      await this.#fh.close();
    })();
    return this.#closing;
  }
}
