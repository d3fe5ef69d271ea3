/**
 * The server on the UI port: the web UI's files (web/dist, built by `npm ci`), the page for any
 * other path being the UI's own `index.html` (the UI routes in the browser), and `/api/…`
 * forwarded to the API port so that the UI has one origin. Without a built UI, every page is a
 * short status page saying how to build it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import path from 'node:path';
import type { Storage } from './storage.js';

export interface UiServerOptions {
  apiHost: string;
  apiPort: number;
  storage: Storage;
  /** The built UI; by default web/dist of this package. */
  webRoot?: string;
}

const DEFAULT_WEB_ROOT = path.join(import.meta.dirname, '..', '..', 'web', 'dist');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function escape(text: string): string {
  return text.replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function statusPage(opts: UiServerOptions, note = ''): string {
  const rows = opts.storage.store
    .tenants()
    .map((t) => {
      const blocks = opts.storage.store.blocks(t);
      const spans = blocks.reduce((n, b) => n + b.meta.totalSpans, 0);
      return `<tr><td>${escape(t)}</td><td>${blocks.length}</td><td>${spans}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vivace status</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:50rem;color:#1b1f24}
table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.3rem .6rem;text-align:left}</style></head>
<body><h1>Vivace</h1>${note}<p>The Tempo-compatible API is on port ${opts.apiPort}
(<code>/api/traces/&lt;id&gt;</code>, <code>/ready</code>, <code>/metrics</code>).</p>
<h2>Storage</h2><table><tr><th>tenant</th><th>blocks</th><th>spans in blocks</th></tr>${rows}</table>
<p>WAL: ${opts.storage.walSegments()} segments, ${opts.storage.walBytes()} bytes.</p></body></html>`;
}

/** Forwards a request to the API port, answer streamed back as it comes. */
function forward(opts: UiServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const upstream = request(
    {
      host: opts.apiHost,
      port: opts.apiPort,
      path: req.url,
      method: req.method,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`the API on port ${opts.apiPort} did not answer: ${err.message}`);
  });
  req.pipe(upstream);
}

/** A file of the built UI, or undefined when the path names none. */
async function uiFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = path.join(root, path.normalize(decoded).replace(/^(\.\.[/\\])+/, ''));
  if (!file.startsWith(root + path.sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? file : undefined;
}

async function serveUi(
  opts: UiServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const root = opts.webRoot ?? DEFAULT_WEB_ROOT;
  const urlPath = new URL(req.url ?? '/', 'http://ui').pathname;
  const file = (await uiFile(root, urlPath)) ?? (await uiFile(root, '/index.html'));
  if (file === undefined) {
    // Installed without building the UI (dev dependencies omitted): say how to get it.
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      statusPage(
        opts,
        '<p><strong>The web UI is not built</strong>: run <code>npm run build:web</code>.</p>',
      ),
    );
    return;
  }
  // Vite names assets by content hash: they never change. index.html must be fetched afresh.
  const immutable = urlPath.startsWith('/assets/');
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

export function createUiServer(opts: UiServerOptions): Server {
  return createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      forward(opts, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    serveUi(opts, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
}
