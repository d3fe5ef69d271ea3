/**
 * Service-graph pairing within one request, in the encode workers: a client (or producer) half and
 * the server (or consumer) half whose parent it is, both in the request, make a complete edge at
 * once, summed per label set; database calls are complete on their own. What is left waits on the
 * main thread (`ServiceGraphs`), whose rules these follow for the edges they complete.
 */

import type { ServiceGraphsConfig } from '../app/config/types.js';
import { ABSENT, sanitizeLabelName } from './labels.js';
import type { EdgeHalf } from './service-graphs.js';

/** Completed edges summed per series: label values (stride: label count), numbers, exemplars. */
export interface EdgeSums {
  values: string[];
  nums: Float64Array;
  /** The last edge's trace id per series. */
  exemplars: string[];
}

/** Where a series' numbers are (counts follow: server, client, messaging; each buckets + 1). */
export const EDGE = {
  total: 0,
  failed: 1,
  serverSum: 2,
  clientSum: 3,
  serverExemplar: 4,
  clientExemplar: 5,
  messagingSum: 6,
  messagingExemplar: 7,
  messagingCount: 8,
  counts: 9,
} as const;

/** Numbers per series. */
export function edgeStride(cfg: ServiceGraphsConfig): number {
  return EDGE.counts + 3 * (cfg.histogramBuckets.length + 1);
}

/** The dimensions' label names (with `client_`/`server_` prefixes when asked), in order. */
export function edgeDimensionLabels(cfg: ServiceGraphsConfig): string[] {
  return cfg.enableClientServerPrefix
    ? cfg.dimensions.flatMap((d) => [
        sanitizeLabelName(`client_${d}`),
        sanitizeLabelName(`server_${d}`),
      ])
    : cfg.dimensions.map(sanitizeLabelName);
}

/** The label names of every service-graph series, in order. */
export function edgeLabelNames(cfg: ServiceGraphsConfig): string[] {
  return [
    'client',
    'server',
    'connection_type',
    ...edgeDimensionLabels(cfg),
    ...(cfg.enableVirtualNodeLabel ? ['virtual_node'] : []),
  ];
}

function bucketOf(bounds: readonly number[], v: number): number {
  let i = 0;
  while (i < bounds.length && v > (bounds[i] as number)) i++;
  return i;
}

class Sums {
  readonly values: string[] = [];
  readonly nums: number[] = [];
  readonly exemplars: string[] = [];
  readonly #slots = new Map<string, number>();
  constructor(readonly cfg: ServiceGraphsConfig) {}

  add(client: EdgeHalf, server: EdgeHalf | undefined): void {
    const cfg = this.cfg;
    const db = server === undefined;
    const connectionType = db
      ? 'database'
      : server.kind === 5 || client.kind === 4
        ? server.kind === 5
          ? 'messaging_system'
          : ''
        : '';
    const values = [client.service, db ? (client.db as string) : server.service, connectionType];
    cfg.dimensions.forEach((_, i) => {
      const c = client.dims[i];
      const s = server?.dims[i];
      const has = (v: string | undefined): v is string => v !== undefined && v !== ABSENT;
      if (cfg.enableClientServerPrefix) values.push(has(c) ? c : '', has(s) ? s : '');
      else values.push(has(s) ? s : has(c) ? c : '');
    });
    if (cfg.enableVirtualNodeLabel) values.push('');
    const key = values.join('\u0001');
    const stride = edgeStride(cfg);
    let at = this.#slots.get(key);
    if (at === undefined) {
      at = this.nums.length;
      this.#slots.set(key, at);
      this.values.push(...values);
      for (let i = 0; i < stride; i++) this.nums.push(0);
      this.exemplars.push('');
    }
    const n = this.nums;
    const nb = cfg.histogramBuckets.length + 1;
    const serverLatency = db ? client.durationSec : server.durationSec;
    n[at + EDGE.total] = (n[at + EDGE.total] as number) + 1;
    if (client.failed || server?.failed) n[at + EDGE.failed] = (n[at + EDGE.failed] as number) + 1;
    n[at + EDGE.serverSum] = (n[at + EDGE.serverSum] as number) + serverLatency;
    n[at + EDGE.clientSum] = (n[at + EDGE.clientSum] as number) + client.durationSec;
    n[at + EDGE.serverExemplar] = serverLatency;
    n[at + EDGE.clientExemplar] = client.durationSec;
    const sb = at + EDGE.counts + bucketOf(cfg.histogramBuckets, serverLatency);
    n[sb] = (n[sb] as number) + 1;
    const cb = at + EDGE.counts + nb + bucketOf(cfg.histogramBuckets, client.durationSec);
    n[cb] = (n[cb] as number) + 1;
    if (
      cfg.enableMessagingSystemLatencyHistogram &&
      connectionType === 'messaging_system' &&
      server
    ) {
      const latency = (server.startMs - client.endMs) / 1000;
      if (latency > 0) {
        n[at + EDGE.messagingSum] = (n[at + EDGE.messagingSum] as number) + latency;
        n[at + EDGE.messagingCount] = (n[at + EDGE.messagingCount] as number) + 1;
        n[at + EDGE.messagingExemplar] = latency;
        const mb = at + EDGE.counts + 2 * nb + bucketOf(cfg.histogramBuckets, latency);
        n[mb] = (n[mb] as number) + 1;
      }
    }
    this.exemplars[at / stride] = client.traceId;
  }
}

/**
 * Pairs the halves of one request: returns the completed edges' sums, how many edges were made,
 * and the halves left waiting (in their order).
 */
export function pairHalves(
  halves: readonly EdgeHalf[],
  cfg: ServiceGraphsConfig,
): { sums: EdgeSums; edges: number; pending: EdgeHalf[] } {
  const sums = new Sums(cfg);
  let edges = 0;
  const clients = new Map<string, number>();
  const used = new Uint8Array(halves.length);
  halves.forEach((h, i) => {
    if (h.kind !== 3 && h.kind !== 4) return;
    if (h.db !== undefined) {
      used[i] = 1;
      edges++;
      if (h.db !== '') sums.add(h, undefined);
      return;
    }
    const key = h.traceId + h.spanId;
    if (!clients.has(key)) clients.set(key, i);
  });
  halves.forEach((h, i) => {
    if (h.kind !== 2 && h.kind !== 5) return;
    const c = clients.get(h.traceId + h.parentSpanId);
    if (c === undefined || used[c]) return;
    used[c] = 1;
    used[i] = 1;
    edges++;
    sums.add(halves[c] as EdgeHalf, h);
  });
  return {
    sums: { values: sums.values, nums: Float64Array.from(sums.nums), exemplars: sums.exemplars },
    edges,
    pending: halves.filter((_, i) => !used[i]),
  };
}
