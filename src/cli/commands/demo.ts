/**
 * `vivace demo`: sends the shop's traces to a running Vivace over OTLP/HTTP (protobuf), first a
 * backlog covering the last few minutes, then live at the chosen rate.
 */
import { encodeTraceProto } from '../../api/encode/index.js';
import { ShopTraceGenerator } from '../../demo/index.js';

export interface DemoOptions {
  target: string;
  traces?: number;
  ratePerSecond?: number;
  durationMs?: number;
  tenant?: string;
}

async function send(url: string, body: Uint8Array, tenant: string | undefined): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-protobuf' };
  if (tenant) headers['X-Scope-OrgID'] = tenant;
  const res = await fetch(url, { method: 'POST', headers, body });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
}

export async function demo(opts: DemoOptions, out: (line: string) => void): Promise<number> {
  const rate = opts.ratePerSecond ?? 20;
  const backlogMs = 5 * 60_000;
  const gen = new ShopTraceGenerator({
    seed: Date.now() % 2 ** 31,
    startUnixMs: Date.now() - backlogMs,
    tracesPerSecond: rate,
  });
  const url = opts.target.replace(/\/+$/, '') + '/v1/traces';
  const limit = opts.traces ?? Infinity;
  const until = opts.durationMs !== undefined ? Date.now() + opts.durationMs : Infinity;
  let sent = 0;
  out(`sending shop traces to ${url} (${rate} traces/s; Ctrl+C to stop)`);
  while (sent < limit && Date.now() < until) {
    const n = Math.min(200, limit - sent);
    if (gen.nextTraceUnixMs > Date.now()) {
      await new Promise((r) => setTimeout(r, Math.min(1000, gen.nextTraceUnixMs - Date.now())));
      continue;
    }
    let ready = 0;
    while (ready < n && gen.nextTraceUnixMs + ready * (1000 / rate) <= Date.now()) ready++;
    await send(url, encodeTraceProto(gen.nextBatch(Math.max(1, ready))), opts.tenant);
    sent += Math.max(1, ready);
    if (sent % 1000 < Math.max(1, ready)) out(`${sent} traces sent`);
  }
  out(`done: ${sent} traces sent`);
  return 0;
}
