/**
 * The server on the UI port. Until the web UI lands (see README), it serves a small status page
 * so that the port answers and users find the API.
 */
import { createServer, type Server } from 'node:http';
import type { Storage } from './storage.js';

export interface UiServerOptions {
  apiPort: number;
  storage: Storage;
}

function statusPage(opts: UiServerOptions): string {
  const tenants = opts.storage.store.tenants();
  const rows = tenants
    .map((t) => {
      const blocks = opts.storage.store.blocks(t);
      const spans = blocks.reduce((n, b) => n + b.meta.totalSpans, 0);
      return `<tr><td>${t.replace(/[<&>]/g, '')}</td><td>${blocks.length}</td><td>${spans}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vivace</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:50rem;color:#1b1f24}
table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.3rem .6rem;text-align:left}</style></head>
<body><h1>Vivace</h1><p>The Tempo-compatible API is on port ${opts.apiPort}
(<code>/api/traces/&lt;id&gt;</code>, <code>/ready</code>, <code>/metrics</code>).</p>
<h2>Storage</h2><table><tr><th>tenant</th><th>blocks</th><th>spans in blocks</th></tr>${rows}</table>
<p>WAL: ${opts.storage.walSegments()} segments, ${opts.storage.walBytes()} bytes.</p></body></html>`;
}

export function createUiServer(opts: UiServerOptions): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(statusPage(opts));
  });
}
