/**
 * `distributor.receivers`: which receivers are on, and where they listen. With a config file a
 * receiver is on only when its key is present, even with an empty value (`grpc:`), as in Tempo; it
 * then listens on 0.0.0.0 at its default port unless `endpoint` says otherwise.
 */

import {
  DEFAULT_MAX_PACKET_BYTES,
  DEFAULT_MAX_RECV_MSG_BYTES,
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  DEFAULT_RECEIVER_PORTS,
} from './defaults.js';
import { valueAt } from './fields.js';
import type { ListenAddress, ReceiversConfig } from './types.js';
import {
  describeValue,
  isMapping,
  listChoices,
  nonNegative,
  readBool,
  readBytes,
  readWholeNumber,
} from './values.js';
import type { Read } from './values.js';

const MiB = 1024 * 1024;
const ROOT = 'distributor.receivers';

/** Where each receiver is configured in tempo.yaml. */
export const RECEIVER_PATHS = {
  otlpGrpc: `${ROOT}.otlp.protocols.grpc`,
  otlpHttp: `${ROOT}.otlp.protocols.http`,
  jaegerThriftHttp: `${ROOT}.jaeger.protocols.thrift_http`,
  jaegerGrpc: `${ROOT}.jaeger.protocols.grpc`,
  jaegerThriftCompact: `${ROOT}.jaeger.protocols.thrift_compact`,
  jaegerThriftBinary: `${ROOT}.jaeger.protocols.thrift_binary`,
  zipkin: `${ROOT}.zipkin`,
} as const satisfies Record<keyof ReceiversConfig, string>;

type ReceiverKey = keyof typeof RECEIVER_PATHS;

/** The receivers listening on UDP; the others listen on TCP. */
export const UDP_RECEIVERS: ReadonlySet<ReceiverKey> = new Set([
  'jaegerThriftCompact',
  'jaegerThriftBinary',
]);

/** Per kind of server: the key of its size limit, the key's unit, and the default. */
const LIMITS = {
  grpc: { key: 'max_recv_msg_size_mib', unit: MiB, fallback: DEFAULT_MAX_RECV_MSG_BYTES },
  http: { key: 'max_request_body_size', unit: 1, fallback: DEFAULT_MAX_REQUEST_BODY_BYTES },
  udp: { key: 'max_packet_size', unit: 1, fallback: DEFAULT_MAX_PACKET_BYTES },
} as const;

const SERVER_KIND: Record<ReceiverKey, keyof typeof LIMITS> = {
  otlpGrpc: 'grpc',
  otlpHttp: 'http',
  jaegerThriftHttp: 'http',
  jaegerGrpc: 'grpc',
  jaegerThriftCompact: 'udp',
  jaegerThriftBinary: 'udp',
  zipkin: 'http',
};

const PARSE_STRING_TAGS = `${RECEIVER_PATHS.zipkin}.parse_string_tags`;

/** The receiver keys whose values Vivace reads. */
export const RECEIVER_FIELD_PATHS: readonly string[] = [
  ...Object.values(RECEIVER_PATHS).map((path) => `${path}.endpoint`),
  ...(Object.keys(RECEIVER_PATHS) as ReceiverKey[]).map(
    (k) => `${RECEIVER_PATHS[k]}.${LIMITS[SERVER_KIND[k]].key}`,
  ),
  PARSE_STRING_TAGS,
];

const ENDPOINT = /^(?:\[([0-9A-Za-z:.%_-]+)\]|([A-Za-z0-9._-]*)):(\d{1,5})$/;

/**
 * Parses a listen endpoint `host:port`, `[ipv6]:port` or `:port` (every interface, 0.0.0.0).
 *
 * @example
 * parseEndpoint('localhost:4318') // { ok: true, value: { host: 'localhost', port: 4318 } }
 */
export function parseEndpoint(raw: unknown): Read<ListenAddress> {
  const m = typeof raw === 'string' ? ENDPOINT.exec(raw) : null;
  const port = Number(m?.[3]);
  if (m && port <= 65535) return { ok: true, value: { host: m[1] ?? (m[2] || '0.0.0.0'), port } };
  return {
    ok: false,
    problem: `${describeValue(raw)} is not a host:port address (use e.g. 0.0.0.0:4317)`,
  };
}

function isPresent(root: Record<string, unknown>, path: string): boolean {
  const dot = path.lastIndexOf('.');
  const parent = valueAt(root, path.slice(0, dot));
  return isMapping(parent) && path.slice(dot + 1) in parent;
}

function readListen(
  root: Record<string, unknown>,
  key: ReceiverKey,
  errors: string[],
): ListenAddress | undefined {
  const path = RECEIVER_PATHS[key];
  const endpoint = valueAt(root, `${path}.endpoint`);
  if (endpoint === undefined || endpoint === null)
    return { host: '0.0.0.0', port: DEFAULT_RECEIVER_PORTS[key] };
  const r = parseEndpoint(endpoint);
  if (r.ok) return r.value;
  errors.push(`${path}.endpoint: ${r.problem}`);
  return undefined;
}

/** A size setting where 0 (or absence) means Vivace's default, as in the Collector. */
function readLimit(
  root: Record<string, unknown>,
  path: string,
  unit: number,
  fallback: number,
  errors: string[],
): number {
  const raw = valueAt(root, path);
  if (raw === undefined || raw === null) return fallback;
  const r = nonNegative(unit === 1 ? readBytes : readWholeNumber)(raw);
  if (!r.ok) errors.push(`${path}: ${r.problem}`);
  return r.ok && r.value > 0 ? r.value * unit : fallback;
}

/** The Collector refuses an otlp or jaeger receiver that names no protocol. */
function checkProtocols(
  root: Record<string, unknown>,
  name: string,
  protocols: readonly string[],
  errors: string[],
): void {
  const receiver = valueAt(root, `${ROOT}.${name}`);
  if (!isPresent(root, `${ROOT}.${name}`) || (receiver !== null && !isMapping(receiver))) return;
  const given = valueAt(receiver, 'protocols');
  if (isMapping(given) && protocols.some((p) => p in given)) return;
  errors.push(`${ROOT}.${name}: must specify at least one protocol (${listChoices(protocols)})`);
}

function readOne(
  root: Record<string, unknown>,
  key: ReceiverKey,
  errors: string[],
): ReceiversConfig {
  const at = readListen(root, key, errors);
  if (at === undefined) return {};
  const kind = SERVER_KIND[key];
  const { unit, fallback } = LIMITS[kind];
  const limit = readLimit(
    root,
    `${RECEIVER_PATHS[key]}.${LIMITS[kind].key}`,
    unit,
    fallback,
    errors,
  );
  switch (kind) {
    case 'grpc':
      return { [key]: { ...at, maxRecvMsgBytes: limit } };
    case 'udp':
      return { [key]: { ...at, maxPacketBytes: limit } };
    case 'http':
      if (key !== 'zipkin') return { [key]: { ...at, maxRequestBodyBytes: limit } };
      return {
        zipkin: {
          ...at,
          maxRequestBodyBytes: limit,
          parseStringTags: readFlag(root, PARSE_STRING_TAGS, errors),
        },
      };
  }
}

function readFlag(root: Record<string, unknown>, path: string, errors: string[]): boolean {
  const raw = valueAt(root, path);
  if (raw === undefined || raw === null) return false;
  const r = readBool(raw);
  if (r.ok) return r.value;
  errors.push(`${path}: ${r.problem}`);
  return false;
}

/**
 * Reads the receivers a config file turns on. Returns the receivers and the problems found, and a
 * warning when the file turns on none.
 */
export function readReceivers(root: Record<string, unknown>): {
  receivers: ReceiversConfig;
  warnings: string[];
  errors: string[];
} {
  const errors: string[] = [];
  checkProtocols(root, 'otlp', ['grpc', 'http'], errors);
  checkProtocols(
    root,
    'jaeger',
    ['grpc', 'thrift_http', 'thrift_binary', 'thrift_compact'],
    errors,
  );
  let receivers: ReceiversConfig = {};
  for (const key of Object.keys(RECEIVER_PATHS) as ReceiverKey[]) {
    if (isPresent(root, RECEIVER_PATHS[key]))
      receivers = { ...receivers, ...readOne(root, key, errors) };
  }
  const none = Object.keys(receivers).length === 0 && errors.length === 0;
  const warnings = none
    ? [`${ROOT}: no receiver is configured, so Vivace will not accept spans`]
    : [];
  return { receivers, warnings, errors };
}
