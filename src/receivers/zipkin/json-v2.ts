/**
 * Zipkin v2 JSON (`POST /api/v2/spans`, a JSON array of spans) → `ZipkinSpan`s, refusing what the
 * Collector's Zipkin receiver refuses, with the reason and the span's index.
 */

import { INVALID_ID } from '../otlp/decode-result.js';
import {
  isIpText,
  padHex,
  zipkinError,
  type ZipkinAnnotation,
  type ZipkinEndpoint,
  type ZipkinSpan,
} from './zipkin-model.js';

const HEX = /^[0-9A-Fa-f]+$/;
const ZERO = /^0+$/;

class SpanError extends Error {}

function fail(what: string): never {
  throw new SpanError(what);
}

/** Parses a Zipkin v2 JSON body. */
export function parseZipkinV2Json(text: string): ZipkinSpan[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw zipkinError('v2 JSON', `the body is not JSON: ${(err as Error).message}`);
  }
  if (doc === null) return [];
  if (!Array.isArray(doc)) throw zipkinError('v2 JSON', 'the body must be a JSON array of spans');
  const spans: ZipkinSpan[] = [];
  doc.forEach((raw: unknown, i) => {
    if (raw === null) return;
    try {
      spans.push(readSpan(raw));
    } catch (err) {
      if (err instanceof SpanError) throw zipkinError('v2 JSON', `span ${i}: ${err.message}`);
      throw err;
    }
  });
  return spans;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(`${key} must be a string, not ${JSON.stringify(v)}`);
  return v;
}

/** Microseconds: a non-negative integer. */
function micros(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    fail(`${key} must be a non-negative integer of microseconds, not ${JSON.stringify(v)}`);
  }
  return v;
}

/** A hex id of at most `width` characters: padded, or INVALID_ID when zero. */
function hexId(text: string, key: string, width: number): string {
  if (!HEX.test(text)) fail(`${key} "${text}" is not hex`);
  if (text.length > width) fail(`${key} "${text}" is longer than ${width} hex characters`);
  return ZERO.test(text) ? INVALID_ID : padHex(text, width);
}

function readSpan(raw: unknown): ZipkinSpan {
  if (!isObject(raw)) fail('a span must be a JSON object');
  const traceText = str(raw, 'traceId');
  if ('traceId' in raw && raw.traceId !== null && traceText.length < 1)
    fail('valid traceId required');
  const traceId = traceText === '' ? INVALID_ID : hexId(traceText, 'traceId', 32);
  const idText = str(raw, 'id');
  if (idText === '') fail('valid span id required');
  const id = hexId(idText, 'id', 16);
  if (id === INVALID_ID) fail('valid span id required');
  const parentText = str(raw, 'parentId');
  let parentId = parentText === '' ? '' : hexId(parentText, 'parentId', 16);
  if (parentId === INVALID_ID || parentId === id) parentId = '';
  const timestampUs = micros(raw, 'timestamp');
  return {
    traceId,
    id,
    parentId,
    kind: str(raw, 'kind'),
    name: str(raw, 'name'),
    timestampUs,
    durationUs: micros(raw, 'duration'),
    absentStart: timestampUs === 0,
    localEndpoint: endpoint(raw.localEndpoint, 'localEndpoint'),
    remoteEndpoint: endpoint(raw.remoteEndpoint, 'remoteEndpoint'),
    annotations: annotations(raw.annotations),
    tags: tags(raw.tags),
  };
}

function endpoint(raw: unknown, key: string): ZipkinEndpoint | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) fail(`${key} must be an object`);
  const ep: ZipkinEndpoint = {
    serviceName: str(raw, 'serviceName'),
    ipv4: str(raw, 'ipv4'),
    ipv6: str(raw, 'ipv6'),
    port: 0,
  };
  for (const ip of ['ipv4', 'ipv6'] as const) {
    if (ep[ip] !== '' && !isIpText(ep[ip])) fail(`${key}.${ip}: invalid IP address: ${ep[ip]}`);
  }
  const port = raw.port;
  if (port !== undefined && port !== null) {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      fail(`${key}.port must be an integer from 0 to 65535, not ${JSON.stringify(port)}`);
    }
    ep.port = port;
  }
  const empty = ep.serviceName === '' && ep.ipv4 === '' && ep.ipv6 === '' && ep.port === 0;
  return empty ? undefined : ep;
}

function annotations(raw: unknown): ZipkinAnnotation[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) fail('annotations must be an array');
  return raw.map((a: unknown) => {
    if (!isObject(a)) fail('an annotation must be an object');
    const timestampUs = micros(a, 'timestamp');
    if (timestampUs < 1) fail('valid annotation timestamp required');
    return { timestampUs, value: str(a, 'value') };
  });
}

function tags(raw: unknown): Array<[string, string]> {
  if (raw === undefined || raw === null) return [];
  if (!isObject(raw)) fail('tags must be an object of strings');
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') fail(`tag "${k}" must be a string, not ${JSON.stringify(v)}`);
    out.push([k, v]);
  }
  return out;
}
