import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';

test('the test server answers the operational endpoints', async () => {
  const s = await startTestServer();
  try {
    assert.equal(await (await fetch(`${s.api}/ready`)).text(), 'ready\n');
    assert.equal(await (await fetch(`${s.api}/api/echo`)).text(), 'echo');
    const info = (await (await fetch(`${s.api}/api/status/buildinfo`)).json()) as {
      version: string;
    };
    assert.equal(info.version, '2.9.0');
  } finally {
    await s.close();
  }
});
