/**
 * Plain-text answers of the Jaeger and Zipkin HTTP receivers (their clients read only the status):
 * errors carry the message, with `Retry-After` when retrying helps.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mapError } from '../api/errors.js';

export function replyText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text === '' ? '' : text + '\n');
}

/** Answers an error thrown while taking a request; unexpected ones are logged. */
export function replyTextError(
  res: ServerResponse,
  err: unknown,
  log: (msg: string, err?: unknown) => void,
  what: string,
): void {
  const m = mapError(err);
  if (m.unexpected) log(`${what} request failed`, err);
  if (m.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(m.retryAfterSeconds));
  replyText(res, m.httpStatus, m.message);
}

/** Answers 404 or 405 unless the request is a POST to one of `paths`; returns the path if so. */
export function routePost(
  req: IncomingMessage,
  res: ServerResponse,
  paths: readonly string[],
  what: string,
): string | undefined {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!paths.includes(path)) {
    replyText(res, 404, `404 page not found: ${what} accepts POST ${paths.join(', ')}`);
    return undefined;
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    replyText(res, 405, `method ${req.method} not allowed: use POST`);
    return undefined;
  }
  return path;
}

/** The first value of a request header. */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
