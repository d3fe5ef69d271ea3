/**
 * The TraceQL syntax tree: immutable discriminated unions (`kind`), no positions, no execution
 * state. It is what the parser produces, the validator checks, the printer prints and the SQL
 * compiler consumes; every consumer can `switch (node.kind)` and cover all kinds.
 *
 * Numbers keep their TraceQL type: `int` is a signed 64-bit `bigint`, `duration` is signed 64-bit
 * nanoseconds (`bigint`), `float` is a `number`. Constant arithmetic between number literals
 * (`1 + 2` in metrics math and scalar filters, `-5` anywhere) is folded by the parser.
 */

// ---------------------------------------------------------------------------------------------
// Fields: attributes, intrinsics, literals and the expressions inside `{ }`
// ---------------------------------------------------------------------------------------------

/** `unscoped` is the leading-dot form (`.foo`): span attributes first, then resource attributes. */
export type AttributeScope =
  'span' | 'resource' | 'event' | 'link' | 'instrumentation' | 'unscoped';

/** A custom attribute: `.foo`, `span.foo`, `resource."a b"`, `parent.span.foo`. */
export interface Attribute {
  readonly kind: 'Attribute';
  readonly scope: AttributeScope;
  /** `parent.` prefix: the attribute of the parent span (parses; validation rejects it). */
  readonly parent: boolean;
  /** The name with quotes and escapes removed (`."a".b` → `a.b`). */
  readonly name: string;
}

/** Every intrinsic TraceQL knows; see `INTRINSICS` for spellings and types. */
export type IntrinsicName =
  | 'duration'
  | 'name'
  | 'status'
  | 'statusMessage'
  | 'kind'
  | 'spanId'
  | 'parentId'
  | 'childCount'
  | 'traceId'
  | 'traceDuration'
  | 'rootName'
  | 'rootServiceName'
  | 'eventName'
  | 'eventTimeSinceStart'
  | 'linkTraceId'
  | 'linkSpanId'
  | 'instrumentationName'
  | 'instrumentationVersion'
  | 'nestedSetLeft'
  | 'nestedSetRight'
  | 'nestedSetParent'
  | 'parent';

/**
 * An intrinsic field. `spelling` records how the query wrote it: `legacy` (`duration`,
 * `rootServiceName`) or `scoped` (`span:duration`, `trace:rootService`).
 */
export interface Intrinsic {
  readonly kind: 'Intrinsic';
  readonly intrinsic: IntrinsicName;
  readonly spelling: 'legacy' | 'scoped';
}

export type StatusLiteral = 'ok' | 'error' | 'unset';
export type KindLiteral =
  'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface IntStatic {
  readonly kind: 'Static';
  readonly type: 'int';
  /** Signed 64-bit. */
  readonly value: bigint;
}
export interface FloatStatic {
  readonly kind: 'Static';
  readonly type: 'float';
  readonly value: number;
}
export interface StringStatic {
  readonly kind: 'Static';
  readonly type: 'string';
  readonly value: string;
}
export interface BoolStatic {
  readonly kind: 'Static';
  readonly type: 'bool';
  readonly value: boolean;
}
/** `nil`: only ever an operand of `=` or `!=` (existence tests). */
export interface NilStatic {
  readonly kind: 'Static';
  readonly type: 'nil';
}
export interface DurationStatic {
  readonly kind: 'Static';
  readonly type: 'duration';
  /** Signed 64-bit nanoseconds. */
  readonly value: bigint;
}
export interface StatusStatic {
  readonly kind: 'Static';
  readonly type: 'status';
  readonly value: StatusLiteral;
}
export interface KindStatic {
  readonly kind: 'Static';
  readonly type: 'kind';
  readonly value: KindLiteral;
}

export type Static =
  | IntStatic
  | FloatStatic
  | StringStatic
  | BoolStatic
  | NilStatic
  | DurationStatic
  | StatusStatic
  | KindStatic;

/** The literals that may stand in scalar and metrics expressions. */
export type NumericStatic = IntStatic | FloatStatic | DurationStatic;

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type FieldBinaryOp = ArithmeticOp | ComparisonOp | '=~' | '!~' | '&&' | '||';

/**
 * `lhs op rhs` inside `{ }`. Existence tests are comparisons with `nil`: `.a != nil` (exists),
 * `.a = nil` (does not exist), in either operand order; `nil = nil` is also accepted (false).
 */
export interface BinaryOp {
  readonly kind: 'BinaryOp';
  readonly op: FieldBinaryOp;
  readonly lhs: FieldExpr;
  readonly rhs: FieldExpr;
}

/** `-expr` or `!expr`. A minus before a number literal is folded into the literal. */
export interface UnaryOp {
  readonly kind: 'UnaryOp';
  readonly op: '-' | '!';
  readonly expr: FieldExpr;
}

export type FieldExpr = Static | Attribute | Intrinsic | BinaryOp | UnaryOp;

/**
 * The static type of a field or scalar expression. `dynamic` is an attribute's: its type is only
 * known per span at run time, and it is compatible with every other type.
 */
export type FieldType =
  'int' | 'float' | 'string' | 'bool' | 'nil' | 'duration' | 'status' | 'kind' | 'dynamic';

/** What `select()`, metrics `by()` and metrics function arguments take. */
export type Field = Attribute | Intrinsic;

// ---------------------------------------------------------------------------------------------
// Spansets and pipelines
// ---------------------------------------------------------------------------------------------

/** `{ expr }`; `{}` is `{ true }`. */
export interface SpansetFilter {
  readonly kind: 'SpansetFilter';
  readonly expr: FieldExpr;
}

export type SpansetOp =
  | '&&'
  | '||'
  | '>'
  | '<'
  | '>>'
  | '<<'
  | '~'
  | '!>'
  | '!<'
  | '!>>'
  | '!<<'
  | '!~'
  | '&>'
  | '&<'
  | '&>>'
  | '&<<'
  | '&~';

/**
 * `lhs op rhs` between spansets. Operands are either spanset expressions (`{…} && {…}`) or, in
 * the `(…) op (…)` form, parenthesised pipelines; the parser never mixes the two in one tree.
 */
export interface SpansetOperation {
  readonly kind: 'SpansetOperation';
  readonly op: SpansetOp;
  readonly lhs: SpansetOperand;
  readonly rhs: SpansetOperand;
}

export type SpansetOperand = SpansetFilter | SpansetOperation | Pipeline;

export type AggregateOp = 'count' | 'avg' | 'min' | 'max' | 'sum';

/** `count()`, `avg(expr)`, `min(expr)`, `max(expr)`, `sum(expr)`. */
export interface Aggregate {
  readonly kind: 'Aggregate';
  readonly op: AggregateOp;
  /** Undefined for `count()`, set for the others. */
  readonly expr: FieldExpr | undefined;
}

/** Arithmetic between aggregates, number literals and scalar pipelines. */
export interface ScalarOperation {
  readonly kind: 'ScalarOperation';
  readonly op: ArithmeticOp;
  readonly lhs: ScalarExpr;
  readonly rhs: ScalarExpr;
}

/** `({…} | count())`: a parenthesised pipeline ending in an aggregate (unsupported by Tempo). */
export interface ScalarPipeline {
  readonly kind: 'ScalarPipeline';
  readonly pipeline: Pipeline;
  readonly aggregate: Aggregate;
}

export type ScalarExpr = Aggregate | ScalarOperation | ScalarPipeline | NumericStatic;

/** `count() > 2`, `avg(duration) >= 1s`; Tempo runs only `aggregate op literal`. */
export interface ScalarFilter {
  readonly kind: 'ScalarFilter';
  readonly op: ComparisonOp;
  readonly lhs: ScalarExpr;
  readonly rhs: ScalarExpr;
}

/** `by(expr)`. */
export interface GroupBy {
  readonly kind: 'GroupBy';
  readonly expr: FieldExpr;
}

/** `coalesce()`. */
export interface Coalesce {
  readonly kind: 'Coalesce';
}

/** `select(field, …)`. */
export interface Select {
  readonly kind: 'Select';
  readonly fields: readonly Field[];
}

export type PipelineElement =
  SpansetFilter | SpansetOperation | ScalarFilter | GroupBy | Coalesce | Select;

/** `element | element | …`; one element for a plain `{…}` query. */
export interface Pipeline {
  readonly kind: 'Pipeline';
  readonly elements: readonly PipelineElement[];
}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

export type MetricsFunctionName =
  | 'rate'
  | 'count_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'avg_over_time'
  | 'sum_over_time'
  | 'quantile_over_time'
  | 'histogram_over_time';

/** `rate()`, `avg_over_time(duration) by (resource.service.name)`, `quantile_over_time(duration, .5, .9)`. */
export interface MetricsAggregate {
  readonly kind: 'MetricsAggregate';
  readonly fn: MetricsFunctionName;
  /** The measured field; undefined for `rate` and `count_over_time`. */
  readonly attribute: Field | undefined;
  /** `quantile_over_time` only; empty otherwise. */
  readonly quantiles: readonly number[];
  /** The `by (…)` fields; empty when there is none. */
  readonly by: readonly Field[];
}

/** `compare({filter}[, topN[, start, end]])`; 0 for start and end means "not given". */
export interface MetricsCompare {
  readonly kind: 'MetricsCompare';
  readonly filter: SpansetFilter;
  /** Default 10. */
  readonly topN: bigint;
  readonly startUnixNano: bigint;
  readonly endUnixNano: bigint;
}

export type MetricsFunction = MetricsAggregate | MetricsCompare;

/** `pipeline | fn`: the first stage, producing series. */
export interface MetricsPipeline {
  readonly kind: 'MetricsPipeline';
  readonly pipeline: Pipeline;
  readonly fn: MetricsFunction;
}

/** `input | topk(limit)` or `input | bottomk(limit)`, per time step. */
export interface MetricsTopK {
  readonly kind: 'MetricsTopK';
  readonly op: 'topk' | 'bottomk';
  readonly limit: bigint;
  readonly input: MetricsExpr;
}

/** `input > value`: drops samples that fail the comparison (a duration compares in seconds). */
export interface MetricsFilter {
  readonly kind: 'MetricsFilter';
  readonly op: ComparisonOp;
  readonly value: NumericStatic;
  readonly input: MetricsExpr;
}

export type MetricsArithmeticOp = '+' | '-' | '*' | '/';

/** `(q1) op (q2)`: series with equal label sets are combined. */
export interface MetricsMath {
  readonly kind: 'MetricsMath';
  readonly op: MetricsArithmeticOp;
  readonly lhs: MetricsExpr;
  readonly rhs: MetricsExpr;
}

/** `(q) op scalar` or `scalar op (q)`, applied to every sample. */
export interface MetricsScalarMath {
  readonly kind: 'MetricsScalarMath';
  readonly op: MetricsArithmeticOp;
  readonly scalar: IntStatic | FloatStatic;
  readonly scalarOnLeft: boolean;
  readonly input: MetricsExpr;
}

export type MetricsExpr =
  MetricsPipeline | MetricsTopK | MetricsFilter | MetricsMath | MetricsScalarMath;

// ---------------------------------------------------------------------------------------------
// Root
// ---------------------------------------------------------------------------------------------

/** One `name=value` of `with(…)`. */
export interface Hint {
  readonly kind: 'Hint';
  readonly name: string;
  readonly value: Static;
}

/**
 * A whole query: a search (`query` is a `Pipeline`) or a metrics query (`query` is a
 * `MetricsExpr`), with its `with(…)` hints (empty when there are none).
 */
export interface RootExpr {
  readonly kind: 'Root';
  readonly query: Pipeline | MetricsExpr;
  readonly hints: readonly Hint[];
}

/** Every node kind. */
export type Node =
  | RootExpr
  | Hint
  | Pipeline
  | PipelineElement
  | SpansetOperand
  | ScalarExpr
  | FieldExpr
  | MetricsExpr
  | MetricsFunction;
