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
  /** The `metrics_generator` section as written (keys checked, values not), kept for later use. */
  readonly metricsGenerator?: Readonly<Record<string, unknown>>;
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
