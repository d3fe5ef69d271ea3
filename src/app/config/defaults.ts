import type { GeneratorConfig, ReceiversConfig, VivaceConfig } from './types.js';

const MiB = 1024 * 1024;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Vivace's limit for one gRPC message (OTLP, Jaeger). The Collector's key is in MiB and its default (0) means
 * grpc-go's 4 MiB; Vivace is more lenient, like Tempo's own gRPC server (16 MiB).
 */
export const DEFAULT_MAX_RECV_MSG_BYTES = 16 * MiB;
/** Vivace's limit for one HTTP request body (OTLP, Jaeger, Zipkin). The Collector's default is 20 MiB. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 16 * MiB;

/** The Jaeger agent's largest datagram (`max_packet_size`), as in the Collector. */
export const DEFAULT_MAX_PACKET_BYTES = 65_000;

/** The port each receiver listens on when its endpoint is not given. */
export const DEFAULT_RECEIVER_PORTS = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  jaegerThriftHttp: 14268,
  jaegerGrpc: 14250,
  jaegerThriftCompact: 6831,
  jaegerThriftBinary: 6832,
  zipkin: 9411,
} as const satisfies Record<keyof ReceiversConfig, number>;

/** Every receiver on, at its default port on every interface. */
function allReceivers(): ReceiversConfig {
  const at = (port: number) => ({ host: '0.0.0.0', port });
  const p = DEFAULT_RECEIVER_PORTS;
  return {
    otlpGrpc: { ...at(p.otlpGrpc), maxRecvMsgBytes: DEFAULT_MAX_RECV_MSG_BYTES },
    otlpHttp: { ...at(p.otlpHttp), maxRequestBodyBytes: DEFAULT_MAX_REQUEST_BODY_BYTES },
    jaegerThriftHttp: {
      ...at(p.jaegerThriftHttp),
      maxRequestBodyBytes: DEFAULT_MAX_REQUEST_BODY_BYTES,
    },
    jaegerGrpc: { ...at(p.jaegerGrpc), maxRecvMsgBytes: DEFAULT_MAX_RECV_MSG_BYTES },
    jaegerThriftCompact: { ...at(p.jaegerThriftCompact), maxPacketBytes: DEFAULT_MAX_PACKET_BYTES },
    jaegerThriftBinary: { ...at(p.jaegerThriftBinary), maxPacketBytes: DEFAULT_MAX_PACKET_BYTES },
    zipkin: {
      ...at(p.zipkin),
      maxRequestBodyBytes: DEFAULT_MAX_REQUEST_BODY_BYTES,
      parseStringTags: false,
    },
  };
}

/**
 * The defaults for every setting, with no receiver on: with a config file, a receiver is on only
 * when the file configures it, as in Tempo.
 */
export function baseConfig(): VivaceConfig {
  return {
    server: { httpListenAddress: '0.0.0.0', httpListenPort: 3200, logLevel: 'info' },
    receivers: {},
    ingester: {
      traceIdlePeriodMs: 5 * SECOND,
      maxBlockBytes: 524_288_000,
      maxBlockDurationMs: 30 * MINUTE,
      flushCheckPeriodMs: 10 * SECOND,
    },
    compactor: {
      blockRetentionMs: 336 * HOUR,
      compactedBlockRetentionMs: HOUR,
      compactionWindowMs: HOUR,
      maxCompactionBlockBytes: 107_374_182_400,
      compactionCycleMs: 30 * SECOND,
      maxTotalBytes: 0,
    },
    storage: {
      backend: 'local',
      walPath: './data/wal',
      localPath: './data/blocks',
      walSync: 'always',
      walSyncIntervalMs: 200,
    },
    multitenancyEnabled: false,
    overrides: {
      rateLimitBytes: 15_000_000,
      burstSizeBytes: 20_000_000,
      maxTracesPerUser: 10_000,
      maxBytesPerTrace: 5_000_000,
      maxAttributeBytes: 2048,
      metricsGeneratorProcessors: [],
    },
    ui: { enabled: true, httpListenPort: 3000 },
    generator: defaultGenerator(),
  };
}

/** Tempo's metrics-generator defaults (`modules/generator`). */
export function defaultGenerator(): GeneratorConfig {
  return {
    collectionIntervalMs: 15 * SECOND,
    staleDurationMs: 15 * MINUTE,
    externalLabels: {},
    injectTenantIdAs: '',
    maxLabelNameLength: 1024,
    maxLabelValueLength: 2048,
    ingestionSlackMs: 30 * SECOND,
    maxActiveSeries: 0,
    serviceGraphs: {
      waitMs: 10 * SECOND,
      maxItems: 10_000,
      histogramBuckets: [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8],
      dimensions: [],
      enableClientServerPrefix: false,
      enableMessagingSystemLatencyHistogram: false,
      enableVirtualNodeLabel: false,
      peerAttributes: ['peer.service', 'db.name', 'db.system', 'db.system.name'],
      databaseNameAttributes: ['db.namespace', 'db.name', 'db.system', 'db.system.name'],
    },
    spanMetrics: {
      histogramBuckets: Array.from({ length: 14 }, (_, i) => 0.002 * 2 ** i),
      intrinsicDimensions: {
        service: true,
        span_name: true,
        span_kind: true,
        status_code: true,
        status_message: false,
      },
      dimensions: [],
      spanMultiplierKey: '',
    },
    remoteWrite: [],
    remoteWriteAddOrgIdHeader: true,
    remoteWriteFlushDeadlineMs: MINUTE,
  };
}

/**
 * What `vivace` runs with when no config file is given: the defaults, with every receiver on at
 * its default port (OTLP 4317/4318, Jaeger 14268/14250/6831/6832, Zipkin 9411) on 0.0.0.0.
 *
 * @example
 * defaultConfig().receivers.otlpHttp // { host: '0.0.0.0', port: 4318, maxRequestBodyBytes: 16777216 }
 */
export function defaultConfig(): VivaceConfig {
  return { ...baseConfig(), receivers: allReceivers() };
}
