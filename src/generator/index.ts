/**
 * The metrics generator (Tempo's span-metrics and service-graphs processors), its registry,
 * Prometheus remote write, and the per-span view the encode workers gather for it.
 */
export {
  DEFAULT_MAX_ACTIVE_SERIES,
  enabledProcessors,
  MetricsGenerator,
  type GeneratorOptions,
} from './generator.js';
export type { GenSpan, GenValue } from './gen-span.js';
