import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceQLUnsupportedError, TraceQLValidationError } from './errors.js';
import { parseTraceQL } from './parser.js';
import { validateTraceQL } from './validate.js';

const valid = [
  '{ .a = 1 && .b =~ "x.*" }',
  '{ 1 < 1h && 1.5 >= 2 }',
  '{ .http.status >= "200" }',
  '{ name != nil && .a = nil && nil != resource.x }',
  '{ -.a > 1 && !.b }',
  '{ span.a =~ "(?i)err.*" }',
  '{ status = error && kind != server && span:status = ok }',
  '{} | by(-.a) | count() > 1',
  '{} | max(.a * 2) >= 1.5',
  '{} | select(span:id, .a)',
  '{} | compare({ .a }, 1000, 1, 2)',
  '{} | quantile_over_time(duration, 0, 1) by (.a, .b, .c, .d)',
  '{} | rate() by (.a, .b, .c, .d, .e)',
  '({} | rate()) * 2 | topk(1) > 0',
];

test('valid queries pass', async (t) => {
  for (const q of valid) await t.test(q, () => validateTraceQL(parseTraceQL(q)));
});

const invalid: Array<{ input: string; message: string }> = [
  {
    input: '{ 1 + 1 }',
    message: 'invalid spanset filter { 1 + 1 }: the expression must be a condition (bool), not int',
  },
  {
    input: '{ status }',
    message:
      'invalid spanset filter { status }: the expression must be a condition (bool), not status',
  },
  {
    input: '{ 1 = "foo" }',
    message: 'invalid operation 1 = "foo": int and string cannot be combined',
  },
  {
    input: '{ .a = 1 && 1 + "x" = 2 }',
    message: 'invalid operation 1 + "x": int and string cannot be combined',
  },
  {
    input: '{ status > ok }',
    message: 'invalid operation status > ok: > does not apply to status',
  },
  { input: '{ 1 =~ 2 }', message: 'invalid operation 1 =~ 2: =~ does not apply to int' },
  { input: '{ true + true }', message: 'invalid operation true + true: + does not apply to bool' },
  {
    input: '{ .a =~ .b }',
    message: 'invalid operation .a =~ .b: the right side of =~ must be a string literal',
  },
  {
    input: '{ span.foo !~ "[" }',
    message: 'invalid regular expression "[" in span.foo !~ "[": missing closing ]',
  },
  {
    input: '{ .a =~ "(?=x)" }',
    message:
      'invalid regular expression "(?=x)" in .a =~ "(?=x)": invalid or unsupported Perl syntax: (?=',
  },
  { input: '{ -true }', message: 'invalid operation -true: - does not apply to bool' },
  { input: '{ !name = "x" }', message: 'invalid operation !name: ! does not apply to string' },
  {
    input: '{ span:status = nil }',
    message: 'invalid comparison span:status = nil: intrinsics always have a value',
  },
  {
    input: '{ nil = resource.service.name }',
    message:
      'invalid comparison nil = resource.service.name: resource.service.name always has a value',
  },
  {
    input: 'max(name) > 1',
    message: 'invalid aggregate max(name): its argument must be a number, not string',
  },
  {
    input: 'sum(3) = 2',
    message:
      'invalid aggregate sum(3): its argument must refer to the span (an attribute or an intrinsic)',
  },
  {
    input: '{} | by(1 + 2)',
    message:
      'invalid by(1 + 2): the expression must refer to the span (an attribute or an intrinsic)',
  },
  { input: '{} | rate() | topk(0)', message: 'invalid topk(0): the limit must be greater than 0' },
  {
    input: '{} | quantile_over_time(duration, 1.5)',
    message: 'invalid quantile_over_time(): quantile 1.5 is not between 0 and 1',
  },
  {
    input: '{} | compare({ .a }, 0)',
    message: 'invalid compare(): the number of top values must be between 1 and 1000, not 0',
  },
  {
    input: '{} | compare({ .a }, 5, 0, 10)',
    message: 'invalid compare(): start and end must be positive unix nanoseconds',
  },
  {
    input: '{} | compare({ .a }, 5, 10, 10)',
    message: 'invalid compare(): end must be after start',
  },
  {
    input: '{} | compare({ 1 })',
    message: 'invalid spanset filter { 1 }: the expression must be a condition (bool), not int',
  },
  {
    input: '({} | compare({ .a })) * 2',
    message:
      'compare() cannot be combined with topk, bottomk, filters or arithmetic: ({} | compare({ .a })) * 2',
  },
];

test('invalid queries throw TraceQLValidationError', async (t) => {
  for (const c of invalid) {
    await t.test(c.input, () => {
      const root = parseTraceQL(c.input);
      assert.throws(
        () => validateTraceQL(root),
        (err: unknown) =>
          err instanceof TraceQLValidationError &&
          !(err instanceof TraceQLUnsupportedError) &&
          err.message === c.message,
        c.message,
      );
    });
  }
});

const unsupported: Array<{ input: string; message: string }> = [
  { input: '{ parent.a != 3 }', message: 'parent.a: parent. attributes are not supported' },
  { input: '{ 1 >= parent }', message: 'the parent intrinsic is not supported' },
  {
    input: '{} | select(parent.span.a)',
    message: 'parent.span.a: parent. attributes are not supported',
  },
  {
    input: '{} | avg_over_time(parent.a)',
    message: 'parent.a: parent. attributes are not supported',
  },
  {
    input: 'min(.a) < max(duration)',
    message: 'min(.a) < max(duration): comparing two aggregates is not supported',
  },
  {
    input: 'count() + 1 > 2',
    message: 'count() + 1 > 2: arithmetic on aggregates in a scalar filter is not supported',
  },
  {
    input: '1 < count()',
    message:
      '1 < count(): a scalar filter must have the aggregate on the left and a number on the right',
  },
  {
    input: '({ .a } | count()) > ({ .b } | count())',
    message:
      '({ .a } | count()) > ({ .b } | count()): scalar pipeline expressions are not supported',
  },
  {
    input: '{} | rate() by (.a, .b, .c, .d, .e, .f)',
    message: 'rate() by more than 5 fields is not supported',
  },
  {
    input: '{} | histogram_over_time(duration) by (.a, .b, .c, .d, .e)',
    message: 'histogram_over_time() by more than 4 fields is not supported',
  },
];

test('unsupported queries throw TraceQLUnsupportedError', async (t) => {
  for (const c of unsupported) {
    await t.test(c.input, () => {
      const root = parseTraceQL(c.input);
      assert.throws(
        () => validateTraceQL(root),
        (err: unknown) => err instanceof TraceQLUnsupportedError && err.message === c.message,
        c.message,
      );
    });
  }
});
