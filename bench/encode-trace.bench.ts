/**
 * Micro-benchmark of the trace encoders (hot path: trace-by-id responses, and the OTLP request
 * encoder used by the demo and the ingest benchmarks).
 *
 *   node --import tsx bench/encode-trace.bench.ts
 *
 * Prints spans/s and MB/s for protobuf and JSON encoding of a fixed 1,000-span trace (spans with
 * 8 attributes), and the time to encode 10,000-span traces (8 attributes, and lean: 2).
 */

import type { KeyValue, Span, SpanBatch, SpanEvent } from '../src/model/index.js';
import { encodeTraceProto, traceToJsonV1 } from '../src/api/encode/index.js';

const SERVICES = ['frontend', 'cart', 'checkout', 'payment', 'db'];

function str(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

function int(key: string, value: string): KeyValue {
  return { key, value: { type: 'int', value } };
}

function spanAttributes(i: number, lean: boolean): KeyValue[] {
  if (lean) return [str('http.request.method', 'GET'), int('http.response.status_code', '200')];
  return [
    str('http.request.method', 'GET'),
    str('url.path', `/api/items/${i % 50}`),
    int('http.response.status_code', i % 17 === 0 ? '500' : '200'),
    str('server.address', 'shop.internal'),
    int('server.port', '8080'),
    str('network.protocol.version', '1.1'),
    { key: 'sampling.ratio', value: { type: 'double', value: 0.25 } },
    { key: 'cache.hit', value: { type: 'bool', value: i % 3 === 0 } },
  ];
}

function retryEvent(start: bigint): SpanEvent {
  const timeUnixNano = (start + 1000n).toString();
  return {
    timeUnixNano,
    name: 'retry',
    attributes: [int('attempt', '1')],
    droppedAttributesCount: 0,
  };
}

/**
 * A span shaped like HTTP instrumentation: 8 attributes and an event on every 10th span, or,
 * when `lean`, 2 attributes and no event.
 */
function makeSpan(i: number, traceId: string, lean: boolean): Span {
  const start = 1700000000000000000n + BigInt(i) * 1000000n;
  return {
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    parentSpanId:
      i === 0
        ? ''
        : Math.floor(i / 2 + 1)
            .toString(16)
            .padStart(16, '0'),
    traceState: '',
    name: `GET /api/items/${i % 50}`,
    kind: i % 2 === 0 ? 2 : 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 750000n).toString(),
    attributes: spanAttributes(i, lean),
    droppedAttributesCount: 0,
    events: lean || i % 10 !== 0 ? [] : [retryEvent(start)],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: i % 17 === 0 ? 2 : 0,
    statusMessage: i % 17 === 0 ? 'upstream failed' : '',
    flags: 0x101,
  };
}

function makeTrace(spanCount: number, lean = false): SpanBatch {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const perService = Math.ceil(spanCount / SERVICES.length);
  return {
    resourceSpans: SERVICES.map((service, s) => ({
      resource: {
        attributes: [
          str('service.name', service),
          str('service.version', '1.4.2'),
          str('host.name', `node-${s}`),
        ],
        droppedAttributesCount: 0,
      },
      schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
      scopeSpans: [
        {
          scope: {
            name: '@opentelemetry/instrumentation-http',
            version: '0.52.0',
            attributes: [],
            droppedAttributesCount: 0,
          },
          schemaUrl: '',
          spans: Array.from(
            { length: Math.max(0, Math.min(perService, spanCount - s * perService)) },
            (_, k) => makeSpan(s * perService + k, traceId, lean),
          ),
        },
      ],
    })),
  };
}

/** Runs `fn` for about `ms` milliseconds after a warm-up; returns the mean time per call in ms. */
function measure(fn: () => number, ms = 1500): { perCallMs: number; bytes: number } {
  let bytes = 0;
  for (let i = 0; i < 50; i++) bytes = fn();
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < ms) {
    bytes = fn();
    calls++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return { perCallMs: elapsed / calls, bytes };
}

function report(label: string, spans: number, r: { perCallMs: number; bytes: number }): void {
  const spansPerSec = (spans / r.perCallMs) * 1000;
  const mbPerSec = ((r.bytes / r.perCallMs) * 1000) / 1e6;
  const size =
    r.bytes === 0
      ? '(no bytes: object only)'
      : `${mbPerSec.toFixed(1).padStart(7)} MB/s  (${r.bytes.toLocaleString('en-US')} bytes)`;
  console.log(
    `${label.padEnd(46)} ${r.perCallMs.toFixed(3).padStart(8)} ms/trace  ` +
      `${Math.round(spansPerSec).toLocaleString('en-US').padStart(12)} spans/s  ${size}`,
  );
}

const small = makeTrace(1000);
const large = makeTrace(10000);
const leanLarge = makeTrace(10000, true);

console.log(`node ${process.version}, ${process.arch}`);
report(
  'protobuf encodeTraceProto, 1,000 spans',
  1000,
  measure(() => encodeTraceProto(small).length),
);
report(
  'JSON traceToJsonV1 (object), 1,000 spans',
  1000,
  measure(() => (traceToJsonV1(small), 0)),
);
report(
  'JSON traceToJsonV1 + stringify, 1,000 spans',
  1000,
  measure(() => JSON.stringify(traceToJsonV1(small)).length),
);
report(
  'protobuf encodeTraceProto, 10,000 spans',
  10000,
  measure(() => encodeTraceProto(large).length),
);
report(
  'protobuf encodeTraceProto, 10,000 lean spans',
  10000,
  measure(() => encodeTraceProto(leanLarge).length),
);
report(
  'JSON traceToJsonV1 + stringify, 10,000 spans',
  10000,
  measure(() => JSON.stringify(traceToJsonV1(large)).length),
);
