import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareStrings } from '../search/values.js';
import { capValues, goFloatText, textSize, INTRINSIC_TAGS, parseTagIdentifier } from './index.js';

describe('INTRINSIC_TAGS', () => {
  test("is Tempo's GetVirtualIntrinsicValues, sorted", () => {
    // pkg/search/util.go, in its own order.
    const tempo = [
      'duration',
      'name',
      'status',
      'statusMessage',
      'kind',
      'rootServiceName',
      'rootName',
      'traceDuration',
      'event:name',
      'event:timeSinceStart',
      'link:spanID',
      'link:traceID',
      'instrumentation:name',
      'instrumentation:version',
      'trace:id',
      'span:id',
      'span:parentID',
      'span:status',
      'span:statusMessage',
      'span:duration',
      'span:name',
      'span:kind',
      'trace:rootName',
      'trace:rootService',
      'trace:duration',
    ];
    assert.deepEqual(INTRINSIC_TAGS, [...tempo].sort(compareStrings));
  });
});

describe('parseTagIdentifier', () => {
  const CASES: Array<[string, unknown]> = [
    [
      'resource.service.name',
      { kind: 'attribute', scope: 'resource', name: 'service.name', parent: false },
    ],
    [
      '.service.name',
      { kind: 'attribute', scope: 'unscoped', name: 'service.name', parent: false },
    ],
    ['span.http.method', { kind: 'attribute', scope: 'span', name: 'http.method', parent: false }],
    ['span."a b"', { kind: 'attribute', scope: 'span', name: 'a b', parent: false }],
    ['span.a/b', { kind: 'attribute', scope: 'span', name: 'a/b', parent: false }],
    ['event.x', { kind: 'attribute', scope: 'event', name: 'x', parent: false }],
    [
      'instrumentation.x',
      { kind: 'attribute', scope: 'instrumentation', name: 'x', parent: false },
    ],
    ['parent.span.x', { kind: 'attribute', scope: 'span', name: 'x', parent: true }],
    ['name', { kind: 'intrinsic', intrinsic: 'name' }],
    ['span:name', { kind: 'intrinsic', intrinsic: 'name' }],
    ['status', { kind: 'intrinsic', intrinsic: 'status' }],
    ['trace:rootService', { kind: 'intrinsic', intrinsic: 'rootServiceName' }],
    ['event:name', { kind: 'intrinsic', intrinsic: 'eventName' }],
    // not identifiers
    ['', undefined],
    ['service.name', undefined],
    ['.a b', undefined],
    ['.a = 1', undefined],
    ['.a } && { .b', undefined],
    ['trace:rootServiceName', undefined],
    ['1', undefined],
  ];
  for (const [text, want] of CASES) {
    test(JSON.stringify(text), () => assert.deepEqual(parseTagIdentifier(text), want));
  }
});

describe('goFloatText (Go FormatFloat g -1, then .0)', () => {
  const CASES: Array<[number, string]> = [
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [3, '3.0'],
    [12.5, '12.5'],
    [-2.25, '-2.25'],
    [100000, '100000.0'],
    [123456.5, '123456.5'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [5e-324, '5e-324'],
    [Number.NaN, 'NaN.0'],
    [Number.POSITIVE_INFINITY, '+Inf.0'],
    [Number.NEGATIVE_INFINITY, '-Inf.0'],
  ];
  for (const [v, want] of CASES) test(String(v), () => assert.equal(goFloatText(v), want));
});

describe('capValues', () => {
  const CASES: Array<[string, number | undefined, number | undefined, string[]]> = [
    ['no limits', undefined, undefined, ['ab', 'cd', 'ef']],
    ['limit', 2, undefined, ['ab', 'cd']],
    ['limit 0 is none', 0, undefined, ['ab', 'cd', 'ef']],
    ['bytes: stops at the first that would reach the cap', undefined, 6, ['ab', 'cd']],
    ['bytes: reaching it exactly is too much', undefined, 4, ['ab']],
    ['both', 1, 100, ['ab']],
  ];
  for (const [name, limit, max, want] of CASES) {
    test(name, () => assert.deepEqual(capValues(['ab', 'cd', 'ef'], textSize, limit, max), want));
  }
});
