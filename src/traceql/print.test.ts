import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FieldExpr, MetricsExpr, RootExpr } from './ast.js';
import { attribute, binary, duration, filter, float, int, pipeline, str, unary } from './build.js';
import { parseTraceQL } from './parser.js';
import { printFieldExpr, printTraceQL } from './print.js';

const canonical: Array<{ input: string; want: string }> = [
  { input: '{ }', want: '{}' },
  { input: '{true}', want: '{}' },
  { input: '{.a="x"&&span.b!=3}', want: '{ .a = "x" && span.b != 3 }' },
  { input: '{ `raw "q"` = "\\x41" }', want: '{ "raw \\"q\\"" = "A" }' },
  { input: '{ (.a + .b) * .c = (.d = .e) }', want: '{ (.a + .b) * .c = (.d = .e) }' },
  { input: '{ .a - (.b - .c) - .d }', want: '{ .a - (.b - .c) - .d }' },
  { input: '{ (2 ^ 3) ^ 2 = 2 ^ (3 ^ 2) }', want: '{ (2 ^ 3) ^ 2 = 2 ^ 3 ^ 2 }' },
  { input: '{ -(.a * 2) > 1 && !(.b) }', want: '{ -(.a * 2) > 1 && !.b }' },
  { input: '{ (-.a) * 2 > (-1) }', want: '{ (-.a) * 2 > -1 }' },
  { input: '{ .a * (-.b) * 2 }', want: '{ .a * (-.b) * 2 }' },
  { input: '{ (.a || .b) && (.c || .d) }', want: '{ .a || .b && (.c || .d) }' },
  {
    input: '{ duration > 90s && span:duration < 1.5ms && 1d = 24h }',
    want: '{ duration > 1m30s && span:duration < 1ms500us && 24h = 24h }',
  },
  { input: '{ 1.0 = 1e21 && 2.50 = .000001 }', want: '{ 1.0 = 1e+21 && 2.5 = 0.000001 }' },
  {
    input: '{ trace:rootService = rootServiceName }',
    want: '{ trace:rootService = rootServiceName }',
  },
  {
    input: '{ span."a b" = ."c\\"d" && .\\x = parent."span".y }',
    want: '{ span."a b" = ."c\\"d" && .\\x = parent."span.y" }',
  },
  { input: '{ nil != .a && .b = nil }', want: '{ nil != .a && .b = nil }' },
  {
    input: '({ .a }) && ({ .b } || { .c }) >> { .d }',
    want: '{ .a } && ({ .b } || { .c }) >> { .d }',
  },
  { input: '({ .a } | { .b }) > ({ .c })', want: '({ .a } | { .b }) > ({ .c })' },
  {
    input: '{} | count() > 1 | by(.a) | select(.b,span:id) | coalesce()',
    want: '{} | count() > 1 | by(.a) | select(.b, span:id) | coalesce()',
  },
  { input: '(count() + 1) * 2 > 1 + 2', want: '(count() + 1) * 2 > 3' },
  {
    input: '{} | rate()by(name,.a)with(sample=.5,x="y")',
    want: '{} | rate() by (name, .a) with(sample=0.5, x="y")',
  },
  { input: '({} | rate() | topk(3)) > 1', want: '{} | rate() | topk(3) > 1' },
  { input: '(({} | rate()) + 1) * 2', want: '(({} | rate()) + 1) * 2' },
  {
    input: '2 * (({} | rate()) + ({} | rate() > 1))',
    want: '2 * (({} | rate()) + ({} | rate() > 1))',
  },
  { input: '{} | compare({status=error},10)', want: '{} | compare({ status = error })' },
  {
    input: '{} | compare({status=error},5, 1, 2)',
    want: '{} | compare({ status = error }, 5, 1, 2)',
  },
  {
    input: '{} | quantile_over_time(duration, .5, 1)',
    want: '{} | quantile_over_time(duration, 0.5, 1)',
  },
  { input: '{ maxInt > minInt }', want: '{ 9223372036854775807 > minInt }' },
];

test('printTraceQL writes canonical TraceQL', async (t) => {
  for (const c of canonical) {
    await t.test(c.input, () => {
      const tree = parseTraceQL(c.input);
      assert.equal(printTraceQL(tree), c.want);
      assert.deepStrictEqual(parseTraceQL(c.want), tree);
    });
  }
});

const where = (expr: FieldExpr): RootExpr => ({
  kind: 'Root',
  query: pipeline(filter(expr)),
  hints: [],
});
const leaf: MetricsExpr = {
  kind: 'MetricsPipeline',
  pipeline: pipeline(filter(attribute('unscoped', 'a'))),
  fn: { kind: 'MetricsAggregate', fn: 'rate', attribute: undefined, quantiles: [], by: [] },
};
const scaled = (value: number): RootExpr => ({
  kind: 'Root',
  query: {
    kind: 'MetricsScalarMath',
    op: '*',
    scalar: float(value),
    scalarOnLeft: false,
    input: leaf,
  },
  hints: [],
});
const named = (name: string, parent = false): RootExpr =>
  where(binary('=', attribute('unscoped', name, parent), int(1)));

/** Trees the parser could produce but whose text needs care. */
const trees: Array<{ name: string; tree: RootExpr; text: string }> = [
  {
    name: 'a name with spaces and quotes',
    tree: named('a "b" \\c'),
    text: '{ ."a \\"b\\" \\\\c" = 1 }',
  },
  { name: 'an empty name', tree: named(''), text: '{ ."" = 1 }' },
  { name: 'a name starting with a digit', tree: named('3x'), text: '{ ."3x" = 1 }' },
  { name: 'a name with a newline', tree: named('a\nb'), text: '{ ."a\nb" = 1 }' },
  {
    name: 'a parent name that looks scoped',
    tree: named('resource.x', true),
    text: '{ parent."resource.x" = 1 }',
  },
  {
    name: 'control characters in a string',
    tree: where(binary('=', attribute('span', 'a'), str('\u0001\t\u007f é'))),
    text: '{ span.a = "\\x01\\t\\x7f é" }',
  },
  {
    name: 'a negative number before ^',
    tree: where(binary('^', int(-2), int(2))),
    text: '{ (-2) ^ 2 }',
  },
  {
    name: 'a negative float zero',
    tree: where(binary('=', float(-0), attribute('unscoped', 'a'))),
    text: '{ -0.0 = .a }',
  },
  {
    name: 'the smallest float',
    tree: where(binary('=', float(5e-324), float(1e300))),
    text: '{ 5e-324 = 1e+300 }',
  },
  {
    name: 'a negative duration',
    tree: where(binary('<', duration(-1500n), unary('-', attribute('unscoped', 'a')))),
    text: '{ -1us500ns < -.a }',
  },
  {
    name: 'not of minus',
    tree: where(unary('!', unary('-', attribute('unscoped', 'a')))),
    text: '{ !-.a }',
  },
  { name: 'an infinite scalar', tree: scaled(Infinity), text: '({ .a } | rate()) * (1.0 / 0.0)' },
  { name: 'a NaN scalar', tree: scaled(NaN), text: '({ .a } | rate()) * (0.0 / 0.0)' },
];

test('printed trees parse back to themselves', async (t) => {
  for (const c of trees) {
    await t.test(c.name, () => {
      assert.equal(printTraceQL(c.tree), c.text);
      assert.deepStrictEqual(parseTraceQL(c.text), c.tree);
    });
  }
});

test('printFieldExpr prints one expression', () => {
  assert.equal(printFieldExpr(binary('=', attribute('span', 'a b'), str('x'))), 'span."a b" = "x"');
});
