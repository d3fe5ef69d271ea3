import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEndpoint } from './receivers.js';
import type { ListenAddress } from './types.js';
import type { Read } from './values.js';

const at = (host: string, port: number): Read<ListenAddress> => ({
  ok: true,
  value: { host, port },
});
const bad = (shown: string): Read<ListenAddress> => ({
  ok: false,
  problem: `${shown} is not a host:port address (use e.g. 0.0.0.0:4317)`,
});

describe('parseEndpoint', () => {
  const cases: Array<{ input: unknown; want: Read<ListenAddress> }> = [
    { input: '0.0.0.0:4317', want: at('0.0.0.0', 4317) },
    { input: 'localhost:4318', want: at('localhost', 4318) },
    { input: 'tempo:14268', want: at('tempo', 14268) },
    { input: ':4317', want: at('0.0.0.0', 4317) },
    { input: '[::1]:4317', want: at('::1', 4317) },
    { input: '[::]:0', want: at('::', 0) },
    { input: '127.0.0.1:65535', want: at('127.0.0.1', 65535) },
    { input: 'localhost', want: bad('"localhost"') },
    { input: '4317', want: bad('"4317"') },
    { input: 'localhost:65536', want: bad('"localhost:65536"') },
    { input: 'localhost:', want: bad('"localhost:"') },
    { input: '::1:4317', want: bad('"::1:4317"') },
    { input: 'http://localhost:4318', want: bad('"http://localhost:4318"') },
    { input: 'local host:1', want: bad('"local host:1"') },
    { input: 4317, want: bad('4317') },
  ];
  for (const { input, want } of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseEndpoint(input), want));
  }
});
