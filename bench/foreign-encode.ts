/**
 * The demo shop's spans as Jaeger and Zipkin clients would send them, for `bench:ingest`: a thrift
 * `Batch` per resource (Apache Thrift's binary protocol, the body of `POST /api/traces`) and a
 * Zipkin v2 JSON array. Attributes become string, double, bool, long or binary tags; kind and
 * status become the tags the receivers read; events become logs; links FOLLOWS_FROM references.
 */
import type { AnyValue, KeyValue, Span, SpanBatch } from '../src/model/index.js';
import { thriftBatch, type TestSpan, type TestTag } from '../test/helpers/jaeger-wire.js';

const KIND_NAMES = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

function tag(kv: KeyValue): TestTag {
  const v: AnyValue = kv.value;
  switch (v.type) {
    case 'string':
      return { key: kv.key, type: 'string', value: v.value };
    case 'bool':
      return { key: kv.key, type: 'bool', value: v.value };
    case 'int':
      return { key: kv.key, type: 'long', value: v.value };
    case 'double':
      return { key: kv.key, type: 'double', value: v.value };
    case 'bytes':
      return { key: kv.key, type: 'binary', value: v.value };
    case 'array':
    case 'kvlist':
    case 'empty':
      return { key: kv.key, type: 'string', value: text(v) };
  }
}

const micros = (ns: string) => Math.floor(Number(ns) / 1000);

function jaegerSpan(s: Span): TestSpan {
  const tags = s.attributes.map(tag);
  if (s.kind > 0) tags.push({ key: 'span.kind', type: 'string', value: KIND_NAMES[s.kind] ?? '' });
  if (s.statusCode === 2) tags.push({ key: 'error', type: 'bool', value: true });
  if (s.statusMessage !== '') {
    tags.push({ key: 'otel.status_description', type: 'string', value: s.statusMessage });
  }
  const start = micros(s.startTimeUnixNano);
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    operationName: s.name,
    references: s.links.map((l) => ({ refType: 1, traceId: l.traceId, spanId: l.spanId })),
    startUs: start,
    durationUs: Math.max(0, micros(s.endTimeUnixNano) - start),
    tags,
    logs: s.events.map((e) => ({
      timestampUs: micros(e.timeUnixNano),
      fields: [{ key: 'event', type: 'string', value: e.name }, ...e.attributes.map(tag)],
    })),
  };
}

/** One Jaeger thrift `Batch` per resource of the batch. */
export function jaegerThriftBodies(batch: SpanBatch): Array<{ body: Uint8Array; spans: number }> {
  return batch.resourceSpans.map((rs) => {
    const service = rs.resource.attributes.find((a) => a.key === 'service.name');
    const spans = rs.scopeSpans.flatMap((ss) => ss.spans);
    return {
      body: thriftBatch({
        process: {
          serviceName: service?.value.type === 'string' ? service.value.value : '',
          tags: rs.resource.attributes.filter((a) => a.key !== 'service.name').map(tag),
        },
        spans: spans.map(jaegerSpan),
      }),
      spans: spans.length,
    };
  });
}

function text(v: AnyValue): string {
  return v.type === 'string'
    ? v.value
    : JSON.stringify(
        v.type === 'bytes' ? [...v.value] : ((v as { value?: unknown }).value ?? null),
      );
}

/** The batch as a Zipkin v2 JSON array. */
export function zipkinV2Json(batch: SpanBatch): Uint8Array {
  const out: unknown[] = [];
  for (const rs of batch.resourceSpans) {
    const service = rs.resource.attributes.find((a) => a.key === 'service.name');
    const localEndpoint = { serviceName: service ? text(service.value) : '' };
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        const start = micros(s.startTimeUnixNano);
        const tags: Record<string, string> = {};
        for (const a of s.attributes) tags[a.key] = text(a.value);
        if (s.statusCode === 2) tags.error = s.statusMessage || 'true';
        out.push({
          traceId: s.traceId,
          id: s.spanId,
          ...(s.parentSpanId ? { parentId: s.parentSpanId } : {}),
          ...(s.kind >= 2
            ? { kind: ['SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'][s.kind - 2] }
            : {}),
          name: s.name,
          timestamp: start,
          duration: Math.max(1, micros(s.endTimeUnixNano) - start),
          localEndpoint,
          annotations: s.events.map((e) => ({ timestamp: micros(e.timeUnixNano), value: e.name })),
          tags,
        });
      }
    }
  }
  return Buffer.from(JSON.stringify(out));
}
