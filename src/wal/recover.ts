/**
 * Recovery of a WAL segment after a restart or crash: read it line by line, cut a torn tail, and
 * rebuild the in-memory index that the head needs.
 */
import { open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StoredResource, StoredScope, StoredSpan } from './line-format.js';
import { SEGMENT_SUFFIX, Segment } from './segment.js';
import { nanoTextToMillis } from '../model/index.js';

const CHUNK = 8 << 20;
/** Recovered lines are grouped into records of about this many bytes for the head index. */
const RECORD_BYTES = 256 << 10;

export interface RecoveryReport {
  segment: Segment;
  spans: number;
  truncatedBytes: number;
}

/** Lists segment ids (sorted oldest first) in a tenant's WAL directory. */
export async function listSegmentIds(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith(SEGMENT_SUFFIX))
    .map((n) => n.slice(0, -SEGMENT_SUFFIX.length))
    .sort();
}

class RecordBuilder {
  start = 0;
  length = 0;
  traceIds = new Set<string>();
  constructor(readonly seg: Segment) {}
  add(offset: number, bytes: number, traceId: string | undefined): void {
    if (this.length === 0) this.start = offset;
    this.length += bytes;
    if (traceId !== undefined) this.traceIds.add(traceId);
    if (this.length >= RECORD_BYTES) this.flush();
  }
  flush(): void {
    if (this.length === 0) return;
    this.seg.addRecord(this.start, this.length, this.traceIds);
    this.length = 0;
    this.traceIds = new Set();
  }
}

function indexLine(seg: Segment, line: string, rec: RecordBuilder, offset: number, bytes: number) {
  const obj = JSON.parse(line) as Record<string, unknown>;
  if (typeof obj.t === 'string') {
    const s = obj as unknown as StoredSpan;
    seg.spanCount++;
    seg.noteSpanTimes(nanoTextToMillis(s.st), nanoTextToMillis(s.en));
    rec.add(offset, bytes, s.t);
  } else if (typeof obj.rid === 'string') {
    seg.resources.set(obj.rid, obj as unknown as StoredResource);
    rec.add(offset, bytes, undefined);
  } else if (typeof obj.sid === 'string') {
    seg.scopes.set(obj.sid, obj as unknown as StoredScope);
    rec.add(offset, bytes, undefined);
  } else {
    throw new Error('unknown line kind');
  }
}

/**
 * Reads a segment, truncating it after its last complete, valid line. The returned segment is
 * sealed and indexed. A segment with no span is deleted and undefined is returned.
 */
export async function recoverSegment(
  dir: string,
  tenant: string,
  id: string,
  nowMs: number,
): Promise<RecoveryReport | undefined> {
  const file = path.join(dir, id + SEGMENT_SUFFIX);
  const { size } = await stat(file);
  const valid = await scanValidPrefix(file, size);
  const seg = await Segment.open(dir, tenant, id, nowMs);
  if (valid < size) await seg.truncateTo(valid);
  seg.size = 0;
  const rec = new RecordBuilder(seg);
  await forEachLine(file, valid, (line, offset, bytes) => indexLine(seg, line, rec, offset, bytes));
  rec.flush();
  seg.size = valid;
  seg.sealed = true;
  if (seg.spanCount === 0) {
    await seg.close();
    await rm(file, { force: true });
    return undefined;
  }
  return { segment: seg, spans: seg.spanCount, truncatedBytes: size - valid };
}

/** True for a span, resource or scope line (told apart by their first key). */
function isWalLine(obj: unknown): boolean {
  if (typeof obj !== 'object' || obj === null) return false;
  const o = obj as Record<string, unknown>;
  return typeof o.t === 'string' || typeof o.rid === 'string' || typeof o.sid === 'string';
}

/** Byte length of the prefix made of complete lines that parse as WAL lines. */
async function scanValidPrefix(file: string, size: number): Promise<number> {
  let valid = 0;
  try {
    await forEachLine(file, size, (line, offset, bytes) => {
      if (!isWalLine(JSON.parse(line))) throw new Error('not a WAL line');
      valid = offset + bytes;
    });
  } catch {
    // The first bad line ends the valid prefix.
  }
  return valid;
}

/** Calls `fn` for each complete line (without its newline) below `limit`, with its byte offset and size. */
async function forEachLine(
  file: string,
  limit: number,
  fn: (line: string, offset: number, bytes: number) => void,
): Promise<void> {
  const fh = await open(file, 'r');
  try {
    let carry = Buffer.alloc(0);
    let base = 0;
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = 0; pos < limit;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, limit - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const data = carry.length
        ? Buffer.concat([carry, buf.subarray(0, bytesRead)])
        : buf.subarray(0, bytesRead);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        fn(data.toString('utf8', start, nl), base + start, nl + 1 - start);
        start = nl + 1;
      }
      base += start;
      carry = Buffer.from(data.subarray(start));
    }
  } finally {
    await fh.close();
  }
}
