/**
 * Decoding OTLP trace requests, the receivers' hot path. Builds one fixed, realistic request
 * (1000 spans of 4 services, 10 attributes each, an exception event on every fifth span) with
 * protobufjs, then decodes it for a few seconds per format and prints spans/s and MB/s, with
 * protobufjs' own decoder (to its message objects, not to the model) as a baseline.
 *
 * The request comes in 16 variants that share their services, names and keys but not their
 * ids, user ids and times, and the runs go round them: as in real traffic, repeated strings are
 * repeated and unique ones are new, so the decoder's string table is neither cold nor flattered.
 *
 *   node --import tsx bench/decode-otlp.bench.ts [seconds per case, default 3]
 */

import { decodeOtlpJson, decodeOtlpProtobuf } from '../src/receivers/otlp/index.js';
import {
  decodeWithProtobufjs,
  encodeOtlpProtobuf,
} from '../src/receivers/otlp/encode-for-tests.js';

const SPANS = 1000;
const SERVICES = ['frontend', 'checkout', 'payment', 'inventory'];
const ROUTES = ['/api/cart', '/api/checkout', '/api/pay', '/api/items/{id}', '/healthz'];

/** A small deterministic generator (mulberry32), so every run decodes the same bytes. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(42);
const hex = (bytes: number): string => {
  let s = '';
  for (let i = 0; i < bytes; i++)
    s += Math.floor(rand() * 256)
      .toString(16)
      .padStart(2, '0');
  return s;
};
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

function span(service: string, i: number, traceId: string, parentSpanId: string) {
  const start = 1_700_000_000_000_000_000n + BigInt(i) * 1_234_567n;
  const status = i % 17 === 0 ? 500 : 200;
  return {
    traceId,
    spanId: hex(8),
    parentSpanId,
    name: `${i % 2 ? 'GET' : 'POST'} ${ROUTES[i % ROUTES.length]}`,
    kind: i % 2 ? 2 : 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + BigInt(1000 + Math.floor(rand() * 5e8))),
    attributes: [
      str('http.method', i % 2 ? 'GET' : 'POST'),
      str('http.route', ROUTES[i % ROUTES.length] ?? ''),
      int('http.status_code', status),
      str('net.peer.name', `${service}-${i % 3}.internal`),
      int('net.peer.port', 8080),
      str('user.id', `u-${Math.floor(rand() * 100000)}`),
      str('http.user_agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36'),
      { key: 'cache.hit', value: { boolValue: i % 3 === 0 } },
      { key: 'queue.wait_ms', value: { doubleValue: rand() * 100 } },
      str('thread.name', `worker-${i % 8}`),
    ],
    events:
      i % 5 === 0
        ? [
            {
              timeUnixNano: String(start + 500n),
              name: 'exception',
              attributes: [
                str('exception.type', 'TimeoutError'),
                str('exception.message', 'upstream did not answer within 2s'),
              ],
            },
          ]
        : [],
    status: status === 500 ? { code: 2, message: 'internal error' } : {},
  };
}

function buildRequest() {
  const perService = SPANS / SERVICES.length;
  return {
    resourceSpans: SERVICES.map((service, s) => {
      const traceId = hex(16);
      const spans = Array.from({ length: perService }, (_, i) =>
        span(service, s * perService + i, i % 10 === 0 ? hex(16) : traceId, i % 10 ? hex(8) : ''),
      );
      return {
        resource: {
          attributes: [
            str('service.name', service),
            str('service.version', '1.4.2'),
            str('host.name', `node-${s}`),
            str('telemetry.sdk.language', 'nodejs'),
          ],
        },
        scopeSpans: [
          { scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.0' }, spans },
        ],
      };
    }),
  };
}

function measure<T>(
  name: string,
  seconds: number,
  inputs: T[],
  decode: (input: T) => number,
): void {
  for (let i = 0; i < 50; i++) decode(inputs[i % inputs.length] as T); // warm up
  let runs = 0;
  let spans = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    spans += decode(inputs[runs % inputs.length] as T);
    runs++;
    elapsed = performance.now() - start;
  }
  const bytes = Math.round(inputs.reduce((sum, x) => sum + sizeOf(x), 0) / inputs.length);
  const perSecond = (spans / elapsed) * 1000;
  const mbPerSecond = ((runs * bytes) / elapsed / 1e6) * 1000;
  console.log(
    `${name.padEnd(10)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} spans/s` +
      `  ${mbPerSecond.toFixed(1).padStart(6)} MB/s  (${runs} runs of ${bytes} bytes)`,
  );
}

const sizeOf = (x: unknown): number =>
  typeof x === 'string' ? Buffer.byteLength(x) : (x as Uint8Array).length;

const seconds = Number(process.argv[2] ?? 3);
// Only the encoded forms stay alive: a heap full of request objects would slow every GC.
const protos: Uint8Array[] = [];
const jsons: string[] = [];
for (let i = 0; i < 16; i++) {
  const request = buildRequest();
  protos.push(encodeOtlpProtobuf(request));
  jsons.push(JSON.stringify(request));
  const fromProto = decodeOtlpProtobuf(protos[i] as Uint8Array).spanCount;
  if (fromProto !== SPANS || decodeOtlpJson(jsons[i] as string).spanCount !== SPANS) {
    throw new Error('a bench request did not decode to every span');
  }
}
console.log(`decode-otlp: ${SPANS} spans per request, ${process.version}`);
measure('protobuf', seconds, protos, (body) => decodeOtlpProtobuf(body).spanCount);
measure('json', seconds, jsons, (text) => decodeOtlpJson(text).spanCount);
// Baseline: protobufjs decoding to its own message objects (no conversion to the model).
measure('protobufjs', seconds, protos, (body) => {
  decodeWithProtobufjs(body);
  return SPANS;
});
