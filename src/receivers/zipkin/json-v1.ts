/**
 * Zipkin v1 JSON (`POST /api/v1/spans`) → Vivace's span model, as the Collector's v1 translator
 * does it: kind and times from the core annotations (`cs`, `sr`, `ss`, `cr`, `ms`, `mr`), the
 * service from their endpoints, binary annotations as attributes (`lc` → `component`), and status
 * from census, OpenTelemetry, `error` or HTTP tags, in that order.
 */

import type { KeyValue, ResourceSpans, Span, SpanKind, StatusCode } from '../../model/index.js';
import { DecodeTally, type DecodeResult } from '../otlp/decode-result.js';
import { microsText } from './to-spans-v2.js';
import { fieldFail, forEachSpan, isObject, microsField, stringField } from './json-fields.js';
import { tagValue } from './zipkin-model.js';

interface V1Endpoint {
  serviceName: string;
  ipv4: string;
  ipv6: string;
  port: number;
}

const CORE_KINDS: Readonly<Record<string, SpanKind>> = {
  cs: 3,
  cr: 3,
  sr: 2,
  ss: 2,
  ms: 4,
  mr: 5,
};

const ADDRESS_KEYS: ReadonlySet<string> = new Set(['ca', 'sa', 'ma']);

/** A peer's endpoint as span attributes (the keys v2's remote endpoint gets). */
function peerAttributes(attrs: KeyValue[], ep: V1Endpoint): void {
  const put = (key: string, value: KeyValue['value']) => {
    const i = attrs.findIndex((kv) => kv.key === key);
    if (i >= 0) attrs[i] = { key, value };
    else attrs.push({ key, value });
  };
  if (ep.serviceName !== '') put('service.peer.name', { type: 'string', value: ep.serviceName });
  const ip = ep.ipv6 || ep.ipv4;
  if (ip !== '') put('network.peer.address', { type: 'string', value: ip });
  if (ep.port > 0) put('net.peer.port', { type: 'int', value: String(ep.port) });
}

const STATUS_KEYS = [
  'census.status_code',
  'census.status_description',
  'opencensus.status_description',
  'otel.status_code',
  'otel.status_description',
  'error',
];

const strField = stringField;
const intField = (o: Record<string, unknown>, key: string) => microsField(o, key, true);

export interface ZipkinV1Options {
  parseStringTags: boolean;
  /** Spans with no time at all start (and end) at this time. */
  receivedAtMs: number;
}

/** Decodes and maps a Zipkin v1 JSON body. */
export function decodeZipkinV1Json(text: string, opts: ZipkinV1Options): DecodeResult {
  const tally = new DecodeTally();
  const resourceSpans: ResourceSpans[] = [];
  const byEndpoint = new Map<string, Span[]>();
  forEachSpan(text, 'v1 JSON', (raw, i) => {
    const mapped = toSpan(raw, opts);
    const ep = mapped.endpoint;
    const key = `${ep.serviceName}-${ep.ipv4}-${ep.ipv6}-${ep.port}`;
    let spans = byEndpoint.get(key);
    if (!spans) {
      spans = [];
      byEndpoint.set(key, spans);
      resourceSpans.push({
        resource: { attributes: endpointResource(ep), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans,
          },
        ],
      });
    }
    tally.acceptNth(spans, mapped.span, i);
  });
  return tally.result({ resourceSpans });
}

function endpointResource(ep: V1Endpoint): KeyValue[] {
  const attrs: KeyValue[] = [
    { key: 'service.name', value: { type: 'string', value: ep.serviceName } },
  ];
  if (ep.ipv4 !== '') attrs.push({ key: 'ipv4', value: { type: 'string', value: ep.ipv4 } });
  if (ep.ipv6 !== '') attrs.push({ key: 'ipv6', value: { type: 'string', value: ep.ipv6 } });
  if (ep.port !== 0) attrs.push({ key: 'port', value: { type: 'string', value: String(ep.port) } });
  return attrs;
}

const HEX = /^[0-9A-Fa-f]*$/;

function hexId(text: string, what: string, lengths: readonly number[]): string {
  if (!lengths.includes(text.length)) {
    fieldFail(
      `${what}: hex ${what === 'traceId' ? 'traceId' : 'Id'} has wrong length (expected ${lengths.join(' or ')})`,
    );
  }
  if (!HEX.test(text)) fieldFail(`${what}: "${text}" is not hex`);
  if (/^0+$/.test(text)) fieldFail(`${what}: ${what === 'traceId' ? 'traceId' : 'ID'} is zero`);
  return text.toLowerCase().padStart(lengths.includes(32) ? 32 : 16, '0');
}

function endpointOf(raw: unknown): V1Endpoint | undefined {
  if (!isObject(raw)) return undefined;
  const port = raw.port;
  return {
    serviceName: strField(raw, 'serviceName'),
    ipv4: strField(raw, 'ipv4'),
    ipv6: strField(raw, 'ipv6'),
    port: typeof port === 'number' && Number.isInteger(port) ? port : 0,
  };
}

function toSpan(raw: unknown, opts: ZipkinV1Options): { span: Span; endpoint: V1Endpoint } {
  if (!isObject(raw)) fieldFail('a span must be a JSON object');
  const traceId = hexId(strField(raw, 'traceId'), 'traceId', [16, 32]);
  const spanId = hexId(strField(raw, 'id'), 'id', [16]);
  const parentText = strField(raw, 'parentId');
  const parentSpanId = parentText === '' ? '' : hexId(parentText, 'parentId', [16]);

  let kind: SpanKind = 0;
  let endpoint: V1Endpoint | undefined;
  let minTs = 0;
  let maxTs = 0;
  const events: Span['events'] = [];
  const annotations = raw.annotations ?? [];
  if (!Array.isArray(annotations)) fieldFail('annotations must be an array');
  for (const a of annotations as unknown[]) {
    if (!isObject(a)) continue;
    const value = strField(a, 'value');
    if (value === '') continue;
    const ts = intField(a, 'timestamp');
    if (minTs === 0 || (ts > 0 && ts < minTs)) minTs = ts;
    if (ts > maxTs) maxTs = ts;
    const core = CORE_KINDS[value];
    if (core === undefined) {
      events.push({
        timeUnixNano: microsText(ts),
        name: value,
        attributes: [],
        droppedAttributesCount: 0,
      });
      continue;
    }
    if (kind === 0) kind = core;
    const ep = endpointOf(a.endpoint);
    if (!endpoint && ep && ep.serviceName !== '') endpoint = ep;
  }

  const attributes: KeyValue[] = [];
  const status = new Map<string, string>();
  let fallbackService = '';
  let localComponent = '';
  const binary = raw.binaryAnnotations ?? [];
  if (!Array.isArray(binary)) fieldFail('binaryAnnotations must be an array');
  for (const b of binary as unknown[]) {
    if (!isObject(b)) continue;
    let key = strField(b, 'key');
    const ep = endpointOf(b.endpoint);
    if (ADDRESS_KEYS.has(key) && b.value === true) {
      // An address annotation (`ca`, `sa`, `ma`): its endpoint is the peer, as Zipkin's own v1
      // reader takes it (the Collector refuses the request over the boolean).
      if (ep) peerAttributes(attributes, ep);
      continue;
    }
    const value = strField(b, 'value');
    if (ep && ep.serviceName !== '') fallbackService = ep.serviceName;
    if (key === 'lc') {
      localComponent = value;
      key = 'component';
    }
    if (STATUS_KEYS.includes(key)) {
      status.set(key, value);
      continue;
    }
    const i = attributes.findIndex((kv) => kv.key === key);
    const kv = { key, value: tagValue(value, opts.parseStringTags) };
    if (i >= 0) attributes[i] = kv;
    else attributes.push(kv);
  }
  endpoint ??= {
    serviceName: fallbackService || localComponent || 'unknown-service',
    ipv4: '',
    ipv6: '',
    port: 0,
  };

  let start = Math.max(0, minTs);
  let end = Math.max(0, maxTs);
  const timestamp = intField(raw, 'timestamp');
  if (timestamp !== 0) {
    start = Math.max(0, timestamp);
    end = Math.max(0, timestamp + intField(raw, 'duration'));
  }
  if (start === 0) {
    start = end = opts.receivedAtMs * 1000;
    attributes.push({
      key: 'otel.zipkin.absentField.startTime',
      value: { type: 'bool', value: true },
    });
  }
  const { code, message } = statusOf(status, attributes);
  return {
    endpoint,
    span: {
      traceId,
      spanId,
      parentSpanId,
      traceState: '',
      name: strField(raw, 'name'),
      kind,
      startTimeUnixNano: microsText(start),
      endTimeUnixNano: microsText(end),
      attributes,
      droppedAttributesCount: 0,
      events,
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      statusCode: code,
      statusMessage: message,
      flags: 0,
    },
  };
}

const INT_TEXT = /^[+-]?\d+$/;

function statusOf(
  tags: ReadonlyMap<string, string>,
  attrs: readonly KeyValue[],
): { code: StatusCode; message: string } {
  const census = tags.get('census.status_code');
  const desc = tags.get('census.status_description') ?? tags.get('opencensus.status_description');
  if (census !== undefined && INT_TEXT.test(census)) {
    return { code: Number(census) === 0 ? 1 : 2, message: desc ?? '' };
  }
  const otel = tags.get('otel.status_code');
  if (otel !== undefined && INT_TEXT.test(otel)) {
    const n = Number(otel);
    return { code: n === 1 || n === 2 ? n : 0, message: tags.get('otel.status_description') ?? '' };
  }
  if (tags.has('error')) {
    return { code: 2, message: desc ?? tags.get('otel.status_description') ?? '' };
  }
  const http = attrs.find((kv) => kv.key === 'http.status_code')?.value;
  const httpText = http?.type === 'string' || http?.type === 'int' ? http.value : undefined;
  if (httpText !== undefined && INT_TEXT.test(httpText)) {
    const n = Number(httpText);
    if (n >= 100 && n <= 399) return { code: 0, message: '' };
    const msg = attrs.find((kv) => kv.key === 'http.status_message')?.value;
    return { code: 2, message: msg?.type === 'string' ? msg.value : '' };
  }
  return { code: 0, message: '' };
}
