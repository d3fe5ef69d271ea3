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
import type { GenSpan, GenValue } from './gen-span.js';
import { KIND_NAMES, labelText, sanitizeLabelName } from './labels.js';
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
  /** Dimension values by label name. */
  dims: Map<string, string>;
  /** The server half has no parent: a root span. */
  root: boolean;
  kind: SpanKind;
  expiresMs: number;
}

const MESSAGING = 'messaging_system';

export class ServiceGraphs {
  readonly #cfg: ServiceGraphsConfig;
  readonly #stats: ServiceGraphsStats;
  readonly #total: Counter;
  readonly #failed: Counter;
  readonly #server: Histogram;
  readonly #client: Histogram;
  readonly #messaging: Histogram | undefined;
  readonly #dimLabels: string[];
  /** Waiting edges in insertion order (expiry pops from the front). */
  readonly #edges = new Map<string, Edge>();

  constructor(registry: Registry, cfg: ServiceGraphsConfig, stats: ServiceGraphsStats) {
    this.#cfg = cfg;
    this.#stats = stats;
    this.#dimLabels = cfg.enableClientServerPrefix
      ? cfg.dimensions.flatMap((d) => [
          sanitizeLabelName(`client_${d}`),
          sanitizeLabelName(`server_${d}`),
        ])
      : cfg.dimensions.map(sanitizeLabelName);
    const names = [
      'client',
      'server',
      'connection_type',
      ...this.#dimLabels,
      ...(cfg.enableVirtualNodeLabel ? ['virtual_node'] : []),
    ];
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

  consume(spans: readonly GenSpan[], nowMs: number): void {
    for (const span of spans) {
      if (span.service === '') continue;
      switch (span.kind) {
        case 3:
        case 4:
          this.#clientSide(span, nowMs);
          break;
        case 2:
        case 5:
          this.#serverSide(span, nowMs);
          break;
        case 0:
        case 1:
          break;
      }
    }
  }

  /** Expires edges whose wait is over (Tempo checks every 2 s). */
  expire(nowMs: number): void {
    for (const edge of this.#edges.values()) {
      if (edge.expiresMs > nowMs) break;
      this.#edges.delete(edge.key);
      this.#onExpire(edge, nowMs);
    }
  }

  #edgeFor(key: string, span: GenSpan, nowMs: number): Edge | undefined {
    const existing = this.#edges.get(key);
    if (existing) return existing;
    if (this.#edges.size >= this.#cfg.maxItems) {
      this.#stats.dropped();
      return undefined;
    }
    const edge: Edge = {
      key,
      traceId: span.traceId,
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
      dims: new Map(),
      root: false,
      kind: span.kind,
      expiresMs: nowMs + this.#cfg.waitMs,
    };
    this.#edges.set(key, edge);
    this.#stats.edge();
    return edge;
  }

  #clientSide(span: GenSpan, nowMs: number): void {
    const db = this.#databaseName(span);
    if (db !== undefined) {
      // A database call is an edge of its own, complete at once.
      this.#stats.edge();
      const edge = this.#newDetached(span, nowMs);
      this.#fillClient(edge, span);
      edge.connectionType = 'database';
      edge.serverService = db;
      edge.serverLatencySec = span.durationSec;
      if (db !== '') this.#record(edge, nowMs);
      return;
    }
    const edge = this.#edgeFor(`${span.traceId}:${span.spanId}`, span, nowMs);
    if (!edge) return;
    this.#fillClient(edge, span);
    this.#completeIfReady(edge, nowMs);
  }

  #serverSide(span: GenSpan, nowMs: number): void {
    const edge = this.#edgeFor(`${span.traceId}:${span.parentSpanId}`, span, nowMs);
    if (!edge) return;
    edge.kind = span.kind;
    if (span.parentSpanId === '') {
      edge.root = true;
      edge.traceId = span.traceId;
    }
    edge.connectionType = span.kind === 5 ? MESSAGING : '';
    edge.serverService = span.service;
    edge.serverLatencySec = span.durationSec;
    edge.serverStartMs = span.startMs;
    this.#fillCommon(edge, span, 'server');
    this.#completeIfReady(edge, nowMs);
  }

  #fillClient(edge: Edge, span: GenSpan): void {
    edge.kind = span.kind;
    edge.traceId = span.traceId;
    edge.connectionType = span.kind === 4 ? MESSAGING : '';
    edge.clientService = span.service;
    edge.clientLatencySec = span.durationSec;
    edge.clientEndMs = span.endMs;
    this.#fillCommon(edge, span, 'client');
  }

  #fillCommon(edge: Edge, span: GenSpan, side: 'client' | 'server'): void {
    if (span.statusCode === 2) edge.failed = true;
    this.#cfg.dimensions.forEach((d) => {
      const v: GenValue | undefined = span.resourceAttrs[d] ?? span.attrs[d];
      if (v === undefined) return;
      const label = this.#cfg.enableClientServerPrefix
        ? sanitizeLabelName(`${side}_${d}`)
        : sanitizeLabelName(d);
      edge.dims.set(label, labelText(v));
    });
    for (const key of this.#cfg.peerAttributes) {
      const v = span.attrs[key];
      if (v !== undefined && v !== '') {
        edge.peerNode = labelText(v);
        break;
      }
    }
  }

  /** The database a client span calls, or undefined when it carries no database attribute. */
  #databaseName(span: GenSpan): string | undefined {
    const find = (k: string) => span.resourceAttrs[k] ?? span.attrs[k];
    const dbKey = this.#cfg.databaseNameAttributes.find((k) => find(k) !== undefined);
    if (dbKey === undefined) return undefined;
    const peer = find('peer.service') ?? find('server.address');
    if (peer !== undefined && peer !== '') return labelText(peer);
    const address = find('network.peer.address');
    if (address !== undefined && address !== '') {
      const port = find('network.peer.port');
      return port === undefined ? labelText(address) : `${labelText(address)}:${labelText(port)}`;
    }
    return labelText(find(dbKey));
  }

  #newDetached(span: GenSpan, nowMs: number): Edge {
    return {
      key: '',
      traceId: span.traceId,
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
      dims: new Map(),
      root: false,
      kind: span.kind,
      expiresMs: nowMs,
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
    for (const label of this.#dimLabels) values.push(edge.dims.get(label) ?? '');
    if (this.#cfg.enableVirtualNodeLabel) values.push(virtualNode);
    const m = edge.multiplier;
    this.#total.inc(values, m, nowMs);
    if (edge.failed) this.#failed.inc(values, m, nowMs);
    this.#server.observe(values, edge.serverLatencySec, m, edge.traceId, nowMs);
    this.#client.observe(values, edge.clientLatencySec, m, edge.traceId, nowMs);
    if (this.#messaging && edge.connectionType === MESSAGING) {
      const latency = (edge.serverStartMs - edge.clientEndMs) / 1000;
      if (latency > 0) this.#messaging.observe(values, latency, m, edge.traceId, nowMs);
    }
  }
}
