/**
 * Reading Zipkin JSON (v1 and v2): the body as an array of spans, and typed fields of a span whose
 * problems are reported with the span's index.
 */

import { zipkinError } from './zipkin-model.js';

/** A problem with one field of one span; `forEachSpan` adds the span's index. */
export class SpanFieldError extends Error {}

export function fieldFail(what: string): never {
  throw new SpanFieldError(what);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a body that must be a JSON array of spans (`null` is an empty one) and calls `each` on
 * every element; a `SpanFieldError` becomes a 400 naming the format and the span.
 */
export function forEachSpan(
  text: string,
  format: string,
  each: (raw: unknown, index: number) => void,
): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw zipkinError(format, `the body is not JSON: ${(err as Error).message}`);
  }
  if (doc === null) return;
  if (!Array.isArray(doc)) throw zipkinError(format, 'the body must be a JSON array of spans');
  (doc as unknown[]).forEach((raw, i) => {
    try {
      each(raw, i);
    } catch (err) {
      if (err instanceof SpanFieldError) throw zipkinError(format, `span ${i}: ${err.message}`);
      throw err;
    }
  });
}

/** A string field; '' when absent or null. */
export function stringField(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fieldFail(`${key} must be a string, not ${JSON.stringify(v)}`);
  return v;
}

/** An integer field of microseconds; 0 when absent or null. v2 also refuses negatives. */
export function microsField(o: Record<string, unknown>, key: string, negativeOk: boolean): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || (!negativeOk && v < 0)) {
    const what = negativeOk ? 'an integer' : 'a non-negative integer';
    fieldFail(`${key} must be ${what} of microseconds, not ${JSON.stringify(v)}`);
  }
  return v;
}
