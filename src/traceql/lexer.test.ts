import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lexTraceQL } from './lexer.js';
import type { Token } from './tokens.js';

/** `type`, plus the value in parentheses when the token has one. `$end` is left out. */
function show(tokens: Token[]): string[] {
  return tokens
    .filter((t) => t.type !== '$end')
    .map((t) => {
      const value = t.str ?? t.big ?? t.num;
      return value === undefined ? t.type : `${t.type}(${String(value)})`;
    });
}

const cases: Array<{ input: string; want: string[] }> = [
  // attributes (Tempo's lexer_test.go cases)
  { input: '.foo', want: ['.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE'] },
  { input: '."foo".baz."bar"', want: ['.', 'IDENTIFIER(foo.baz.bar)', 'END_ATTRIBUTE'] },
  {
    input: '.foo."bar \\" baz"."bar"',
    want: ['.', 'IDENTIFIER(foo.bar " baz.bar)', 'END_ATTRIBUTE'],
  },
  { input: '.foo."baz \\\\".bar', want: ['.', 'IDENTIFIER(foo.baz \\.bar)', 'END_ATTRIBUTE'] },
  { input: '."foo.bar"', want: ['.', 'IDENTIFIER(foo.bar)', 'END_ATTRIBUTE'] },
  { input: '.count', want: ['.', 'IDENTIFIER(count)', 'END_ATTRIBUTE'] },
  {
    input: '.foo+bar-baz/x*y%z:w',
    want: ['.', 'IDENTIFIER(foo+bar-baz/x*y%z:w)', 'END_ATTRIBUTE'],
  },
  { input: 'span.foo3', want: ['span.', 'IDENTIFIER(foo3)', 'END_ATTRIBUTE'] },
  { input: 'span.resource.foo', want: ['span.', 'IDENTIFIER(resource.foo)', 'END_ATTRIBUTE'] },
  { input: 'resource.span.foo', want: ['resource.', 'IDENTIFIER(span.foo)', 'END_ATTRIBUTE'] },
  { input: 'event.foo', want: ['event.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE'] },
  { input: 'link.foo', want: ['link.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE'] },
  { input: 'instrumentation.foo', want: ['instrumentation.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE'] },
  { input: 'parent.foo', want: ['parent.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE'] },
  { input: 'parent.span.foo', want: ['parent.', 'span.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE'] },
  {
    input: 'parent.resource.foo',
    want: ['parent.', 'resource.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE'],
  },
  {
    input: 'parent.span.resource.id',
    want: ['parent.', 'span.', 'IDENTIFIER(resource.id)', 'END_ATTRIBUTE'],
  },
  { input: 'parent."span".x', want: ['parent.', 'IDENTIFIER(span.x)', 'END_ATTRIBUTE'] },
  { input: 'span."a b"', want: ['span.', 'IDENTIFIER(a b)', 'END_ATTRIBUTE'] },
  {
    input: '.foo .bar',
    want: ['.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE', '.', 'IDENTIFIER(bar)', 'END_ATTRIBUTE'],
  },
  {
    input: '.foo}.bar',
    want: ['.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE', '}', '.', 'IDENTIFIER(bar)', 'END_ATTRIBUTE'],
  },
  {
    input: '.foo,.bar',
    want: ['.', 'IDENTIFIER(foo)', 'END_ATTRIBUTE', ',', '.', 'IDENTIFIER(bar)', 'END_ATTRIBUTE'],
  },
  { input: '.a=1', want: ['.', 'IDENTIFIER(a)', 'END_ATTRIBUTE', '=', 'INTEGER(1)'] },
  { input: '.a!=nil', want: ['.', 'IDENTIFIER(a)', 'END_ATTRIBUTE', '!=', 'nil'] },
  {
    input: '.a\u00a0',
    want: [
      '.',
      'IDENTIFIER(a)',
      'END_ATTRIBUTE',
      '$error(syntax error: unexpected character U+00A0)',
    ],
  },
  { input: '. foo', want: ['.', 'END_ATTRIBUTE', 'IDENTIFIER(foo)'] },
  { input: 'span. ', want: ['span.', 'END_ATTRIBUTE'] },
  // numbers and durations
  { input: '.3', want: ['FLOAT(0.3)'] },
  { input: '.24h', want: ['DURATION(864000000000)'] },
  { input: '42 1.5 1e3 007', want: ['INTEGER(42)', 'FLOAT(1.5)', 'FLOAT(1000)', 'INTEGER(7)'] },
  { input: '9223372036854775807', want: ['INTEGER(9223372036854775807)'] },
  {
    input: '1ns 1us 1µs 1ms 1s 1m 1h',
    want: [1n, 1000n, 1000n, 1000000n, 1e9, 6e10, 3.6e12].map((n) => `DURATION(${BigInt(n)})`),
  },
  {
    input: '1d 1w 1y',
    want: ['DURATION(86400000000000)', 'DURATION(604800000000000)', 'DURATION(31536000000000000)'],
  },
  {
    input: '1h30m 30m1h 1.5s',
    want: ['DURATION(5400000000000)', 'DURATION(5400000000000)', 'DURATION(1500000000)'],
  },
  { input: '1h15m30.918273645s', want: ['DURATION(4530918273645)'] },
  { input: '1t', want: ['INTEGER(1)', 'IDENTIFIER(t)'] },
  { input: '1sec', want: ['DURATION(1000000000)', 'IDENTIFIER(ec)'] },
  { input: '10s)', want: ['DURATION(10000000000)', ')'] },
  // strings
  { input: '"a\\"b\\\\c\\n\\t"', want: ['STRING(a"b\\c\n\t)'] },
  { input: '"\\x41\\u00e9\\303\\251\\U0001F600"', want: ['STRING(Aéé😀)'] },
  { input: '`raw \\n "x"\r\nline`', want: ['STRING(raw \\n "x"\nline)'] },
  // keywords, identifiers, operators, comments
  {
    input: 'true trueish count_over_time minInt',
    want: ['true', 'IDENTIFIER(trueish)', 'count_over_time', 'IDENTIFIER(minInt)'],
  },
  {
    input: 'span:duration trace:id event:name',
    want: ['span:', 'duration', 'trace:', 'id', 'event:', 'name'],
  },
  {
    input: '&& || !~ !>> !<< &>> &<< &~ >= <= =~ ==',
    want: ['&&', '||', '!~', '!>>', '!<<', '&>>', '&<<', '&~', '>=', '<=', '=~', '=', '='],
  },
  { input: '{ } // comment\n/* block */ ( )', want: ['{', '}', '(', ')'] },
  // errors become $error tokens and lexing goes on
  {
    input: "'x' a",
    want: ['$error(single quotes do not delimit strings: use "…" or `…`)', 'IDENTIFIER(a)'],
  },
  {
    input: '[ @ &',
    want: ['[', '@', '&'].map((c) => `$error(syntax error: unexpected character "${c}")`),
  },
];

test('lexTraceQL', async (t) => {
  for (const c of cases) {
    await t.test(c.input, () => assert.deepEqual(show(lexTraceQL(c.input)), c.want));
  }
});

const errors: Array<{ input: string; message: string; line: number; column: number }> = [
  {
    input: "{ .a = 'x' }",
    message: 'single quotes do not delimit strings: use "…" or `…`',
    line: 1,
    column: 8,
  },
  { input: '"abc', message: 'string literal not terminated', line: 1, column: 1 },
  { input: '"a\nb"', message: 'string literal not terminated', line: 1, column: 1 },
  { input: '`abc', message: 'string literal not terminated', line: 1, column: 1 },
  { input: '"a\\qb"', message: 'invalid escape sequence \\q in string', line: 1, column: 1 },
  { input: '"\\400"', message: 'invalid escape sequence \\4 in string', line: 1, column: 1 },
  {
    input: '0x1F',
    message: 'invalid number 0x1F: only decimal numbers are accepted',
    line: 1,
    column: 1,
  },
  { input: '08', message: 'invalid number 08: a leading 0 makes it octal', line: 1, column: 1 },
  {
    input: '1_000',
    message: 'invalid number 1_000: digits cannot be separated by _',
    line: 1,
    column: 1,
  },
  { input: '2e', message: 'invalid number 2e: exponent has no digits', line: 1, column: 1 },
  {
    input: '9223372036854775808',
    message: 'number 9223372036854775808 is out of range: integers are 64-bit',
    line: 1,
    column: 1,
  },
  { input: '1e999', message: 'number 1e999 is out of range', line: 1, column: 1 },
  { input: 'a /* b', message: 'comment not terminated', line: 1, column: 3 },
  {
    input: '{ ."foo }',
    message: 'quoted attribute name not terminated: expecting "',
    line: 1,
    column: 3,
  },
  {
    input: '{ span."a\\b" }',
    message: 'invalid escape in quoted attribute name: only \\" and \\\\ are allowed',
    line: 1,
    column: 3,
  },
  {
    input: '{\n  .a = 1 ; }',
    message: 'syntax error: unexpected character ";"',
    line: 2,
    column: 10,
  },
];

test('lexical errors', async (t) => {
  for (const c of errors) {
    await t.test(c.input, () => {
      const error = lexTraceQL(c.input).find((token) => token.type === '$error');
      assert.deepEqual(error && { message: error.str, line: error.line, column: error.column }, {
        message: c.message,
        line: c.line,
        column: c.column,
      });
    });
  }
});

test('positions are 1-based, in characters, across lines', () => {
  const tokens = lexTraceQL('{\n  span."é x" = `a\nb` }\n');
  assert.deepEqual(
    tokens.map((t) => `${t.type}@${t.line}:${t.column}`),
    [
      '{@1:1',
      'span.@2:3',
      'IDENTIFIER@2:8',
      'END_ATTRIBUTE@2:3',
      '=@2:14',
      'STRING@2:16',
      '}@3:4',
      '$end@4:1',
    ],
  );
});

test('an attribute ends with END_ATTRIBUTE at the attribute start, and $end follows the input', () => {
  const tokens = lexTraceQL('😀 .a');
  assert.deepEqual(
    tokens.map((t) => [t.type, t.line, t.column, t.start, t.end]),
    [
      ['$error', 1, 1, 0, 2],
      ['.', 1, 3, 3, 4],
      ['IDENTIFIER', 1, 4, 4, 5],
      ['END_ATTRIBUTE', 1, 3, 3, 5],
      ['$end', 1, 5, 5, 5],
    ],
  );
});
