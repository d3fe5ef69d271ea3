import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRegex } from './re2.js';

const cases: Array<{ pattern: string; want: string | undefined }> = [
  { pattern: '.*', want: undefined },
  { pattern: 'v1|v2', want: undefined },
  { pattern: '(?i)error.*', want: undefined },
  { pattern: '(?i:x)y(?s-m)', want: undefined },
  { pattern: '^/api/v[0-9]+/.*$', want: undefined },
  { pattern: '\\d+\\.\\d+\\-\\#', want: undefined },
  { pattern: '(?P<name>x)(?<other>y)', want: undefined },
  { pattern: '[[:alpha:]_]+\\pL\\p{Greek}', want: undefined },
  { pattern: '\\Qa.b*\\E\\x{41}\\x41\\012', want: undefined },
  { pattern: 'a{2,}b{1000}c{,2}', want: undefined },
  { pattern: '[]a]\\z\\A', want: undefined },
  { pattern: '[', want: 'missing closing ]' },
  { pattern: '(', want: 'unterminated group' },
  { pattern: 'a)', want: "unmatched ')'" },
  { pattern: 'x**', want: 'nothing to repeat' },
  { pattern: '(?=x)', want: 'invalid or unsupported Perl syntax: (?=' },
  { pattern: '(?<!x)', want: 'invalid or unsupported Perl syntax: (?<' },
  { pattern: '(?x)a', want: 'invalid or unsupported Perl syntax: (?x' },
  { pattern: '(a)\\1', want: 'invalid escape sequence: \\1' },
  { pattern: '\\y', want: 'invalid escape sequence: \\y' },
  { pattern: 'a\\', want: 'trailing backslash at end of expression' },
  { pattern: 'a{1001}', want: 'invalid repeat count: {1001}' },
  { pattern: 'a{3,2}', want: 'invalid repeat count: {3,2}' },
  { pattern: '[[:word2:]]', want: 'invalid character class range' },
  { pattern: '[z-a]', want: 'range out of order in character class' },
];

test('checkRegex', async (t) => {
  for (const c of cases) await t.test(c.pattern, () => assert.equal(checkRegex(c.pattern), c.want));
});
