/** UI spans for the web tests: only what a test sets differs from an empty server span. */
import type { UiSpan } from '../../web/src/trace/model.js';

export function uiSpan(
  over: Pick<UiSpan, 'spanId' | 'parentSpanId' | 'service' | 'startUs' | 'durationUs'> &
    Partial<UiSpan>,
): UiSpan {
  return {
    name: `op-${over.spanId}`,
    kind: 'server',
    status: 'unset',
    statusMessage: '',
    attrs: [],
    resource: [],
    scope: { name: '', version: '', attrs: [] },
    events: [],
    links: [],
    depth: 0,
    children: [],
    ...over,
  };
}
