/**
 * The `vivace` command as users run it: serve with a config file, `vivace demo` against it, and a
 * graceful stop on SIGTERM and SIGINT that keeps every acknowledged span.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startChild, writeChildConfig } from '../helpers/child-vivace.js';
import { runVivace } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

async function spansReceived(api: string): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const m = /^tempo_distributor_spans_received_total\{[^}]*\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`vivace demo sends shop traces; ${signal} stops cleanly and a restart serves them`, async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const ports = { api: await freePort(), otlpHttp: await freePort() };
      const config = await writeChildConfig(dir, ports, '');
      let child = await startChild(config, ports.api);
      const demo = await runVivace(
        ['demo', `-target=http://127.0.0.1:${ports.otlpHttp}`, '-traces=40'],
        60_000,
      );
      assert.equal(demo.code, 0, demo.stderr);
      assert.match(demo.stdout, /done: 40 traces sent/);
      const spans = await spansReceived(`http://127.0.0.1:${ports.api}`);
      assert.ok(spans >= 40, `only ${spans} spans received`);

      child.proc.kill(signal);
      assert.equal(await child.exited, '0', child.output());

      child = await startChild(config, ports.api);
      try {
        const api = `http://127.0.0.1:${ports.api}`;
        await fetch(`${api}/flush`, { method: 'POST' });
        const metrics = await (await fetch(`${api}/metrics`)).text();
        const stored = /^vivace_blocks_spans\{tenant="single-tenant"\} (\d+)/m.exec(metrics);
        assert.equal(Number(stored?.[1]), spans, 'every acknowledged span is in a block');
      } finally {
        child.proc.kill('SIGTERM');
        await child.exited;
      }
    } finally {
      await cleanup();
    }
  });
}
