import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  Field,
  FieldExpr,
  Hint,
  MetricsExpr,
  MetricsFunction,
  Pipeline,
  PipelineElement,
  RootExpr,
  ScalarExpr,
  SpansetOp,
  SpansetOperand,
  Static,
} from './ast.js';
import {
  aggregate,
  attribute,
  binary,
  bool,
  duration,
  filter,
  float,
  int,
  intrinsic,
  nil,
  pipeline,
  scalarFilter,
  spanKind,
  spansetOp,
  status,
  str,
  unary,
} from './build.js';
import { parseTraceQL } from './parser.js';

// Shorthands for expected trees.
const S = 1_000_000_000n;
const root = (query: Pipeline | MetricsExpr, hints: Hint[] = []): RootExpr => ({
  kind: 'Root',
  query,
  hints,
});
const search = (...elements: PipelineElement[]): RootExpr => root(pipeline(...elements));
const where = (expr: FieldExpr): RootExpr => search(filter(expr));
const dot = (name: string): Field => attribute('unscoped', name);
const span = (name: string): Field => attribute('span', name);
const eq = (lhs: FieldExpr, rhs: FieldExpr): FieldExpr => binary('=', lhs, rhs);
const TRUE = filter(bool(true));
const op = (o: SpansetOp, lhs: SpansetOperand, rhs: SpansetOperand) => spansetOp(o, lhs, rhs);
const fa = filter(dot('a'));
const fb = filter(dot('b'));
const fc = filter(dot('c'));
const scalarOp = (
  o: '+' | '-' | '*' | '/' | '%' | '^',
  lhs: ScalarExpr,
  rhs: ScalarExpr,
): ScalarExpr => ({
  kind: 'ScalarOperation',
  op: o,
  lhs,
  rhs,
});
const fn = (name: 'rate' | 'count_over_time', by: Field[] = []): MetricsFunction => ({
  kind: 'MetricsAggregate',
  fn: name,
  attribute: undefined,
  quantiles: [],
  by,
});
const leaf = (p: Pipeline, f: MetricsFunction): MetricsExpr => ({
  kind: 'MetricsPipeline',
  pipeline: p,
  fn: f,
});
const RATE = leaf(pipeline(TRUE), fn('rate'));
const COUNT = leaf(pipeline(TRUE), fn('count_over_time'));
const topk = (limit: bigint, input: MetricsExpr, o: 'topk' | 'bottomk' = 'topk'): MetricsExpr => ({
  kind: 'MetricsTopK',
  op: o,
  limit,
  input,
});
const mfilter = (
  o: '>' | '=' | '<=',
  value: Static & { type: 'int' | 'float' | 'duration' },
  input: MetricsExpr,
): MetricsExpr => ({
  kind: 'MetricsFilter',
  op: o,
  value,
  input,
});
const scalarMath = (
  o: '+' | '-' | '*' | '/',
  scalar: Static & { type: 'int' | 'float' },
  scalarOnLeft: boolean,
  input: MetricsExpr,
): MetricsExpr => ({
  kind: 'MetricsScalarMath',
  op: o,
  scalar,
  scalarOnLeft,
  input,
});
const math = (o: '+' | '-' | '*' | '/', lhs: MetricsExpr, rhs: MetricsExpr): MetricsExpr => ({
  kind: 'MetricsMath',
  op: o,
  lhs,
  rhs,
});

const cases: Array<{ input: string; want: RootExpr }> = [
  // literals
  { input: '{}', want: search(TRUE) },
  { input: '{ true }', want: search(TRUE) },
  { input: '{ "a\\"b" = `c` }', want: where(eq(str('a"b'), str('c'))) },
  { input: '{ 4321 = 1.25 }', want: where(eq(int(4321), float(1.25))) },
  { input: '{ 3h < 1.5m }', want: where(binary('<', duration(3n * 3600n * S), duration(90n * S))) },
  {
    input: '{ maxInt > minInt }',
    want: where(binary('>', int((1n << 63n) - 1n), int(-(1n << 63n)))),
  },
  { input: '{ -1 = -1.5 }', want: where(eq(int(-1), float(-1.5))) },
  { input: '{ -5s < 0 }', want: where(binary('<', duration(-5n * S), int(0))) },
  { input: '{ status = error }', want: where(eq(intrinsic('status'), status('error'))) },
  {
    input: '{ kind != consumer }',
    want: where(binary('!=', intrinsic('kind'), spanKind('consumer'))),
  },
  // attributes
  { input: '{ .a }', want: where(dot('a')) },
  { input: '{ span.http.status_code }', want: where(span('http.status_code')) },
  { input: '{ resource."service name" }', want: where(attribute('resource', 'service name')) },
  {
    input: '{ event.a && link.b && instrumentation.c }',
    want: where(
      binary(
        '&&',
        binary('&&', attribute('event', 'a'), attribute('link', 'b')),
        attribute('instrumentation', 'c'),
      ),
    ),
  },
  { input: '{ parent.a }', want: where(attribute('unscoped', 'a', true)) },
  { input: '{ parent.span.a }', want: where(attribute('span', 'a', true)) },
  { input: '{ parent.resource.a }', want: where(attribute('resource', 'a', true)) },
  {
    input: '{ parent.a && .span.b }',
    want: where(binary('&&', attribute('unscoped', 'a', true), dot('span.b'))),
  },
  { input: '{ ."foo".baz."bar" }', want: where(dot('foo.baz.bar')) },
  { input: '{ .a+b = 1 }', want: where(eq(dot('a+b'), int(1))) },
  // intrinsics, legacy and scoped
  { input: '{ duration > 1s }', want: where(binary('>', intrinsic('duration'), duration(S))) },
  {
    input: '{ span:duration > 1s }',
    want: where(binary('>', intrinsic('duration', 'scoped'), duration(S))),
  },
  {
    input: '{ trace:rootService = "a" }',
    want: where(eq(intrinsic('rootServiceName', 'scoped'), str('a'))),
  },
  { input: '{ rootServiceName = "a" }', want: where(eq(intrinsic('rootServiceName'), str('a'))) },
  { input: '{ trace:id = "ab" }', want: where(eq(intrinsic('traceId', 'scoped'), str('ab'))) },
  {
    input: '{ span:parentID = "ab" }',
    want: where(eq(intrinsic('parentId', 'scoped'), str('ab'))),
  },
  {
    input: '{ span:childCount > 2 }',
    want: where(binary('>', intrinsic('childCount', 'scoped'), int(2))),
  },
  {
    input: '{ event:timeSinceStart > 1s }',
    want: where(binary('>', intrinsic('eventTimeSinceStart', 'scoped'), duration(S))),
  },
  { input: '{ link:spanID = "x" }', want: where(eq(intrinsic('linkSpanId', 'scoped'), str('x'))) },
  {
    input: '{ instrumentation:version = "x" }',
    want: where(eq(intrinsic('instrumentationVersion', 'scoped'), str('x'))),
  },
  { input: '{ nestedSetParent = -1 }', want: where(eq(intrinsic('nestedSetParent'), int(-1))) },
  { input: '{ parent }', want: where(intrinsic('parent')) },
  // nil: existence tests, either order
  { input: '{ .a != nil }', want: where(binary('!=', dot('a'), nil())) },
  { input: '{ nil = .a }', want: where(eq(nil(), dot('a'))) },
  { input: '{ nil = nil }', want: where(eq(nil(), nil())) },
  { input: '{ .a = nil = .b }', want: where(eq(eq(dot('a'), nil()), dot('b'))) },
  { input: '{ nil != .a + 1 }', want: where(binary('!=', nil(), binary('+', dot('a'), int(1)))) },
  // precedence inside { }
  {
    input: '{ .a + .b * .c = 1 }',
    want: where(eq(binary('+', dot('a'), binary('*', dot('b'), dot('c'))), int(1))),
  },
  {
    input: '{ .a * .b + .c }',
    want: where(binary('+', binary('*', dot('a'), dot('b')), dot('c'))),
  },
  {
    input: '{ 2 ^ 3 ^ 2 = .x }',
    want: where(eq(binary('^', int(2), binary('^', int(3), int(2))), dot('x'))),
  },
  { input: '{ !.a && .b }', want: where(binary('&&', unary('!', dot('a')), dot('b'))) },
  { input: '{ !.a = .b }', want: where(eq(unary('!', dot('a')), dot('b'))) },
  { input: '{ !.a * .b }', want: where(unary('!', binary('*', dot('a'), dot('b')))) },
  {
    input: '{ -.a * 2 > 1 }',
    want: where(binary('>', unary('-', binary('*', dot('a'), int(2))), int(1))),
  },
  {
    input: '{ -.a + 2 > 1 }',
    want: where(binary('>', binary('+', unary('-', dot('a')), int(2)), int(1))),
  },
  {
    input: '{ .c - -.a + .b }',
    want: where(binary('+', binary('-', dot('c'), unary('-', dot('a'))), dot('b'))),
  },
  {
    input: '{ .a || .b && .c }',
    want: where(binary('&&', binary('||', dot('a'), dot('b')), dot('c'))),
  },
  {
    input: '{ .a = .b || .c = .d }',
    want: where(binary('||', eq(dot('a'), dot('b')), eq(dot('c'), dot('d')))),
  },
  {
    input: '{ (.a + .b) * .c }',
    want: where(binary('*', binary('+', dot('a'), dot('b')), dot('c'))),
  },
  {
    input: '{ .a =~ "x.*" && .b !~ "y" }',
    want: where(binary('&&', binary('=~', dot('a'), str('x.*')), binary('!~', dot('b'), str('y')))),
  },
  // spanset operators: && and || lowest, structural operators tighter, all left-associative
  { input: '{ .a } && { .b } > { .c }', want: search(op('&&', fa, op('>', fb, fc))) },
  { input: '{ .a } > { .b } && { .c }', want: search(op('&&', op('>', fa, fb), fc)) },
  { input: '{ .a } > { .b } >> { .c }', want: search(op('>>', op('>', fa, fb), fc)) },
  { input: '{ .a } || { .b } && { .c }', want: search(op('&&', op('||', fa, fb), fc)) },
  { input: '{ .a } && ({ .b } || { .c })', want: search(op('&&', fa, op('||', fb, fc))) },
  { input: '({ .a }) !~ { .b } &>> { .c }', want: search(op('&>>', op('!~', fa, fb), fc)) },
  {
    input: '({ .a } | { .b }) && ({ .c })',
    want: search(op('&&', pipeline(fa, fb), pipeline(fc))),
  },
  {
    input: '({ .a } | { .b }) > ({ .c }) || ({ .a } | by(.b))',
    want: search(
      op(
        '||',
        op('>', pipeline(fa, fb), pipeline(fc)),
        pipeline(fa, { kind: 'GroupBy', expr: dot('b') }),
      ),
    ),
  },
  { input: '({ .a } | { .b })', want: search(fa, fb) },
  { input: '(({ .a }))', want: search(fa) },
  {
    input: '({ .a }) && { .b } | by(.c)',
    want: search(op('&&', fa, fb), { kind: 'GroupBy', expr: dot('c') }),
  },
  // pipelines
  { input: '{ .a } | { .b } | { .c }', want: search(fa, fb, fc) },
  {
    input: '{ .a } | count() > 1',
    want: search(fa, scalarFilter('>', aggregate('count'), int(1))),
  },
  {
    input: 'count() = 1 | { .a }',
    want: search(scalarFilter('=', aggregate('count'), int(1)), fa),
  },
  { input: '1 < count()', want: search(scalarFilter('<', int(1), aggregate('count'))) },
  {
    input: 'avg(duration) > 1s',
    want: search(scalarFilter('>', aggregate('avg', intrinsic('duration')), duration(S))),
  },
  {
    input: 'max(.a) > 1 + 2 * 3',
    want: search(scalarFilter('>', aggregate('max', dot('a')), int(7))),
  },
  { input: 'min(.a) < 1 / 2', want: search(scalarFilter('<', aggregate('min', dot('a')), int(0))) },
  {
    input: 'sum(.a) > 1.0 / 4',
    want: search(scalarFilter('>', aggregate('sum', dot('a')), float(0.25))),
  },
  {
    input: 'count() + 1 > 2',
    want: search(scalarFilter('>', scalarOp('+', aggregate('count'), int(1)), int(2))),
  },
  {
    input: '2 % 3 + count() > 1',
    want: search(
      scalarFilter('>', scalarOp('%', int(2), scalarOp('+', int(3), aggregate('count'))), int(1)),
    ),
  },
  { input: '(count()) > 1', want: search(scalarFilter('>', aggregate('count'), int(1))) },
  {
    input: 'by(.a) | coalesce()',
    want: search({ kind: 'GroupBy', expr: dot('a') }, { kind: 'Coalesce' }),
  },
  {
    input: '{} | select(.a, span:id, duration)',
    want: search(TRUE, {
      kind: 'Select',
      fields: [dot('a'), intrinsic('spanId', 'scoped'), intrinsic('duration')],
    }),
  },
  {
    input: '({ .a } | count()) + ({ .b } | count()) = 1',
    want: search(
      scalarFilter(
        '=',
        scalarOp(
          '+',
          { kind: 'ScalarPipeline', pipeline: pipeline(fa), aggregate: aggregate('count') },
          { kind: 'ScalarPipeline', pipeline: pipeline(fb), aggregate: aggregate('count') },
        ),
        int(1),
      ),
    ),
  },
  // metrics
  { input: '{} | rate()', want: root(RATE) },
  {
    input: '{} | count_over_time() by (name, .a)',
    want: root(leaf(pipeline(TRUE), fn('count_over_time', [intrinsic('name'), dot('a')]))),
  },
  {
    input: '{} | quantile_over_time(duration, 0, .9, 1) by (span:name)',
    want: root(
      leaf(pipeline(TRUE), {
        kind: 'MetricsAggregate',
        fn: 'quantile_over_time',
        attribute: intrinsic('duration'),
        quantiles: [0, 0.9, 1],
        by: [intrinsic('name', 'scoped')],
      }),
    ),
  },
  {
    input: '{} | histogram_over_time(span.a)',
    want: root(
      leaf(pipeline(TRUE), {
        kind: 'MetricsAggregate',
        fn: 'histogram_over_time',
        attribute: span('a'),
        quantiles: [],
        by: [],
      }),
    ),
  },
  {
    input: '{} | compare({ .a })',
    want: root(
      leaf(pipeline(TRUE), {
        kind: 'MetricsCompare',
        filter: fa,
        topN: 10n,
        startUnixNano: 0n,
        endUnixNano: 0n,
      }),
    ),
  },
  {
    input: '{} | compare({ .a }, 5, 10, 20)',
    want: root(
      leaf(pipeline(TRUE), {
        kind: 'MetricsCompare',
        filter: fa,
        topN: 5n,
        startUnixNano: 10n,
        endUnixNano: 20n,
      }),
    ),
  },
  {
    input: '{} | rate() | topk(5) > 10 | bottomk(2)',
    want: root(topk(2n, mfilter('>', int(10), topk(5n, RATE)), 'bottomk')),
  },
  { input: '({} | rate()) > 10s', want: root(mfilter('>', duration(10n * S), RATE)) },
  { input: '{} | rate() = -1 + 2', want: root(mfilter('=', int(1), RATE)) },
  { input: '({} | rate()) + ({} | count_over_time())', want: root(math('+', RATE, COUNT)) },
  {
    input: '({} | rate()) + ({} | rate()) * ({} | rate())',
    want: root(math('+', RATE, math('*', RATE, RATE))),
  },
  {
    input: '({} | rate()) * 100 > 5',
    want: root(mfilter('>', int(5), scalarMath('*', int(100), false, RATE))),
  },
  {
    input: '-2 - 20 / ({} | rate())',
    want: root(scalarMath('-', int(-2), true, scalarMath('/', int(20), true, RATE))),
  },
  {
    input: '({} | rate()) + 1 + 2',
    want: root(scalarMath('+', int(2), false, scalarMath('+', int(1), false, RATE))),
  },
  { input: '1 + 2 * 3 + ({} | rate())', want: root(scalarMath('+', int(7), true, RATE)) },
  { input: '({} | rate()) * -1.5', want: root(scalarMath('*', float(-1.5), false, RATE)) },
  {
    input: '({} | rate() > 6) * 100',
    want: root(scalarMath('*', int(100), false, mfilter('>', int(6), RATE))),
  },
  {
    input: '9223372036854775807 + 1 + ({} | rate())',
    want: root(scalarMath('+', int(-(1n << 63n)), true, RATE)),
  },
  // hints
  {
    input: '{ .a } with(most_recent=true)',
    want: root(pipeline(fa), [{ kind: 'Hint', name: 'most_recent', value: bool(true) }]),
  },
  {
    input: '{} | rate() with(sample=0.1, job="x", n=minInt, d=1s, s=ok)',
    want: root(RATE, [
      { kind: 'Hint', name: 'sample', value: float(0.1) },
      { kind: 'Hint', name: 'job', value: str('x') },
      { kind: 'Hint', name: 'n', value: int(-(1n << 63n)) },
      { kind: 'Hint', name: 'd', value: duration(S) },
      { kind: 'Hint', name: 's', value: status('ok') },
    ]),
  },
  {
    input: '{} with(a=1) with(b=2)',
    want: root(pipeline(TRUE), [{ kind: 'Hint', name: 'b', value: int(2) }]),
  },
  // layout
  { input: '/* all */ {\n  .a // the a\n}\n', want: search(fa) },
];

test('parseTraceQL builds the expected tree', async (t) => {
  for (const c of cases) {
    await t.test(c.input, () => assert.deepStrictEqual(parseTraceQL(c.input), c.want));
  }
});
