/**
 * Zipkin v2 JSON (`POST /api/v2/spans`, a JSON array of spans) → `ZipkinSpan`s, refusing what the
 * Collector's Zipkin receiver refuses, with the reason and the span's index.
 */

import { INVALID_ID } from '../otlp/decode-result.js';
import { fieldFail, forEachSpan, isObject, microsField, stringField } from './json-fields.js';
import {
  isIpText,
  padHex,
  type ZipkinAnnotation,
  type ZipkinEndpoint,
  type ZipkinSpan,
} from './zipkin-model.js';

const HEX = /^[0-9A-Fa-f]+$/;
const ZERO = /^0+$/;

/** Parses a Zipkin v2 JSON body. */
export function parseZipkinV2Json(text: string): ZipkinSpan[] {
  const spans: ZipkinSpan[] = [];
  forEachSpan(text, 'v2 JSON', (raw) => {
    if (raw !== null) spans.push(readSpan(raw));
  });
  return spans;
}

const str = stringField;
const micros = (o: Record<string, unknown>, key: string) => microsField(o, key, false);

/** A hex id of at most `width` characters: padded, or INVALID_ID when zero. */
function hexId(text: string, key: string, width: number): string {
  if (!HEX.test(text)) fieldFail(`${key} "${text}" is not hex`);
  if (text.length > width) fieldFail(`${key} "${text}" is longer than ${width} hex characters`);
  return ZERO.test(text) ? INVALID_ID : padHex(text, width);
}

function readSpan(raw: unknown): ZipkinSpan {
  if (!isObject(raw)) fieldFail('a span must be a JSON object');
  const traceText = str(raw, 'traceId');
  if ('traceId' in raw && raw.traceId !== null && traceText.length < 1)
    fieldFail('valid traceId required');
  const traceId = traceText === '' ? INVALID_ID : hexId(traceText, 'traceId', 32);
  const idText = str(raw, 'id');
  if (idText === '') fieldFail('valid span id required');
  const id = hexId(idText, 'id', 16);
  if (id === INVALID_ID) fieldFail('valid span id required');
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
  if (!isObject(raw)) fieldFail(`${key} must be an object`);
  const ep: ZipkinEndpoint = {
    serviceName: str(raw, 'serviceName'),
    ipv4: str(raw, 'ipv4'),
    ipv6: str(raw, 'ipv6'),
    port: 0,
  };
  for (const ip of ['ipv4', 'ipv6'] as const) {
    if (ep[ip] !== '' && !isIpText(ep[ip]))
      fieldFail(`${key}.${ip}: invalid IP address: ${ep[ip]}`);
  }
  const port = raw.port;
  if (port !== undefined && port !== null) {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      fieldFail(`${key}.port must be an integer from 0 to 65535, not ${JSON.stringify(port)}`);
    }
    ep.port = port;
  }
  const empty = ep.serviceName === '' && ep.ipv4 === '' && ep.ipv6 === '' && ep.port === 0;
  return empty ? undefined : ep;
}

function annotations(raw: unknown): ZipkinAnnotation[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) fieldFail('annotations must be an array');
  return raw.map((a: unknown) => {
    if (!isObject(a)) fieldFail('an annotation must be an object');
    const timestampUs = micros(a, 'timestamp');
    if (timestampUs < 1) fieldFail('valid annotation timestamp required');
    return { timestampUs, value: str(a, 'value') };
  });
}

function tags(raw: unknown): Array<[string, string]> {
  if (raw === undefined || raw === null) return [];
  if (!isObject(raw)) fieldFail('tags must be an object of strings');
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') fieldFail(`tag "${k}" must be a string, not ${JSON.stringify(v)}`);
    out.push([k, v]);
  }
  return out;
}
