/**
 * The tempo.yaml keys Vivace reads (receivers aside, see receivers.ts), each with its reader and
 * where it goes in the config. Keys are applied in table order, so a later key can refine an earlier
 * one (per-tenant overrides after the component settings they override).
 */

import { closestMatch } from './closest.js';
import type { GeneratorConfig, RemoteWriteConfig, VivaceConfig } from './types.js';
import {
  describeValue,
  isMapping,
  listChoices,
  nonNegative,
  positive,
  readBool,
  readBytes,
  readDurationMs,
  readOneOf,
  readPort,
  readIncreasingNumbers,
  readString,
  readStringList,
  readStringMap,
  readWholeNumber,
} from './values.js';
import type { Read, Reader } from './values.js';

type DeepMutable<T> = {
  -readonly [K in keyof T]: T[K] extends readonly (infer U)[]
    ? U[]
    : T[K] extends object
      ? DeepMutable<T[K]>
      : T[K];
};

/** A config being built. */
export type ConfigDraft = DeepMutable<VivaceConfig>;

export interface FieldSpec {
  /** Dotted key path in tempo.yaml. */
  readonly path: string;
  /** Reads a present, non-null value into the draft; returns what was wrong, if anything. */
  apply(draft: ConfigDraft, raw: unknown): string | undefined;
}

function field<T>(
  path: string,
  read: Reader<T>,
  set: (d: ConfigDraft, value: T) => void,
): FieldSpec {
  return {
    path,
    apply(draft, raw) {
      const r = read(raw);
      if (!r.ok) return r.problem;
      set(draft, r.value);
      return undefined;
    },
  };
}

/** The value at a dotted path, or undefined when a key on the way is missing or not a mapping. */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (!isMapping(node)) return undefined;
    node = node[key];
  }
  return node;
}

const MG = 'metrics_generator';
const SG = `${MG}.processor.service_graphs`;
const SM = `${MG}.processor.span_metrics`;
const seconds = positive(readDurationMs);

function readRemoteWrite(raw: unknown): Read<GeneratorConfig['remoteWrite']> {
  if (!Array.isArray(raw))
    return { ok: false, problem: `expected a list, got ${describeValue(raw)}` };
  const out: RemoteWriteConfig[] = [];
  for (const [i, item] of raw.entries()) {
    if (!isMapping(item) || typeof item.url !== 'string' || !/^https?:\/\//.test(item.url)) {
      return { ok: false, problem: `entry ${i} needs a url (http:// or https://)` };
    }
    const headers =
      item.headers === undefined ? { ok: true as const, value: {} } : readStringMap(item.headers);
    if (!headers.ok) return { ok: false, problem: `entry ${i}: headers: ${headers.problem}` };
    const exemplars =
      item.send_exemplars === undefined
        ? { ok: true as const, value: false }
        : readBool(item.send_exemplars);
    if (!exemplars.ok)
      return { ok: false, problem: `entry ${i}: send_exemplars: ${exemplars.problem}` };
    out.push({ url: item.url, headers: headers.value, sendExemplars: exemplars.value });
  }
  return { ok: true, value: out };
}

const INTRINSICS = ['service', 'span_name', 'span_kind', 'status_code', 'status_message'] as const;

/** The metrics generator's keys (`metrics_generator.*`). */
const GENERATOR_FIELDS: FieldSpec[] = [
  field(
    `${MG}.registry.collection_interval`,
    seconds,
    (d, v) => (d.generator.collectionIntervalMs = v),
  ),
  field(`${MG}.registry.stale_duration`, seconds, (d, v) => (d.generator.staleDurationMs = v)),
  field(
    `${MG}.registry.external_labels`,
    readStringMap,
    (d, v) => (d.generator.externalLabels = { ...v }),
  ),
  field(
    `${MG}.registry.inject_tenant_id_as`,
    readString,
    (d, v) => (d.generator.injectTenantIdAs = v),
  ),
  field(
    `${MG}.registry.max_label_name_length`,
    positive(readWholeNumber),
    (d, v) => (d.generator.maxLabelNameLength = v),
  ),
  field(
    `${MG}.registry.max_label_value_length`,
    positive(readWholeNumber),
    (d, v) => (d.generator.maxLabelValueLength = v),
  ),
  field(
    `${MG}.metrics_ingestion_time_range_slack`,
    nonNegative(readDurationMs),
    (d, v) => (d.generator.ingestionSlackMs = v),
  ),
  field(
    `${MG}.storage.remote_write`,
    readRemoteWrite,
    (d, v) => (d.generator.remoteWrite = v.map((r) => ({ ...r, headers: { ...r.headers } }))),
  ),
  field(
    `${MG}.storage.remote_write_flush_deadline`,
    nonNegative(readDurationMs),
    (d, v) => (d.generator.remoteWriteFlushDeadlineMs = v),
  ),
  field(
    `${MG}.storage.remote_write_add_org_id_header`,
    readBool,
    (d, v) => (d.generator.remoteWriteAddOrgIdHeader = v),
  ),
  field(`${SG}.wait`, seconds, (d, v) => (d.generator.serviceGraphs.waitMs = v)),
  field(
    `${SG}.max_items`,
    positive(readWholeNumber),
    (d, v) => (d.generator.serviceGraphs.maxItems = v),
  ),
  field(
    `${SG}.histogram_buckets`,
    readIncreasingNumbers,
    (d, v) => (d.generator.serviceGraphs.histogramBuckets = [...v]),
  ),
  field(
    `${SG}.dimensions`,
    readStringList,
    (d, v) => (d.generator.serviceGraphs.dimensions = [...v]),
  ),
  field(
    `${SG}.enable_client_server_prefix`,
    readBool,
    (d, v) => (d.generator.serviceGraphs.enableClientServerPrefix = v),
  ),
  field(
    `${SG}.enable_messaging_system_latency_histogram`,
    readBool,
    (d, v) => (d.generator.serviceGraphs.enableMessagingSystemLatencyHistogram = v),
  ),
  field(
    `${SG}.enable_virtual_node_label`,
    readBool,
    (d, v) => (d.generator.serviceGraphs.enableVirtualNodeLabel = v),
  ),
  field(
    `${SG}.peer_attributes`,
    readStringList,
    (d, v) => (d.generator.serviceGraphs.peerAttributes = [...v]),
  ),
  field(
    `${SG}.database_name_attributes`,
    readStringList,
    (d, v) => (d.generator.serviceGraphs.databaseNameAttributes = [...v]),
  ),
  field(
    `${SM}.histogram_buckets`,
    readIncreasingNumbers,
    (d, v) => (d.generator.spanMetrics.histogramBuckets = [...v]),
  ),
  field(
    `${SM}.dimensions`,
    readStringList,
    (d, v) => (d.generator.spanMetrics.dimensions = [...v]),
  ),
  field(
    `${SM}.span_multiplier_key`,
    readString,
    (d, v) => (d.generator.spanMetrics.spanMultiplierKey = v),
  ),
  ...INTRINSICS.map((name) =>
    field(
      `${SM}.intrinsic_dimensions.${name}`,
      readBool,
      (d, v) => (d.generator.spanMetrics.intrinsicDimensions[name] = v),
    ),
  ),
];

/** Metrics-generator processor names Tempo knows, 2.x and 3.x together. */
export const KNOWN_PROCESSORS = [
  'service-graphs',
  'service-graphs-request',
  'service-graphs-latency',
  'service-graphs-connection-info',
  'span-metrics',
  'span-metrics-count',
  'span-metrics-latency',
  'span-metrics-size',
  'host-info',
  'local-blocks',
] as const;

function readProcessors(raw: unknown): Read<string[]> {
  const list = readStringList(raw);
  if (!list.ok) return list;
  for (const name of list.value) {
    if ((KNOWN_PROCESSORS as readonly string[]).includes(name)) continue;
    const guess = closestMatch(name, KNOWN_PROCESSORS);
    const hint = guess ? `did you mean ${guess}?` : `use ${listChoices(KNOWN_PROCESSORS)}`;
    return { ok: false, problem: `${describeValue(name)} is not a known processor; ${hint}` };
  }
  return { ok: true, value: [...new Set(list.value)] };
}

const UNSUPPORTED_BACKENDS = ['s3', 'gcs', 'azure'];

function readBackend(raw: unknown): Read<'local'> {
  if (raw === 'local') return { ok: true, value: 'local' };
  if (typeof raw === 'string' && UNSUPPORTED_BACKENDS.includes(raw)) {
    return { ok: false, problem: `${raw} is not supported yet, use local` };
  }
  return { ok: false, problem: `${describeValue(raw)} is not a valid value (use local)` };
}

const readPath: Reader<string> = (raw) => {
  const r = readString(raw);
  return r.ok && r.value === '' ? { ok: false, problem: 'must not be empty' } : r;
};

const duration = positive(readDurationMs);
const bytes = positive(readBytes);
const limitBytes = nonNegative(readBytes);
const count = nonNegative(readWholeNumber);
const retention = nonNegative(readDurationMs);

/** Sets the per-tenant attribute limit when the override is on (> 0), as Tempo's distributor does. */
const setAttributeLimit = (d: ConfigDraft, n: number): void => {
  if (n > 0) d.overrides.maxAttributeBytes = n;
};
/** Per-tenant `block_retention` replaces the compactor's when set (> 0). */
const setTenantRetention = (d: ConfigDraft, ms: number): void => {
  if (ms > 0) d.compactor.blockRetentionMs = ms;
};

export const FIELDS: readonly FieldSpec[] = [
  field(
    'server.http_listen_address',
    readString,
    (d, v) => (d.server.httpListenAddress = v || '0.0.0.0'),
  ),
  field('server.http_listen_port', readPort, (d, v) => (d.server.httpListenPort = v)),
  field(
    'server.log_level',
    readOneOf(['debug', 'info', 'warn', 'error'] as const),
    (d, v) => (d.server.logLevel = v),
  ),
  field('multitenancy_enabled', readBool, (d, v) => (d.multitenancyEnabled = v)),
  field('auth_enabled', readBool, (d, v) => (d.multitenancyEnabled ||= v)),
  field(
    'distributor.max_attribute_bytes',
    limitBytes,
    (d, v) => (d.overrides.maxAttributeBytes = v),
  ),
  field('ingester.trace_idle_period', duration, (d, v) => (d.ingester.traceIdlePeriodMs = v)),
  field('ingester.max_block_bytes', bytes, (d, v) => (d.ingester.maxBlockBytes = v)),
  field('ingester.max_block_duration', duration, (d, v) => (d.ingester.maxBlockDurationMs = v)),
  field('ingester.flush_check_period', duration, (d, v) => (d.ingester.flushCheckPeriodMs = v)),
  field(
    'compactor.compaction.block_retention',
    duration,
    (d, v) => (d.compactor.blockRetentionMs = v),
  ),
  field(
    'compactor.compaction.compacted_block_retention',
    retention,
    (d, v) => (d.compactor.compactedBlockRetentionMs = v),
  ),
  field(
    'compactor.compaction.compaction_window',
    duration,
    (d, v) => (d.compactor.compactionWindowMs = v),
  ),
  field(
    'compactor.compaction.max_block_bytes',
    bytes,
    (d, v) => (d.compactor.maxCompactionBlockBytes = v),
  ),
  field(
    'compactor.compaction.compaction_cycle',
    duration,
    (d, v) => (d.compactor.compactionCycleMs = v),
  ),
  field(
    'compactor.compaction.max_total_bytes',
    limitBytes,
    (d, v) => (d.compactor.maxTotalBytes = v),
  ),
  field('storage.trace.backend', readBackend, (d, v) => (d.storage.backend = v)),
  field('storage.trace.wal.path', readPath, (d, v) => (d.storage.walPath = v)),
  field('storage.trace.local.path', readPath, (d, v) => (d.storage.localPath = v)),
  field(
    'storage.trace.wal.sync',
    readOneOf(['always', 'interval', 'never'] as const),
    (d, v) => (d.storage.walSync = v),
  ),
  field('storage.trace.wal.sync_interval', duration, (d, v) => (d.storage.walSyncIntervalMs = v)),
  // Legacy flat overrides (Tempo 2.0 and earlier; deprecated since).
  field(
    'overrides.ingestion_rate_limit_bytes',
    limitBytes,
    (d, v) => (d.overrides.rateLimitBytes = v),
  ),
  field(
    'overrides.ingestion_burst_size_bytes',
    limitBytes,
    (d, v) => (d.overrides.burstSizeBytes = v),
  ),
  field('overrides.max_traces_per_user', count, (d, v) => (d.overrides.maxTracesPerUser = v)),
  field('overrides.ingestion_max_attribute_bytes', limitBytes, setAttributeLimit),
  field('overrides.max_bytes_per_trace', limitBytes, (d, v) => (d.overrides.maxBytesPerTrace = v)),
  field(
    'overrides.metrics_generator_processors',
    readProcessors,
    (d, v) => (d.overrides.metricsGeneratorProcessors = v),
  ),
  field('overrides.block_retention', retention, setTenantRetention),
  // Scoped overrides (Tempo 2.3 and later).
  field(
    'overrides.defaults.ingestion.rate_limit_bytes',
    limitBytes,
    (d, v) => (d.overrides.rateLimitBytes = v),
  ),
  field(
    'overrides.defaults.ingestion.burst_size_bytes',
    limitBytes,
    (d, v) => (d.overrides.burstSizeBytes = v),
  ),
  field(
    'overrides.defaults.ingestion.max_traces_per_user',
    count,
    (d, v) => (d.overrides.maxTracesPerUser = v),
  ),
  field('overrides.defaults.ingestion.max_attribute_bytes', limitBytes, setAttributeLimit),
  field(
    'overrides.defaults.global.max_bytes_per_trace',
    limitBytes,
    (d, v) => (d.overrides.maxBytesPerTrace = v),
  ),
  field(
    'overrides.defaults.metrics_generator.processors',
    readProcessors,
    (d, v) => (d.overrides.metricsGeneratorProcessors = v),
  ),
  field('overrides.defaults.compaction.block_retention', retention, setTenantRetention),
  field(
    'overrides.defaults.metrics_generator.max_active_series',
    count,
    (d, v) => (d.generator.maxActiveSeries = v),
  ),
  field(
    'overrides.metrics_generator_max_active_series',
    count,
    (d, v) => (d.generator.maxActiveSeries = v),
  ),
  ...GENERATOR_FIELDS,
  // Vivace's own section.
  field('ui.enabled', readBool, (d, v) => (d.ui.enabled = v)),
  field('ui.http_listen_port', readPort, (d, v) => (d.ui.httpListenPort = v)),
];

/** Reads every field present in the file into the draft; returns the problems, prefixed by key path. */
export function applyFields(root: Record<string, unknown>, draft: ConfigDraft): string[] {
  const errors: string[] = [];
  for (const spec of FIELDS) {
    const raw = valueAt(root, spec.path);
    if (raw === undefined || raw === null) continue;
    const problem = spec.apply(draft, raw);
    if (problem !== undefined) errors.push(`${spec.path}: ${problem}`);
  }
  return errors;
}
