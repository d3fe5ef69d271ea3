/**
 * Starts a real Vivace in this process on free ports, with its data in a temporary directory.
 * Everything is on by default; pass overrides for the config sections a test cares about.
 */
import path from 'node:path';
import { defaultConfig, type VivaceConfig } from '../../src/app/config/index.js';
import { createLogger } from '../../src/app/log.js';
import { startVivace, type RunningVivace } from '../../src/app/vivace.js';
import { tempDir } from './tmp.js';

export interface TestServer {
  app: RunningVivace;
  dir: string;
  config: VivaceConfig;
  api: string;
  otlpHttp: string;
  otlpGrpc: string;
  /** Stops the app (keeping its data). */
  stop(): Promise<void>;
  /** Stops the app and removes its data. */
  close(): Promise<void>;
}

export type ConfigOverrides = {
  [K in keyof VivaceConfig]?: Partial<VivaceConfig[K]>;
};

/** The config a test server runs with: free ports, data under `dir`, quiet logs. */
export function testConfig(dir: string, over: ConfigOverrides = {}): VivaceConfig {
  const base = defaultConfig();
  const free = { host: '127.0.0.1', port: 0 };
  const merged = {} as Record<string, unknown>;
  for (const key of Object.keys(base) as Array<keyof VivaceConfig>) {
    const b = base[key];
    const o = over[key];
    merged[key] =
      b && typeof b === 'object' && !Array.isArray(b)
        ? { ...b, ...(o && typeof o === 'object' ? o : {}) }
        : (o ?? b);
  }
  const config = merged as unknown as VivaceConfig;
  return {
    ...config,
    // Blocks are cut only when a test asks (POST /flush) or sets these itself.
    ingester: {
      ...config.ingester,
      traceIdlePeriodMs: 3600_000,
      maxBlockDurationMs: 3600_000,
      ...(over.ingester ?? {}),
    },
    server: {
      ...config.server,
      httpListenAddress: '127.0.0.1',
      httpListenPort: 0,
      logLevel: 'error',
    },
    receivers: {
      otlpGrpc: { ...free, maxRecvMsgBytes: 16 << 20 },
      otlpHttp: { ...free, maxRequestBodyBytes: 16 << 20 },
      ...(over.receivers ?? {}),
    },
    storage: {
      ...config.storage,
      walPath: path.join(dir, 'wal'),
      localPath: path.join(dir, 'blocks'),
      ...(over.storage ?? {}),
    },
    ui: { enabled: false, httpListenPort: 0, ...(over.ui ?? {}) },
  };
}

/** Starts Vivace; `dir` reuses an existing data directory (for restart tests). */
export async function startTestServer(
  over: ConfigOverrides = {},
  dir?: string,
): Promise<TestServer> {
  const tmp = dir ? { dir, cleanup: () => Promise.resolve() } : await tempDir();
  const config = testConfig(tmp.dir, over);
  const app = await startVivace(config, { log: createLogger(config.server.logLevel) });
  let stopped = false;
  const stop = async () => {
    if (!stopped) await app.stop();
    stopped = true;
  };
  return {
    app,
    dir: tmp.dir,
    config,
    api: `http://127.0.0.1:${app.ports.api}`,
    otlpHttp: `http://127.0.0.1:${app.ports.otlp_http}`,
    otlpGrpc: `127.0.0.1:${app.ports.otlp_grpc}`,
    stop,
    close: async () => {
      await stop();
      await tmp.cleanup();
    },
  };
}
