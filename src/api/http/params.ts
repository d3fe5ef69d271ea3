/** Parsing of query parameters shared by the Tempo-compatible routes. */
import { InvalidRequestError, normalizeTraceId } from '../../model/index.js';

/** A trace id from the path: up to 32 hex characters, any case, left-padded to 32. */
export function parseTraceIdParam(raw: string): string {
  const id = normalizeTraceId(raw);
  if (id === undefined) {
    throw new InvalidRequestError(
      `invalid trace id "${raw}": expected 1 to 32 hexadecimal characters`,
    );
  }
  return id;
}

function parseSeconds(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) {
    throw new InvalidRequestError(`invalid ${name} "${raw}": expected unix epoch seconds`);
  }
  return Number(raw);
}

/**
 * The optional `start`/`end` range (unix seconds) as milliseconds. Both or neither, as Tempo:
 * one alone is ignored; `end` must be after `start`.
 */
export function parseTimeRange(q: URLSearchParams): { startMs: number; endMs: number } | undefined {
  const start = q.get('start');
  const end = q.get('end');
  if (!start || !end) return undefined;
  const s = parseSeconds('start', start);
  const e = parseSeconds('end', end);
  if (e <= s)
    throw new InvalidRequestError(`invalid time range: end (${e}) must be after start (${s})`);
  return { startMs: s * 1000, endMs: e * 1000 + 999 };
}
