/**
 * The demo shop's trace generator: realistic, deterministic traces for `vivace demo` and the
 * benchmarks. Pure: no clock, no I/O; all randomness comes from a seeded PRNG, so one seed and
 * one start time always give the same traces.
 */

import type { SpanBatch } from '../model/index.js';
import type { Outcome } from './shop-faults.js';
import type { Visit } from './shop-flows.js';
import { InvalidRequestError } from '../model/index.js';
import { BatchCollector } from './batch-collector.js';
import { Prng } from './prng.js';
import { checkoutFlow } from './shop-checkout.js';
import {
  addToCartFlow,
  healthFlow,
  homeFlow,
  loginFlow,
  ordersFlow,
  productFlow,
  stockSyncFlow,
  viewCartFlow,
} from './shop-flows.js';
import { buildShop } from './shop-services.js';
import { NS_PER_MS, TraceBuilder } from './trace-builder.js';

export interface ShopOptions {
  /** Any safe integer; equal seeds (and start times) give identical traces. */
  seed: number;
  /** Start of the first trace's slot, in Unix milliseconds (a non-negative integer). */
  startUnixMs: number;
  /** Traces per second of simulated time; default 30. */
  tracesPerSecond?: number;
}

export const DEFAULT_TRACES_PER_SECOND = 30;

type Flow = (b: TraceBuilder, v: Visit, at: number) => Outcome;

interface FlowChoice {
  readonly weight: number;
  readonly flow: Flow;
  /** Whether the visitor may be anonymous (browsing) or is always logged in. */
  readonly anonymous: boolean;
  /** How many products the visit involves. */
  readonly items: (prng: Prng) => number;
}

const ONE = (): number => 1;

/** The mix of traffic; weights sum to 1. */
const FLOWS: readonly FlowChoice[] = [
  { weight: 0.32, flow: productFlow, anonymous: true, items: ONE },
  { weight: 0.2, flow: homeFlow, anonymous: true, items: ONE },
  { weight: 0.13, flow: addToCartFlow, anonymous: false, items: ONE },
  { weight: 0.12, flow: viewCartFlow, anonymous: false, items: (p) => p.range(1, 4) },
  { weight: 0.05, flow: loginFlow, anonymous: false, items: ONE },
  { weight: 0.07, flow: ordersFlow, anonymous: false, items: ONE },
  {
    weight: 0.05,
    flow: checkoutFlow,
    anonymous: false,
    items: (p) => 1 + Math.floor(7 * p.float() ** 2),
  },
  { weight: 0.05, flow: (b, _v, at) => healthFlow(b, at), anonymous: true, items: ONE },
  { weight: 0.01, flow: (b, _v, at) => stockSyncFlow(b, at), anonymous: true, items: ONE },
];

const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'ShopApp/4.2.0 (Android 15; Pixel 8)',
];
const BROWSER_ACCEPT: readonly string[] = [
  'text/html',
  'application/xhtml+xml',
  'application/xml;q=0.9',
  '*/*;q=0.8',
];
const APP_ACCEPT: readonly string[] = ['application/json'];
const CURRENCIES: readonly string[] = [
  'USD',
  'USD',
  'USD',
  'USD',
  'USD',
  'USD',
  'USD',
  'EUR',
  'EUR',
  'GBP',
  'JPY',
];

/** Users u-1 … u-5000; 30% of the traffic comes from 40 regulars (u-100 … u-139). */
export const USER_COUNT = 5000;
const REGULARS_FROM = 100;
const REGULARS = 40;
/** Products p-0001 … p-0480, the first ones far more popular. */
export const PRODUCT_COUNT = 480;

function pickUser(prng: Prng): string {
  const n = prng.chance(0.3) ? REGULARS_FROM + prng.int(REGULARS) : 1 + prng.int(USER_COUNT);
  return `u-${n}`;
}

function pickProduct(prng: Prng): string {
  return `p-${String(1 + Math.floor(PRODUCT_COUNT * prng.float() ** 2)).padStart(4, '0')}`;
}

function pickFlow(prng: Prng): FlowChoice {
  let roll = prng.float();
  for (const choice of FLOWS) {
    roll -= choice.weight;
    if (roll < 0) return choice;
  }
  return FLOWS[0] as FlowChoice;
}

function makeVisit(prng: Prng, choice: FlowChoice): Visit {
  const userAgent = prng.pick(USER_AGENTS);
  const productIds: string[] = [];
  const items = choice.items(prng);
  for (let i = 0; i < items; i++) productIds.push(pickProduct(prng));
  return {
    userId: choice.anonymous && prng.chance(0.45) ? undefined : pickUser(prng),
    userAgent,
    accept: userAgent.startsWith('ShopApp') ? APP_ACCEPT : BROWSER_ACCEPT,
    currency: prng.pick(CURRENCIES),
    productIds,
  };
}

function validateOptions(opts: ShopOptions): number {
  if (!Number.isSafeInteger(opts.seed)) {
    throw new InvalidRequestError(`invalid seed ${String(opts.seed)}: must be a safe integer`);
  }
  if (!Number.isSafeInteger(opts.startUnixMs) || opts.startUnixMs < 0) {
    throw new InvalidRequestError(
      `invalid startUnixMs ${String(opts.startUnixMs)}: must be a non-negative integer`,
    );
  }
  const rate = opts.tracesPerSecond ?? DEFAULT_TRACES_PER_SECOND;
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new InvalidRequestError(
      `invalid tracesPerSecond ${String(rate)}: must be a positive number`,
    );
  }
  return rate;
}

/**
 * Makes the traces of a small web shop, one at a time or in batches.
 *
 * Trace k (counting from 0) starts in the slot `[startUnixMs + k·I, startUnixMs + (k+1)·I)` ms,
 * where `I = 1000 / tracesPerSecond`, at a random point of it. The Resource and Scope objects of
 * the returned batches are shared between batches: treat batches as read-only.
 *
 * @example
 * const gen = new ShopTraceGenerator({ seed: 1, startUnixMs: Date.now() - 3_600_000 });
 * const batch = gen.nextBatch(100); // about 1,500 spans
 */
export class ShopTraceGenerator {
  readonly #prng: Prng;
  readonly #builder: TraceBuilder;
  readonly #startUnixMs: number;
  readonly #intervalMs: number;
  #count = 0;

  constructor(opts: ShopOptions) {
    const rate = validateOptions(opts);
    this.#prng = new Prng(opts.seed);
    this.#builder = new TraceBuilder(this.#prng, buildShop(), new BatchCollector());
    this.#startUnixMs = opts.startUnixMs;
    this.#intervalMs = 1000 / rate;
  }

  /** How many traces this generator has made so far. */
  get tracesGenerated(): number {
    return this.#count;
  }

  /** Start of the next trace's slot (Unix ms): the trace itself starts within one interval of it. */
  get nextTraceUnixMs(): number {
    return this.#startUnixMs + this.#count * this.#intervalMs;
  }

  /** The next trace as a SpanBatch, one ResourceSpans per service involved. */
  nextTrace(): SpanBatch {
    const collector = new BatchCollector();
    this.#generate(collector);
    return collector.take();
  }

  /**
   * The next `traces` traces merged into one batch, with ResourceSpans grouped per service
   * resource (pod). Gives the same spans as as many `nextTrace()` calls.
   */
  nextBatch(traces: number): SpanBatch {
    if (!Number.isSafeInteger(traces) || traces < 0) {
      throw new InvalidRequestError(
        `invalid trace count ${String(traces)}: must be a non-negative integer`,
      );
    }
    const collector = new BatchCollector();
    for (let i = 0; i < traces; i++) this.#generate(collector);
    return collector.take();
  }

  #generate(collector: BatchCollector): void {
    const prng = this.#prng;
    const slot = this.nextTraceUnixMs;
    const baseMs = Math.floor(slot + prng.float() * this.#intervalMs);
    this.#count++;
    this.#builder.begin(baseMs, collector);
    const choice = pickFlow(prng);
    const visit = makeVisit(prng, choice);
    choice.flow(this.#builder, visit, prng.int(NS_PER_MS));
  }
}
