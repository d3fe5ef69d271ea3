/** Small constructors for AST nodes, used by the parser (and handy in tests and rewrites). */

import type {
  Aggregate,
  AggregateOp,
  Attribute,
  AttributeScope,
  BinaryOp,
  BoolStatic,
  DurationStatic,
  FloatStatic,
  IntStatic,
  KindStatic,
  NilStatic,
  StatusStatic,
  StringStatic,
  ComparisonOp,
  FieldBinaryOp,
  FieldExpr,
  Intrinsic,
  IntrinsicName,
  KindLiteral,
  Pipeline,
  PipelineElement,
  ScalarExpr,
  ScalarFilter,
  SpansetFilter,
  SpansetOp,
  SpansetOperand,
  SpansetOperation,
  StatusLiteral,
  UnaryOp,
} from './ast.js';

export const attribute = (scope: AttributeScope, name: string, parent = false): Attribute => ({
  kind: 'Attribute',
  scope,
  parent,
  name,
});

export const intrinsic = (
  name: IntrinsicName,
  spelling: 'legacy' | 'scoped' = 'legacy',
): Intrinsic => ({
  kind: 'Intrinsic',
  intrinsic: name,
  spelling,
});

export const int = (value: bigint | number): IntStatic => ({
  kind: 'Static',
  type: 'int',
  value: BigInt(value),
});
export const float = (value: number): FloatStatic => ({ kind: 'Static', type: 'float', value });
export const str = (value: string): StringStatic => ({ kind: 'Static', type: 'string', value });
export const bool = (value: boolean): BoolStatic => ({ kind: 'Static', type: 'bool', value });
export const nil = (): NilStatic => ({ kind: 'Static', type: 'nil' });
export const duration = (nanos: bigint): DurationStatic => ({
  kind: 'Static',
  type: 'duration',
  value: nanos,
});
export const status = (value: StatusLiteral): StatusStatic => ({
  kind: 'Static',
  type: 'status',
  value,
});
export const spanKind = (value: KindLiteral): KindStatic => ({
  kind: 'Static',
  type: 'kind',
  value,
});

export const binary = (op: FieldBinaryOp, lhs: FieldExpr, rhs: FieldExpr): BinaryOp => ({
  kind: 'BinaryOp',
  op,
  lhs,
  rhs,
});

export const unary = (op: '-' | '!', expr: FieldExpr): UnaryOp => ({ kind: 'UnaryOp', op, expr });

export const filter = (expr: FieldExpr): SpansetFilter => ({ kind: 'SpansetFilter', expr });

export const spansetOp = (
  op: SpansetOp,
  lhs: SpansetOperand,
  rhs: SpansetOperand,
): SpansetOperation => ({
  kind: 'SpansetOperation',
  op,
  lhs,
  rhs,
});

export const pipeline = (...elements: PipelineElement[]): Pipeline => ({
  kind: 'Pipeline',
  elements,
});

export const aggregate = (op: AggregateOp, expr?: FieldExpr): Aggregate => ({
  kind: 'Aggregate',
  op,
  expr,
});

export const scalarFilter = (op: ComparisonOp, lhs: ScalarExpr, rhs: ScalarExpr): ScalarFilter => ({
  kind: 'ScalarFilter',
  op,
  lhs,
  rhs,
});
