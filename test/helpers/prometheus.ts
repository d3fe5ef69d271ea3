/**
 * A real Prometheus (Debian's `prometheus` package) for tests: started on a free port with the
 * remote-write receiver on, its data in a temporary directory, optionally scraping targets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { tempDir } from './tmp.js';

export interface TestPrometheus {
  url: string;
  port: number;
  /** An instant query: the result vector as `{metric, value}` pairs. */
  query(
    expr: string,
    timeSec?: number,
  ): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Starts Prometheus; `scrape` targets (`host:port`) are scraped every second at `/metrics`. */
export async function startPrometheus(
  opts: { port?: number; scrape?: string[] } = {},
): Promise<TestPrometheus> {
  const port = opts.port ?? (await freePort());
  const tmp = await tempDir('vivace-prom-');
  const config = [
    'global: {scrape_interval: 1s, evaluation_interval: 1s}',
    ...(opts.scrape?.length
      ? [
          'scrape_configs:',
          `  - job_name: vivace`,
          `    static_configs: [{targets: [${opts.scrape.map((t) => `"${t}"`).join(', ')}]}]`,
        ]
      : []),
  ].join('\n');
  const file = path.join(tmp.dir, 'prometheus.yml');
  await writeFile(file, config + '\n');
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${file}`,
      `--storage.tsdb.path=${path.join(tmp.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 300 || child.exitCode !== null) throw new Error(`prometheus did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    async query(expr, timeSec) {
      const params = new URLSearchParams({ query: expr });
      if (timeSec !== undefined) params.set('time', String(timeSec));
      const res = await fetch(`${url}/api/v1/query?${params.toString()}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error ?? res.status}`);
      return (body.data?.result ?? []).map((r) => ({
        metric: r.metric,
        value: Number(r.value[1]),
      }));
    },
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await tmp.cleanup();
    },
  };
}
