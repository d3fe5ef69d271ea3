/**
 * What both SQL paths of TraceQL metrics share (`fast.ts` for the functions, `fast-compare.ts`
 * for `compare()`): which spans a pipeline's filters select, and readers of statement rows.
 */
import type { CompiledFilter } from '../../blocks/index.js';
import type { Pipeline, SpansetFilter, SpansetOperand } from '../../traceql/index.js';
import type { EvalTrace } from '../search/model.js';
import { planSearch } from '../search/plan.js';

/** The filters of `{a} || {b} || …` (one filter too); undefined for other operands. */
function unionOf(o: SpansetOperand): SpansetFilter[] | undefined {
  if (o.kind === 'SpansetFilter') return [o];
  if (o.kind !== 'SpansetOperation' || o.op !== '||') return undefined;
  const l = unionOf(o.lhs);
  const r = unionOf(o.rhs);
  return l && r ? [...l, ...r] : undefined;
}

/**
 * The spans a pipeline matches, when its filters alone say which (one filter, or filters joined
 * by `||`, then `select` only, each compiled exactly): the filters and their SQL.
 */
export function planSpans(
  pipeline: Pipeline,
  arrayKeys: ReadonlySet<string>,
): { filters: SpansetFilter[]; compiled: CompiledFilter[] } | undefined {
  const [first, ...rest] = pipeline.elements;
  if (first === undefined) return undefined;
  if (first.kind !== 'SpansetFilter' && first.kind !== 'SpansetOperation') return undefined;
  const filters = unionOf(first);
  if (filters === undefined || rest.some((e) => e.kind !== 'Select')) return undefined;
  const search = planSearch({ kind: 'Pipeline', elements: [first] }, { spanArrayKeys: arrayKeys });
  return search.compiled.every((c) => c.exact) ? { filters, compiled: search.compiled } : undefined;
}

/** A DOUBLE as DuckDB writes it in text (`nan`, `inf`, `-inf` included). */
export function parseDouble(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

export const NO_TRACE: EvalTrace = {
  traceId: '',
  rootName: undefined,
  rootService: undefined,
  startNs: 0n,
  durationNs: 0n,
};

/** Exemplar candidates read per exemplar asked for (spread over the intervals). */
export const CANDIDATES_PER_EXEMPLAR = 2;

/** Resources (or scopes) of several blocks: ids are content addresses, the same in every block. */
export async function unionOfMaps<T>(maps: Promise<Map<string, T>>[]): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (const m of await Promise.all(maps)) for (const [k, v] of m) out.set(k, v);
  return out;
}
