import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseConfig, defaultConfig, defaultGenerator } from './defaults.js';
import { parseConfig } from './parse-config.js';
import type { ParseConfigOptions, VivaceConfig } from './types.js';

const MiB = 1024 * 1024;
const STORAGE_PATH_NOTE =
  'metrics_generator.storage.path: accepted but not used; Vivace keeps generated series in memory and remote-writes them (no generator WAL)';
const plain: ParseConfigOptions = { expandEnv: false, env: {} };
const NO_RECEIVER =
  'distributor.receivers: no receiver is configured, so Vivace will not accept spans';

describe('defaultConfig', () => {
  it('is what runs without a config file: every receiver on at its default port', () => {
    const want: VivaceConfig = {
      server: { httpListenAddress: '0.0.0.0', httpListenPort: 3200, logLevel: 'info' },
      receivers: {
        otlpGrpc: { host: '0.0.0.0', port: 4317, maxRecvMsgBytes: 16 * MiB },
        otlpHttp: { host: '0.0.0.0', port: 4318, maxRequestBodyBytes: 16 * MiB },
        jaegerThriftHttp: { host: '0.0.0.0', port: 14268, maxRequestBodyBytes: 16 * MiB },
        jaegerGrpc: { host: '0.0.0.0', port: 14250, maxRecvMsgBytes: 16 * MiB },
        jaegerThriftCompact: { host: '0.0.0.0', port: 6831, maxPacketBytes: 65_000 },
        jaegerThriftBinary: { host: '0.0.0.0', port: 6832, maxPacketBytes: 65_000 },
        zipkin: {
          host: '0.0.0.0',
          port: 9411,
          maxRequestBodyBytes: 16 * MiB,
          parseStringTags: false,
        },
      },
      ingester: {
        traceIdlePeriodMs: 5000,
        maxBlockBytes: 524_288_000,
        maxBlockDurationMs: 1_800_000,
        flushCheckPeriodMs: 10_000,
      },
      compactor: {
        blockRetentionMs: 1_209_600_000,
        compactedBlockRetentionMs: 3_600_000,
        compactionWindowMs: 3_600_000,
        maxCompactionBlockBytes: 107_374_182_400,
        compactionCycleMs: 30_000,
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
    assert.deepEqual(defaultConfig(), want);
    assert.deepEqual(parseConfig(undefined, plain), { config: want, warnings: [], errors: [] });
  });
});

interface Case {
  name: string;
  yaml: string;
  opts?: ParseConfigOptions;
  /** The part of the config the case is about, and its exact expected value. */
  pick?: (c: VivaceConfig) => unknown;
  want?: unknown;
  warnings?: string[];
  errors?: string[];
}

const receivers = (c: VivaceConfig) => c.receivers;

const cases: Case[] = [
  {
    name: 'empty file: defaults, no receiver',
    yaml: '',
    pick: (c) => c,
    want: baseConfig(),
    warnings: [NO_RECEIVER],
  },
  {
    name: 'only a comment',
    yaml: '# nothing\n',
    pick: receivers,
    want: {},
    warnings: [NO_RECEIVER],
  },
  {
    name: 'a receiver with an empty value is on, at its default endpoint',
    yaml: 'distributor:\n  receivers:\n    otlp:\n      protocols:\n        grpc:\n    zipkin:\n',
    pick: receivers,
    want: {
      otlpGrpc: { host: '0.0.0.0', port: 4317, maxRecvMsgBytes: 16 * MiB },
      zipkin: {
        host: '0.0.0.0',
        port: 9411,
        maxRequestBodyBytes: 16 * MiB,
        parseStringTags: false,
      },
    },
    warnings: [],
  },
  {
    name: 'endpoints and size limits',
    yaml: `distributor:
  receivers:
    otlp:
      protocols:
        grpc: {endpoint: "localhost:5317", max_recv_msg_size_mib: 4}
        http: {endpoint: ":5318", max_request_body_size: 1MiB}
    jaeger:
      protocols:
        thrift_compact: {endpoint: "127.0.0.1:7831"}
        thrift_binary: {}
`,
    pick: receivers,
    want: {
      otlpGrpc: { host: 'localhost', port: 5317, maxRecvMsgBytes: 4 * MiB },
      otlpHttp: { host: '0.0.0.0', port: 5318, maxRequestBodyBytes: MiB },
      jaegerThriftCompact: { host: '127.0.0.1', port: 7831, maxPacketBytes: 65_000 },
      jaegerThriftBinary: { host: '0.0.0.0', port: 6832, maxPacketBytes: 65_000 },
    },
    warnings: [],
  },
  {
    name: 'size limit 0 means the default, as in the Collector',
    yaml: 'distributor: {receivers: {otlp: {protocols: {grpc: {max_recv_msg_size_mib: 0}, http: {max_request_body_size: 0}}}}}',
    pick: receivers,
    want: {
      otlpGrpc: { host: '0.0.0.0', port: 4317, maxRecvMsgBytes: 16 * MiB },
      otlpHttp: { host: '0.0.0.0', port: 4318, maxRequestBodyBytes: 16 * MiB },
    },
  },
  {
    name: 'receiver settings Vivace does not use',
    yaml: 'distributor: {receivers: {otlp: {protocols: {http: {cors: {allowed_origins: ["*"]}, include_metadata: true}}}}}',
    pick: receivers,
    want: { otlpHttp: { host: '0.0.0.0', port: 4318, maxRequestBodyBytes: 16 * MiB } },
    warnings: [
      'distributor.receivers.otlp.protocols.http.cors: accepted but not used by Vivace',
      'distributor.receivers.otlp.protocols.http.include_metadata: accepted but not used by Vivace',
    ],
  },
  {
    name: 'receivers Vivace does not have',
    yaml: 'distributor: {receivers: {kafka: {brokers: [a]}, opencensus: }}',
    pick: receivers,
    want: {},
    warnings: [
      'distributor.receivers.kafka is a receiver Vivace does not have; ignored',
      'distributor.receivers.opencensus is a receiver Vivace does not have; ignored',
      NO_RECEIVER,
    ],
  },
  {
    name: 'otlp and jaeger need a protocol',
    yaml: 'distributor: {receivers: {otlp: , jaeger: {protocols: {}}}}',
    pick: receivers,
    want: {},
    warnings: [],
    errors: [
      'distributor.receivers.otlp: must specify at least one protocol (grpc or http)',
      'distributor.receivers.jaeger: must specify at least one protocol (grpc, thrift_http, thrift_binary or thrift_compact)',
    ],
  },
  {
    name: 'bad endpoints and protocol names',
    yaml: 'distributor: {receivers: {otlp: {protocols: {grpc: {endpoint: 4317}, htp: {}}}, zipkin: {endpoint: "${HOST}:9411"}}}',
    pick: receivers,
    want: {},
    warnings: [
      'line 1: ${HOST} is kept as written; run with -config.expand-env=true to expand environment variables',
    ],
    errors: [
      'distributor.receivers.otlp.protocols.htp: unknown key; did you mean distributor.receivers.otlp.protocols.http?',
      'distributor.receivers.otlp.protocols.grpc.endpoint: 4317 is not a host:port address (use e.g. 0.0.0.0:4317)',
      'distributor.receivers.zipkin.endpoint: "${HOST}:9411" is not a host:port address (use e.g. 0.0.0.0:4317)',
    ],
  },
  {
    name: 'ingester in every accepted form',
    yaml: 'ingester: {trace_idle_period: 10s, max_block_bytes: 500MiB, max_block_duration: 1h30m, flush_check_period: 1.5s}',
    pick: (c) => c.ingester,
    want: {
      traceIdlePeriodMs: 10_000,
      maxBlockBytes: 524_288_000,
      maxBlockDurationMs: 5_400_000,
      flushCheckPeriodMs: 1500,
    },
    warnings: [NO_RECEIVER],
  },
  {
    name: 'ingester keys Vivace does not use',
    yaml: 'ingester: {trace_live_period: 30s, lifecycler: {ring: {replication_factor: 1}}, complete_block_timeout: 15m}',
    pick: (c) => c.ingester,
    want: baseConfig().ingester,
    warnings: [
      'ingester.trace_live_period: accepted but not used by Vivace',
      'ingester.lifecycler.ring.replication_factor: accepted but not used by Vivace',
      'ingester.complete_block_timeout: accepted but not used by Vivace',
      NO_RECEIVER,
    ],
  },
  {
    name: 'wrong types, every one reported',
    yaml: 'ingester: {trace_idle_period: 10, max_block_bytes: lots, max_block_duration: -5m, flush_check_period: [1]}',
    pick: (c) => c.ingester,
    want: baseConfig().ingester,
    warnings: [NO_RECEIVER],
    errors: [
      'ingester.trace_idle_period: 10 is not a duration (use e.g. 30s, 5m, 1h)',
      'ingester.max_block_bytes: "lots" is not a size in bytes (use e.g. 524288000 or 500MiB)',
      'ingester.max_block_duration: must be greater than 0 (got "-5m")',
      'ingester.flush_check_period: a list is not a duration (use e.g. 30s, 5m, 1h)',
    ],
  },
  {
    name: 'a key left empty keeps its default',
    yaml: 'ingester:\n  max_block_bytes:\n',
    pick: (c) => c.ingester.maxBlockBytes,
    want: 524_288_000,
    warnings: [NO_RECEIVER],
  },
  {
    name: 'compactor',
    yaml: `compactor:
  compaction:
    block_retention: 720h
    compacted_block_retention: 0s
    compaction_window: 4h
    max_block_bytes: 1_073_741_824
    compaction_cycle: 1m
    max_total_bytes: 100GB
    retention_concurrency: 10
  ring: {kvstore: {store: inmemory}}
`,
    pick: (c) => c.compactor,
    want: {
      blockRetentionMs: 2_592_000_000,
      compactedBlockRetentionMs: 0,
      compactionWindowMs: 14_400_000,
      maxCompactionBlockBytes: 1_073_741_824,
      compactionCycleMs: 60_000,
      maxTotalBytes: 100_000_000_000,
    },
    warnings: [
      'compactor.compaction.retention_concurrency: accepted but not used by Vivace',
      'compactor.ring.kvstore.store: accepted but not used by Vivace',
      NO_RECEIVER,
    ],
  },
  {
    name: 'storage: object stores are not supported yet',
    yaml: 'storage: {trace: {backend: gcs, gcs: {bucket_name: tempo}}}',
    pick: (c) => c.storage.backend,
    want: 'local',
    warnings: ['storage.trace.gcs.bucket_name: accepted but not used by Vivace', NO_RECEIVER],
    errors: ['storage.trace.backend: gcs is not supported yet, use local'],
  },
  {
    name: 'storage: WAL sync policy',
    yaml: 'storage: {trace: {wal: {path: /w, sync: interval, sync_interval: 50ms}, local: {path: /b}, block: {version: vParquet4}}}',
    pick: (c) => c.storage,
    want: {
      backend: 'local',
      walPath: '/w',
      localPath: '/b',
      walSync: 'interval',
      walSyncIntervalMs: 50,
    },
    warnings: ['storage.trace.block.version: accepted but not used by Vivace', NO_RECEIVER],
  },
  {
    name: 'storage: sync_interval without sync: interval',
    yaml: 'storage: {trace: {wal: {sync: never, sync_interval: 1s, path: ""}}}',
    pick: (c) => c.storage.walSync,
    want: 'never',
    warnings: [
      NO_RECEIVER,
      'storage.trace.wal.sync_interval: only used when storage.trace.wal.sync is interval',
    ],
    errors: ['storage.trace.wal.path: must not be empty'],
  },
  {
    name: 'server and tenancy',
    yaml: 'server: {http_listen_address: "", http_listen_port: 3300, log_level: warn, grpc_listen_port: 9095}\nmultitenancy_enabled: yes\n',
    pick: (c) => [c.server, c.multitenancyEnabled],
    want: [{ httpListenAddress: '0.0.0.0', httpListenPort: 3300, logLevel: 'warn' }, true],
    warnings: ['server.grpc_listen_port: accepted but not used by Vivace', NO_RECEIVER],
  },
  {
    name: 'auth_enabled is the old name of multitenancy_enabled',
    yaml: 'auth_enabled: true\n',
    pick: (c) => c.multitenancyEnabled,
    want: true,
    warnings: [NO_RECEIVER],
  },
  {
    name: 'scoped overrides',
    yaml: `distributor: {max_attribute_bytes: 0}
overrides:
  defaults:
    ingestion: {rate_limit_bytes: 1000, burst_size_bytes: 2000, max_traces_per_user: 3, max_attribute_bytes: 512}
    global: {max_bytes_per_trace: 4000}
    metrics_generator: {processors: [span-metrics, service-graphs, span-metrics]}
    compaction: {block_retention: 7d}
`,
    pick: (c) => [c.overrides, c.compactor.blockRetentionMs],
    want: [
      {
        rateLimitBytes: 1000,
        burstSizeBytes: 2000,
        maxTracesPerUser: 3,
        maxBytesPerTrace: 4000,
        maxAttributeBytes: 512,
        metricsGeneratorProcessors: ['span-metrics', 'service-graphs'],
      },
      604_800_000,
    ],
    warnings: [NO_RECEIVER],
  },
  {
    name: 'legacy flat overrides',
    yaml: `overrides:
  ingestion_rate_limit_bytes: 1000
  ingestion_burst_size_bytes: 2000
  max_traces_per_user: 3
  max_bytes_per_trace: 4000
  ingestion_max_attribute_bytes: 0
  metrics_generator_processors: [service-graphs]
  max_search_duration: 0s
  per_tenant_override_config: /conf/overrides.yaml
`,
    pick: (c) => c.overrides,
    want: {
      rateLimitBytes: 1000,
      burstSizeBytes: 2000,
      maxTracesPerUser: 3,
      maxBytesPerTrace: 4000,
      maxAttributeBytes: 2048,
      metricsGeneratorProcessors: ['service-graphs'],
    },
    warnings: [
      'overrides.max_search_duration: accepted but not used by Vivace',
      'overrides.per_tenant_override_config: accepted but not used by Vivace',
      NO_RECEIVER,
      'overrides.ingestion_rate_limit_bytes: legacy flat overrides are deprecated in Tempo; use overrides.defaults.ingestion.rate_limit_bytes',
      'overrides.ingestion_burst_size_bytes: legacy flat overrides are deprecated in Tempo; use overrides.defaults.ingestion.burst_size_bytes',
      'overrides.max_traces_per_user: legacy flat overrides are deprecated in Tempo; use overrides.defaults.ingestion.max_traces_per_user',
      'overrides.max_bytes_per_trace: legacy flat overrides are deprecated in Tempo; use overrides.defaults.global.max_bytes_per_trace',
      'overrides.ingestion_max_attribute_bytes: legacy flat overrides are deprecated in Tempo; use overrides.defaults.ingestion.max_attribute_bytes',
      'overrides.metrics_generator_processors: legacy flat overrides are deprecated in Tempo; use overrides.defaults.metrics_generator.processors',
    ],
  },
  {
    name: 'the two overrides formats together',
    yaml: 'overrides:\n  defaults: {global: {max_bytes_per_trace: 1}}\n  max_traces_per_user: 3\n  block_retention: 1h\n',
    warnings: [NO_RECEIVER],
    errors: [
      'overrides: mixes the scoped format (overrides.defaults) with legacy flat keys (overrides.max_traces_per_user, overrides.block_retention); use one format',
    ],
  },
  {
    name: 'unknown processor',
    yaml: 'overrides: {defaults: {metrics_generator: {processors: [servicegraphs]}}}\noveride: 1\n',
    warnings: [NO_RECEIVER],
    errors: [
      'overide: unknown key; did you mean overrides?',
      'overrides.defaults.metrics_generator.processors: "servicegraphs" is not a known processor; did you mean service-graphs?',
    ],
  },
  {
    name: 'metrics_generator settings',
    yaml: `metrics_generator:
  registry: {external_labels: {source: tempo, n: 1}, collection_interval: 5s, stale_duration: 1m, inject_tenant_id_as: tenant}
  metrics_ingestion_time_range_slack: 1m
  storage:
    path: /g
    remote_write: [{url: "http://p:9090/api/v1/write", headers: {X-A: b}, send_exemplars: true}]
    remote_write_add_org_id_header: false
  processor:
    service_graphs: {wait: 2s, max_items: 50, histogram_buckets: [0.5, 1], dimensions: [env], enable_client_server_prefix: true, enable_virtual_node_label: true, peer_attributes: [peer.service], database_name_attributes: [db.system]}
    span_metrics: {histogram_buckets: [1, 2], dimensions: [http.method], span_multiplier_key: ratio, intrinsic_dimensions: {status_message: true, span_kind: false}}
overrides: {defaults: {metrics_generator: {processors: [span-metrics], max_active_series: 500}}}
`,
    pick: (c) => [c.generator, c.overrides.metricsGeneratorProcessors],
    want: [
      {
        ...defaultGenerator(),
        collectionIntervalMs: 5000,
        staleDurationMs: 60_000,
        externalLabels: { source: 'tempo', n: '1' },
        injectTenantIdAs: 'tenant',
        ingestionSlackMs: 60_000,
        maxActiveSeries: 500,
        remoteWrite: [
          { url: 'http://p:9090/api/v1/write', headers: { 'X-A': 'b' }, sendExemplars: true },
        ],
        remoteWriteAddOrgIdHeader: false,
        serviceGraphs: {
          ...defaultGenerator().serviceGraphs,
          waitMs: 2000,
          maxItems: 50,
          histogramBuckets: [0.5, 1],
          dimensions: ['env'],
          enableClientServerPrefix: true,
          enableVirtualNodeLabel: true,
          peerAttributes: ['peer.service'],
          databaseNameAttributes: ['db.system'],
        },
        spanMetrics: {
          ...defaultGenerator().spanMetrics,
          histogramBuckets: [1, 2],
          dimensions: ['http.method'],
          spanMultiplierKey: 'ratio',
          intrinsicDimensions: {
            ...defaultGenerator().spanMetrics.intrinsicDimensions,
            status_message: true,
            span_kind: false,
          },
        },
      },
      ['span-metrics'],
    ],
    warnings: [STORAGE_PATH_NOTE, NO_RECEIVER],
  },
  {
    name: 'metrics_generator values that are wrong',
    yaml: `metrics_generator:
  storage: {remote_write: [{headers: {a: b}}]}
  processor:
    service_graphs: {histogram_buckets: [1, 0.5]}
    span_metrics: {histogram_buckets: 3}
`,
    warnings: [NO_RECEIVER],
    errors: [
      'metrics_generator.storage.remote_write: entry 0 needs a url (http:// or https://)',
      'metrics_generator.processor.service_graphs.histogram_buckets: the bounds must increase (1 is followed by 0.5)',
      'metrics_generator.processor.span_metrics.histogram_buckets: expected a non-empty list of numbers, got 3',
    ],
  },
  {
    name: 'ui',
    yaml: 'ui: {enabled: false, http_listen_port: 3200}\n',
    pick: (c) => c.ui,
    want: { enabled: false, httpListenPort: 3200 },
    warnings: [NO_RECEIVER],
  },
  {
    name: 'Tempo 3 sections get one warning each',
    yaml: 'live_store: {max_block_bytes: 1, wal: {path: /x}}\nbackend_worker: {compaction: {block_retention: 1h}}\ntarget: all\n',
    warnings: [
      'live_store: Tempo 3 settings are not used; Vivace reads the Tempo 2 keys (ingester.*)',
      'backend_worker: Tempo 3 settings are not used; Vivace reads the Tempo 2 keys (compactor.compaction.*)',
      'target: accepted; Vivace always runs every component in one process',
      NO_RECEIVER,
    ],
  },
  {
    name: 'port clashes',
    yaml: `server: {http_listen_port: 4000}
ui: {http_listen_port: 4000}
distributor:
  receivers:
    otlp: {protocols: {grpc: {endpoint: "127.0.0.1:4318"}, http: {endpoint: "127.0.0.2:4318"}}}
    jaeger: {protocols: {thrift_compact: {endpoint: ":9411"}, thrift_binary: {endpoint: ":9411"}}}
    zipkin: {endpoint: ":9411"}
`,
    warnings: [],
    errors: [
      'ui.http_listen_port: port 4000 is already used by server.http_listen_port',
      'distributor.receivers.jaeger.protocols.thrift_binary.endpoint: port 9411 is already used by distributor.receivers.jaeger.protocols.thrift_compact.endpoint',
    ],
  },
  {
    name: 'port 0 and a disabled UI never clash',
    yaml: 'server: {http_listen_port: 0}\nui: {enabled: false, http_listen_port: 0}\ndistributor: {receivers: {zipkin: {endpoint: ":0"}, otlp: {protocols: {http: {endpoint: ":3000"}}}}}\n',
    pick: (c) => c.receivers.otlpHttp,
    want: { host: '0.0.0.0', port: 3000, maxRequestBodyBytes: 16 * MiB },
    warnings: [],
  },
  {
    name: 'Jaeger and Zipkin size limits and parse_string_tags',
    yaml: `distributor:
  receivers:
    jaeger:
      protocols:
        grpc: {max_recv_msg_size_mib: 8}
        thrift_http: {max_request_body_size: 1000000}
        thrift_compact: {max_packet_size: 9000}
    zipkin: {parse_string_tags: true, max_request_body_size: 2MB}
`,
    pick: receivers,
    want: {
      jaegerGrpc: { host: '0.0.0.0', port: 14250, maxRecvMsgBytes: 8 * MiB },
      jaegerThriftHttp: { host: '0.0.0.0', port: 14268, maxRequestBodyBytes: 1_000_000 },
      jaegerThriftCompact: { host: '0.0.0.0', port: 6831, maxPacketBytes: 9000 },
      zipkin: {
        host: '0.0.0.0',
        port: 9411,
        maxRequestBodyBytes: 2_000_000,
        parseStringTags: true,
      },
    },
    warnings: [],
  },
  {
    name: 'parse_string_tags must be a boolean',
    yaml: 'distributor: {receivers: {zipkin: {parse_string_tags: sometimes}}}\n',
    pick: receivers,
    want: {
      zipkin: {
        host: '0.0.0.0',
        port: 9411,
        maxRequestBodyBytes: 16 * MiB,
        parseStringTags: false,
      },
    },
    warnings: [],
    errors: [
      'distributor.receivers.zipkin.parse_string_tags: "sometimes" is not a boolean (use true or false)',
    ],
  },
  {
    name: 'YAML anchors and merge keys',
    yaml: 'x-durations: &d {max_block_duration: 5m}\ningester:\n  <<: *d\n  max_block_bytes: 1MB\n',
    pick: (c) => [c.ingester.maxBlockDurationMs, c.ingester.maxBlockBytes],
    want: [300_000, 1_000_000],
    warnings: [NO_RECEIVER],
    errors: ['x-durations: unknown key'],
  },
  {
    name: 'YAML syntax error',
    yaml: 'server:\n  http_listen_port: 3200\n log_level: info\n',
    pick: (c) => c,
    want: baseConfig(),
    errors: ['YAML syntax error at line 3, col 1: All mapping items must start at the same column'],
  },
  {
    name: 'duplicate key',
    yaml: 'server: {}\nserver: {}\n',
    errors: ['YAML syntax error at line 2, col 1: Map keys must be unique'],
  },
  {
    name: 'two documents',
    yaml: 'server: {}\n---\nserver: {}\n',
    errors: [
      'YAML syntax error at line 2, col 1: the file holds more than one YAML document; Vivace reads one',
    ],
  },
  {
    name: 'not a mapping',
    yaml: '- a\n- b\n',
    errors: ['the file must hold a mapping of keys, got a list'],
  },
  {
    name: 'expand-env',
    yaml: 'storage:\n  trace:\n    wal: {path: "${DATA:-/var/vivace}/wal"}\n    local: {path: "${BLOCKS}"}\nserver: {http_listen_port: ${PORT}}\n',
    opts: { expandEnv: true, env: { PORT: '3300', BLOCKS: '/b' } },
    pick: (c) => [c.storage.walPath, c.storage.localPath, c.server.httpListenPort],
    want: ['/var/vivace/wal', '/b', 3300],
    warnings: [NO_RECEIVER],
  },
  {
    name: 'expand-env problems come first, then the rest',
    yaml: 'server:\n  http_listen_port: ${PORT^^}\n  log_level: ${LEVEL}\n',
    opts: { expandEnv: true, env: { LEVEL: 'loud' } },
    warnings: [NO_RECEIVER],
    errors: [
      '-config.expand-env: line 2, col 21: bad substitution "${PORT^^}" (use ${VAR} or ${VAR:-default}; write $$ for a literal $)',
      'server.http_listen_port: "${PORT^^}" is not a port number (use 0 to 65535)',
      'server.log_level: "loud" is not a valid value (use debug, info, warn or error)',
    ],
  },
];

describe('parseConfig', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = parseConfig(c.yaml, c.opts ?? plain);
      assert.deepEqual(
        { warnings: got.warnings, errors: got.errors },
        { warnings: c.warnings ?? [], errors: c.errors ?? [] },
      );
      if (c.pick) assert.deepEqual(c.pick(got.config), c.want);
    });
  }
});
