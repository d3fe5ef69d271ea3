/**
 * The metrics generator's share of the encode workers' work: each request's spans are reduced,
 * where they are decoded, to what the main thread needs — span metrics summed per series (calls,
 * size, latency buckets, one exemplar) and, for service graphs, one compact record per client,
 * server, producer or consumer span. Flat arrays cross the thread boundary far cheaper than a
 * span object each (structured cloning cost 4 µs a span; this is a small fraction of it).
 */

import type { ServiceGraphsConfig } from '../app/config/types.js';
import type { GenSpan, GenValue } from './gen-span.js';
import { ABSENT, KIND_NAMES, labelText, STATUS_NAMES } from './labels.js';
import { pairHalves, type EdgeSums } from './edge-pairs.js';
import { flattenHalves, type EdgeHalf } from './service-graphs.js';

/** What the workers need to know of the generator's configuration (structured-clonable). */
export interface GenPlan {
  /** Attribute keys the processors read. */
  keys: readonly string[];
  /** Spans whose end is further than this from the request's arrival are not counted. */
  slackMs: number;
  spanMetrics?: {
    intrinsics: {
      service: boolean;
      span_name: boolean;
      span_kind: boolean;
      status_code: boolean;
      status_message: boolean;
    };
    dimensions: readonly string[];
    buckets: readonly number[];
    multiplierKey: string;
  };
  serviceGraphs?: ServiceGraphsConfig;
}

/** A request's spans as the generator's processors take them. */
export interface GenBatch {
  /** Spans given, and spans left out by the slack rule. */
  received: number;
  discarded: number;
  /** Span metrics per series: label values (stride: label count) and numbers (stride: 4 + buckets + 1). */
  sm?: { values: string[]; nums: Float64Array; exemplars: string[] };
  /** Edges completed within the request (both halves in it), summed per series. */
  sgSums?: EdgeSums;
  /** Edges created within the request (Tempo's `…_service_graphs_edges`). */
  sgEdges?: number;
  /** Edge halves left waiting: ids (64 hex characters each), strings (stride 3 + dimensions), numbers (stride 5). */
  sg?: { ids: string; strs: string[]; nums: Float64Array };
}

/** Numbers of one span-metrics series: calls, size, latency sum, exemplar value, bucket counts. */
const SM_CALLS = 0;
const SM_SIZE = 1;
const SM_SUM = 2;
const SM_EXEMPLAR = 3;
const SM_BUCKETS = 4;

/** Numbers of one edge half: kind, failed, duration (s), start and end (ms). */
export const SG_STRIDE = 5;
/** The dimension values of a half when no dimension is configured (shared, never written). */
const NO_DIMS: string[] = [];

/** The sampling multiplier: 1 / the ratio attribute (span first, then resource) when > 0. */
export function spanMultiplier(span: GenSpan, key: string): number {
  if (key === '') return 1;
  const r = span.attrs[key] ?? span.resourceAttrs[key];
  return typeof r === 'number' && r > 0 ? 1 / r : 1;
}

/** Reduces one request's spans (in the worker). */
export class GenAggregator {
  readonly #plan: GenPlan;
  readonly #now: number;
  #received = 0;
  #discarded = 0;
  readonly #series = new Map<string, number>();
  /** Series offsets by service, then name, then kind × status (the default labels only). */
  readonly #byService = new Map<string, Map<string, number[]>>();
  /** Whether span metrics have exactly the four default labels. */
  readonly #defaults: boolean;
  readonly #smValues: string[] = [];
  readonly #smNums: number[] = [];
  readonly #smExemplars: string[] = [];
  readonly #halves: EdgeHalf[] = [];

  constructor(plan: GenPlan, nowMs: number) {
    this.#plan = plan;
    this.#now = nowMs;
    const sm = plan.spanMetrics;
    const on = sm?.intrinsics;
    this.#defaults =
      sm !== undefined &&
      on !== undefined &&
      on.service &&
      on.span_name &&
      on.span_kind &&
      on.status_code &&
      !on.status_message &&
      sm.dimensions.length === 0;
  }

  add(span: GenSpan): void {
    this.#received++;
    const slack = this.#plan.slackMs;
    if (span.endMs < this.#now - slack || span.endMs > this.#now + slack) {
      this.#discarded++;
      return;
    }
    if (this.#plan.spanMetrics) this.#addSpanMetrics(span, this.#plan.spanMetrics);
    if (this.#plan.serviceGraphs && span.service !== '' && span.kind >= 2) {
      this.#addEdgeHalf(span, this.#plan.serviceGraphs);
    }
  }

  #addSpanMetrics(span: GenSpan, p: NonNullable<GenPlan['spanMetrics']>): void {
    const at = this.#defaults ? this.#slotByIntrinsics(span, p) : this.#slotByKey(span, p);
    const nums = this.#smNums;
    const mult = spanMultiplier(span, p.multiplierKey);
    const latency = span.durationSec;
    nums[at + SM_CALLS] = (nums[at + SM_CALLS] as number) + mult;
    nums[at + SM_SIZE] = (nums[at + SM_SIZE] as number) + span.sizeBytes;
    nums[at + SM_SUM] = (nums[at + SM_SUM] as number) + latency * mult;
    let b = 0;
    while (b < p.buckets.length && latency > (p.buckets[b] as number)) b++;
    nums[at + SM_BUCKETS + b] = (nums[at + SM_BUCKETS + b] as number) + mult;
    if (span.traceId !== '') {
      this.#smExemplars[at / (SM_BUCKETS + p.buckets.length + 1)] = span.traceId;
      nums[at + SM_EXEMPLAR] = latency;
    }
  }

  /** A series' offset in the numbers, for the default labels: by service, name, kind and status. */
  #slotByIntrinsics(span: GenSpan, p: NonNullable<GenPlan['spanMetrics']>): number {
    let byName = this.#byService.get(span.service);
    if (!byName) {
      byName = new Map();
      this.#byService.set(span.service, byName);
    }
    let slots = byName.get(span.name);
    if (!slots) {
      slots = new Array<number>(18).fill(-1);
      byName.set(span.name, slots);
    }
    const i = span.kind * 3 + span.statusCode;
    let at = slots[i] as number;
    if (at < 0) {
      at = this.#newSeries(
        [span.service, span.name, KIND_NAMES[span.kind], STATUS_NAMES[span.statusCode]],
        p,
      );
      slots[i] = at;
    }
    return at;
  }

  /** A series' offset in the numbers, for any label set: by the joined label values. */
  #slotByKey(span: GenSpan, p: NonNullable<GenPlan['spanMetrics']>): number {
    const on = p.intrinsics;
    const values: string[] = [];
    if (on.service) values.push(span.service);
    if (on.span_name) values.push(span.name);
    if (on.span_kind) values.push(KIND_NAMES[span.kind]);
    if (on.status_code) values.push(STATUS_NAMES[span.statusCode]);
    if (on.status_message) values.push(span.statusMessage);
    for (const d of p.dimensions) values.push(labelText(span.resourceAttrs[d] ?? span.attrs[d]));
    const key = values.join('\u0001');
    let at = this.#series.get(key);
    if (at === undefined) {
      at = this.#newSeries(values, p);
      this.#series.set(key, at);
    }
    return at;
  }

  #newSeries(values: readonly string[], p: NonNullable<GenPlan['spanMetrics']>): number {
    const at = this.#smNums.length;
    this.#smValues.push(...values);
    for (let i = 0; i < SM_BUCKETS + p.buckets.length + 1; i++) this.#smNums.push(0);
    this.#smExemplars.push('');
    return at;
  }

  #addEdgeHalf(span: GenSpan, p: NonNullable<GenPlan['serviceGraphs']>): void {
    let peer = '';
    for (const key of p.peerAttributes) {
      const v = span.attrs[key];
      if (v !== undefined && v !== '') {
        peer = labelText(v);
        break;
      }
    }
    const db =
      span.kind === 3 || span.kind === 4 ? databaseName(span, p.databaseNameAttributes) : undefined;
    this.#halves.push({
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      service: span.service,
      peer,
      db,
      dims:
        p.dimensions.length === 0
          ? NO_DIMS
          : p.dimensions.map((d) => {
              const v: GenValue | undefined = span.resourceAttrs[d] ?? span.attrs[d];
              return v === undefined ? ABSENT : labelText(v);
            }),
      kind: span.kind,
      failed: span.statusCode === 2,
      durationSec: span.durationSec,
      startMs: span.startMs,
      endMs: span.endMs,
    });
  }

  finish(): GenBatch {
    const out: GenBatch = { received: this.#received, discarded: this.#discarded };
    if (this.#plan.spanMetrics) {
      out.sm = {
        values: this.#smValues,
        nums: Float64Array.from(this.#smNums),
        exemplars: this.#smExemplars,
      };
    }
    const sgCfg = this.#plan.serviceGraphs;
    if (sgCfg) {
      // Pair the halves that are both here; only the rest go on to the main thread's store.
      const paired = pairHalves(this.#halves, sgCfg);
      out.sgEdges = paired.edges;
      out.sgSums = paired.sums;
      out.sg = flattenHalves(paired.pending);
    }
    return out;
  }
}

/**
 * The database a client span calls when it carries a database attribute (resource first, then
 * span): `peer.service`, `server.address`, `network.peer.address[:port]`, else the attribute.
 */
function databaseName(span: GenSpan, dbKeys: readonly string[]): string | undefined {
  const find = (k: string) => span.resourceAttrs[k] ?? span.attrs[k];
  const dbKey = dbKeys.find((k) => find(k) !== undefined);
  if (dbKey === undefined) return undefined;
  const peer = find('peer.service') ?? find('server.address');
  if (peer !== undefined && peer !== '') return labelText(peer);
  const address = find('network.peer.address');
  if (address !== undefined && address !== '') {
    const port = find('network.peer.port');
    return port === undefined ? labelText(address) : `${labelText(address)}:${labelText(port)}`;
  }
  return labelText(find(dbKey));
}

/** Reduces spans in one go (the model path, and tests). */
export function aggregate(plan: GenPlan, nowMs: number, spans: readonly GenSpan[]): GenBatch {
  const agg = new GenAggregator(plan, nowMs);
  for (const s of spans) agg.add(s);
  return agg.finish();
}

/** Where a series' numbers are in `GenBatch.sm.nums`. */
export const SM_LAYOUT = {
  calls: SM_CALLS,
  size: SM_SIZE,
  sum: SM_SUM,
  exemplar: SM_EXEMPLAR,
  buckets: SM_BUCKETS,
};
