/**
 * The application: the whole process wired together (`startVivace`), its storage engine, the
 * logger, the version and the configuration reader.
 */

export { startVivace } from './vivace.js';
export type { RunningVivace, StartOptions } from './vivace.js';
export { MAX_SEGMENT_BYTES, Storage } from './storage.js';
export type { StorageOptions } from './storage.js';
export { createLogger } from './log.js';
export type { Logger } from './log.js';
export { VERSION } from './version.js';
export {
  closestMatch,
  DEFAULT_MAX_RECV_MSG_BYTES,
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  DEFAULT_RECEIVER_PORTS,
  defaultConfig,
  editDistance,
  expandEnv,
  KNOWN_PROCESSORS,
  parseByteSize,
  parseConfig,
  parseDurationMs,
  parseEndpoint,
  parseWholeNumber,
} from './config/index.js';
export type {
  CompactorConfig,
  ExpandEnvResult,
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
} from './config/index.js';
