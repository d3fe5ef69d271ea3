/**
 * Tempo's `service-graphs` processor. A client (or producer) span and the server (or consumer)
 * span it called are the two halves of an edge, keyed by (trace id, the client's span id) — the
 * server half by its parent id. When both halves are in, the edge is recorded:
 * `traces_service_graph_request_total`, `…_failed_total` (either half has status error),
 * `…_request_server_seconds` and `…_request_client_seconds` histograms, labelled `client`,
 * `server`, `connection_type` and the configured dimensions.
 *
 * A client span with a database attribute is an edge to the database at once
 * (`connection_type="database"`). An edge still half-open after `wait` expires; it becomes a
 * virtual node (`connection_type="virtual_node"`) when it is a root server span (the client is
 * its peer attribute or `user`) or a client span with a peer attribute (the server is that peer).
 * At most `max_items` edges wait at once; beyond, spans that would open one are dropped.
 */

import type { ServiceGraphsConfig } from '../app/config/types.js';
import type { SpanKind } from '../model/index.js';
import { aggregate, SG_STRIDE, type GenBatch, type GenPlan } from './aggregate.js';
import {
  EDGE,
  edgeDimensionLabels,
  edgeLabelNames,
  edgeStride,
  type EdgeSums,
} from './edge-pairs.js';
import type { GenSpan } from './gen-span.js';
import { ABSENT, KIND_NAMES, sanitizeLabelName } from './labels.js';
import type { Counter, Histogram, Registry } from './registry.js';

/** What the processor reports about itself (Tempo's self-metrics). */
export interface ServiceGraphsStats {
  /** A new edge was created (or completed at once). */
  edge(): void;
  /** An edge expired without a virtual node, by the kind of its last span. */
  expired(kind: string): void;
  /** A span was dropped because `max_items` edges were waiting. */
  dropped(): void;
}

interface Edge {
  key: string;
  traceId: string;
  clientService: string;
  serverService: string;
  clientLatencySec: number;
  serverLatencySec: number;
  clientEndMs: number;
  serverStartMs: number;
  connectionType: string;
  failed: boolean;
  multiplier: number;
  peerNode: string;
  /** Dimension values by label name (created when the first one is set). */
  dims: Map<string, string> | undefined;
  /** The server half has no parent: a root span. */
  root: boolean;
  kind: SpanKind;
  expiresMs: number;
}

const MESSAGING = 'messaging_system';
const ZERO_ID = '0000000000000000';

/** One client, server, producer or consumer span, as the workers reduce it. */
export interface EdgeHalf {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  /** The first peer attribute's value, or ''. */
  peer: string;
  /** The database a client span calls, or undefined. */
  db: string | undefined;
  /** Dimension values in config order (ABSENT when the span lacks one). */
  dims: string[];
  kind: SpanKind;
  failed: boolean;
  durationSec: number;
  startMs: number;
  endMs: number;
}

/** Edge halves as flat arrays (what crosses from a worker to the main thread). */
export function flattenHalves(halves: readonly EdgeHalf[]): NonNullable<GenBatch['sg']> {
  let ids = '';
  const strs: string[] = [];
  const nums: number[] = [];
  for (const h of halves) {
    ids += h.traceId + h.spanId + (h.parentSpanId || ZERO_ID);
    strs.push(h.service, h.peer, h.db ?? ABSENT, ...h.dims);
    nums.push(h.kind, h.failed ? 1 : 0, h.durationSec, h.startMs, h.endMs);
  }
  return { ids, strs, nums: Float64Array.from(nums) };
}

export class ServiceGraphs {
  readonly #cfg: ServiceGraphsConfig;
  readonly #stats: ServiceGraphsStats;
  readonly #total: Counter;
  readonly #failed: Counter;
  readonly #server: Histogram;
  readonly #client: Histogram;
  readonly #messaging: Histogram | undefined;
  readonly #labelCount: number;
  readonly #dimLabels: string[];
  /** Waiting edges in insertion order (expiry pops from the front). */
  readonly #edges = new Map<string, Edge>();

  constructor(registry: Registry, cfg: ServiceGraphsConfig, stats: ServiceGraphsStats) {
    this.#cfg = cfg;
    this.#stats = stats;
    this.#dimLabels = edgeDimensionLabels(cfg);
    const names = edgeLabelNames(cfg);
    this.#labelCount = names.length;
    const buckets = cfg.histogramBuckets;
    this.#total = registry.counter('traces_service_graph_request_total', names);
    this.#failed = registry.counter('traces_service_graph_request_failed_total', names);
    this.#server = registry.histogram(
      'traces_service_graph_request_server_seconds',
      names,
      buckets,
    );
    this.#client = registry.histogram(
      'traces_service_graph_request_client_seconds',
      names,
      buckets,
    );
    this.#messaging = cfg.enableMessagingSystemLatencyHistogram
      ? registry.histogram('traces_service_graph_request_messaging_system_seconds', names, buckets)
      : undefined;
  }

  /** Edges waiting for their other half. */
  get waiting(): number {
    return this.#edges.size;
  }

  /** Takes a request's edge halves (gathered in a worker). */
  consumeHalves(sg: NonNullable<GenBatch['sg']>, nowMs: number): void {
    const dims = this.#cfg.dimensions.length;
    const strStride = 3 + dims;
    const count = sg.nums.length / SG_STRIDE;
    for (let i = 0; i < count; i++) {
      const n = i * SG_STRIDE;
      const ids = i * 64;
      const parent = sg.ids.slice(ids + 48, ids + 64);
      const s = i * strStride;
      const half: EdgeHalf = {
        traceId: sg.ids.slice(ids, ids + 32),
        spanId: sg.ids.slice(ids + 32, ids + 48),
        parentSpanId: parent === ZERO_ID ? '' : parent,
        service: sg.strs[s] as string,
        peer: sg.strs[s + 1] as string,
        db: sg.strs[s + 2] === ABSENT ? undefined : sg.strs[s + 2],
        dims: sg.strs.slice(s + 3, s + strStride),
        kind: sg.nums[n] as SpanKind,
        failed: sg.nums[n + 1] === 1,
        durationSec: sg.nums[n + 2] as number,
        startMs: sg.nums[n + 3] as number,
        endMs: sg.nums[n + 4] as number,
      };
      this.addHalf(half, nowMs);
    }
  }

  /** Takes one edge half. */
  addHalf(half: EdgeHalf, nowMs: number): void {
    if (half.kind === 3 || half.kind === 4) this.#clientSide(half, nowMs);
    else this.#serverSide(half, nowMs);
  }

  /** Adds edges completed in a worker (both halves in one request). */
  mergeSums(sums: EdgeSums, nowMs: number): void {
    const n = this.#labelCount;
    const stride = edgeStride(this.#cfg);
    const nb = this.#cfg.histogramBuckets.length + 1;
    for (let k = 0; k < sums.exemplars.length; k++) {
      const values = sums.values.slice(k * n, (k + 1) * n);
      const at = k * stride;
      const x = sums.nums;
      const total = x[at + EDGE.total] as number;
      const traceId = sums.exemplars[k] as string;
      const key = values.join('\u0001');
      this.#total.inc(values, total, nowMs, key);
      const failed = x[at + EDGE.failed] as number;
      if (failed > 0) this.#failed.inc(values, failed, nowMs, key);
      const counts = (h: number) =>
        x.subarray(at + EDGE.counts + h * nb, at + EDGE.counts + (h + 1) * nb);
      const histograms: Array<[Histogram | undefined, number, number, number, number]> = [
        [this.#server, 0, EDGE.serverSum, EDGE.serverExemplar, total],
        [this.#client, 1, EDGE.clientSum, EDGE.clientExemplar, total],
        [
          this.#messaging,
          2,
          EDGE.messagingSum,
          EDGE.messagingExemplar,
          x[at + EDGE.messagingCount] as number,
        ],
      ];
      for (const [h, i, sum, exemplar, count] of histograms) {
        if (!h || count === 0) continue;
        const value = x[at + exemplar] as number;
        h.merge(values, counts(i), x[at + sum] as number, count, { traceId, value }, nowMs);
      }
    }
  }

  /** Takes spans directly (tests; the model path gathers halves first too). */
  consume(spans: readonly GenSpan[], nowMs: number): void {
    const plan: GenPlan = { keys: [], slackMs: Infinity, serviceGraphs: this.#cfg };
    const batch = aggregate(plan, nowMs, spans);
    if (batch.sgSums) this.mergeSums(batch.sgSums, nowMs);
    if (batch.sg) this.consumeHalves(batch.sg, nowMs);
  }

  /** Expires edges whose wait is over (Tempo checks every 2 s). */
  expire(nowMs: number): void {
    for (const edge of this.#edges.values()) {
      if (edge.expiresMs > nowMs) break;
      this.#edges.delete(edge.key);
      this.#onExpire(edge, nowMs);
    }
  }

  #edgeFor(key: string, half: EdgeHalf, nowMs: number): Edge | undefined {
    const existing = this.#edges.get(key);
    if (existing) return existing;
    if (this.#edges.size >= this.#cfg.maxItems) {
      this.#stats.dropped();
      return undefined;
    }
    const edge = this.#newDetached(half, nowMs + this.#cfg.waitMs);
    edge.key = key;
    this.#edges.set(key, edge);
    this.#stats.edge();
    return edge;
  }

  #clientSide(half: EdgeHalf, nowMs: number): void {
    if (half.db !== undefined) {
      // A database call is an edge of its own, complete at once.
      this.#stats.edge();
      const edge = this.#newDetached(half, nowMs);
      this.#fillClient(edge, half);
      edge.connectionType = 'database';
      edge.serverService = half.db;
      edge.serverLatencySec = half.durationSec;
      if (half.db !== '') this.#record(edge, nowMs);
      return;
    }
    const edge = this.#edgeFor(`${half.traceId}:${half.spanId}`, half, nowMs);
    if (!edge) return;
    this.#fillClient(edge, half);
    this.#completeIfReady(edge, nowMs);
  }

  #serverSide(half: EdgeHalf, nowMs: number): void {
    const edge = this.#edgeFor(`${half.traceId}:${half.parentSpanId}`, half, nowMs);
    if (!edge) return;
    edge.kind = half.kind;
    if (half.parentSpanId === '') {
      edge.root = true;
      edge.traceId = half.traceId;
    }
    edge.connectionType = half.kind === 5 ? MESSAGING : '';
    edge.serverService = half.service;
    edge.serverLatencySec = half.durationSec;
    edge.serverStartMs = half.startMs;
    this.#fillCommon(edge, half, 'server');
    this.#completeIfReady(edge, nowMs);
  }

  #fillClient(edge: Edge, half: EdgeHalf): void {
    edge.kind = half.kind;
    edge.traceId = half.traceId;
    edge.connectionType = half.kind === 4 ? MESSAGING : '';
    edge.clientService = half.service;
    edge.clientLatencySec = half.durationSec;
    edge.clientEndMs = half.endMs;
    this.#fillCommon(edge, half, 'client');
  }

  #fillCommon(edge: Edge, half: EdgeHalf, side: 'client' | 'server'): void {
    if (half.failed) edge.failed = true;
    this.#cfg.dimensions.forEach((d, i) => {
      const v = half.dims[i];
      if (v === undefined || v === ABSENT) return;
      const label = this.#cfg.enableClientServerPrefix
        ? sanitizeLabelName(`${side}_${d}`)
        : sanitizeLabelName(d);
      (edge.dims ??= new Map()).set(label, v);
    });
    if (half.peer !== '') edge.peerNode = half.peer;
  }

  #newDetached(half: EdgeHalf, expiresMs: number): Edge {
    return {
      key: '',
      traceId: half.traceId,
      clientService: '',
      serverService: '',
      clientLatencySec: 0,
      serverLatencySec: 0,
      clientEndMs: 0,
      serverStartMs: 0,
      connectionType: '',
      failed: false,
      multiplier: 1,
      peerNode: '',
      dims: undefined,
      root: false,
      kind: half.kind,
      expiresMs,
    };
  }

  #completeIfReady(edge: Edge, nowMs: number): void {
    if (edge.clientService === '' || edge.serverService === '') return;
    this.#edges.delete(edge.key);
    this.#record(edge, nowMs);
  }

  #onExpire(edge: Edge, nowMs: number): void {
    if (edge.clientService === '' && edge.root) {
      edge.clientService = edge.peerNode !== '' ? edge.peerNode : 'user';
      edge.connectionType = 'virtual_node';
      this.#record(edge, nowMs, 'client');
    } else if (edge.serverService === '' && edge.peerNode !== '') {
      edge.serverService = edge.peerNode;
      edge.connectionType = 'virtual_node';
      this.#record(edge, nowMs, 'server');
    } else {
      this.#stats.expired(KIND_NAMES[edge.kind]);
    }
  }

  #record(edge: Edge, nowMs: number, virtualNode = ''): void {
    const values = [edge.clientService, edge.serverService, edge.connectionType];
    for (const label of this.#dimLabels) values.push(edge.dims?.get(label) ?? '');
    if (this.#cfg.enableVirtualNodeLabel) values.push(virtualNode);
    const m = edge.multiplier;
    const key = values.join('\u0001');
    this.#total.inc(values, m, nowMs, key);
    if (edge.failed) this.#failed.inc(values, m, nowMs, key);
    this.#server.observe(values, edge.serverLatencySec, m, edge.traceId, nowMs, key);
    this.#client.observe(values, edge.clientLatencySec, m, edge.traceId, nowMs, key);
    if (this.#messaging && edge.connectionType === MESSAGING) {
      const latency = (edge.serverStartMs - edge.clientEndMs) / 1000;
      if (latency > 0) this.#messaging.observe(values, latency, m, edge.traceId, nowMs);
    }
  }
}
