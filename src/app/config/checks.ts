/** Checks that look at several settings together, run once the config is read. */

import { valueAt } from './fields.js';
import { RECEIVER_PATHS, UDP_RECEIVERS } from './receivers.js';
import type { VivaceConfig } from './types.js';
import { isMapping } from './values.js';

interface Listener {
  readonly path: string;
  readonly host: string;
  readonly port: number;
  readonly udp: boolean;
}

function listeners(config: VivaceConfig): Listener[] {
  const host = config.server.httpListenAddress;
  const out: Listener[] = [
    { path: 'server.http_listen_port', host, port: config.server.httpListenPort, udp: false },
  ];
  if (config.ui.enabled)
    out.push({ path: 'ui.http_listen_port', host, port: config.ui.httpListenPort, udp: false });
  for (const key of Object.keys(RECEIVER_PATHS) as (keyof typeof RECEIVER_PATHS)[]) {
    const at = config.receivers[key];
    if (at)
      out.push({ path: `${RECEIVER_PATHS[key]}.endpoint`, ...at, udp: UDP_RECEIVERS.has(key) });
  }
  return out;
}

const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::' || host === '';

function overlaps(a: Listener, b: Listener): boolean {
  const sameHost = a.host === b.host || isWildcard(a.host) || isWildcard(b.host);
  return a.port !== 0 && a.port === b.port && a.udp === b.udp && sameHost;
}

/** Two servers on one port cannot both start. Port 0 (any free port) never clashes. */
export function checkPorts(config: VivaceConfig): string[] {
  const all = listeners(config);
  const errors: string[] = [];
  all.forEach((b, i) => {
    const a = all.slice(0, i).find((earlier) => overlaps(earlier, b));
    if (a) errors.push(`${b.path}: port ${b.port} is already used by ${a.path}`);
  });
  return errors;
}

export function checkWalSync(root: Record<string, unknown>, config: VivaceConfig): string[] {
  const interval = valueAt(root, 'storage.trace.wal.sync_interval');
  if (interval === undefined || interval === null || config.storage.walSync === 'interval')
    return [];
  return ['storage.trace.wal.sync_interval: only used when storage.trace.wal.sync is interval'];
}

/** The scoped key that replaces each legacy flat key Vivace reads. */
const SCOPED_EQUIVALENT: Readonly<Record<string, string>> = {
  ingestion_rate_limit_bytes: 'ingestion.rate_limit_bytes',
  ingestion_burst_size_bytes: 'ingestion.burst_size_bytes',
  max_traces_per_user: 'ingestion.max_traces_per_user',
  ingestion_max_attribute_bytes: 'ingestion.max_attribute_bytes',
  max_bytes_per_trace: 'global.max_bytes_per_trace',
  metrics_generator_processors: 'metrics_generator.processors',
  block_retention: 'compaction.block_retention',
};

/** Keys of `overrides` that belong to the scoped format, or to both formats. */
const SCOPED_FORMAT_KEYS = new Set([
  'defaults',
  'per_tenant_override_config',
  'per_tenant_override_period',
  'user_configurable_overrides',
  'enable_legacy_overrides',
]);

/**
 * Tempo reads `overrides` either in the scoped format (`overrides.defaults.*`) or in the legacy
 * flat one, never both; the flat one is deprecated (Tempo 3 refuses it unless
 * `enable_legacy_overrides` is set). Vivace reads both and warns about the flat one.
 */
export function checkOverridesFormat(
  root: Record<string, unknown>,
  knownKeys: ReadonlySet<string>,
): { warnings: string[]; errors: string[] } {
  const overrides = root.overrides;
  if (!isMapping(overrides)) return { warnings: [], errors: [] };
  const flat = Object.keys(overrides).filter((k) => !SCOPED_FORMAT_KEYS.has(k) && knownKeys.has(k));
  if (flat.length > 0 && 'defaults' in overrides) {
    const listed = flat.map((k) => `overrides.${k}`).join(', ');
    return {
      warnings: [],
      errors: [
        `overrides: mixes the scoped format (overrides.defaults) with legacy flat keys (${listed}); use one format`,
      ],
    };
  }
  const warnings = flat.flatMap((k) => {
    const scoped = SCOPED_EQUIVALENT[k];
    return scoped === undefined
      ? []
      : [
          `overrides.${k}: legacy flat overrides are deprecated in Tempo; use overrides.defaults.${scoped}`,
        ];
  });
  return { warnings, errors: [] };
}
