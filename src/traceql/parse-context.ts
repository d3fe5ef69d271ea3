/**
 * What the query-level parser passes around. Outside `{ }`, one text can start many constructs
 * (`(` may open a spanset, a pipeline, a metrics query, a scalar, …), so each parse step gets the
 * set of categories its result may take and each partial result carries its category.
 */

import type {
  GroupBy,
  MetricsExpr,
  NumericStatic,
  Pipeline,
  ScalarExpr,
  ScalarFilter,
  ScalarPipeline,
  Select,
  SpansetFilter,
  SpansetOperation,
} from './ast.js';
import type { Token } from './tokens.js';

/** Spanset expression: `{…}`, `({…})`, `{…} && {…}`. */
export const A_SE = 1;
/** Spanset pipeline expression: `(pipeline)`, `(pipeline) && (pipeline)`. */
export const A_SPE = 2;
/** Scalar pipeline expression: `({…} | count())`, `(…) + (…)`. */
export const A_SPEXP = 4;
/** Metrics expression: `({…} | rate())`, `(…) * 2`. */
export const A_ME = 8;
/** Scalar expression holding an aggregate: `count()`, `avg(duration) * 2`. */
export const A_SCE = 16;
/** Number literal, folded: `2`, `-1.5`, `(1 + 2)`. */
export const A_S = 32;
export const A_ALL = 63;

/** True when a pipeline may be written here (inside it, or as the whole of it). */
export const pipelinesAllowed = (allowed: number): boolean =>
  (allowed & (A_SPE | A_SPEXP | A_ME)) !== 0;

/** Partial results of the scalar/metrics expression parser. */
export type MixItem =
  | { readonly cat: 'S'; readonly node: NumericStatic; readonly at: Token }
  | { readonly cat: 'SCE'; readonly node: ScalarExpr }
  | { readonly cat: 'ME'; readonly node: MetricsExpr }
  | { readonly cat: 'SF'; readonly node: ScalarFilter };

/** Everything a query-level parse step can produce. */
export type Item =
  | MixItem
  | { readonly cat: 'SE'; readonly node: SpansetFilter | SpansetOperation }
  | { readonly cat: 'SPE'; readonly node: Pipeline | SpansetOperation }
  | { readonly cat: 'SPEXP'; readonly node: ScalarExpr }
  | { readonly cat: 'EL'; readonly node: GroupBy | Select }
  | { readonly cat: 'SP'; readonly node: Pipeline }
  | { readonly cat: 'SCALAR_PIPELINE'; readonly node: ScalarPipeline }
  | { readonly cat: 'MP'; readonly node: MetricsExpr };

/** The flag of an item's category (0 for those that never close a parenthesis as themselves). */
export function categoryFlag(cat: Item['cat']): number {
  switch (cat) {
    case 'S':
      return A_S;
    case 'SCE':
      return A_SCE;
    case 'ME':
    case 'MP':
      return A_ME;
    case 'SE':
      return A_SE;
    case 'SPE':
    case 'SP':
      return A_SPE;
    case 'SPEXP':
    case 'SCALAR_PIPELINE':
      return A_SPEXP;
    case 'SF':
    case 'EL':
      return 0;
  }
}
