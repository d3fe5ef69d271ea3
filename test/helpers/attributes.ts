/** Attribute lists as plain objects for exact comparisons in tests: key → "type:value". */
import type { AnyValue, KeyValue } from '../../src/model/index.js';

/** `[{key: 'a', value: {type: 'int', value: '1'}}]` → `{a: 'int:1'}` (bytes as hex). */
export function attrs(list: readonly KeyValue[]): Record<string, string> {
  return Object.fromEntries(list.map((kv) => [kv.key, show(kv.value)]));
}

function show(v: AnyValue): string {
  switch (v.type) {
    case 'bytes':
      return `bytes:${Buffer.from(v.value).toString('hex')}`;
    case 'array':
    case 'kvlist':
    case 'empty':
      return v.type;
    case 'string':
    case 'bool':
    case 'int':
    case 'double':
      return `${v.type}:${String(v.value)}`;
  }
}
