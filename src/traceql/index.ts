/**
 * The TraceQL front end: text → tokens → syntax tree → checked syntax tree → text again. Pure:
 * no clock, filesystem, network or database. The stages are separate so that each can be used
 * and tested alone:
 *
 * ```ts
 * const root = parseTraceQL('{ resource.service.name = "shop" && duration > 1s } | rate()');
 * validateTraceQL(root); // throws TraceQLValidationError or TraceQLUnsupportedError
 * printTraceQL(root); // '{ resource.service.name = "shop" && duration > 1s } | rate()'
 * ```
 *
 * @module
 */

/**
 * Parses a TraceQL query into a syntax tree, following Tempo's grammar (HEAD, with metrics
 * arithmetic and metrics filters).
 *
 * @throws TraceQLParseError with the 1-based `line` and `column` of the offending token.
 * @example parseTraceQL('{ span.http.status_code >= 500 } | count() > 2')
 */
export { parseTraceQL } from './parser.js';

/**
 * Checks a parsed query as Tempo does before running it: static types, filters that must be
 * conditions, aggregates and `by()` that must read the span, regular expressions (RE2),
 * metrics arguments.
 *
 * @throws TraceQLUnsupportedError for what Tempo parses but does not run (`parent.`,
 *   aggregate-vs-aggregate filters, scalar pipeline expressions, …).
 * @throws TraceQLValidationError for everything else.
 * @example validateTraceQL(parseTraceQL('{ 1 = "a" }')) // throws: int and string cannot be combined
 */
export { validateTraceQL } from './validate.js';

/**
 * An RE2 pattern as JavaScript source and flags (`s`, `u`, and `i`/`m` from flag groups), for
 * matching; unanchored. Validation refuses what RE2 refuses before a query runs.
 *
 * @example translateRe2('[[:digit:]]+') // { source: '[0-9]+', flags: 'su' }
 */
export { translateRe2 } from './re2.js';

/**
 * Canonical TraceQL text of a syntax tree; `parseTraceQL(printTraceQL(t))` deep-equals `t`.
 *
 * @example printTraceQL(parseTraceQL('{.a="x"}|rate()by(name)')) // '{ .a = "x" } | rate() by (name)'
 */
export { printTraceQL } from './print.js';

/**
 * Text of one field expression (as inside `{ }`), for messages and `by(…)` labels.
 *
 * @example printFieldExpr(binary('=', attribute('span', 'a b'), str('x'))) // 'span."a b" = "x"'
 */
export { printField, printFieldExpr, printScalar } from './print.js';

/**
 * The spanset filter made of the complete conditions of the first `{…}` of a query that may
 * be unfinished (what an editor sends for tag-value suggestions); undefined when nothing is
 * usable. Never throws.
 *
 * @example parseLenientFilter('{ .a = "x" && span.b = }') // the filter { .a = "x" }
 */
export { parseLenientFilter } from './lenient.js';

/**
 * Splits a query into tokens with 1-based line and column; never throws (a lexical error is
 * a `$error` token). The parser's first stage, exported for tools such as editors.
 *
 * @example lexTraceQL('span.a').map((t) => t.type) // ['span.', 'IDENTIFIER', 'END_ATTRIBUTE', '$end']
 */
export { lexTraceQL } from './lexer.js';
export type { Token } from './tokens.js';

/**
 * Static type of a field expression (`dynamic` for attributes, whose type is known per span);
 * `scalarType` does the same for scalar expressions, `referencesSpan` tells whether an
 * expression reads the span at all.
 *
 * @example fieldType(binary('*', intrinsic('duration'), int(2))) // 'duration'
 */
export { fieldType, referencesSpan, scalarType } from './field-type.js';

/**
 * The intrinsic catalogue: legacy and scoped spellings and static type of every intrinsic.
 *
 * @example INTRINSICS.rootServiceName // { legacy: 'rootServiceName', scoped: 'trace:rootService', type: 'string' }
 */
export { INTRINSICS, type IntrinsicInfo } from './intrinsics.js';

/**
 * Errors. All extend `TraceQLError` (a `VivaceError` with code `invalid_request`, HTTP 400)
 * and carry user-facing messages.
 *
 * @example err instanceof TraceQLParseError && `${err.line}:${err.column}`
 */
export {
  TraceQLError,
  TraceQLParseError,
  TraceQLUnsupportedError,
  TraceQLValidationError,
} from './errors.js';

/**
 * Node constructors, for rewrites and tests.
 *
 * @example filter(binary('>', intrinsic('duration'), duration(1_000_000_000n)))
 */
export {
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

/** The syntax tree (see `ast.ts` for the meaning of each node). */
export type {
  Aggregate,
  AggregateOp,
  ArithmeticOp,
  Attribute,
  AttributeScope,
  BinaryOp,
  BoolStatic,
  Coalesce,
  ComparisonOp,
  DurationStatic,
  Field,
  FieldBinaryOp,
  FieldExpr,
  FieldType,
  FloatStatic,
  GroupBy,
  Hint,
  IntStatic,
  Intrinsic,
  IntrinsicName,
  KindLiteral,
  KindStatic,
  MetricsAggregate,
  MetricsArithmeticOp,
  MetricsCompare,
  MetricsExpr,
  MetricsFilter,
  MetricsFunction,
  MetricsFunctionName,
  MetricsMath,
  MetricsPipeline,
  MetricsScalarMath,
  MetricsTopK,
  NilStatic,
  Node,
  NumericStatic,
  Pipeline,
  PipelineElement,
  RootExpr,
  ScalarExpr,
  ScalarFilter,
  ScalarOperation,
  ScalarPipeline,
  Select,
  SpansetFilter,
  SpansetOp,
  SpansetOperand,
  SpansetOperation,
  Static,
  StatusLiteral,
  StatusStatic,
  StringStatic,
  UnaryOp,
} from './ast.js';

/**
 * Nanoseconds of a duration as TraceQL (Prometheus or Go form) reads it; undefined when it is not
 * one. Also what HTTP parameters such as `minDuration` take.
 *
 * @example parseDuration('1m30s') // 90_000_000_000n
 */
export { parseDuration } from './duration.js';
