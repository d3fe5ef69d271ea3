/**
 * The deployment files a user starts from: `deploy/prometheus.yml` and `deploy/alerts.yml` pass
 * Prometheus' own checks, the alert rules pass their unit tests (`deploy/alerts-tests.yml`), and
 * `deploy/tempo.yaml` loads without a problem.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/app/config/index.js';

const run = promisify(execFile);
const deploy = new URL('../../deploy/', import.meta.url).pathname;

async function promtool(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('promtool', args, { cwd: deploy });
  return stdout + stderr;
}

describe('deploy/', () => {
  it('prometheus.yml is a valid Prometheus config', async () => {
    assert.match(
      await promtool('check', 'config', 'prometheus.yml'),
      /SUCCESS: prometheus\.yml is valid/,
    );
  });

  it('alerts.yml holds valid rules, and they fire as their unit tests say', async () => {
    assert.match(await promtool('check', 'rules', 'alerts.yml'), /SUCCESS: 11 rules found/);
    assert.match(await promtool('test', 'rules', 'alerts-tests.yml'), /SUCCESS/);
  });

  it('tempo.yaml loads with every receiver on and no warning', () => {
    const { config, warnings, errors } = parseConfig(readFileSync(`${deploy}tempo.yaml`, 'utf8'), {
      expandEnv: false,
      env: {},
    });
    assert.deepEqual([warnings, errors], [[], []]);
    assert.deepEqual(Object.keys(config.receivers).sort(), [
      'jaegerGrpc',
      'jaegerThriftBinary',
      'jaegerThriftCompact',
      'jaegerThriftHttp',
      'otlpGrpc',
      'otlpHttp',
      'zipkin',
    ]);
  });
});
