/**
 * Runs a TraceQL metrics query: the spanset pipeline is searched like every match of a search
 * (with `select()` of the `by()` fields and the measured field appended), every matched span in
 * the range is accumulated into the first stage's series, then `topk`/`bottomk` and metric
 * filters apply. This is the general path (all of TraceQL, search's speed); first stages that
 * the SQL path (`fast.ts`) can compute go there.
 */

import type {
  Field,
  MetricsAggregate,
  MetricsArithmeticOp,
  MetricsCompare,
  MetricsFunction,
  MetricsExpr,
  NumericStatic,
  Pipeline,
} from '../../traceql/index.js';
import { goDuration, spanMatches } from '../search/field-eval.js';
import type { EvalTrace } from '../search/model.js';
import { compareNumbers } from '../search/pipeline.js';
import { outputKey } from '../search/plan.js';
import type {
  KeyValueJson,
  SearchRequest,
  SearchResult,
  SearchTraceResult,
} from '../search/search.js';
import {
  FirstStageAccumulator,
  sortSeries,
  type Intervals,
  type LabelValue,
  type Measured,
  type Series,
} from './series.js';
import { CompareAccumulator, compareAttributes } from './compare.js';
import type { FastStage } from './fast.js';
import { labelValueOf, measuredOfJson } from './values.js';

/** Tempo's label key of a field: as written, intrinsics in their short names. */
const INTRINSIC_LABELS: Readonly<Record<string, string>> = {
  'span:name': 'name',
  'span:status': 'status',
  'span:kind': 'kind',
  'span:duration': 'duration',
  'span:statusMessage': 'statusMessage',
  'trace:rootService': 'rootServiceName',
  'trace:rootName': 'rootName',
  'trace:duration': 'traceDuration',
};

export function labelKey(printed: string): string {
  return INTRINSIC_LABELS[printed] ?? printed;
}

/** Everything every match of a search gives; the query runs until every trace is read. */
export type Searcher = (req: SearchRequest) => Promise<SearchResult>;

const EVERY_MATCH = 1_000_000_000;

interface SpanView {
  trace: SearchTraceResult;
  name: string;
  durationNs: bigint;
  attrs: Map<string, Record<string, unknown>>;
}

/** A field's value on a matched span, as a label value. */
function fieldLabel(field: Field, s: SpanView): LabelValue | undefined {
  if (field.kind === 'Intrinsic') {
    const { intrinsic } = field;
    if (intrinsic === 'name') return { type: 'string', value: s.name };
    if (intrinsic === 'rootServiceName') return optionalString(s.trace.rootServiceName);
    if (intrinsic === 'rootName') return optionalString(s.trace.rootTraceName);
  }
  return labelValueOf(s.attrs.get(outputKey(field)));
}

function optionalString(v: string | undefined): LabelValue | undefined {
  return v === undefined ? undefined : { type: 'string', value: v };
}

/** What a matched span measures for the aggregate's field. */
function measuredOf(field: Field | undefined, s: SpanView): Measured {
  if (!field) return { type: 'other' };
  if (field.kind === 'Intrinsic' && field.intrinsic === 'duration') {
    return { type: 'span-duration', ns: Number(s.durationNs) };
  }
  if (field.kind === 'Intrinsic' && field.intrinsic === 'traceDuration') {
    return { type: 'duration', ns: Number(s.trace.durationNs) };
  }
  return measuredOfJson(s.attrs.get(outputKey(field)));
}

/** Computes a first stage: the pipeline's matched spans in the range, into series. */
export type FirstStageRunner = (
  pipeline: Pipeline,
  fn: MetricsFunction,
  range: Intervals,
  exemplars: number,
) => Promise<Series[]>;

export interface MetricsSources {
  /** Every match of a search (the general path). */
  search: Searcher;
  /** The SQL path (`runFastStage`); undefined when the query needs the general path. */
  fast?: (pipeline: Pipeline, stage: FastStage) => Promise<Series[] | undefined>;
}

/** First stages on the SQL path when it can compute them, else on the general path. */
export function firstStageRunner(
  src: MetricsSources,
  print: (f: Field) => string,
): FirstStageRunner {
  return async (pipeline, fn, range, exemplars) => {
    const byKeys = fn.kind === 'MetricsCompare' ? [] : fn.by.map((f) => labelKey(print(f)));
    const fast = await src.fast?.(pipeline, { fn, byKeys, range, exemplars });
    if (fast !== undefined) return fast;
    return fn.kind === 'MetricsCompare'
      ? runCompare(src.search, pipeline, fn, range, exemplars)
      : runFirstStage(src.search, pipeline, fn, range, byKeys, exemplars);
  };
}

/** Runs the first stage over every matched span in the range, found as by a search. */
export async function runFirstStage(
  search: Searcher,
  pipeline: Pipeline,
  fn: MetricsAggregate,
  range: Intervals,
  byKeys: readonly string[],
  exemplars = 0,
): Promise<Series[]> {
  const fields = [...fn.by, ...(fn.attribute ? [fn.attribute] : [])];
  const withSelect: Pipeline = {
    kind: 'Pipeline',
    elements: [
      ...pipeline.elements,
      ...(fields.length ? [{ kind: 'Select' as const, fields }] : []),
    ],
  };
  const result = await search({
    pipeline: withSelect,
    limit: EVERY_MATCH,
    spss: 0,
    startNs: range.startNs,
    endNs: range.endNs,
  });
  const acc = new FirstStageAccumulator(
    { fn: fn.fn, byKeys, quantiles: fn.quantiles, exemplars },
    range,
  );
  for (const trace of result.traces) {
    const seen = new Set<string>();
    for (const set of trace.spanSets) {
      for (const span of set.spans) {
        if (seen.has(span.spanId)) continue;
        seen.add(span.spanId);
        const view: SpanView = {
          trace,
          name: span.name,
          durationNs: BigInt(span.durationNs),
          attrs: new Map(span.attributes.map((a: KeyValueJson) => [a.key, a.value])),
        };
        const by = fn.by.map((f) => fieldLabel(f, view));
        const labels = by.flatMap((v, i) =>
          v === undefined ? [] : [{ key: byKeys[i] as string, value: v }],
        );
        if (fn.attribute?.kind === 'Intrinsic' && fn.attribute.intrinsic === 'duration') {
          labels.push({
            key: 'duration',
            value: { type: 'string', value: goDuration(view.durationNs) },
          });
        }
        acc.add(BigInt(span.startNs), by, measuredOf(fn.attribute, view), {
          traceId: trace.traceId,
          labels,
        });
      }
    }
  }
  return acc.finish();
}

/**
 * Runs `compare()` over every matched span in the range, found as by a search and read whole
 * (every attribute counts).
 */
export async function runCompare(
  search: Searcher,
  pipeline: Pipeline,
  fn: MetricsCompare,
  range: Intervals,
  exemplars = 0,
): Promise<Series[]> {
  const result = await search({
    pipeline,
    limit: EVERY_MATCH,
    spss: 0,
    startNs: range.startNs,
    endNs: range.endNs,
    rich: true,
  });
  const acc = CompareAccumulator.of(fn, range, exemplars);
  for (const t of result.traces) {
    const trace: EvalTrace = {
      traceId: t.traceId,
      rootName: t.rootTraceName,
      rootService: t.rootServiceName,
      startNs: t.startNs,
      durationNs: t.durationNs,
    };
    const seen = new Set<string>();
    for (const set of t.spanSets) {
      for (const s of set.spans) {
        const span = s.span;
        if (span === undefined || seen.has(s.spanId)) continue;
        seen.add(s.spanId);
        const startNs = BigInt(s.startNs);
        const selection = acc.isSelection(startNs, () => spanMatches(fn.filter.expr, span, trace));
        acc.add(startNs, selection, compareAttributes(span, trace), {
          traceId: t.traceId,
          durationNs: BigInt(s.durationNs),
        });
      }
    }
  }
  return acc.finish();
}

/**
 * Evaluates a metrics expression: first stages over the spans, then (innermost first) `topk` /
 * `bottomk` per interval, metric filters, and arithmetic between queries or with a scalar.
 */
export async function evaluateMetrics(
  expr: MetricsExpr,
  run: FirstStageRunner,
  range: Intervals,
  exemplars = 0,
): Promise<Series[]> {
  switch (expr.kind) {
    case 'MetricsPipeline':
      return run(expr.pipeline, expr.fn, range, exemplars);
    case 'MetricsFilter': {
      const input = await evaluateMetrics(expr.input, run, range, exemplars);
      const limit = numericStatic(expr.value);
      return input
        .map((s) => {
          const kept = s.exemplars?.filter((x) => compareNumbers(expr.op, x.value, limit)) ?? [];
          const out: Series = {
            labels: s.labels,
            samples: s.samples.filter((x) => compareNumbers(expr.op, x.value, limit)),
          };
          if (kept.length > 0) out.exemplars = kept;
          return out;
        })
        .filter((s) => s.samples.length > 0);
    }
    case 'MetricsTopK':
      return topK(expr.op, Number(expr.limit), await evaluateMetrics(expr.input, run, range));
    case 'MetricsScalarMath': {
      const input = await evaluateMetrics(expr.input, run, range);
      const k = Number(expr.scalar.value);
      return dropNaN(
        input.map((s) => ({
          labels: s.labels,
          samples: s.samples.map((x) => ({
            ...x,
            value: expr.scalarOnLeft ? arith(expr.op, k, x.value) : arith(expr.op, x.value, k),
          })),
        })),
      );
    }
    case 'MetricsMath': {
      const [lhs, rhs] = await Promise.all([
        evaluateMetrics(expr.lhs, run, range),
        evaluateMetrics(expr.rhs, run, range),
      ]);
      return combine(expr.op, lhs, rhs);
    }
  }
}

function arith(op: MetricsArithmeticOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? NaN : a / b;
  }
}

/** Series without NaN samples; series left empty are dropped. */
function dropNaN(series: Series[]): Series[] {
  return series
    .map((s) => ({ ...s, samples: s.samples.filter((x) => Number.isFinite(x.value)) }))
    .filter((s) => s.samples.length > 0);
}

/** The labels that identify a series for matching (`__name__` left out). */
function matchKey(s: Series): string {
  return JSON.stringify(
    s.labels
      .filter((l) => l.key !== '__name__')
      .map((l) => [l.key, l.value.type, String(l.value.value)]),
  );
}

/**
 * `(lhs) op (rhs)`: series with the same labels are combined at the timestamps both have; a side
 * that is one unlabelled series is applied to every series of the other. Missing points and
 * division by zero give nothing.
 */
function combine(op: MetricsArithmeticOp, lhs: Series[], rhs: Series[]): Series[] {
  const single = (side: Series[]) => side.length === 1 && matchKey(side[0] as Series) === '[]';
  const apply = (a: Series, b: Series, labels: Series['labels']): Series => {
    const bAt = new Map(b.samples.map((x) => [x.timestampMs, x.value]));
    const samples = a.samples.flatMap((x) => {
      const y = bAt.get(x.timestampMs);
      return y === undefined ? [] : [{ timestampMs: x.timestampMs, value: arith(op, x.value, y) }];
    });
    return { labels, samples };
  };
  let out: Series[];
  if (single(rhs)) out = lhs.map((a) => apply(a, rhs[0] as Series, a.labels));
  else if (single(lhs)) out = rhs.map((b) => apply(lhs[0] as Series, b, b.labels));
  else {
    const right = new Map(rhs.map((b) => [matchKey(b), b]));
    out = lhs.flatMap((a) => {
      const b = right.get(matchKey(a));
      return b ? [apply(a, b, a.labels)] : [];
    });
  }
  return sortSeries(dropNaN(out));
}

/** `topk` / `bottomk` per interval; ties go to the series that sorts first. */
function topK(op: 'topk' | 'bottomk', k: number, input: Series[]): Series[] {
  if (input.length <= k) return input;
  const keep = input.map(() => new Set<number>());
  const times = [...new Set(input.flatMap((s) => s.samples.map((x) => x.timestampMs)))];
  for (const t of times) {
    const at = input
      .map((s, i) => ({ i, v: s.samples.find((x) => x.timestampMs === t)?.value }))
      .filter((x): x is { i: number; v: number } => x.v !== undefined && !Number.isNaN(x.v));
    at.sort((a, b) => (op === 'topk' ? b.v - a.v : a.v - b.v) || a.i - b.i);
    for (const { i } of at.slice(0, k)) keep[i]?.add(t);
  }
  return sortSeries(
    input
      .map((s, i) => ({ ...s, samples: s.samples.filter((x) => keep[i]?.has(x.timestampMs)) }))
      .filter((s) => s.samples.length > 0),
  );
}

/** A metric filter's scalar; a duration compares in seconds. */
function numericStatic(v: NumericStatic): number {
  switch (v.type) {
    case 'int':
      return Number(v.value);
    case 'float':
      return v.value;
    case 'duration':
      return Number(v.value) / 1e9;
  }
}
