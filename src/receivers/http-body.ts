/**
 * Reading a request body with limits, decompressing gzip/deflate on the way, so that a compressed
 * body cannot expand past the limit either.
 */
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import {
  InvalidRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../model/index.js';

function decompressor(encoding: string): Gunzip | Inflate | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    default:
      throw new UnsupportedMediaTypeError(
        `unsupported Content-Encoding "${encoding}": use gzip, deflate or none`,
      );
  }
}

function tooLarge(max: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`request body is larger than the limit of ${max} bytes`);
}

/** The whole body, decompressed; at most `maxBytes` before and after decompression. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const z = decompressor(encoding);
  const source = z ? req.pipe(z) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  let raw = 0;
  if (z) req.on('data', (c: Buffer) => (raw += c.length));
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes || raw > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (err) {
    req.unpipe();
    req.resume();
    if (err instanceof PayloadTooLargeError) throw err;
    if (z)
      throw new InvalidRequestError(
        `could not decompress the ${encoding} body: ${(err as Error).message}`,
      );
    throw err;
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}
