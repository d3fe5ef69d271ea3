/**
 * Configuration: reads a Tempo-compatible tempo.yaml into a typed VivaceConfig. Pure: the caller
 * reads the file and passes the environment. See README.md for the keys Vivace reads.
 */

export { parseConfig } from './parse-config.js';
export {
  DEFAULT_MAX_RECV_MSG_BYTES,
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  DEFAULT_RECEIVER_PORTS,
  defaultConfig,
} from './defaults.js';
export { expandEnv } from './expand-env.js';
export type { ExpandEnvResult } from './expand-env.js';
export { parseByteSize, parseDurationMs, parseWholeNumber } from './units.js';
export { parseEndpoint } from './receivers.js';
export { KNOWN_PROCESSORS } from './fields.js';
export { closestMatch, editDistance } from './closest.js';
export type {
  CompactorConfig,
  IngesterConfig,
  ListenAddress,
  LogLevel,
  GrpcReceiverConfig,
  HttpReceiverConfig,
  UdpReceiverConfig,
  ZipkinReceiverConfig,
  OverridesConfig,
  ParseConfigOptions,
  ParseConfigResult,
  ReceiversConfig,
  ServerConfig,
  StorageConfig,
  UiConfig,
  VivaceConfig,
  WalSyncPolicy,
} from './types.js';
