/**
 * The demo shop: a deterministic generator of realistic traces for `vivace demo` and the
 * benchmarks. See README.md for the shop's services and calls.
 */

export type { ShopOptions } from './shop-generator.js';
export {
  DEFAULT_TRACES_PER_SECOND,
  PRODUCT_COUNT,
  ShopTraceGenerator,
  USER_COUNT,
} from './shop-generator.js';
export { Prng } from './prng.js';
