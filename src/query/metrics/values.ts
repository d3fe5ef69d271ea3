/**
 * A span's field values as a metrics query uses them: `by()` label values and measured values,
 * taken through the AnyValue JSON that search reports, so that every path (reported spans, the
 * head's spans, block groups) gives the same labels for the same value.
 */
import type { Field } from '../../traceql/index.js';
import { toAnyValue, type TqlValue } from '../search/field-eval.js';
import type { LabelValue, Measured } from './series.js';

/** A typed label value from a reported attribute's JSON value; undefined for nil. */
export function labelValueOf(json: Record<string, unknown> | undefined): LabelValue | undefined {
  if (!json) return undefined;
  if (typeof json.stringValue === 'string') return { type: 'string', value: json.stringValue };
  if (typeof json.intValue === 'string' || typeof json.intValue === 'number') {
    return { type: 'int', value: BigInt(json.intValue) };
  }
  if (typeof json.doubleValue === 'number') return { type: 'double', value: json.doubleValue };
  if (typeof json.boolValue === 'boolean') return { type: 'bool', value: json.boolValue };
  return undefined;
}

/** A field's value as a label value; undefined for nil (and what a label cannot hold). */
export function labelOf(v: TqlValue): LabelValue | undefined {
  return labelValueOf(toAnyValue(v));
}

/** What a field's value measures: span durations apart, integers and (finite) floats. */
export function measuredOf(field: Field, v: TqlValue): Measured {
  if (field.kind === 'Intrinsic' && field.intrinsic === 'duration' && v.t === 'duration') {
    return { type: 'span-duration', ns: Number(v.v) };
  }
  if (field.kind === 'Intrinsic' && field.intrinsic === 'traceDuration' && v.t === 'duration') {
    return { type: 'duration', ns: Number(v.v) };
  }
  return measuredOfJson(toAnyValue(v));
}

/** What a reported attribute's JSON value measures. */
export function measuredOfJson(json: Record<string, unknown> | undefined): Measured {
  const v = labelValueOf(json);
  if (v?.type === 'int') return { type: 'int', value: Number(v.value) };
  if (v?.type === 'double') return { type: 'float', value: v.value };
  return { type: 'other' };
}
