/**
 * The search builder's query (pure): a service, a span name, a status, a duration range and
 * attribute conditions become one TraceQL spanset filter, shown before it runs.
 */
import { tqString } from '../traceql-text.js';

export type Scope = 'span' | 'resource' | 'any' | 'event' | 'link' | 'instrumentation';
export type Op = '=' | '!=' | '=~' | '!~' | '>' | '>=' | '<' | '<=' | 'exists' | 'missing';

export interface AttrCondition {
  scope: Scope;
  key: string;
  op: Op;
  value: string;
}

export interface BuilderState {
  service: string;
  spanName: string;
  status: '' | 'error' | 'ok' | 'unset';
  minDuration: string;
  maxDuration: string;
  attrs: AttrCondition[];
}

export const EMPTY_BUILDER: BuilderState = {
  service: '',
  spanName: '',
  status: '',
  minDuration: '',
  maxDuration: '',
  attrs: [],
};

const DURATION = /^\d+(\.\d+)?(ns|us|µs|ms|s|m|h)$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** A value as TraceQL reads it: numbers, durations and booleans bare, anything else a string. */
export function literal(value: string, op: Op): string {
  const v = value.trim();
  if (op === '=~' || op === '!~') return tqString(v);
  if (NUMBER.test(v) || DURATION.test(v) || v === 'true' || v === 'false') return v;
  return tqString(v);
}

/** An attribute as TraceQL names it (quoted when its name needs it). */
export function attributeName(scope: Scope, key: string): string {
  const prefix = scope === 'any' ? '.' : `${scope}.`;
  return /^[\w.\-/]+$/.test(key) ? `${prefix}${key}` : `${prefix}${tqString(key)}`;
}

export function buildQuery(s: BuilderState): string {
  const parts: string[] = [];
  if (s.service.trim()) parts.push(`resource.service.name = ${tqString(s.service.trim())}`);
  if (s.spanName.trim()) parts.push(`name = ${tqString(s.spanName.trim())}`);
  if (s.status) parts.push(`status = ${s.status}`);
  if (DURATION.test(s.minDuration.trim())) parts.push(`duration >= ${s.minDuration.trim()}`);
  if (DURATION.test(s.maxDuration.trim())) parts.push(`duration <= ${s.maxDuration.trim()}`);
  for (const a of s.attrs) {
    if (!a.key.trim()) continue;
    const name = attributeName(a.scope, a.key.trim());
    if (a.op === 'exists') parts.push(`${name} != nil`);
    else if (a.op === 'missing') parts.push(`${name} = nil`);
    else if (a.value.trim() !== '') parts.push(`${name} ${a.op} ${literal(a.value, a.op)}`);
  }
  return parts.length === 0 ? '{}' : `{ ${parts.join(' && ')} }`;
}
