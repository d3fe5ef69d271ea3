/**
 * The SQL path of TraceQL metrics against the general path, on the search fixture laid out five
 * ways (head, one block, two blocks, a block and the head, compacted): every query it takes must
 * give the series the general path gives; the queries it cannot take must be left to the
 * general path.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../app/storage.js';
import { fixtureLayouts, T0 } from '../../../test/fixtures/search-traces.js';
import { openTestStorage } from '../../../test/helpers/storage.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import {
  parseTraceQL,
  printField,
  validateTraceQL,
  type MetricsFunction,
  type Pipeline,
} from '../../traceql/index.js';
import { runFastStage } from './fast.js';
import { labelKey, runCompare, runFirstStage } from './run.js';
import type { Intervals, Series } from './series.js';

const TENANT = 'single-tenant';
const S = 1_000_000_000n;

/** Ten 1 s intervals from the fixture's start (traces start at +1 s … +4 s). */
const RANGE: Intervals = { startNs: T0, endNs: T0 + 10n * S, stepNs: S };
/** One interval over the whole fixture (an instant query). */
const INSTANT: Intervals = { startNs: T0, endNs: T0 + 10n * S, stepNs: 10n * S };

/** Queries the SQL path takes. */
const FAST = [
  '{} | rate()',
  '{} | count_over_time() by (resource.service.name)',
  '{ status = error } | count_over_time() by (name)',
  '{ kind = server || kind = client } | rate() by (kind, status)',
  '{ resource.service.name = "payment" } | count_over_time() by (statusMessage)',
  '{ trace:id = "b" } | count_over_time()',
  '{ span:id = "a3" || span:parentID = "00000000000000b1" } | count_over_time() by (name)',
  '{} | count_over_time() by (instrumentation:name)',
  '{} | count_over_time() by (resource.deployment.environment)',
  '{} | count_over_time() by (.deployment.environment, resource.service.name)',
  '{ span.user.id != nil } | count_over_time() by (span.user.id)',
  '{} | count_over_time() by (span.http.status_code)',
  '{} | quantile_over_time(duration, .5, .9, .99) by (resource.service.name)',
  '{} | quantile_over_time(duration, 0, 1)',
  '{} | histogram_over_time(duration) by (span.http.status_code)',
  '{} | avg_over_time(duration) by (.deployment.environment)',
  '{} | sum_over_time(duration) by (kind)',
  '{} | min_over_time(duration) by (resource.service.name)',
  '{} | max_over_time(duration)',
  '{} | sum_over_time(span.http.status_code)',
  '{} | min_over_time(span.http.status_code) by (name)',
  '{} | max_over_time(.amount) by (resource.service.name)',
  '{} | avg_over_time(.http.status_code)',
  '{} | quantile_over_time(span.http.status_code, .5)',
  '{} | histogram_over_time(.http.status_code)',
  '{ .amount > 12 } | sum_over_time(.amount)',
  '{ span.http.status_code >= 500 && resource.service.name = "checkout" } | rate()',
  '{ name =~ "GET.*" } | select(span.http.method) | count_over_time()',
  '{} | compare({ status = error })',
  '{ resource.service.name = "payment" || kind = client } | compare({ span.user.id != nil }, 2)',
  `{} | compare({ name = "Charge" }, 10, ${T0 + 1_500_000_000n}, ${T0 + 3_500_000_000n})`,
];

/** Queries the general path must take (structure, trace-level or event fields, arrays). */
const GENERAL = [
  '{} >> {} | rate()',
  '{ name = "Charge" } && { name = "SELECT users" } | rate()',
  '{} | count() > 2 | rate()',
  '{ traceDuration > 1s } | rate()',
  '{ event:name = "exception" } | rate()',
  '{} | rate() by (rootServiceName)',
  '{} | rate() by (event.exception.message)',
  '{} | avg_over_time(traceDuration)',
];

/**
 * Keys holding arrays: the general path takes them when a block read holds such a value (SQL
 * groups by scalars); with the arrays in the head only, the SQL path may, and must agree.
 */
const ARRAYS = ['{} | rate() by (span.tags)', '{} | max_over_time(span.sizes)'];

function stageOf(q: string): { pipeline: Pipeline; fn: MetricsFunction; byKeys: string[] } {
  const root = parseTraceQL(q);
  validateTraceQL(root);
  const expr = root.query;
  if (expr.kind !== 'MetricsPipeline') throw new Error(q);
  return {
    pipeline: expr.pipeline,
    fn: expr.fn,
    byKeys: expr.fn.kind === 'MetricsCompare' ? [] : expr.fn.by.map((f) => labelKey(printField(f))),
  };
}

/** Series with values rounded (sums of floats differ in their last bits by order). */
function rounded(series: readonly Series[]): unknown {
  return series.map((s) => ({
    labels: s.labels,
    samples: s.samples.map((x) => ({ t: x.timestampMs, v: Number(x.value.toPrecision(12)) })),
  }));
}

const EXEMPLARS = 10;

/**
 * Exemplars are chosen, not computed: the SQL path may pick other spans than the general path
 * (and fewer, as it names two spans per group and interval), but some when it does, at most the
 * cap, one per trace, each showing its series' labels.
 */
function checkExemplars(fast: readonly Series[], general: readonly Series[], q: string): void {
  const all = (x: readonly Series[]) => x.flatMap((s) => s.exemplars ?? []);
  if (all(general).length > 0) assert.ok(all(fast).length > 0, `${q}: exemplars`);
  if (q.includes('compare(')) return checkCompareExemplars(fast, q);
  assert.ok(all(fast).length <= EXEMPLARS, q);
  const traces = all(fast).map((e) => e.labels[0]);
  assert.ok(
    traces.every((l) => l?.key === 'trace:id'),
    q,
  );
  assert.equal(
    new Set(traces.map((l) => l?.value.value)).size,
    traces.length,
    `${q}: one per trace`,
  );
  for (const s of fast) {
    const labels = new Set(s.labels.map((l) => `${l.key}=${String(l.value.value)}`));
    for (const e of s.exemplars ?? []) {
      const own = e.labels.slice(1).filter((l) => l.key !== 'duration');
      assert.ok(
        own.every((l) => labels.has(`${l.key}=${String(l.value.value)}`)),
        `${q}: exemplar labels`,
      );
    }
  }
}

/**
 * `compare()` shows each exemplar on every total series of its group whose attribute the span
 * has: only totals have exemplars, each span of them once, and the copies count towards the cap.
 */
function checkCompareExemplars(fast: readonly Series[], q: string): void {
  let copies = 0;
  for (const s of fast) {
    const ex = s.exemplars ?? [];
    copies += ex.length;
    if (ex.length > 0) assert.match(String(s.labels[0]?.value.value), /_total$/, q);
    const traces = ex.map((e) => e.labels[0]?.value.value);
    assert.equal(new Set(traces).size, traces.length, `${q}: one per trace`);
  }
  assert.ok(copies <= EXEMPLARS, q);
}

interface Both {
  fast: Series[] | undefined;
  general: Series[];
}

async function runBoth(storage: Storage, q: string, range: Intervals): Promise<Both> {
  const { pipeline, fn, byKeys } = stageOf(q);
  const search = storage.search.bind(storage, TENANT);
  return {
    fast: await runFastStage(storage, TENANT, pipeline, {
      fn,
      byKeys,
      range,
      exemplars: EXEMPLARS,
    }),
    general:
      fn.kind === 'MetricsCompare'
        ? await runCompare(search, pipeline, fn, range, EXEMPLARS)
        : await runFirstStage(search, pipeline, fn, range, byKeys, EXEMPLARS),
  };
}

for (const layout of fixtureLayouts()) {
  describe(`TraceQL metrics, SQL path against the general path, data ${layout.name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    const results = new Map<string, Both>();
    before(async () => {
      const tmp = await tempDir();
      cleanup = tmp.cleanup;
      storage = await openTestStorage(tmp.dir);
      await layout.load(storage, TENANT);
      for (const q of [...FAST, ...GENERAL, ...ARRAYS]) {
        results.set(q, await runBoth(storage, q, RANGE));
        results.set(`instant ${q}`, await runBoth(storage, q, INSTANT));
      }
    });
    after(async () => {
      await storage.close();
      await cleanup();
    });
    for (const q of FAST) {
      test(q, () => {
        for (const key of [q, `instant ${q}`]) {
          const r = results.get(key);
          assert.ok(r?.fast, `${key}: the SQL path takes it`);
          assert.ok(r.general.length > 0, `${key}: the fixture gives series`);
          assert.deepEqual(rounded(r.fast), rounded(r.general), key);
          checkExemplars(r.fast, r.general, key);
        }
      });
    }
    for (const q of GENERAL) {
      test(`general path: ${q}`, () => assert.equal(results.get(q)?.fast, undefined));
    }
    for (const q of ARRAYS) {
      test(`arrays: ${q}`, () => {
        const r = results.get(q);
        const inBlocks = storage.store.blocks(TENANT).length > 0;
        if (r?.fast !== undefined) assert.deepEqual(rounded(r.fast), rounded(r.general));
        if (layout.name !== 'split over a block and the head') {
          assert.equal(r?.fast === undefined, inBlocks);
        }
      });
    }
  });
}
