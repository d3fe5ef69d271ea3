/**
 * Remote-write bodies, read back by independent decoders: snappyjs for the block and protobufjs
 * with Prometheus' `WriteRequest` definition for the message.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import protobuf from 'protobufjs';
import { encodeWriteRequest } from './remote-write.js';
import { snappyCompress } from './snappy.js';

const require = createRequire(import.meta.url);
const snappyjs = require('snappyjs') as { uncompress(input: Uint8Array): Uint8Array };

/** Prometheus' remote-write 1.0 messages (prompb/types.proto, remote.proto), the fields used. */
const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
`;

it('encodes series, samples and exemplars as Prometheus reads them', () => {
  const root = protobuf.parse(PROTO).root;
  const type = root.lookupType('prometheus.WriteRequest');
  const series = [
    {
      labels: [
        ['__name__', 'traces_spanmetrics_calls_total'],
        ['service', 'cart ✓'],
      ] as Array<[string, string]>,
      samples: [
        [0, 1_799_999_999_000],
        [3.5, 1_800_000_015_000],
      ] as Array<[number, number]>,
    },
    {
      labels: [
        ['__name__', 'x_bucket'],
        ['le', '+Inf'],
      ] as Array<[string, string]>,
      samples: [[7, 1_800_000_015_000]] as Array<[number, number]>,
      exemplar: {
        traceId: '000000000000000000abc123',
        value: 0.25,
        timestampMs: 1_800_000_015_000,
      },
    },
  ];
  const body = snappyCompress(encodeWriteRequest(series));
  const decoded = type.toObject(type.decode(snappyjs.uncompress(body)), {
    longs: Number,
    defaults: true,
  });
  assert.deepEqual(decoded, {
    timeseries: [
      {
        labels: [
          { name: '__name__', value: 'traces_spanmetrics_calls_total' },
          { name: 'service', value: 'cart ✓' },
        ],
        samples: [
          { value: 0, timestamp: 1_799_999_999_000 },
          { value: 3.5, timestamp: 1_800_000_015_000 },
        ],
        exemplars: [],
      },
      {
        labels: [
          { name: '__name__', value: 'x_bucket' },
          { name: 'le', value: '+Inf' },
        ],
        samples: [{ value: 7, timestamp: 1_800_000_015_000 }],
        exemplars: [
          {
            labels: [{ name: 'traceID', value: 'abc123' }],
            value: 0.25,
            timestamp: 1_800_000_015_000,
          },
        ],
      },
    ],
  });
});
