/**
 * What the trace encoders add so that Grafana can render every span.
 *
 * Grafana's trace transform (`pkg/tsdb/tempo/trace_transform.go`) skips a ResourceSpans whose
 * resource has no attributes at all: every span under it silently disappears from the trace view.
 * OpenTelemetry's semantic conventions name a service that did not say who it is
 * `unknown_service`, and the SDKs send exactly that. So when a resource has no attribute, the
 * encoders write `service.name = "unknown_service"` instead of nothing. A resource with some
 * attributes but no `service.name` is left alone: Grafana shows it under its own placeholder.
 *
 * This touches only the encoded output, never the stored data.
 */

import type { KeyValue, Resource } from '../../model/index.js';

/** The `service.name` OpenTelemetry prescribes when a service does not name itself. */
export const UNKNOWN_SERVICE_NAME = 'unknown_service';

const UNKNOWN_SERVICE_ATTRIBUTES: readonly KeyValue[] = Object.freeze([
  Object.freeze({
    key: 'service.name',
    value: Object.freeze({ type: 'string', value: UNKNOWN_SERVICE_NAME } as const),
  }),
]);

/** The attributes to encode for a resource: its own, or `service.name=unknown_service` if none. */
export function resourceAttributesToEncode(resource: Resource): readonly KeyValue[] {
  return resource.attributes.length > 0 ? resource.attributes : UNKNOWN_SERVICE_ATTRIBUTES;
}
