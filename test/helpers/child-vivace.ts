/**
 * Runs `node bin/vivace.js` as a child process (for tests that kill it), on free ports found by
 * binding port 0 first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vivace.js', import.meta.url));

/** A TCP port that was free a moment ago (bound to port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ChildPorts {
  api: number;
  otlpHttp: number;
}

/** Writes `<dir>/tempo.yaml` with the data under `dir`; `extra` is appended YAML text. */
export async function writeChildConfig(
  dir: string,
  ports: ChildPorts,
  extra: string,
): Promise<string> {
  const file = path.join(dir, 'tempo.yaml');
  const text = `server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${ports.api}
  log_level: warn
distributor:
  receivers:
    otlp:
      protocols:
        http:
          endpoint: 127.0.0.1:${ports.otlpHttp}
storage:
  trace:
    backend: local
    wal:
      path: ${JSON.stringify(path.join(dir, 'wal'))}
    local:
      path: ${JSON.stringify(path.join(dir, 'blocks'))}
ui:
  enabled: false
${extra}`;
  await writeFile(file, text);
  return file;
}

export interface ChildVivace {
  proc: ChildProcess;
  /** What the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<string>;
}

/** Starts Vivace with `configFile` and waits until `/ready` answers 200. */
export async function startChild(
  configFile: string,
  apiPort: number,
  timeoutMs = 20_000,
): Promise<ChildVivace> {
  const proc = spawn(process.execPath, [BIN, `-config.file=${configFile}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(signal ?? String(code))),
  );
  const child: ChildVivace = { proc, output: () => out, exited };
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline && !done) {
    const ok = await fetch(`http://127.0.0.1:${apiPort}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  await exited;
  throw new Error(`vivace did not become ready; its output:\n${out}`);
}

/** Kills the process with SIGKILL and waits until it is gone. */
export async function killChild(child: ChildVivace): Promise<void> {
  child.proc.kill('SIGKILL');
  await child.exited;
}
