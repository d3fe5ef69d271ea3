/** Truncation of long attribute keys and string values, as Tempo's `max_attribute_bytes`. */
import type { KeyValue, SpanBatch } from '../model/index.js';

/**
 * `text` cut to at most `max` UTF-8 bytes (`max` > 0), on a character boundary; `text` itself when
 * it fits.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max / 4) return text; // fast path: even 4-byte characters fit
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  // Cut on a character boundary: drop continuation bytes at the cut.
  let end = max;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

function truncateList(attrs: KeyValue[], max: number): void {
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i] as KeyValue;
    const key = truncateText(a.key, max);
    const value = a.value.type === 'string' ? truncateText(a.value.value, max) : undefined;
    if (
      key !== a.key ||
      (value !== undefined && a.value.type === 'string' && value !== a.value.value)
    ) {
      attrs[i] = { key, value: value !== undefined ? { type: 'string', value } : a.value };
    }
  }
}

/** Truncates, in place, attribute keys and string values longer than `max` bytes. */
export function truncateAttributes(batch: SpanBatch, max: number): void {
  for (const rs of batch.resourceSpans) {
    truncateList(rs.resource.attributes, max);
    for (const ss of rs.scopeSpans) {
      truncateList(ss.scope.attributes, max);
      for (const s of ss.spans) {
        truncateList(s.attributes, max);
        for (const e of s.events) truncateList(e.attributes, max);
        for (const l of s.links) truncateList(l.attributes, max);
      }
    }
  }
}
