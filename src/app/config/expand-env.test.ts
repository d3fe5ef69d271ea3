import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandEnv } from './expand-env.js';

const env = { HOST: 'tempo', PORT: '4317', EMPTY: '', DIR: '/srv' };

describe('expandEnv', () => {
  const cases: Array<{ name: string; input: string; want: string; errors?: string[] }> = [
    { name: 'no variables', input: 'a: b\n', want: 'a: b\n' },
    { name: 'braces', input: 'endpoint: ${HOST}:${PORT}', want: 'endpoint: tempo:4317' },
    { name: 'unset is empty', input: 'x: "${NOPE}"', want: 'x: ""' },
    { name: 'default when unset', input: '${NOPE:-/var/tempo}/wal', want: '/var/tempo/wal' },
    { name: 'default when empty', input: '${EMPTY:-d}', want: 'd' },
    { name: 'default not used', input: '${HOST:-other}', want: 'tempo' },
    { name: ':= form', input: '${NOPE:=x}', want: 'x' },
    { name: '= form', input: '${NOPE=x}', want: 'x' },
    { name: '- form', input: '${NOPE-x}', want: 'x' },
    { name: 'empty default', input: '[${NOPE:-}]', want: '[]' },
    { name: 'nested default', input: '${NOPE:-${DIR}/wal}', want: '/srv/wal' },
    { name: 'default with a colon', input: '${NOPE:-localhost:4318}', want: 'localhost:4318' },
    { name: 'bare $VAR stays, as in Tempo', input: 'secret: pa$HOST', want: 'secret: pa$HOST' },
    { name: '$$ is a literal $', input: 'regex: a$$', want: 'regex: a$' },
    { name: '$$ before a brace', input: '$${HOST}', want: '${HOST}' },
    { name: 'lone $', input: 'cost: 5$ each', want: 'cost: 5$ each' },
    { name: 'trailing $', input: 'a$', want: 'a$' },
    {
      name: 'unsupported form',
      input: 'a: 1\nb: ${HOST^^}\n',
      want: 'a: 1\nb: ${HOST^^}\n',
      errors: [
        '-config.expand-env: line 2, col 4: bad substitution "${HOST^^}" (use ${VAR} or ${VAR:-default}; write $$ for a literal $)',
      ],
    },
    {
      name: 'no name',
      input: 'x: ${}',
      want: 'x: ${}',
      errors: [
        '-config.expand-env: line 1, col 4: bad substitution "${}" (use ${VAR} or ${VAR:-default}; write $$ for a literal $)',
      ],
    },
    {
      name: 'unclosed name',
      input: 'x: ${HOST\ny: 1',
      want: 'x: ${HOST\ny: 1',
      errors: [
        '-config.expand-env: line 1, col 4: bad substitution "${HOST" (use ${VAR} or ${VAR:-default}; write $$ for a literal $)',
      ],
    },
    {
      name: 'unclosed default',
      input: 'x: ${NOPE:-abc',
      want: 'x: ${NOPE:-abc',
      errors: ['-config.expand-env: line 1, col 4: "${NOPE:-abc" has no closing }'],
    },
    {
      name: 'every problem is reported',
      input: '${#HOST} ${PORT} ${A/b}',
      want: '${#HOST} 4317 ${A/b}',
      errors: [
        '-config.expand-env: line 1, col 1: bad substitution "${#HOST}" (use ${VAR} or ${VAR:-default}; write $$ for a literal $)',
        '-config.expand-env: line 1, col 18: bad substitution "${A/b}" (use ${VAR} or ${VAR:-default}; write $$ for a literal $)',
      ],
    },
  ];
  for (const { name, input, want, errors = [] } of cases) {
    it(name, () => assert.deepEqual(expandEnv(input, env), { text: want, errors }));
  }
});
