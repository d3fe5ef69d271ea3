/**
 * The configuration Vivace runs with, read from a Tempo-compatible `tempo.yaml`.
 * Durations are milliseconds, sizes are bytes, ports are TCP/UDP port numbers.
 */

/** `server.log_level`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * When the WAL is fsynced. `always`: before a request is acknowledged. `interval`: requests are
 * acknowledged after the write, and the WAL is fsynced every `walSyncIntervalMs`. `never`: left to the OS.
 */
export type WalSyncPolicy = 'always' | 'interval' | 'never';

/** Where a server listens. `host` is an IP address or a host name; `0.0.0.0` means every interface. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** A gRPC receiver (`distributor.receivers.otlp.protocols.grpc`, `….jaeger.protocols.grpc`). */
export interface GrpcReceiverConfig extends ListenAddress {
  /** Largest accepted gRPC message (`max_recv_msg_size_mib`, given in MiB in the file). */
  readonly maxRecvMsgBytes: number;
}

/** An HTTP receiver (`….otlp.protocols.http`, `….jaeger.protocols.thrift_http`, `….zipkin`). */
export interface HttpReceiverConfig extends ListenAddress {
  /** Largest accepted request body (`max_request_body_size`, in bytes in the file). */
  readonly maxRequestBodyBytes: number;
}

/** A Jaeger agent receiver on UDP (`….jaeger.protocols.thrift_compact`, `thrift_binary`). */
export interface UdpReceiverConfig extends ListenAddress {
  /** Largest datagram read (`max_packet_size`); longer ones are cut by the kernel and refused. */
  readonly maxPacketBytes: number;
}

/** `distributor.receivers.zipkin`. */
export interface ZipkinReceiverConfig extends HttpReceiverConfig {
  /** `parse_string_tags`: string tags that read as a bool, int or double are stored as one. */
  readonly parseStringTags: boolean;
}

/** Each receiver is present when it is on, and absent when it is off. */
export interface ReceiversConfig {
  readonly otlpGrpc?: GrpcReceiverConfig;
  readonly otlpHttp?: HttpReceiverConfig;
  readonly jaegerThriftHttp?: HttpReceiverConfig;
  readonly jaegerGrpc?: GrpcReceiverConfig;
  readonly jaegerThriftCompact?: UdpReceiverConfig;
  readonly jaegerThriftBinary?: UdpReceiverConfig;
  readonly zipkin?: ZipkinReceiverConfig;
}

/** `server.*`: the HTTP API (Tempo's port 3200). */
export interface ServerConfig {
  readonly httpListenAddress: string;
  readonly httpListenPort: number;
  readonly logLevel: LogLevel;
}

/** `ingester.*` (Tempo 2 keys): when live traces go to the head block and blocks are cut. */
export interface IngesterConfig {
  /** A live trace with no new span for this long is flushed to the head block. */
  readonly traceIdlePeriodMs: number;
  /** The head block is cut into a block once it holds this many bytes. */
  readonly maxBlockBytes: number;
  /** The head block is cut into a block once it is this old. */
  readonly maxBlockDurationMs: number;
  /** How often the ingester looks for idle traces and blocks to cut. */
  readonly flushCheckPeriodMs: number;
}

/** `compactor.compaction.*`: compaction and retention. */
export interface CompactorConfig {
  /** Blocks older than this are deleted. */
  readonly blockRetentionMs: number;
  /** Blocks replaced by compaction are deleted after this long. */
  readonly compactedBlockRetentionMs: number;
  /** Only blocks within one window of this length are compacted together. */
  readonly compactionWindowMs: number;
  /** A compacted block is not made larger than this. */
  readonly maxCompactionBlockBytes: number;
  /** How often the compactor runs. */
  readonly compactionCycleMs: number;
  /** Vivace's own: oldest blocks are deleted while all blocks together exceed this; 0 = no limit. */
  readonly maxTotalBytes: number;
}

/** `storage.trace.*`: where the WAL and the blocks live, and the WAL's fsync policy. */
export interface StorageConfig {
  readonly backend: 'local';
  readonly walPath: string;
  readonly localPath: string;
  readonly walSync: WalSyncPolicy;
  /** Used when `walSync` is `interval`. */
  readonly walSyncIntervalMs: number;
}

/** Per-tenant ingestion limits; the values here apply to every tenant. */
export interface OverridesConfig {
  /** Sustained ingestion rate per tenant, bytes per second. */
  readonly rateLimitBytes: number;
  /** Burst allowance per tenant, bytes. */
  readonly burstSizeBytes: number;
  /** Live traces per tenant; 0 = no limit. */
  readonly maxTracesPerUser: number;
  /** Largest trace; 0 = no limit. */
  readonly maxBytesPerTrace: number;
  /** Attribute keys and values longer than this are truncated; 0 = no truncation. */
  readonly maxAttributeBytes: number;
  /** Metrics-generator processors turned on (`service-graphs`, `span-metrics`, …), in file order. */
  readonly metricsGeneratorProcessors: readonly string[];
}

/** `ui.*`, Vivace's own section: the web UI. */
export interface UiConfig {
  readonly enabled: boolean;
  readonly httpListenPort: number;
}

/** `metrics_generator.processor.service_graphs`. */
export interface ServiceGraphsConfig {
  /** How long an edge waits for its other half. */
  readonly waitMs: number;
  /** Edges waiting at once; beyond, new spans are dropped (and counted). */
  readonly maxItems: number;
  /** Latency histogram bucket bounds, seconds. */
  readonly histogramBuckets: readonly number[];
  /** Attributes (resource first, then span) added as labels. */
  readonly dimensions: readonly string[];
  /** Each dimension becomes `client_<dim>` and `server_<dim>`. */
  readonly enableClientServerPrefix: boolean;
  /** Also `traces_service_graph_request_messaging_system_seconds`. */
  readonly enableMessagingSystemLatencyHistogram: boolean;
  /** Adds `virtual_node="client"|"server"` to virtual-node edges. */
  readonly enableVirtualNodeLabel: boolean;
  /** Span attributes naming an uninstrumented peer, first present wins. */
  readonly peerAttributes: readonly string[];
  /** Span attributes that make a client span a database call. */
  readonly databaseNameAttributes: readonly string[];
}

/** `metrics_generator.processor.span_metrics`. */
export interface SpanMetricsConfig {
  readonly histogramBuckets: readonly number[];
  /** Which of the intrinsic labels are on. */
  readonly intrinsicDimensions: {
    readonly service: boolean;
    readonly span_name: boolean;
    readonly span_kind: boolean;
    readonly status_code: boolean;
    readonly status_message: boolean;
  };
  /** Attributes (resource first, then span) added as labels. */
  readonly dimensions: readonly string[];
  /** A double attribute (span, then resource) holding the sampling ratio; '' = none. */
  readonly spanMultiplierKey: string;
}

/** One `metrics_generator.storage.remote_write` entry. */
export interface RemoteWriteConfig {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly sendExemplars: boolean;
}

/** `metrics_generator.*`: what the metrics generator does when a processor is on. */
export interface GeneratorConfig {
  /** `registry.collection_interval`: how often series are collected and remote-written. */
  readonly collectionIntervalMs: number;
  /** `registry.stale_duration`: a series not updated for this long is removed. */
  readonly staleDurationMs: number;
  /** `registry.external_labels`: added to every series. */
  readonly externalLabels: Readonly<Record<string, string>>;
  /** `registry.inject_tenant_id_as`: label name for the tenant; '' = none. */
  readonly injectTenantIdAs: string;
  readonly maxLabelNameLength: number;
  readonly maxLabelValueLength: number;
  /** `metrics_ingestion_time_range_slack`: spans that ended longer ago than this are not counted. */
  readonly ingestionSlackMs: number;
  /** `overrides…metrics_generator.max_active_series`; 0 = Vivace's cap (100,000). */
  readonly maxActiveSeries: number;
  readonly serviceGraphs: ServiceGraphsConfig;
  readonly spanMetrics: SpanMetricsConfig;
  readonly remoteWrite: readonly RemoteWriteConfig[];
  /** `storage.remote_write_add_org_id_header`: send `X-Scope-OrgID` with the tenant. */
  readonly remoteWriteAddOrgIdHeader: boolean;
  /** `storage.remote_write_flush_deadline`: how long shutdown waits for queued samples. */
  readonly remoteWriteFlushDeadlineMs: number;
}

/** Everything Vivace reads from its config file, with defaults filled in. */
export interface VivaceConfig {
  readonly server: ServerConfig;
  readonly receivers: ReceiversConfig;
  readonly ingester: IngesterConfig;
  readonly compactor: CompactorConfig;
  readonly storage: StorageConfig;
  readonly multitenancyEnabled: boolean;
  readonly overrides: OverridesConfig;
  readonly ui: UiConfig;
  /** Worker threads decoding OTLP requests (Vivace's own; not in tempo.yaml). 0 = decode inline. */
  readonly ingestWorkers?: number;
  /** The metrics generator's settings; it runs for the processors named in `overrides`. */
  readonly generator: GeneratorConfig;
}

/** The outcome of reading a config: the config is usable only when `errors` is empty. */
export interface ParseConfigResult {
  readonly config: VivaceConfig;
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
}

/** How `parseConfig` treats the text. */
export interface ParseConfigOptions {
  /** Replace `${VAR}` and `${VAR:-default}` before parsing, as Tempo's `-config.expand-env=true`. */
  readonly expandEnv: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}
