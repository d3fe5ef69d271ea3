import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceQLError, TraceQLParseError } from './errors.js';
import { parseTraceQL } from './parser.js';

/**
 * The first block repeats the error cases of Tempo's parse_test.go with their messages; where
 * Tempo reports line 0 (its scanner forgets the line after reading ahead) or 0:0 for an empty
 * query, we report the real position.
 */
const cases: Array<{ input: string; message: string; line: number; column: number }> = [
  { input: '', message: 'syntax error: unexpected $end', line: 1, column: 1 },
  { input: '{ .a } | { .b', message: 'syntax error: unexpected $end', line: 1, column: 14 },
  { input: '{ .a | .b }', message: 'syntax error: unexpected |', line: 1, column: 6 },
  {
    input: '({ .a } | { .b }',
    message: 'syntax error: unexpected $end, expecting ) or |',
    line: 1,
    column: 17,
  },
  {
    input: '({ .a } | { .b }) + ({ .a } | { .b })',
    message: 'syntax error: unexpected +, expecting with',
    line: 1,
    column: 19,
  },
  {
    input: 'by(.a) && { .b }',
    message: 'syntax error: unexpected &&, expecting with',
    line: 1,
    column: 8,
  },
  { input: 'by()', message: 'syntax error: unexpected )', line: 1, column: 4 },
  { input: 'coalesce()', message: 'syntax error: unexpected coalesce', line: 1, column: 1 },
  {
    input: 'select(.a) && { .b }',
    message: 'syntax error: unexpected &&, expecting with',
    line: 1,
    column: 12,
  },
  { input: 'select()', message: 'syntax error: unexpected )', line: 1, column: 8 },
  {
    input: '{ true } &&',
    message: 'syntax error: unexpected $end, expecting { or (',
    line: 1,
    column: 12,
  },
  {
    input: '(avg(.foo) > count()) + sum(.bar)',
    message: 'syntax error: unexpected +, expecting with',
    line: 1,
    column: 23,
  },
  { input: 'count(', message: 'syntax error: unexpected $end, expecting )', line: 1, column: 7 },
  { input: 'count(avg)', message: 'syntax error: unexpected avg, expecting )', line: 1, column: 7 },
  {
    input: 'count(.thing)',
    message: 'syntax error: unexpected ., expecting )',
    line: 1,
    column: 7,
  },
  { input: 'wharblgarbl', message: 'syntax error: unexpected IDENTIFIER', line: 1, column: 1 },
  { input: '{ 2 <> 3}', message: 'syntax error: unexpected >', line: 1, column: 6 },
  { input: '{ 2 = .b ', message: 'syntax error: unexpected $end', line: 1, column: 10 },
  { input: '{ + }', message: 'syntax error: unexpected +', line: 1, column: 3 },
  {
    input: '{ . foo }',
    message: 'syntax error: unexpected END_ATTRIBUTE, expecting IDENTIFIER',
    line: 1,
    column: 3,
  },
  {
    input: '{ . "foo" }',
    message: 'syntax error: unexpected END_ATTRIBUTE, expecting IDENTIFIER',
    line: 1,
    column: 3,
  },
  { input: '{ .foo .bar }', message: 'syntax error: unexpected .', line: 1, column: 8 },
  {
    input: '{ parent. }',
    message: 'syntax error: unexpected END_ATTRIBUTE, expecting IDENTIFIER or resource. or span.',
    line: 1,
    column: 3,
  },
  { input: '.3foo', message: 'syntax error: unexpected IDENTIFIER', line: 1, column: 3 },
  {
    input: '{ ."foo }',
    message: 'quoted attribute name not terminated: expecting "',
    line: 1,
    column: 3,
  },
  { input: '{} | topk(10)', message: 'syntax error: unexpected topk', line: 1, column: 6 },
  {
    input: '{} | rate() | topk(-1)',
    message: 'syntax error: unexpected -, expecting INTEGER',
    line: 1,
    column: 20,
  },
  {
    input: '{} | rate() | bottomk(-1)',
    message: 'syntax error: unexpected -, expecting INTEGER',
    line: 1,
    column: 23,
  },
  {
    input: '{} > 10',
    message: 'syntax error: unexpected INTEGER, expecting { or (',
    line: 1,
    column: 6,
  },
  { input: '{} = 10', message: 'syntax error: unexpected =, expecting with', line: 1, column: 4 },
  // more of the grammar's rules
  {
    input: '{ foo = 1 }',
    message: 'unknown identifier: foo (attribute names need a scope, such as .foo or span.foo)',
    line: 1,
    column: 3,
  },
  {
    input: "{ .a = 'x' }",
    message: 'single quotes do not delimit strings: use "…" or `…`',
    line: 1,
    column: 8,
  },
  {
    input: '{ nil }',
    message: 'syntax error: unexpected }, expecting = or !=',
    line: 1,
    column: 7,
  },
  {
    input: '{ .a < nil }',
    message: 'syntax error: unexpected }, expecting = or !=',
    line: 1,
    column: 12,
  },
  {
    input: '{ trace:status = error }',
    message: 'syntax error: unexpected status, expecting duration or rootName or rootService or id',
    line: 1,
    column: 9,
  },
  {
    input: '{ event:foo }',
    message: 'syntax error: unexpected IDENTIFIER, expecting name or timeSinceStart',
    line: 1,
    column: 9,
  },
  {
    input: '{ span:rootName = "x" }',
    message: 'syntax error: unexpected rootName',
    line: 1,
    column: 8,
  },
  {
    input: '{ childCount = 1 }',
    message: 'syntax error: unexpected childCount',
    line: 1,
    column: 3,
  },
  {
    input: '{ .a } | ({ .b } | { .c })',
    message: 'syntax error: unexpected |',
    line: 1,
    column: 18,
  },
  {
    input: '{ .a } && ({ .b } | { .c })',
    message: 'syntax error: unexpected |',
    line: 1,
    column: 19,
  },
  {
    input: '({ .a }) && ({ .b } | { .c })',
    message: 'syntax error: unexpected |',
    line: 1,
    column: 21,
  },
  {
    input: '({ .a } | { .b }) && { .c }',
    message: 'syntax error: unexpected {, expecting (',
    line: 1,
    column: 22,
  },
  {
    input: '({ .a } | { .b }) | { .c }',
    message: 'syntax error: unexpected |, expecting with',
    line: 1,
    column: 19,
  },
  {
    input: '{} | rate() | { .a }',
    message: 'syntax error: unexpected {, expecting topk or bottomk',
    line: 1,
    column: 15,
  },
  {
    input: '{} | quantile_over_time(duration)',
    message: 'syntax error: unexpected ), expecting ,',
    line: 1,
    column: 33,
  },
  {
    input: '{} | quantile_over_time(duration, -1)',
    message: 'syntax error: unexpected -, expecting INTEGER or FLOAT',
    line: 1,
    column: 35,
  },
  {
    input: '{} | compare({ .a }, 1, 2)',
    message: 'syntax error: unexpected ), expecting ,',
    line: 1,
    column: 26,
  },
  { input: '{} | rate() by ()', message: 'syntax error: unexpected )', line: 1, column: 17 },
  {
    input: '{ .a } with(x=1',
    message: 'syntax error: unexpected $end, expecting ) or ,',
    line: 1,
    column: 16,
  },
  { input: '{ .a } with(x=-1)', message: 'syntax error: unexpected -', line: 1, column: 15 },
  {
    input: '{ .a } with(x=y)',
    message: 'unknown identifier: y (attribute names need a scope, such as .y or span.y)',
    line: 1,
    column: 15,
  },
  { input: '3 = 2', message: 'syntax error: unexpected $end', line: 1, column: 6 },
  { input: '-count() > 1', message: 'syntax error: unexpected count', line: 1, column: 2 },
  {
    input: '({} | rate()) * 10s',
    message: 'a duration cannot be a scalar operand of metrics arithmetic',
    line: 1,
    column: 17,
  },
  {
    input: '({} | rate()) > 10s - 1s',
    message: 'durations cannot be combined with arithmetic here',
    line: 1,
    column: 21,
  },
  { input: '({} | rate()) * (1 / 0)', message: 'division by zero', line: 1, column: 20 },
  {
    input: '({} | rate()) % 10',
    message: 'syntax error: unexpected %, expecting with',
    line: 1,
    column: 15,
  },
  {
    input: '({} | rate()) + ({ .a } | by(.b))',
    message: 'syntax error: unexpected ), expecting |',
    line: 1,
    column: 33,
  },
  { input: '(({} | rate()) > 1)', message: 'syntax error: unexpected >', line: 1, column: 16 },
  // positions on later lines
  { input: '{\n  .a = \n}', message: 'syntax error: unexpected }', line: 3, column: 1 },
  {
    input: '{ .a }\n| count() >\n  "x"',
    message: 'syntax error: unexpected STRING',
    line: 3,
    column: 3,
  },
  {
    input: '{ .a }\n\t&& ',
    message: 'syntax error: unexpected $end, expecting { or (',
    line: 2,
    column: 5,
  },
  {
    input: '(((((((((('.repeat(30),
    message: 'query nested too deeply (more than 200 levels)',
    line: 1,
    column: 201,
  },
];

test('parse errors: message, line and column', async (t) => {
  for (const c of cases) {
    await t.test(JSON.stringify(c.input.slice(0, 60)), () => {
      assert.throws(
        () => parseTraceQL(c.input),
        (err: unknown) => {
          assert.ok(err instanceof TraceQLParseError && err instanceof TraceQLError);
          assert.deepEqual(
            { message: err.message, line: err.line, column: err.column },
            {
              message: `parse error at line ${c.line}, col ${c.column}: ${c.message}`,
              line: c.line,
              column: c.column,
            },
          );
          assert.equal(err.detail, c.message);
          assert.equal(err.code, 'invalid_request');
          return true;
        },
      );
    });
  }
});
