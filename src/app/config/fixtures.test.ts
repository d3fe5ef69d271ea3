import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { defaultGenerator } from './defaults.js';
import { parseConfig } from './parse-config.js';
import type { ParseConfigResult, VivaceConfig } from './types.js';

const MiB = 1024 * 1024;
const STORAGE_PATH_NOTE =
  'metrics_generator.storage.path: accepted but not used; Vivace keeps generated series in memory and remote-writes them (no generator WAL)';

function load(name: string): ParseConfigResult {
  const text = readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
  return parseConfig(text, { expandEnv: false, env: {} });
}

/** Values shared by the Tempo fixtures, which leave these settings at their defaults. */
const TEMPO_DEFAULTS = {
  ingester: { traceIdlePeriodMs: 5000, maxBlockBytes: 524_288_000, flushCheckPeriodMs: 10_000 },
  compactor: {
    compactionWindowMs: 3_600_000,
    maxCompactionBlockBytes: 107_374_182_400,
    compactionCycleMs: 30_000,
    maxTotalBytes: 0,
  },
  overrides: {
    rateLimitBytes: 15_000_000,
    burstSizeBytes: 20_000_000,
    maxTracesPerUser: 10_000,
    maxBytesPerTrace: 5_000_000,
    maxAttributeBytes: 2048,
  },
};

/** Both Tempo fixtures label their series and remote-write to the same Prometheus. */
const DEPLOYMENT_GENERATOR = {
  ...defaultGenerator(),
  externalLabels: { source: 'tempo', cluster: 'docker-compose' },
  remoteWrite: [{ url: 'http://prometheus:9090/api/v1/write', headers: {}, sendExemplars: true }],
};

const SINGLE_BINARY: VivaceConfig = {
  server: { httpListenAddress: '0.0.0.0', httpListenPort: 3200, logLevel: 'info' },
  receivers: {
    otlpGrpc: { host: 'tempo', port: 4317, maxRecvMsgBytes: 16 * MiB },
    otlpHttp: { host: 'tempo', port: 4318, maxRequestBodyBytes: 16 * MiB },
    jaegerThriftHttp: { host: 'tempo', port: 14268, maxRequestBodyBytes: 16 * MiB },
    jaegerGrpc: { host: 'tempo', port: 14250, maxRecvMsgBytes: 16 * MiB },
    jaegerThriftCompact: { host: 'tempo', port: 6831, maxPacketBytes: 65_000 },
    jaegerThriftBinary: { host: 'tempo', port: 6832, maxPacketBytes: 65_000 },
    zipkin: { host: 'tempo', port: 9411, maxRequestBodyBytes: 16 * MiB, parseStringTags: false },
  },
  ingester: { ...TEMPO_DEFAULTS.ingester, maxBlockDurationMs: 300_000 },
  compactor: {
    ...TEMPO_DEFAULTS.compactor,
    blockRetentionMs: 3_600_000,
    compactedBlockRetentionMs: 3_600_000,
  },
  storage: {
    backend: 'local',
    walPath: '/var/tempo/wal',
    localPath: '/var/tempo/blocks',
    walSync: 'always',
    walSyncIntervalMs: 200,
  },
  multitenancyEnabled: false,
  overrides: {
    ...TEMPO_DEFAULTS.overrides,
    metricsGeneratorProcessors: ['service-graphs', 'span-metrics', 'local-blocks'],
  },
  ui: { enabled: true, httpListenPort: 3000 },
  generator: DEPLOYMENT_GENERATOR,
};

const DEPLOYMENT: VivaceConfig = {
  server: { httpListenAddress: '0.0.0.0', httpListenPort: 3200, logLevel: 'info' },
  receivers: {
    otlpGrpc: { host: '0.0.0.0', port: 4317, maxRecvMsgBytes: 16 * MiB },
    otlpHttp: { host: '0.0.0.0', port: 4318, maxRequestBodyBytes: 16 * MiB },
    jaegerThriftHttp: { host: '0.0.0.0', port: 14268, maxRequestBodyBytes: 16 * MiB },
    jaegerGrpc: { host: '0.0.0.0', port: 14250, maxRecvMsgBytes: 16 * MiB },
    zipkin: { host: '0.0.0.0', port: 9411, maxRequestBodyBytes: 16 * MiB, parseStringTags: false },
  },
  ingester: { ...TEMPO_DEFAULTS.ingester, maxBlockBytes: 1_000_000, maxBlockDurationMs: 300_000 },
  compactor: {
    ...TEMPO_DEFAULTS.compactor,
    blockRetentionMs: 86_400_000,
    compactedBlockRetentionMs: 3_600_000,
  },
  storage: {
    backend: 'local',
    walPath: '/tmp/tempo/wal',
    localPath: '/tmp/tempo/blocks',
    walSync: 'always',
    walSyncIntervalMs: 200,
  },
  multitenancyEnabled: false,
  overrides: {
    ...TEMPO_DEFAULTS.overrides,
    metricsGeneratorProcessors: ['service-graphs', 'span-metrics'],
  },
  ui: { enabled: true, httpListenPort: 3000 },
  generator: DEPLOYMENT_GENERATOR,
};

const VIVACE_OWN_KEYS: VivaceConfig = {
  server: { httpListenAddress: '127.0.0.1', httpListenPort: 3201, logLevel: 'debug' },
  receivers: {
    otlpGrpc: { host: '0.0.0.0', port: 14317, maxRecvMsgBytes: 32 * MiB },
    otlpHttp: { host: '::1', port: 14318, maxRequestBodyBytes: 8 * MiB },
    jaegerThriftCompact: { host: '0.0.0.0', port: 6831, maxPacketBytes: 65_000 },
    jaegerThriftBinary: { host: '127.0.0.1', port: 16832, maxPacketBytes: 65_000 },
  },
  ingester: {
    traceIdlePeriodMs: 1500,
    maxBlockBytes: 100_000_000,
    maxBlockDurationMs: 5_400_000,
    flushCheckPeriodMs: 500,
  },
  compactor: {
    // The per-tenant default (3d) replaces compaction.block_retention (2w), as in Tempo.
    blockRetentionMs: 259_200_000,
    compactedBlockRetentionMs: 1_800_000,
    compactionWindowMs: 7_200_000,
    maxCompactionBlockBytes: 10_737_418_240,
    compactionCycleMs: 60_000,
    maxTotalBytes: 50_000_000_000,
  },
  storage: {
    backend: 'local',
    walPath: '/srv/vivace/wal',
    localPath: '/srv/vivace/blocks',
    walSync: 'interval',
    walSyncIntervalMs: 100,
  },
  multitenancyEnabled: true,
  overrides: {
    rateLimitBytes: 30_000_000,
    burstSizeBytes: 40_000_000,
    maxTracesPerUser: 50_000,
    maxBytesPerTrace: 10_000_000,
    maxAttributeBytes: 4096,
    metricsGeneratorProcessors: ['span-metrics'],
  },
  ui: { enabled: false, httpListenPort: 3001 },
  generator: defaultGenerator(),
};

const cases: Array<{ file: string; config?: VivaceConfig; warnings: string[]; errors: string[] }> =
  [
    {
      file: 'tempo-single-binary.yaml',
      config: SINGLE_BINARY,
      warnings: [
        'stream_over_http_enabled: accepted but not used; gRPC streaming (tempopb.StreamingQuerier) is not available yet, provision Grafana with streaming off',
        'query_frontend.search.duration_slo: accepted but not used by Vivace',
        'query_frontend.search.throughput_bytes_slo: accepted but not used by Vivace',
        'query_frontend.search.metadata_slo.duration_slo: accepted but not used by Vivace',
        'query_frontend.search.metadata_slo.throughput_bytes_slo: accepted but not used by Vivace',
        'query_frontend.trace_by_id.duration_slo: accepted but not used by Vivace',
        'query_frontend.metrics.max_duration: accepted but not used by Vivace',
        'query_frontend.metrics.query_backend_after: accepted but not used by Vivace',
        STORAGE_PATH_NOTE,
        'metrics_generator.traces_storage: accepted but not used; TraceQL metrics read the blocks Vivace already stores',
        'metrics_generator.processor.local_blocks: accepted but not used; TraceQL metrics read the blocks Vivace already stores',
        'overrides.defaults.metrics_generator.generate_native_histograms: accepted but not used by Vivace',
      ],
      errors: [],
    },
    {
      file: 'tempo-deployment.yaml',
      config: DEPLOYMENT,
      warnings: [
        STORAGE_PATH_NOTE,
        'overrides.metrics_generator_processors: legacy flat overrides are deprecated in Tempo; use overrides.defaults.metrics_generator.processors',
      ],
      errors: [],
    },
    {
      file: 'vivace-own-keys.yaml',
      config: VIVACE_OWN_KEYS,
      warnings: [],
      errors: [],
    },
    {
      file: 'many-problems.yaml',
      warnings: ['storage.trace.s3.bucket: accepted but not used by Vivace'],
      errors: [
        'targt: unknown key; did you mean target?',
        'ingester.max_block_byte: unknown key; did you mean ingester.max_block_bytes?',
        'compactor.block_retention: unknown key; did you mean compactor.compaction.block_retention?',
        'ui: expected a mapping, got true',
        'server.http_listen_port: 70000 is not a port number (use 0 to 65535)',
        'server.log_level: "verbose" is not a valid value (use debug, info, warn or error)',
        'ingester.trace_idle_period: must be greater than 0 (got "0s")',
        'ingester.max_block_duration: "five minutes" is not a duration (use e.g. 30s, 5m, 1h)',
        'compactor.compaction.max_total_bytes: must not be negative (got -1)',
        'storage.trace.backend: s3 is not supported yet, use local',
        'storage.trace.wal.sync: "sometimes" is not a valid value (use always, interval or never)',
        'overrides.defaults.metrics_generator.processors: "service-graph" is not a known processor; did you mean service-graphs?',
        'distributor.receivers.otlp: must specify at least one protocol (grpc or http)',
        'distributor.receivers.jaeger.protocols.grpc.endpoint: "localhost" is not a host:port address (use e.g. 0.0.0.0:4317)',
        'overrides: mixes the scoped format (overrides.defaults) with legacy flat keys (overrides.max_traces_per_user); use one format',
        'distributor.receivers.zipkin.endpoint: port 3200 is already used by server.http_listen_port',
      ],
    },
  ];

describe('testdata fixtures', () => {
  for (const { file, config, warnings, errors } of cases) {
    it(file, () => {
      const got = load(file);
      assert.deepEqual({ warnings: got.warnings, errors: got.errors }, { warnings, errors });
      if (config) assert.deepEqual(got.config, config);
    });
  }
});
