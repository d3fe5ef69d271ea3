/**
 * OTLP `KeyValue` and `AnyValue` bytes straight to the WAL's attribute text (`{"k":…,"t":…}`),
 * with no model objects in between. The text is what `encodeAttrs` in `wal/line-format.ts` writes
 * for the value `protobuf-decode.ts` would have built, and every read goes through the same
 * `ProtoReader` calls in the same order, so malformed input fails with the same message.
 *
 * Truncation (`max` bytes, 0 = off) applies to the key and to a string value of a top-level
 * attribute only, as `truncateAttributes` does: values inside arrays and kvlists are kept whole.
 */

import type { GenValue } from '../../generator/gen-span.js';
import { i64ToDecimal } from '../../model/index.js';
import { failAt, type ProtoReader } from '../../receivers/otlp/protobuf-reader.js';
import { doubleText, keyPrefix, quoteJson } from '../../wal/line-format.js';
import { truncateText } from '../truncate.js';

/** Deepest nesting of arrays and kvlists inside an attribute value that is accepted. */
const MAX_VALUE_DEPTH = 100;

/** Bit n set for each field number n the message defines (see `ProtoReader.skip`). */
export const fieldsUpTo = (n: number): number => ((1 << (n + 1)) - 2) >>> 0;

const ANY = 'AnyValue';
const KEY_VALUE = 'KeyValue';
const EMPTY_FIELDS = '"t":0';

/**
 * The raw string of the value most recently read by `readAnyValueText`, or undefined when that
 * value was not a string. Set as each call returns, so after a nested value it describes the
 * outer one.
 */
let lastString: string | undefined;

/** The scalar value `readAnyValueText` read last (strings, bools, ints, doubles), else undefined. */
let lastScalar: GenValue | undefined;

/** Key and (top-level) string value of the attribute `readAttributeText` read last, truncated. */
let pairKey = '';
let pairString: string | undefined;
let pairScalar: GenValue | undefined;

/** Key and scalar value (undefined for arrays, maps and bytes) of the attribute read last. */
export function lastAttributeKey(): string {
  return pairKey;
}

export function lastAttributeScalar(): GenValue | undefined {
  return pairScalar;
}

/**
 * The value of the attribute read last when it is a string `service.name` (after truncation, as
 * `serviceNameOf` sees it once `truncateAttributes` has run), else undefined.
 */
export function lastServiceName(): string | undefined {
  return pairKey === 'service.name' ? pairString : undefined;
}

/** `list` with `item` appended, comma-separated (items are never empty). */
export function appendItem(list: string, item: string): string {
  return list === '' ? item : list + ',' + item;
}

/**
 * Reads a top-level `KeyValue` (span, event, link, resource or scope attribute) ending at `end`
 * and returns its stored text, `{"k":…,"t":…}`. `max` > 0 truncates the key and a string value.
 */
export function readAttributeText(r: ProtoReader, end: number, max: number): string {
  return readKeyValueText(r, end, 0, max);
}

function readKeyValueText(r: ProtoReader, end: number, depth: number, max: number): string {
  let key = '';
  let value = EMPTY_FIELDS;
  let str: string | undefined;
  let scalar: GenValue | undefined;
  while (r.pos < end) {
    const tag = r.tag(end, KEY_VALUE);
    if (tag === 0x0a) key = r.string(end, KEY_VALUE);
    else if (tag === 0x12) {
      value = readAnyValueText(r, r.lenEnd(end, KEY_VALUE), depth);
      str = lastString;
      scalar = lastScalar;
    } else r.skipField(tag, end, KEY_VALUE, fieldsUpTo(2));
  }
  if (max > 0) {
    key = truncateText(key, max);
    if (str !== undefined) {
      const cut = truncateText(str, max);
      if (cut !== str) value = '"t":1,"s":' + quoteJson(cut);
      str = cut;
    }
  }
  pairKey = key;
  pairString = str;
  pairScalar = str ?? scalar;
  return keyPrefix(key) + value + '}';
}

/** The fields of one `AnyValue` (`"t":…` and its value); the last member present wins. */
function readAnyValueText(r: ProtoReader, end: number, depth: number): string {
  let text = EMPTY_FIELDS;
  let str: string | undefined;
  let scalar: GenValue | undefined;
  while (r.pos < end) {
    const tag = r.tag(end, ANY);
    if (tag === 0x0a) {
      str = r.string(end, ANY);
      continue;
    }
    switch (tag) {
      case 0x10: {
        const b = r.bool(end, ANY);
        text = b ? '"t":4,"b":true' : '"t":4,"b":false';
        scalar = b;
        break;
      }
      case 0x18: {
        r.varint64(end, ANY);
        const dec = i64ToDecimal(r.hi, r.lo);
        text = '"t":2,"i":"' + dec + '"';
        scalar = Number(dec);
        break;
      }
      case 0x21: {
        const d = r.double(end, ANY);
        text = '"t":3,"d":' + doubleText(d);
        scalar = d;
        break;
      }
      case 0x2a:
      case 0x32:
        text = readNestedText(r, tag, r.lenEnd(end, ANY), depth + 1);
        scalar = undefined;
        break;
      case 0x3a:
        text = readBytesText(r, end);
        scalar = undefined;
        break;
      default:
        r.skipField(tag, end, ANY, fieldsUpTo(7));
        continue;
    }
    str = undefined;
  }
  lastString = str;
  lastScalar = str ?? scalar;
  return str === undefined ? text : '"t":1,"s":' + quoteJson(str);
}

function readBytesText(r: ProtoReader, end: number): string {
  const stop = r.lenEnd(end, ANY);
  const start = r.pos;
  r.pos = stop;
  return '"t":5,"s":"' + r.buf.toString('base64', start, stop) + '"';
}

/** An `ArrayValue` (tag 0x2a) or `KeyValueList` (tag 0x32): the element list as a JSON string. */
function readNestedText(r: ProtoReader, tag: number, end: number, depth: number): string {
  if (depth > MAX_VALUE_DEPTH) {
    failAt(`AnyValue nested deeper than ${MAX_VALUE_DEPTH} levels`, r.tagPos);
  }
  const isArray = tag === 0x2a;
  const msg = isArray ? 'ArrayValue' : 'KeyValueList';
  let list = '';
  while (r.pos < end) {
    const t = r.tag(end, msg);
    if (t !== 0x0a) r.skipField(t, end, msg, fieldsUpTo(1));
    else if (isArray)
      list = appendItem(list, '{' + readAnyValueText(r, r.lenEnd(end, msg), depth) + '}');
    else list = appendItem(list, readKeyValueText(r, r.lenEnd(end, msg), depth, 0));
  }
  return (isArray ? '"t":6,"s":' : '"t":7,"s":') + quoteJson('[' + list + ']');
}
