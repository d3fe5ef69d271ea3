/**
 * What a search needs before it reads anything: the query's spanset filters (numbered: filter i
 * is bit i of a span's flags) compiled to SQL, a conservative per-trace SQL condition on those
 * flags, and which fields the pipeline and the response read.
 */
import { compileFilter, type CompiledFilter } from '../../blocks/index.js';
import type {
  Field,
  FieldExpr,
  IntrinsicName,
  Pipeline,
  PipelineElement,
  SpansetFilter,
  SpansetOperand,
} from '../../traceql/index.js';
import { TraceQLUnsupportedError } from '../../traceql/index.js';

/** Flags are a 64-bit column; 52 bits stay exact in a JavaScript number. */
const MAX_FILTERS = 52;

export interface SearchPlan {
  pipeline: Pipeline;
  filters: SpansetFilter[];
  index: ReadonlyMap<SpansetFilter, number>;
  compiled: CompiledFilter[];
  /** SQL over `any_i` / `count_i` per trace; true for every trace that can match. */
  tracePredicate: string;
  /** Structural operators or tree intrinsics: spans are numbered in their trace's tree. */
  needsTree: boolean;
  /**
   * Every span of a candidate trace is needed, not only the flagged ones: for the tree, or
   * because a stage other than a spanset filter (`count() > 3 | …`) sees the whole trace.
   */
  needsAllSpans: boolean;
  /** `by()` and aggregate arguments. */
  valueExprs: FieldExpr[];
  /** Some value expression reads more than the span columns (attributes, events, links). */
  valuesNeedAttributes: boolean;
  /** Fields reported on each returned span, in first-seen order, with their response keys. */
  outputFields: OutputField[];
}

export interface OutputField {
  key: string;
  field: Field;
}

/** Intrinsics that a search reads from span columns, without the span's attributes. */
const COLUMN_INTRINSICS = new Set([
  'duration',
  'name',
  'status',
  'statusMessage',
  'kind',
  'spanId',
  'parentId',
  'traceId',
  'traceDuration',
  'rootName',
  'rootServiceName',
  'nestedSetLeft',
  'nestedSetRight',
  'nestedSetParent',
  'childCount',
]);

const TREE_INTRINSICS = new Set([
  'nestedSetLeft',
  'nestedSetRight',
  'nestedSetParent',
  'childCount',
]);

/** Intrinsics with their own field in a result (or trace-level): never repeated as attributes. */
const NOT_REPORTED = new Set([
  'name',
  'duration',
  'traceId',
  'spanId',
  'traceDuration',
  'rootName',
  'rootServiceName',
]);

export function planSearch(pipeline: Pipeline): SearchPlan {
  const filters: SpansetFilter[] = [];
  const valueExprs: FieldExpr[] = [];
  const selects: Field[] = [];
  let structural = false;
  let wholeTraceStage = false;
  const visitOperand = (o: SpansetOperand): void => {
    if (o.kind === 'SpansetFilter') filters.push(o);
    else if (o.kind === 'Pipeline') visitPipeline(o);
    else {
      if (o.op !== '&&' && o.op !== '||') structural = true;
      visitOperand(o.lhs);
      visitOperand(o.rhs);
    }
  };
  const visitElement = (e: PipelineElement): void => {
    switch (e.kind) {
      case 'SpansetFilter':
      case 'SpansetOperation':
        return visitOperand(e);
      case 'ScalarFilter':
        if (e.lhs.kind === 'Aggregate' && e.lhs.expr !== undefined) valueExprs.push(e.lhs.expr);
        return;
      case 'GroupBy':
        valueExprs.push(e.expr);
        return;
      case 'Select':
        selects.push(...e.fields);
        return;
      case 'Coalesce':
        return;
    }
  };
  const visitPipeline = (p: Pipeline): void => {
    const first = p.elements[0];
    if (
      first !== undefined &&
      first.kind !== 'SpansetFilter' &&
      first.kind !== 'SpansetOperation'
    ) {
      wholeTraceStage = true;
    }
    p.elements.forEach(visitElement);
  };
  visitPipeline(pipeline);
  if (filters.length > MAX_FILTERS) {
    throw new TraceQLUnsupportedError(`a search may hold at most ${MAX_FILTERS} spanset filters`);
  }
  const index = new Map(filters.map((f, i) => [f, i] as const));
  const fields: Field[] = [];
  for (const f of filters) collectFields(f.expr, fields);
  const valueFields: Field[] = [];
  for (const e of valueExprs) collectFields(e, valueFields);
  const everything = [...fields, ...valueFields, ...selects];
  const needsTree =
    structural ||
    everything.some((f) => f.kind === 'Intrinsic' && TREE_INTRINSICS.has(f.intrinsic));
  return {
    pipeline,
    filters,
    index,
    compiled: filters.map((f) => compileFilter(f.expr)),
    tracePredicate: tracePredicate(pipeline, index),
    needsTree,
    needsAllSpans: needsTree || wholeTraceStage,
    valueExprs,
    valuesNeedAttributes: valueFields.some(
      (f) => f.kind === 'Attribute' || !COLUMN_INTRINSICS.has(f.intrinsic),
    ),
    outputFields: outputFields([...fields, ...selects]),
  };
}

function collectFields(e: FieldExpr, out: Field[]): void {
  switch (e.kind) {
    case 'Attribute':
    case 'Intrinsic':
      out.push(e);
      return;
    case 'UnaryOp':
      collectFields(e.expr, out);
      return;
    case 'BinaryOp':
      collectFields(e.lhs, out);
      collectFields(e.rhs, out);
      return;
    case 'Static':
      return;
  }
}

/** Intrinsics reported under their scoped spelling (the others under their legacy name). */
const INTRINSIC_KEYS: Partial<Record<IntrinsicName, string>> = {
  spanId: 'span:id',
  parentId: 'span:parentID',
  eventName: 'event:name',
  eventTimeSinceStart: 'event:timeSinceStart',
  linkTraceId: 'link:traceID',
  linkSpanId: 'link:spanID',
  instrumentationName: 'instrumentation:name',
  instrumentationVersion: 'instrumentation:version',
  childCount: 'span:childCount',
};

/** The key a field is reported under: attributes by their name, intrinsics as spelt by Tempo. */
export function outputKey(f: Field): string {
  if (f.kind === 'Attribute') return f.name;
  return INTRINSIC_KEYS[f.intrinsic] ?? f.intrinsic;
}

function outputFields(fields: readonly Field[]): OutputField[] {
  const out: OutputField[] = [];
  const seen = new Set<string>();
  for (const field of fields) {
    if (field.kind === 'Intrinsic' && NOT_REPORTED.has(field.intrinsic)) continue;
    const id = field.kind === 'Attribute' ? `${field.scope}.${field.name}` : field.intrinsic;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ key: outputKey(field), field });
  }
  return out;
}

/**
 * A SQL condition on per-trace aggregates that every trace the pipeline can match satisfies:
 * `{a} && {b}` needs a span flagged a and one flagged b, `{a} > {b}` both, `{a} !> {b}` a span
 * flagged b, `{a} | count() > n` more than n spans flagged a.
 */
function tracePredicate(p: Pipeline, index: ReadonlyMap<SpansetFilter, number>): string {
  const operand = (o: SpansetOperand): string => {
    if (o.kind === 'SpansetFilter') return `any_${index.get(o)}`;
    if (o.kind === 'Pipeline') return pipelinePredicate(o);
    const l = operand(o.lhs);
    const r = operand(o.rhs);
    if (o.op === '||') return `(${l}) OR (${r})`;
    if (o.op.startsWith('!')) return r;
    return `(${l}) AND (${r})`;
  };
  const pipelinePredicate = (q: Pipeline): string => {
    const parts: string[] = [];
    q.elements.forEach((e, i) => {
      if (e.kind === 'SpansetFilter' || e.kind === 'SpansetOperation') parts.push(operand(e));
      const prev = q.elements[i - 1];
      if (
        e.kind === 'ScalarFilter' &&
        e.lhs.kind === 'Aggregate' &&
        e.lhs.op === 'count' &&
        e.rhs.kind === 'Static' &&
        (e.op === '>' || e.op === '>=') &&
        prev?.kind === 'SpansetFilter' &&
        i === 1
      ) {
        // The spans counted are the filter's: fewer flagged spans than the bound cannot pass.
        const n = e.rhs.value;
        parts.push(`count_${index.get(prev)} ${e.op} ${String(n)}`);
      }
    });
    return parts.length === 0 ? 'true' : parts.map((x) => `(${x})`).join(' AND ');
  };
  return pipelinePredicate(p);
}
