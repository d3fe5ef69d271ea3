/**
 * The whole process: storage, the distributor, the receivers, the API and the UI server, started
 * in dependency order and stopped in reverse (listeners first, then the WAL is synced).
 */
import type { Server } from 'node:http';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import { createApiServer, type BuildInfo } from '../api/index.js';
import { availableParallelism, hostname } from 'node:os';
import { MetricsGenerator } from '../generator/index.js';
import { Distributor, EncodePool } from '../ingest/index.js';
import {
  createJaegerGrpcServer,
  createJaegerHttpServer,
  startJaegerUdp,
  type JaegerUdpReceiver,
} from '../receivers/jaeger/index.js';
import { bindGrpc, createOtlpGrpcServer, createOtlpHttpServer } from '../receivers/otlp/index.js';
import { createZipkinHttpServer } from '../receivers/zipkin/index.js';
import type { VivaceConfig } from './config/index.js';
import type { Logger } from './log.js';
import { createSelfMetrics } from './self-metrics.js';
import { Storage } from './storage.js';
import { createUiServer } from './ui-server.js';
import { VERSION } from './version.js';

export interface RunningVivace {
  /**
   * Bound ports by listener name: `api`, `otlp_http`, `otlp_grpc`, `jaeger_thrift_http`,
   * `jaeger_grpc`, `jaeger_thrift_compact`, `jaeger_thrift_binary` (UDP), `zipkin`, `ui`.
   */
  ports: Record<string, number>;
  storage: Storage;
  stop(): Promise<void>;
}

export interface StartOptions {
  log: Logger;
  now?: () => number;
}

const BUILD_INFO: BuildInfo = {
  // Grafana gates features on Tempo's version; Vivace implements the 2.9 API surface.
  version: '2.9.0',
  revision: `vivace-${VERSION}`,
  branch: 'vivace',
  buildDate: '',
  buildUser: '',
  goVersion: `node ${process.versions.node}`,
};

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}

function shutdownGrpc(server: GrpcServer): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.forceShutdown(), 5000);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startVivace(
  config: VivaceConfig,
  opts: StartOptions,
): Promise<RunningVivace> {
  const { log } = opts;
  const now = opts.now ?? Date.now;
  const metrics = createSelfMetrics();
  const storage = await openStorage(config, log, now, metrics.storageHooks);
  metrics.watchStorage(storage, { wal: config.storage.walPath, blocks: config.storage.localPath });
  const pool = new EncodePool(config.ingestWorkers ?? defaultWorkers());
  const generator = new MetricsGenerator({
    config: config.generator,
    processors: config.overrides.metricsGeneratorProcessors,
    multitenancy: config.multitenancyEnabled,
    now,
    log: (m) => log.warn(m),
    selfMetrics: metrics.registry,
    instance: hostname(),
    userAgent: `Vivace/${VERSION}`,
  });
  const distributor = new Distributor({
    pool,
    limits: config.overrides,
    maxAttributeBytes: config.overrides.maxAttributeBytes,
    traceIdlePeriodMs: config.ingester.traceIdlePeriodMs,
    now,
    append: (tenant, enc) => storage.wal.appendEncoded(tenant, enc),
    overloaded: () =>
      storage.flusher.backlog > 64 ? 'block building is behind; retry shortly' : undefined,
    metrics: metrics.distributor,
    ...(generator.enabled ? { generator } : {}),
  });
  const http: Array<{ name: string; server: Server }> = [];
  const ports: Record<string, number> = {};
  const grpcs: GrpcServer[] = [];
  const udps: JaegerUdpReceiver[] = [];
  let ready = false;
  const warn = (msg: string, err?: unknown) => log.warn(msg, err);
  try {
    const { http: api, grpc: streaming } = createApiServer({
      traces: storage,
      search: storage,
      tags: storage,
      statusInfo: () => ({
        version: VERSION,
        ready,
        uptimeSeconds: Math.round(process.uptime()),
        components: Object.entries(ports).map(([name, port]) => ({ name, port })),
        retention: {
          blockRetentionMs: config.compactor.blockRetentionMs,
          compactedBlockRetentionMs: config.compactor.compactedBlockRetentionMs,
          maxTotalBytes: config.compactor.maxTotalBytes,
        },
      }),
      serviceGraph: (tenant, range) =>
        storage.serviceGraph(tenant, range, config.generator.serviceGraphs.peerAttributes),
      multitenancy: config.multitenancyEnabled,
      metricsText: () => metrics.registry.expose() + generator.exposition(),
      notReady: () => (ready ? undefined : 'starting'),
      flush: () => storage.flush(),
      buildInfo: BUILD_INFO,
      requestDuration: metrics.requestDuration,
      log: warn,
    });
    grpcs.push(streaming);
    ports.api = await listen(api, config.server.httpListenAddress, config.server.httpListenPort);
    http.push({ name: 'api', server: api });
    const r = config.receivers;
    if (r.otlpHttp) {
      const s = createOtlpHttpServer({
        sink: distributor,
        multitenancy: config.multitenancyEnabled,
        maxRequestBodyBytes: r.otlpHttp.maxRequestBodyBytes,
        log: warn,
      });
      ports.otlp_http = await listen(s, r.otlpHttp.host, r.otlpHttp.port);
      http.push({ name: 'otlp_http', server: s });
    }
    const common = { sink: distributor, multitenancy: config.multitenancyEnabled, log: warn };
    if (r.otlpGrpc) {
      const g = createOtlpGrpcServer({ ...common, maxRecvMsgBytes: r.otlpGrpc.maxRecvMsgBytes });
      grpcs.push(g);
      ports.otlp_grpc = await bindGrpc(g, r.otlpGrpc.host, r.otlpGrpc.port);
    }
    if (r.jaegerThriftHttp) {
      const { host, port, maxRequestBodyBytes } = r.jaegerThriftHttp;
      const s = createJaegerHttpServer({ ...common, maxRequestBodyBytes });
      ports.jaeger_thrift_http = await listen(s, host, port);
      http.push({ name: 'jaeger_thrift_http', server: s });
    }
    if (r.jaegerGrpc) {
      const g = createJaegerGrpcServer({
        ...common,
        maxRecvMsgBytes: r.jaegerGrpc.maxRecvMsgBytes,
      });
      grpcs.push(g);
      ports.jaeger_grpc = await bindGrpc(g, r.jaegerGrpc.host, r.jaegerGrpc.port);
    }
    for (const protocol of ['compact', 'binary'] as const) {
      const c = protocol === 'compact' ? r.jaegerThriftCompact : r.jaegerThriftBinary;
      if (!c) continue;
      const u = await startJaegerUdp(c.host, c.port, {
        ...common,
        protocol,
        maxPacketBytes: c.maxPacketBytes,
        refused: (receiver, reason) => metrics.datagramRefused(receiver, reason),
      });
      udps.push(u);
      ports[`jaeger_thrift_${protocol}`] = u.port;
    }
    if (r.zipkin) {
      const { host, port, maxRequestBodyBytes, parseStringTags } = r.zipkin;
      const s = createZipkinHttpServer({ ...common, maxRequestBodyBytes, parseStringTags });
      ports.zipkin = await listen(s, host, port);
      http.push({ name: 'zipkin', server: s });
    }
    if (config.ui.enabled) {
      const listenHost = config.server.httpListenAddress;
      const apiHost =
        listenHost === '0.0.0.0' || listenHost === '::' || listenHost === ''
          ? '127.0.0.1'
          : listenHost;
      const ui = createUiServer({ apiHost, apiPort: ports.api, storage });
      ports.ui = await listen(ui, config.server.httpListenAddress, config.ui.httpListenPort);
      http.push({ name: 'ui', server: ui });
    }
  } catch (err) {
    for (const h of http) await close(h.server);
    for (const g of grpcs) await shutdownGrpc(g);
    for (const u of udps) await u.close();
    await pool.close();
    await storage.close();
    throw err;
  }
  storage.start();
  if (generator.enabled) generator.start();
  ready = true;
  log.info(
    `Vivace ${VERSION} started: ${Object.entries(ports)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  if (storage.recoveredSpans > 0) log.info(`replayed ${storage.recoveredSpans} spans from the WAL`);
  return {
    ports,
    storage,
    stop: async () => {
      ready = false;
      for (const u of udps) await u.close();
      for (const g of grpcs) await shutdownGrpc(g);
      for (const h of [...http].reverse()) await close(h.server);
      await generator.close(config.generator.remoteWriteFlushDeadlineMs);
      await pool.close();
      await storage.close();
      log.info('Vivace stopped');
    },
  };
}

/** Encode workers: one per core, at most 4 (the event loop needs little). */
function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

async function openStorage(
  config: VivaceConfig,
  log: Logger,
  now: () => number,
  hooks: ReturnType<typeof createSelfMetrics>['storageHooks'],
): Promise<Storage> {
  return Storage.open({
    walPath: config.storage.walPath,
    blocksPath: config.storage.localPath,
    sync: config.storage.walSync,
    syncIntervalMs: config.storage.walSyncIntervalMs,
    flush: {
      maxBlockBytes: config.ingester.maxBlockBytes,
      maxBlockDurationMs: config.ingester.maxBlockDurationMs,
      traceIdlePeriodMs: config.ingester.traceIdlePeriodMs,
      checkPeriodMs: Math.min(1000, config.ingester.flushCheckPeriodMs),
    },
    compactor: {
      windowMs: config.compactor.compactionWindowMs,
      maxBlockBytes: config.compactor.maxCompactionBlockBytes,
      cycleMs: config.compactor.compactionCycleMs,
      blockRetentionMs: config.compactor.blockRetentionMs,
      compactedBlockRetentionMs: config.compactor.compactedBlockRetentionMs,
      maxTotalBytes: config.compactor.maxTotalBytes,
    },
    now,
    log: (m) => log.warn(m),
    hooks,
  });
}
