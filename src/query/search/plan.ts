/**
 * What a search needs before it reads anything: the query's spanset filters (numbered: filter i
 * is bit i of a span's flags) compiled to SQL, a conservative per-trace SQL condition on those
 * flags, and which fields the pipeline and the response read.
 */
import {
  compileFilter,
  type CompiledFilter,
  type CompileOptions,
  type SpanRows,
} from '../../blocks/index.js';
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
  /**
   * A trace can match only if a span of it is flagged by a filter that is not plainly `true`
   * (then the traces without one need not be looked at).
   */
  needsFlag: boolean;
  /** Structural operators or tree intrinsics: spans are numbered in their trace's tree. */
  needsTree: boolean;
  /**
   * Every span of a candidate trace is needed, not only the flagged ones: for the tree, or
   * because a stage other than a spanset filter (`count() > 3 | …`) sees the whole trace.
   */
  needsAllSpans: boolean;
  /**
   * The flags decide the query on their own: every filter compiles exactly, the first stage is one
   * filter or filters joined only by `&&` or only by `||` (its spans are then exactly the flagged
   * ones), and the rest is at most `count()` compared with a number (after a single filter) and
   * `select`. The trace predicate is then exact, and SQL can pick and count the spans.
   */
  sqlDecides: boolean;
  /**
   * Per filter, a condition on a trace summary's row (`CompiledFilter.summary`, `true` when
   * none), when the trace predicate can be judged from summaries for a superset of the traces
   * that match (it counts no spans, and some filter has a condition).
   */
  summaries?: readonly string[];
  /**
   * The trace predicate that holds for some of a trace's spans holds for all of them (it has no
   * `count()` compared with `<`, `<=`, `=` or `!=`). A first page may then be taken from the
   * newest blocks: a trace not seen whole there has spans in older blocks, so it started before
   * they ended.
   */
  candidatesGrow: boolean;
  /** `by()` and aggregate arguments. */
  valueExprs: FieldExpr[];
  /** Some value expression reads more than the span columns (attributes, events, links). */
  valuesNeedAttributes: boolean;
  /** Fields reported on each returned span, in first-seen order, with their response keys. */
  outputFields: OutputField[];
  /**
   * When SQL decides a one-filter query and every span attribute a page reports is one the
   * filter requires (`CompiledFilter.spanRows`), those keys with their row conditions: the
   * statement that picks a page's spans can give their values.
   */
  reportedRows?: ReadonlyMap<string, SpanRows>;
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

export function planSearch(pipeline: Pipeline, compile: CompileOptions = {}): SearchPlan {
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
  const compiled = filters.map((f) => compileFilter(f.expr, compile));
  const predicate = tracePredicate(pipeline, index, compiled);
  const fields: Field[] = [];
  for (const f of filters) collectFields(f.expr, fields);
  const valueFields: Field[] = [];
  for (const e of valueExprs) collectFields(e, valueFields);
  const everything = [...fields, ...valueFields, ...selects];
  const sqlDecides = compiled.every((c) => c.exact) && flagsDecide(pipeline);
  const output = outputFields([...fields, ...selects]);
  const reportedRows = rowsReported(output, compiled, sqlDecides);
  const needsTree =
    structural ||
    everything.some((f) => f.kind === 'Intrinsic' && TREE_INTRINSICS.has(f.intrinsic));
  return {
    pipeline,
    filters,
    index,
    compiled,
    tracePredicate: predicate.sql,
    ...summaryConditions(compiled, predicate.sql),
    needsFlag: !predicate.mayHoldUnflagged,
    sqlDecides,
    candidatesGrow: predicate.grows,
    needsTree,
    needsAllSpans: needsTree || wholeTraceStage,
    valueExprs,
    valuesNeedAttributes: valueFields.some(
      (f) => f.kind === 'Attribute' || !COLUMN_INTRINSICS.has(f.intrinsic),
    ),
    outputFields: output,
    ...(reportedRows === undefined ? {} : { reportedRows }),
  };
}

/** See `SearchPlan.reportedRows`. */
function rowsReported(
  output: readonly OutputField[],
  compiled: readonly CompiledFilter[],
  sqlDecides: boolean,
): ReadonlyMap<string, SpanRows> | undefined {
  const only = compiled.length === 1 ? compiled[0] : undefined;
  if (!sqlDecides || only?.spanRows === undefined) return undefined;
  const out = new Map<string, SpanRows>();
  for (const { field } of output) {
    if (field.kind === 'Intrinsic') {
      // Event and link intrinsics are read with the span whole.
      if (field.intrinsic.startsWith('event') || field.intrinsic.startsWith('link'))
        return undefined;
      continue;
    }
    // Resource and scope attributes come with the resource and scope.
    if (!field.parent && (field.scope === 'resource' || field.scope === 'instrumentation'))
      continue;
    const cond =
      field.scope === 'span' && !field.parent ? only.spanRows.get(field.name) : undefined;
    if (cond === undefined) return undefined;
    out.set(field.name, cond);
  }
  return out.size === 0 ? undefined : out;
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

/** Filters joined by one operator only, `&&` or `||` (a single filter too). */
function isFlatJoin(o: SpansetOperand, op?: '&&' | '||'): boolean {
  if (o.kind === 'SpansetFilter') return true;
  if (o.kind !== 'SpansetOperation' || (o.op !== '&&' && o.op !== '||')) return false;
  if (op !== undefined && o.op !== op) return false;
  return isFlatJoin(o.lhs, o.op) && isFlatJoin(o.rhs, o.op);
}

/** See `SearchPlan.summaries`. */
function summaryConditions(
  compiled: readonly CompiledFilter[],
  predicate: string,
): { summaries?: string[] } {
  if (predicate.includes('count_') || compiled.every((c) => c.summary === undefined)) return {};
  return { summaries: compiled.map((c) => c.summary ?? 'true') };
}

/** See `SearchPlan.sqlDecides` (the filters' exactness aside). */
function flagsDecide(p: Pipeline): boolean {
  const [first, ...rest] = p.elements;
  if (first === undefined) return false;
  if (first.kind !== 'SpansetFilter' && first.kind !== 'SpansetOperation') return false;
  if (!isFlatJoin(first)) return false;
  return rest.every(
    (e, i) =>
      e.kind === 'Select' || (i === 0 && first.kind === 'SpansetFilter' && isCountComparison(e)),
  );
}

/** `count()` compared with a number. */
function isCountComparison(e: PipelineElement): boolean {
  return (
    e.kind === 'ScalarFilter' &&
    e.lhs.kind === 'Aggregate' &&
    e.lhs.op === 'count' &&
    e.rhs.kind === 'Static' &&
    (e.rhs.type === 'int' || e.rhs.type === 'float')
  );
}

/** A trace predicate, and whether it may hold for a trace none of whose spans is flagged. */
interface Predicate {
  sql: string;
  /**
   * False when the predicate needs a span flagged by some filter that is not plainly `true`:
   * then only traces with such a span are candidates.
   */
  mayHoldUnflagged: boolean;
  /** Holding for some of a trace's spans, it holds for all of them. */
  grows: boolean;
}

const ZERO_COMPARES: Record<string, (n: number) => boolean> = {
  '=': (n) => n === 0,
  '!=': (n) => n !== 0,
  '<': (n) => 0 < n,
  '<=': (n) => 0 <= n,
  '>': (n) => 0 > n,
  '>=': (n) => 0 >= n,
};

/**
 * A SQL condition on per-trace aggregates that every trace the pipeline can match satisfies:
 * `{a} && {b}` needs a span flagged a and one flagged b, `{a} > {b}` both, `{a} !> {b}` a span
 * flagged b, `{a} | count() > n` more than n spans flagged a.
 */
function tracePredicate(
  p: Pipeline,
  index: ReadonlyMap<SpansetFilter, number>,
  compiled: readonly CompiledFilter[],
): Predicate {
  const plainlyTrue = (i: number): boolean => compiled[i]?.sql === 'true';
  const operand = (o: SpansetOperand): Predicate => {
    if (o.kind === 'SpansetFilter') {
      const i = index.get(o) ?? 0;
      return { sql: `any_${i}`, mayHoldUnflagged: plainlyTrue(i), grows: true };
    }
    if (o.kind === 'Pipeline') return pipelinePredicate(o);
    const l = operand(o.lhs);
    const r = operand(o.rhs);
    if (o.op === '||') {
      return {
        sql: `(${l.sql}) OR (${r.sql})`,
        mayHoldUnflagged: l.mayHoldUnflagged || r.mayHoldUnflagged,
        grows: l.grows && r.grows,
      };
    }
    if (o.op.startsWith('!')) return r;
    return {
      sql: `(${l.sql}) AND (${r.sql})`,
      mayHoldUnflagged: l.mayHoldUnflagged && r.mayHoldUnflagged,
      grows: l.grows && r.grows,
    };
  };
  const pipelinePredicate = (q: Pipeline): Predicate => {
    const parts: Predicate[] = [];
    q.elements.forEach((e, i) => {
      if (e.kind === 'SpansetFilter' || e.kind === 'SpansetOperation') parts.push(operand(e));
      const prev = q.elements[i - 1];
      if (
        e.kind === 'ScalarFilter' &&
        e.rhs.kind === 'Static' &&
        isCountComparison(e) &&
        prev?.kind === 'SpansetFilter' &&
        i === 1
      ) {
        // The spans counted are the filter's. With a superset of them flagged, only a lower
        // bound is safe (fewer flagged spans cannot pass); with exact flags, any comparison is.
        const k = index.get(prev) ?? 0;
        if (e.op === '>' || e.op === '>=' || compiled[k]?.exact === true) {
          const n = Number(e.rhs.value);
          parts.push({
            sql: `count_${k} ${e.op} ${String(e.rhs.value)}`,
            mayHoldUnflagged: plainlyTrue(k) || (ZERO_COMPARES[e.op]?.(n) ?? true),
            grows: e.op === '>' || e.op === '>=',
          });
        }
      }
    });
    if (parts.length === 0) return { sql: 'true', mayHoldUnflagged: true, grows: true };
    return {
      sql: parts.map((x) => `(${x.sql})`).join(' AND '),
      mayHoldUnflagged: parts.every((x) => x.mayHoldUnflagged),
      grows: parts.every((x) => x.grows),
    };
  };
  return pipelinePredicate(p);
}
