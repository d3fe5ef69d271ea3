/**
 * Zipkin v2 spans → Vivace's span model, as the OpenTelemetry Collector's Zipkin translator maps
 * them (the version in Tempo's main branch). The rules are listed in this folder's README.
 */

import type {
  AnyValue,
  KeyValue,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  StatusCode,
} from '../../model/index.js';
import { DecodeTally, type DecodeResult } from '../otlp/decode-result.js';
import { tagValue, zipkinError, type ZipkinEndpoint, type ZipkinSpan } from './zipkin-model.js';

const KINDS: Readonly<Record<string, SpanKind>> = {
  CLIENT: 3,
  SERVER: 2,
  PRODUCER: 4,
  CONSUMER: 5,
};

/** Status names `otel.status_code` may hold (OTLP's names, and the upper-case ones exporters send). */
const STATUS: Readonly<Record<string, StatusCode>> = {
  STATUS_CODE_UNSET: 0,
  Unset: 0,
  UNSET: 0,
  STATUS_CODE_OK: 1,
  Ok: 1,
  OK: 1,
  STATUS_CODE_ERROR: 2,
  Error: 2,
  ERROR: 2,
};

/** Tags that describe the resource: taken from a resource's first span, dropped from the others. */
const RESOURCE_KEYS: ReadonlySet<string> = new Set(
  `cloud.provider cloud.account.id cloud.region cloud.availability_zone cloud.platform
  aws.ecs.container.arn aws.ecs.cluster.arn aws.ecs.launchtype aws.ecs.task.arn aws.ecs.task.family
  aws.ecs.task.revision aws.eks.cluster.arn aws.log.group.names aws.log.group.arns
  aws.log.stream.names aws.log.stream.arns container.name container.id container.runtime
  container.image.name container.image.tag deployment.environment device.id
  device.model.identifier device.model.name device.manufacturer faas.name faas.id faas.version
  faas.instance faas.max_memory host.id host.name host.type host.arch host.image.name
  host.image.id host.image.version k8s.cluster.name k8s.node.name k8s.node.uid k8s.namespace.name
  k8s.pod.uid k8s.pod.name k8s.container.name k8s.container.restart_count k8s.replicaset.uid
  k8s.replicaset.name k8s.deployment.uid k8s.deployment.name k8s.statefulset.uid
  k8s.statefulset.name k8s.daemonset.uid k8s.daemonset.name k8s.job.uid k8s.job.name
  k8s.cronjob.uid k8s.cronjob.name os.type os.description os.name os.version process.pid
  process.executable.name process.executable.path process.command process.command_line
  process.command_args process.owner process.runtime.name process.runtime.version
  process.runtime.description service.name service.namespace service.instance.id service.version
  telemetry.sdk.name telemetry.sdk.language telemetry.sdk.version telemetry.auto.version
  webengine.name webengine.version webengine.description opencensus.starttime
  opencensus.exporterversion opencensus.resourcetype`.split(/\s+/),
);

const ABSENT_START = 'otel.zipkin.absentField.startTime';
const MAX_LINKS = 128;

export interface ZipkinOptions {
  parseStringTags: boolean;
}

/** Maps decoded v2 spans; one resource per local service, one scope per `otel.library.name`. */
export function zipkinV2ToSpanBatch(spans: ZipkinSpan[], opts: ZipkinOptions): DecodeResult {
  const tally = new DecodeTally();
  const resourceSpans: ResourceSpans[] = [];
  const byService = new Map<string, { rs: ResourceSpans; scopes: Map<string, ScopeSpans> }>();
  spans.forEach((zs, i) => {
    const service = zs.localEndpoint?.serviceName ?? '';
    const tags = new Map(zs.tags);
    let group = byService.get(service);
    if (!group) {
      group = {
        rs: { resource: resourceOf(service, tags), schemaUrl: '', scopeSpans: [] },
        scopes: new Map(),
      };
      byService.set(service, group);
      resourceSpans.push(group.rs);
    }
    const library = tags.get('otel.library.name') ?? '';
    let ss = group.scopes.get(library);
    if (!ss) {
      const version = library === '' ? '' : (tags.get('otel.library.version') ?? '');
      ss = {
        scope: { name: library, version, attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        spans: [],
      };
      group.scopes.set(library, ss);
      group.rs.scopeSpans.push(ss);
    }
    tally.acceptNth(ss.spans, toSpan(zs, tags, opts), i);
  });
  return tally.result({ resourceSpans });
}

function str(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

function resourceOf(service: string, tags: ReadonlyMap<string, string>): ResourceSpans['resource'] {
  const attributes: KeyValue[] = [];
  if (service !== '') {
    const attrs = new Map<string, string>([['service.name', service]]);
    for (const [k, v] of tags) if (RESOURCE_KEYS.has(k)) attrs.set(k, v);
    for (const [k, v] of attrs) attributes.push(str(k, v));
  }
  return { attributes, droppedAttributesCount: 0 };
}

/** Sets an attribute, replacing one of the same key in its place. */
function put(attrs: KeyValue[], key: string, value: AnyValue): void {
  const i = attrs.findIndex((a) => a.key === key);
  if (i >= 0) attrs[i] = { key, value };
  else attrs.push({ key, value });
}

function toSpan(zs: ZipkinSpan, tags: Map<string, string>, opts: ZipkinOptions): Span {
  let kind: SpanKind = KINDS[zs.kind] ?? 0;
  if (kind === 0 && tags.has('span.kind')) {
    kind = tags.get('span.kind') === 'internal' ? 1 : 0;
    tags.delete('span.kind');
  }
  let statusCode: StatusCode = 0;
  let statusMessage = '';
  const otelStatus = tags.get('otel.status_code');
  if (otelStatus !== undefined) {
    statusCode = STATUS[otelStatus] ?? 0;
    tags.delete('otel.status_code');
    const desc = tags.get('otel.status_description');
    if (desc !== undefined) {
      statusMessage = desc;
      tags.delete('otel.status_description');
    }
  }
  const error = tags.get('error');
  if (error !== undefined) {
    statusCode = 2;
    if (error === 'true') tags.delete('error');
  }
  const traceState = tags.get('w3c.tracestate') ?? '';
  tags.delete('w3c.tracestate');
  const links = takeLinks(tags);
  const attributes: KeyValue[] = [];
  for (const [k, v] of tags) {
    if (RESOURCE_KEYS.has(k) || k === 'otel.library.name' || k === 'otel.library.version') continue;
    attributes.push({ key: k, value: tagValue(v, opts.parseStringTags) });
  }
  endpointAttributes(attributes, zs.localEndpoint, zs.remoteEndpoint);
  if (zs.absentStart) put(attributes, ABSENT_START, { type: 'bool', value: true });
  const start = zs.timestampUs;
  return {
    traceId: zs.traceId,
    spanId: zs.id,
    parentSpanId: zs.parentId,
    traceState,
    name: zs.name,
    kind,
    startTimeUnixNano: microsText(start),
    endTimeUnixNano: microsText(start + zs.durationUs),
    attributes,
    droppedAttributesCount: 0,
    events: zs.annotations.map((a) => event(a.value, a.timestampUs)),
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    statusCode,
    statusMessage,
    flags: 0,
  };
}

/** Decimal nanoseconds of a count of microseconds. */
export function microsText(us: number): string {
  return us > 0 ? `${us}000` : '0';
}

function endpointAttributes(
  attrs: KeyValue[],
  local: ZipkinEndpoint | undefined,
  remote: ZipkinEndpoint | undefined,
): void {
  if (local) {
    const ip = local.ipv6 || local.ipv4;
    if (ip !== '') put(attrs, 'network.local.address', { type: 'string', value: ip });
    if (local.port > 0) put(attrs, 'net.host.port', { type: 'int', value: String(local.port) });
  }
  if (remote) {
    if (remote.serviceName !== '') {
      put(attrs, 'service.peer.name', { type: 'string', value: remote.serviceName });
    }
    const ip = remote.ipv6 || remote.ipv4;
    if (ip !== '') put(attrs, 'network.peer.address', { type: 'string', value: ip });
    if (remote.port > 0) put(attrs, 'net.peer.port', { type: 'int', value: String(remote.port) });
  }
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** `otlp.link.0`, `otlp.link.1`, …: `traceId|spanId|traceState|{attributes}|dropped`. */
function takeLinks(tags: Map<string, string>): SpanLink[] {
  const links: SpanLink[] = [];
  for (let i = 0; i < MAX_LINKS; i++) {
    const key = `otlp.link.${i}`;
    const text = tags.get(key);
    if (text === undefined) break;
    tags.delete(key);
    const parts = text.split('|');
    if (parts.length < 5) continue;
    const [traceId = '', spanId = '', traceState = ''] = parts;
    const dropped = parts[parts.length - 1] as string;
    const json = parts.slice(3, -1).join('|');
    if (!HEX32.test(traceId) || !HEX16.test(spanId)) {
      throw zipkinError('span', `${key}: invalid length for ID`);
    }
    links.push({
      traceId,
      spanId,
      traceState,
      attributes: jsonAttributes(json, key),
      droppedAttributesCount: count(dropped, key),
      flags: 0,
    });
  }
  return links;
}

/** An annotation: `name`, or `name|{attributes}|dropped`. */
function event(value: string, timestampUs: number): SpanEvent {
  const parts = value.split('|');
  const ev: SpanEvent = {
    timeUnixNano: microsText(timestampUs),
    name: parts[0] as string,
    attributes: [],
    droppedAttributesCount: 0,
  };
  if (parts.length >= 3) {
    ev.attributes = jsonAttributes(parts.slice(1, -1).join('|'), `annotation "${value}"`);
    ev.droppedAttributesCount = count(parts[parts.length - 1] as string, `annotation "${value}"`);
  }
  return ev;
}

function count(text: string, where: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) {
    throw zipkinError('span', `${where}: "${text}" is not a dropped-attributes count`);
  }
  return Number(text);
}

/** A JSON object of attributes: strings, integers, other numbers and booleans; the rest is dropped. */
function jsonAttributes(json: string, where: string): KeyValue[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw zipkinError('span', `${where}: the attributes are not a JSON object`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw zipkinError('span', `${where}: the attributes are not a JSON object`);
  }
  const out: KeyValue[] = [];
  for (const [key, v] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof v === 'string') out.push(str(key, v));
    else if (typeof v === 'boolean') out.push({ key, value: { type: 'bool', value: v } });
    else if (typeof v === 'number') {
      out.push(
        Number.isInteger(v)
          ? { key, value: { type: 'int', value: String(v) } }
          : { key, value: { type: 'double', value: v } },
      );
    }
  }
  return out;
}
