import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FieldExpr } from '../../traceql/index.js';
import { parseTraceQL, validateTraceQL } from '../../traceql/index.js';
import type { StoredAttr, StoredSpan } from '../../wal/index.js';
import type { TqlValue } from './field-eval.js';
import {
  fieldValue,
  goDuration,
  numericOf,
  spanMatches,
  TraceQLEvalError,
  toAnyValue,
} from './field-eval.js';
import type { EvalSpan, EvalTrace } from './model.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const s = (k: string, v: string): StoredAttr => ({ k, t: 1, s: v });
const i = (k: string, v: string | number): StoredAttr => ({ k, t: 2, i: v });
const d = (k: string, v: number | string): StoredAttr => ({ k, t: 3, d: v });
const b = (k: string, v: boolean): StoredAttr => ({ k, t: 4, b: v });
const arr = (k: string, elems: readonly Omit<StoredAttr, 'k'>[]): StoredAttr => ({
  k,
  t: 6,
  s: JSON.stringify(elems),
});
const strs = (...v: string[]) => v.map((x) => ({ t: 1, s: x }));
const ints = (...v: number[]) => v.map((x) => ({ t: 2, i: String(x) }));

const START = 1_700_000_000_000_000_000n;
const ms = (n: number): string => String(START + BigInt(n) * 1_000_000n);

function span(line: Partial<StoredSpan>, rest: Partial<EvalSpan> = {}): EvalSpan {
  return {
    line: {
      t: '0af7651916cd43dd8448eb211c80319c',
      s: '00f067aa0ba902b7',
      r: 'R1',
      c: 'C1',
      n: 'op',
      k: 1,
      st: ms(0),
      en: ms(100),
      ...line,
    },
    resource: { rid: 'R1', a: [] },
    scope: { sid: 'C1', n: 'lib', v: '1.0' },
    nestedSetLeft: 1,
    nestedSetRight: 2,
    nestedSetParent: -1,
    childCount: 0,
    ...rest,
  };
}

/** A: server span with errors, every attribute type, two events and one link. */
const A = span(
  {
    s: '00F067AA0BA902B7',
    p: '53995c3f42cd8ad8',
    n: 'GET /cart',
    k: 2,
    sc: 2,
    sm: 'boom',
    st: ms(0),
    en: ms(1500),
    a: [
      i('http.status_code', 500),
      s('http.method', 'GET'),
      b('flag', true),
      d('ratio', 0.5),
      i('big', '9223372036854775807'),
      i('zero', 0),
      arr('tags', strs('a', 'b', 'c')),
      arr('ports', ints(80, 443)),
      arr('weights', [
        { t: 3, d: 1.5 },
        { t: 3, d: 2.5 },
      ]),
      arr('bools', [
        { t: 4, b: true },
        { t: 4, b: false },
      ]),
      arr('zone', strs('z1')),
      arr('empty', []),
      arr('mixed', [...ints(1), ...strs('x')]),
      { k: 'bytes', t: 5, s: 'AQI=' },
      { k: 'kv', t: 7, s: '[]' },
      s('dup', 'first'),
      s('dup', 'second'),
      s('shared', 'span'),
      s('text', 'line one\nline two'),
      s('nan', 'NaN'),
      d('notanumber', 'NaN'),
      s('uni', '\u{1F600}'),
    ],
    e: [
      {
        t: ms(1),
        n: 'exception',
        a: [s('exception.message', 'boom'), s('exception.type', 'Err')],
      },
      { t: ms(2), n: 'log', a: [s('level', 'error')] },
    ],
    l: [{ t: '00000000000000000000000000abcdef', s: '0000000000000abc', a: [s('rel', 'child')] }],
  },
  {
    resource: {
      rid: 'R1',
      a: [
        s('service.name', 'checkout'),
        s('shared', 'resource'),
        s('env', 'prod'),
        i('replicas', 3),
      ],
    },
    scope: { sid: 'C1', n: 'otel-js', v: '1.2.3', a: [s('telemetry.sdk', 'otel')] },
    nestedSetLeft: 2,
    nestedSetRight: 7,
    nestedSetParent: 1,
    childCount: 2,
  },
);

/** B: a root internal span: no attributes, events or links, end before start, unknown scope. */
const B = span(
  { s: '1111111111111111', n: 'root', k: 1, st: ms(10), en: ms(5) },
  { resource: { rid: 'R2', sv: 'auth', a: [s('env', 'dev')] }, scope: undefined },
);

/** C: client span, status ok, attributes of other types under A's keys, two links, no events. */
const C = span(
  {
    s: '2222222222222222',
    p: '1111111111111111',
    n: 'SELECT',
    k: 3,
    sc: 1,
    a: [
      s('http.status_code', '500'),
      s('flag', 'true'),
      d('ratio', 2),
      i('tags', 7),
      s('level', 'error'),
    ],
    l: [
      { t: '4bf92f3577b34da6a3ce929d0e0e4736', s: '0000000000000001', a: [s('rel', 'parent')] },
      { t: '4bf92f3577b34da6a3ce929d0e0e4736', s: '0000000000000002' },
    ],
  },
  { resource: { rid: 'R3', a: [s('service.name', 'db'), s('shared', 'resource')] } },
);

const SPANS = [A, B, C] as const;

const TRACE: EvalTrace = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  rootName: 'root',
  rootService: 'auth',
  startNs: START,
  durationNs: 2_000_000_000n,
};
const PARTIAL_TRACE: EvalTrace = {
  traceId: '000000000000000000000000000000ff',
  rootName: undefined,
  rootService: undefined,
  startNs: START,
  durationNs: 5n,
};

/** The body of the query's first `{…}`, after validation (queries here are all valid). */
function filterOf(q: string): FieldExpr {
  const root = parseTraceQL(q);
  validateTraceQL(root);
  const query = root.query;
  assert.equal(query.kind, 'Pipeline');
  const first = query.kind === 'Pipeline' ? query.elements[0] : undefined;
  assert.equal(first?.kind, 'SpansetFilter');
  return (first as { expr: FieldExpr }).expr;
}

/** The field of `{ true } | by(field)`. */
function byOf(field: string): FieldExpr {
  const query = parseTraceQL(`{ true } | by(${field})`).query;
  const by = query.kind === 'Pipeline' ? query.elements[1] : undefined;
  assert.equal(by?.kind, 'GroupBy');
  return (by as { expr: FieldExpr }).expr;
}

function expectMatches(rows: readonly (readonly [string, readonly boolean[]])[]): void {
  for (const [q, want] of rows) {
    test(q, () => {
      const expr = filterOf(q);
      assert.deepEqual(
        SPANS.map((sp) => spanMatches(expr, sp, TRACE)),
        want,
      );
    });
  }
}

const T = true;
const F = false;

// ---------------------------------------------------------------------------------------------
// Matching: each row is query → [A, B, C]
// ---------------------------------------------------------------------------------------------

describe('match all and bare attributes', () => {
  expectMatches([
    ['{}', [T, T, T]],
    ['{ true }', [T, T, T]],
    ['{ false }', [F, F, F]],
    // A bare attribute matches only boolean true (C's flag is the string "true").
    ['{ .flag }', [T, F, F]],
    ['{ span.flag }', [T, F, F]],
    ['{ .ratio }', [F, F, F]],
    ['{ .missing }', [F, F, F]],
  ]);
});

describe('scopes', () => {
  expectMatches([
    ['{ span.http.method = "GET" }', [T, F, F]],
    ['{ resource.service.name = "checkout" }', [T, F, F]],
    // B's resource has service.name only in its `sv` column.
    ['{ resource.service.name = "auth" }', [F, T, F]],
    ['{ .service.name = "auth" }', [F, T, F]],
    // Unscoped: the span's value wins, else the resource's (TestSpansetFilter_matches "scope_span").
    ['{ .shared = "span" }', [T, F, F]],
    ['{ .shared = "resource" }', [F, F, T]],
    ['{ resource.shared = "resource" }', [T, F, T]],
    ['{ span.shared = "resource" }', [F, F, F]],
    ['{ .env = "dev" }', [F, T, F]],
    ['{ span.env = "prod" }', [F, F, F]],
    ['{ instrumentation.telemetry.sdk = "otel" }', [T, F, F]],
    // Unscoped does not reach scope, event or link attributes (parity_test "unscoped alone…").
    ['{ .telemetry.sdk = "otel" }', [F, F, F]],
    ['{ .exception.message = "boom" }', [F, F, F]],
    ['{ .rel = "child" }', [F, F, F]],
    // Duplicate keys: the first one counts.
    ['{ .dup = "first" }', [T, F, F]],
    ['{ .dup = "second" }', [F, F, F]],
    ['{ resource.replicas = 3 }', [T, F, F]],
  ]);
});

describe('intrinsics', () => {
  expectMatches([
    ['{ name = "GET /cart" }', [T, F, F]],
    ['{ span:name = "root" }', [F, T, F]],
    ['{ status = error }', [T, F, F]],
    ['{ status = ok }', [F, F, T]],
    ['{ status = unset }', [F, T, F]],
    ['{ status != error }', [F, T, T]],
    ['{ statusMessage = "boom" }', [T, F, F]],
    ['{ span:statusMessage = "" }', [F, T, T]],
    ['{ kind = server }', [T, F, F]],
    ['{ kind = internal }', [F, T, F]],
    ['{ span:kind = client }', [F, F, T]],
    ['{ kind != client }', [T, T, F]],
    ['{ duration = 1500ms }', [T, F, F]],
    ['{ duration > 1s }', [T, F, F]],
    // B ends before it starts: its duration is 0.
    ['{ duration = 0 }', [F, T, F]],
    ['{ span:duration <= 100ms }', [F, T, T]],
    ['{ span:childCount = 2 }', [T, F, F]],
    ['{ span:childCount = 0 }', [F, T, T]],
    ['{ nestedSetLeft = 2 && nestedSetRight = 7 && nestedSetParent = 1 }', [T, F, F]],
    ['{ nestedSetParent = -1 }', [F, T, T]],
    ['{ trace:duration = 2s }', [T, T, T]],
    ['{ traceDuration > 1s }', [T, T, T]],
    ['{ trace:rootName = "root" }', [T, T, T]],
    ['{ rootServiceName = "auth" }', [T, T, T]],
    ['{ trace:rootService != "auth" }', [F, F, F]],
    ['{ instrumentation:name = "otel-js" }', [T, F, F]],
    ['{ instrumentation:version = "1.2.3" }', [T, F, F]],
    // B's scope is unknown: its instrumentation fields are nil, so even != fails.
    ['{ instrumentation:name != "otel-js" }', [F, F, T]],
  ]);

  test('rootName and rootService are nil when the root span was not received', () => {
    for (const q of ['{ trace:rootName = "root" }', '{ trace:rootName != "root" }']) {
      assert.equal(spanMatches(filterOf(q), A, PARTIAL_TRACE), false, q);
    }
    assert.deepEqual(fieldValue(byOf('rootServiceName'), A, PARTIAL_TRACE), { t: 'nil' });
  });
});

describe('ids', () => {
  expectMatches([
    // Span ids read as 16 lowercase hex digits; a hex literal compares as a number.
    ['{ span:id = "00f067aa0ba902b7" }', [T, F, F]],
    ['{ span:id = "F067AA0BA902B7" }', [T, F, F]],
    ['{ span:id != "00f067aa0ba902b7" }', [F, T, T]],
    ['{ "1111111111111111" = span:id }', [F, T, F]],
    // A root's parent id is sixteen zeros in Tempo (SpanIDToHexString of no bytes).
    ['{ span:parentID = "0000000000000000" }', [F, T, F]],
    ['{ span:parentID = "1111111111111111" }', [F, F, T]],
    ['{ span:parentID = "53995C3F42CD8AD8" }', [T, F, F]],
    // Not hex: a plain string comparison with the id text.
    ['{ span:id = "xyz" }', [F, F, F]],
    ['{ span:id != "xyz" }', [T, T, T]],
    // Other operators work on the id text.
    ['{ span:id =~ "00f0.*" }', [T, F, F]],
    ['{ span:id > "1" }', [F, T, T]],
    // trace:id: leading zeros do not matter (TestNewBinaryOperation_TraceIDNormalization).
    ['{ trace:id = "0af7651916cd43dd8448eb211c80319c" }', [T, T, T]],
    ['{ trace:id = "af7651916cd43dd8448eb211c80319c" }', [T, T, T]],
    ['{ trace:id = "000AF7651916CD43DD8448EB211C80319C" }', [T, T, T]],
    ['{ trace:id != "af7651916cd43dd8448eb211c80319c" }', [F, F, F]],
    // Link ids (Tempo's parity test "matches a link attribute").
    ['{ link:traceID = "abcdef" }', [T, F, F]],
    ['{ link:traceID = "00000000000000000000000000abcdef" }', [T, F, F]],
    ['{ link:spanID = "abc" }', [T, F, F]],
    ['{ link:spanID = "0000000000000002" }', [F, F, T]],
    ['{ link:spanID != "0000000000000001" }', [T, F, T]],
  ]);

  test('id values are Tempo’s id texts', () => {
    const v = (q: string, sp: EvalSpan) => fieldValue(byOf(q), sp, TRACE);
    assert.deepEqual(v('span:id', A), { t: 'string', v: '00f067aa0ba902b7' });
    assert.deepEqual(v('span:parentID', B), { t: 'string', v: '0000000000000000' });
    assert.deepEqual(v('trace:id', A), { t: 'string', v: 'af7651916cd43dd8448eb211c80319c' });
    assert.deepEqual(v('link:traceID', A), { t: 'string', v: 'abcdef' });
    assert.deepEqual(v('link:spanID', A), { t: 'string', v: '0000000000000abc' });
    assert.deepEqual(v('link:spanID', B), { t: 'nil' });
  });
});

describe('typed comparisons', () => {
  expectMatches([
    ['{ .http.status_code = 500 }', [T, F, F]],
    ['{ .http.status_code = "500" }', [F, F, T]],
    // A value of another type does not match, not even with != (TestSpansetFilter_matches).
    ['{ .http.status_code != 500 }', [F, F, F]],
    ['{ .http.status_code != "404" }', [F, F, T]],
    ['{ .http.status_code != 404 }', [T, F, F]],
    ['{ .http.status_code >= 400 }', [T, F, F]],
    ['{ .http.status_code >= "400" }', [F, F, T]],
    // int, float and duration compare numerically with each other.
    ['{ .http.status_code = 500.0 }', [T, F, F]],
    ['{ .http.status_code < 500.5 }', [T, F, F]],
    ['{ .ratio = 2 }', [F, F, T]],
    ['{ .ratio < 1 }', [T, F, F]],
    ['{ .ratio > 0.25 && .ratio <= 0.5 }', [T, F, F]],
    ['{ .http.status_code > 1ns }', [T, F, F]],
    ['{ duration > 1000000 }', [T, F, T]],
    ['{ duration = 1500000000 }', [T, F, F]],
    ['{ duration = 1.5e9 }', [T, F, F]],
    // 64-bit ints compare exactly.
    ['{ .big = 9223372036854775807 }', [T, F, F]],
    ['{ .big > 9223372036854775806 }', [T, F, F]],
    // NaN compares false with everything but !=.
    ['{ .notanumber = .notanumber }', [F, F, F]],
    ['{ .notanumber != 1.0 }', [T, F, F]],
    ['{ .notanumber >= 0.0 || .notanumber < 0.0 }', [F, F, F]],
    // Strings compare by bytes of UTF-8 (code points), not UTF-16 units.
    ['{ .http.method < "POST" }', [T, F, F]],
    ['{ .http.method <= "GET" && .http.method >= "GET" }', [T, F, F]],
    ['{ .uni > "\uffff" }', [T, F, F]],
    ['{ name > "Z" }', [F, T, F]],
    // Bools: = and != only.
    ['{ .flag = true }', [T, F, F]],
    ['{ .flag != false }', [T, F, F]],
    ['{ .flag = "true" }', [F, F, T]],
    // Attribute against attribute.
    ['{ .http.status_code = .http.status_code }', [T, F, T]],
    ['{ .http.status_code = .flag }', [F, F, F]],
    ['{ span.shared != resource.shared }', [T, F, F]],
    ['{ .missing = .missing }', [F, F, F]],
    ['{ .missing != .missing }', [F, F, F]],
    // The literal "nil" is a string like any other.
    ['{ .nan = "NaN" }', [T, F, F]],
  ]);
});

describe('nil and existence', () => {
  expectMatches([
    ['{ .flag != nil }', [T, F, T]],
    ['{ nil != .flag }', [T, F, T]],
    ['{ .flag = nil }', [F, T, F]],
    ['{ nil = span.flag }', [F, T, F]],
    ['{ nil = nil }', [F, F, F]],
    ['{ nil != nil }', [F, F, F]],
    ['{ resource.service.name != nil }', [T, T, T]],
    ['{ instrumentation.telemetry.sdk = nil }', [F, T, T]],
    // Missing attributes compare false with every operator.
    ['{ .missing = "x" }', [F, F, F]],
    ['{ .missing != "x" }', [F, F, F]],
    ['{ .missing < 1 }', [F, F, F]],
    ['{ .missing =~ ".*" }', [F, F, F]],
    ['{ .missing !~ "x" }', [F, F, F]],
    // Values Tempo cannot search read as missing: bytes, kvlists, empty and mixed arrays.
    ['{ .bytes != nil }', [F, F, F]],
    ['{ .kv = nil }', [T, T, T]],
    ['{ .empty = nil }', [T, T, T]],
    ['{ .mixed != nil }', [F, F, F]],
    ['{ .zone != nil }', [T, F, F]],
  ]);
});

describe('regular expressions', () => {
  expectMatches([
    // Fully anchored.
    ['{ .http.method =~ "G.*" }', [T, F, F]],
    ['{ .http.method =~ "E" }', [F, F, F]],
    ['{ .http.method =~ ".*E.*" }', [T, F, F]],
    ['{ name =~ "GET|root" }', [F, T, F]],
    ['{ name =~ "GET.*|root" }', [T, T, F]],
    // TestSpansetFilter_matches: `=~` and `!~` together.
    ['{ .http.method =~ "G.." && name !~ "root" }', [T, F, F]],
    ['{ name !~ "GET.*" }', [F, T, T]],
    // `.` matches newlines (Prometheus' `(?s:…)`).
    ['{ .text =~ "line one.line two" }', [T, F, F]],
    ['{ .text =~ "line.*two" }', [T, F, F]],
    // RE2 syntax: flags, classes, escapes.
    ['{ .http.method =~ "(?i)get" }', [T, F, F]],
    ['{ .http.method =~ "[[:upper:]]+" }', [T, F, F]],
    ['{ .http.method =~ "[[:^lower:]]{3}" }', [T, F, F]],
    ['{ name =~ "GET\\\\s/\\\\pL+" }', [T, F, F]],
    ['{ name =~ "\\\\QGET /\\\\E.*" }', [T, F, F]],
    ['{ .text =~ "\\\\Aline.*\\\\z" }', [T, F, F]],
    ['{ .text =~ "(?m)^line two$" }', [F, F, F]],
    ['{ .text =~ "(?m).*^line two$" }', [T, F, F]],
    // Not a string: false for both operators (TestSpansetFilter_matches "Types don't match").
    ['{ .http.status_code =~ "5.*" }', [F, F, T]],
    ['{ .http.status_code !~ "4.*" }', [F, F, T]],
    ['{ .flag !~ "x" }', [F, F, T]],
  ]);
});

describe('arrays', () => {
  expectMatches([
    // Any element (parity_test "matches a member of a string array").
    ['{ .tags = "b" }', [T, F, F]],
    ['{ .tags = "zzz" }', [F, F, F]],
    ['{ "c" = .tags }', [T, F, F]],
    ['{ .ports = 443 }', [T, F, F]],
    ['{ .ports = 443.0 }', [T, F, F]],
    ['{ .weights = 2.5 }', [T, F, F]],
    ['{ .weights = 1 }', [F, F, F]],
    ['{ .bools = false }', [T, F, F]],
    // C's `tags` is the int 7.
    ['{ .tags = 7 }', [F, F, T]],
    // No element: `!=` and `!~` (TestArrayNegationDivergesFromSearch pins the engine's answer).
    ['{ .tags != "a" }', [F, F, F]],
    ['{ .tags != "zzz" }', [T, F, F]],
    ['{ .ports != 80 }', [F, F, F]],
    ['{ .ports != 8080 }', [T, F, F]],
    ['{ .tags !~ "a.*" }', [F, F, F]],
    ['{ .tags !~ "z.*" }', [T, F, F]],
    ['{ .tags =~ "[bc]" }', [T, F, F]],
    // Elements of another type match neither way.
    ['{ .tags = 1 }', [F, F, F]],
    ['{ .tags != 1 }', [F, F, T]],
    ['{ .ports != "80" }', [F, F, F]],
    // Orderings: any element, the scalar staying on its side.
    ['{ .ports > 400 }', [T, F, F]],
    ['{ .ports < 80 }', [F, F, F]],
    ['{ 100 < .ports }', [T, F, F]],
    ['{ 100 > .ports }', [T, F, F]],
    ['{ 50 > .ports }', [F, F, F]],
    ['{ .tags >= "c" }', [T, F, F]],
    // One element reads as a scalar (parity_test "single-element array collapses to scalar").
    ['{ .zone = "z1" }', [T, F, F]],
    ['{ .zone != "z2" }', [T, F, F]],
    // Array against array and arithmetic on arrays do not match.
    ['{ .tags = .tags }', [F, F, T]],
    ['{ .ports + 1 = 81 }', [F, F, F]],
  ]);
});

describe('events and links bind one at a time', () => {
  expectMatches([
    ['{ event.exception.message = "boom" }', [T, F, F]],
    ['{ event:name = "log" }', [T, F, F]],
    // One event must hold both (parity_test "same-event AND" / "cross-event AND no match").
    ['{ event.exception.message = "boom" && event:name = "exception" }', [T, F, F]],
    ['{ event.exception.message = "boom" && event.level = "error" }', [F, F, F]],
    ['{ event.exception.message = "boom" || event.level = "error" }', [T, F, F]],
    // Negations are per event too: A's "log" event lacks the message, so != is false there.
    ['{ event.exception.message != "boom" }', [F, F, F]],
    ['{ event:name != "exception" }', [T, F, F]],
    // Some event lacks the attribute; a span without events binds a nil event.
    ['{ event.exception.message = nil }', [T, T, T]],
    ['{ event.level != nil }', [T, F, F]],
    ['{ event:name != "x" }', [T, F, F]],
    // Event times are relative to the span start.
    ['{ event:timeSinceStart = 2ms }', [T, F, F]],
    ['{ event:timeSinceStart > 1ms && event:name = "exception" }', [F, F, F]],
    ['{ event:timeSinceStart >= 1ms && event:name = "exception" }', [T, F, F]],
    // Span and event fields together.
    ['{ .http.status_code = 500 && event.exception.message = "boom" }', [T, F, F]],
    ['{ span.level = "error" || event.level = "error" }', [T, F, T]],
    // Links.
    ['{ link.rel = "child" }', [T, F, F]],
    ['{ link.rel = "parent" && link:spanID = "0000000000000001" }', [F, F, T]],
    ['{ link.rel = "parent" && link:spanID = "0000000000000002" }', [F, F, F]],
    ['{ link.rel = nil }', [F, T, T]],
    ['{ link:traceID = "4bf92f3577b34da6a3ce929d0e0e4736" }', [F, F, T]],
    // Events and links together: some (event, link) pair.
    ['{ event.exception.message = "boom" && link.rel = "child" }', [T, F, F]],
    ['{ event.level = nil && link.rel = "parent" }', [F, F, T]],
    ['{ event.level = nil && link.rel = "child" }', [T, F, F]],
  ]);
});

describe('logic', () => {
  expectMatches([
    ['{ .flag && kind = server }', [T, F, F]],
    ['{ .flag || kind = internal }', [T, T, F]],
    // A missing or non-boolean side is not true; the other side of || still counts.
    ['{ .missing || kind = client }', [F, F, T]],
    ['{ kind = client || .missing }', [F, F, T]],
    ['{ .missing && true }', [F, F, F]],
    // TestSpansetFilter_matches: `("foo" != "bar") && !("foo" = "bar")`.
    ['{ ("foo" != "bar") && !("foo" = "bar") }', [T, T, T]],
    // ! of a comparison: the comparison is false for a missing or other-typed value, so ! is true.
    ['{ !(.http.status_code = 500) }', [F, T, T]],
    ['{ !(kind = server) }', [F, T, T]],
    ['{ !(.missing = 1) }', [T, T, T]],
    ['{ !(.flag = false) }', [T, T, T]],
    ['{ !(status = error || kind = client) }', [F, T, F]],
    // && and || share a precedence level, left to right.
    ['{ kind = client || kind = server && status = error }', [T, F, F]],
  ]);

  test('! of a boolean negates it; of a missing value, does not match', () => {
    assert.equal(spanMatches(filterOf('{ !.flag }'), A, TRACE), false);
    assert.equal(spanMatches(filterOf('{ !.flag }'), B, TRACE), false);
    assert.equal(spanMatches(filterOf('{ !.bools }'), B, TRACE), false);
  });

  test('! of a present non-boolean fails the query, as in Tempo', () => {
    assert.throws(() => spanMatches(filterOf('{ !.flag }'), C, TRACE), TraceQLEvalError);
  });
});

describe('arithmetic (TestArithmetic)', () => {
  expectMatches([
    ['{ 1 + 1 = 2 }', [T, T, T]],
    ['{ 2 - 2 > -1 }', [T, T, T]],
    ['{ 1 / 10. = .1 }', [T, T, T]],
    ['{ 1 / 10 = 0 }', [T, T, T]],
    ['{ 3 * 2 = 6 }', [T, T, T]],
    ['{ 10 % 3 = 1 }', [T, T, T]],
    ['{ -7 % 3 = -1 }', [T, T, T]],
    ['{ -7 / 2 = -3 }', [T, T, T]],
    ['{ 2 ^ 2 = 4 }', [T, T, T]],
    // Tempo evaluates int ^ int as rhs ^ lhs (intPow(rhsN, lhsN) in ast_execute.go).
    ['{ 2 ^ 3 = 9 }', [T, T, T]],
    ['{ 2 ^ 3.0 = 8 }', [T, T, T]],
    ['{ 2 ^ -1 = 1 }', [T, T, T]],
    ['{ 2.0 ^ -1 = 0.5 }', [T, T, T]],
    // Durations compute in float64 nanoseconds.
    ['{ 2m + 2m = 4m }', [T, T, T]],
    ['{ 2m * 2 = 4m }', [T, T, T]],
    ['{ duration * 2 = 3s }', [T, F, F]],
    ['{ duration / 3 < 600ms }', [T, T, T]],
    ['{ duration - 1s > 400ms }', [T, F, F]],
    // Attributes.
    ['{ .http.status_code + .ratio = 500.5 }', [T, F, F]],
    ['{ .http.status_code - 2 = 498 }', [T, F, F]],
    ['{ .http.status_code / .ratio != 3 }', [T, F, F]],
    ['{ .http.status_code % 7 = 3 }', [T, F, F]],
    ['{ .ratio * 4 = 2 }', [T, F, F]],
    ['{ (2 - .ratio) * .replicas = 4.5 }', [T, F, F]],
    ['{ .http.status_code * 3ms = 1500ms }', [T, F, F]],
    // 64-bit wrap-around.
    ['{ .big + 1 < -9223372036854775807 }', [T, F, F]],
    ['{ .big * 2 = -2 }', [T, F, F]],
    // Unary minus binds like + and -: `-.a * 2` is `-(.a * 2)`.
    ['{ -.http.status_code * 2 = -1000 }', [T, F, F]],
    ['{ -duration < 0 }', [T, F, T]],
    // A missing or non-numeric operand: no value, no match.
    ['{ .missing + 1 = 1 }', [F, F, F]],
    ['{ .missing + 1 != 1 }', [F, F, F]],
    ['{ .http.method + 1 > 0 }', [F, F, F]],
    ['{ .http.status_code + 1 = 501 }', [T, F, F]],
  ]);

  test('integer division and modulo by zero fail the query (TestIntDivisionByZero)', () => {
    for (const q of ['{ 5 / 0 = 1 }', '{ 5 % 0 = 1 }', '{ .http.status_code / .zero = 1 }']) {
      assert.throws(() => spanMatches(filterOf(q), A, TRACE), /(division|modulo) by zero/, q);
    }
  });

  test('float division by zero is Inf or NaN and simply does not match (TestFloatDivisionByZero)', () => {
    for (const q of ['{ 5.0 / 0.0 = 1.0 }', '{ 5.0 % 0.0 = 1.0 }']) {
      assert.equal(spanMatches(filterOf(q), A, TRACE), false, q);
    }
  });

  test('unary minus of a string fails the query, as in Tempo', () => {
    assert.throws(() => spanMatches(filterOf('{ -.http.method < 0 }'), A, TRACE), TraceQLEvalError);
  });
});

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

describe('fieldValue', () => {
  const cases: readonly (readonly [string, EvalSpan, TqlValue])[] = [
    ['.http.status_code', A, { t: 'int', v: 500n }],
    ['.http.status_code', C, { t: 'string', v: '500' }],
    ['.ratio', A, { t: 'float', v: 0.5 }],
    ['.flag', A, { t: 'bool', v: true }],
    ['.missing', A, { t: 'nil' }],
    ['.zone', A, { t: 'string', v: 'z1' }],
    [
      '.ports',
      A,
      {
        t: 'array',
        v: [
          { t: 'int', v: 80n },
          { t: 'int', v: 443n },
        ],
      },
    ],
    ['duration', A, { t: 'duration', v: 1_500_000_000n }],
    ['duration', B, { t: 'duration', v: 0n }],
    ['status', A, { t: 'status', v: 'error' }],
    ['status', B, { t: 'status', v: 'unset' }],
    ['kind', C, { t: 'kind', v: 'client' }],
    ['name', B, { t: 'string', v: 'root' }],
    ['span:childCount', A, { t: 'int', v: 2n }],
    ['trace:duration', A, { t: 'duration', v: 2_000_000_000n }],
    ['instrumentation:name', B, { t: 'nil' }],
    ['resource.service.name', B, { t: 'string', v: 'auth' }],
    // Event and link fields: the first binding with a value.
    ['event:name', A, { t: 'string', v: 'exception' }],
    ['event.level', A, { t: 'string', v: 'error' }],
    ['event:timeSinceStart', A, { t: 'duration', v: 1_000_000n }],
    ['event:name', B, { t: 'nil' }],
    ['link.rel', C, { t: 'string', v: 'parent' }],
    // Expressions.
    ['.http.status_code * 2', A, { t: 'int', v: 1000n }],
    ['.http.status_code * 2.0', A, { t: 'float', v: 1000 }],
    ['duration * 2', A, { t: 'float', v: 3e9 }],
    ['-duration', A, { t: 'duration', v: -1_500_000_000n }],
    ['.missing * 2', A, { t: 'nil' }],
    ['.http.status_code = 500', A, { t: 'bool', v: true }],
    ['.http.status_code = 500', C, { t: 'bool', v: false }],
  ];
  for (const [field, sp, want] of cases) {
    test(`${field} of ${sp.line.n}`, () => {
      const root = parseTraceQL(`{ true } | by(${field})`);
      const query = root.query;
      const by = query.kind === 'Pipeline' ? query.elements[1] : undefined;
      assert.equal(by?.kind, 'GroupBy');
      assert.deepEqual(fieldValue((by as { expr: FieldExpr }).expr, sp, TRACE), want);
    });
  }
});

describe('toAnyValue', () => {
  const cases: readonly (readonly [TqlValue, Record<string, unknown> | undefined])[] = [
    [{ t: 'nil' }, undefined],
    [{ t: 'int', v: -9223372036854775808n }, { intValue: '-9223372036854775808' }],
    [{ t: 'float', v: 1.5 }, { doubleValue: 1.5 }],
    [{ t: 'float', v: NaN }, { doubleValue: 'NaN' }],
    [{ t: 'float', v: -Infinity }, { doubleValue: '-Infinity' }],
    [{ t: 'string', v: 'x' }, { stringValue: 'x' }],
    [{ t: 'bool', v: false }, { boolValue: false }],
    [{ t: 'duration', v: 1_500_000_000n }, { stringValue: '1.5s' }],
    [{ t: 'status', v: 'error' }, { stringValue: 'error' }],
    [{ t: 'kind', v: 'server' }, { stringValue: 'server' }],
    [
      {
        t: 'array',
        v: [
          { t: 'string', v: 'a' },
          { t: 'string', v: 'b' },
        ],
      },
      { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
    ],
  ];
  for (const [v, want] of cases) {
    test(
      JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)),
      () => {
        assert.deepEqual(toAnyValue(v), want);
      },
    );
  }
});

describe('goDuration (Go time.Duration.String)', () => {
  const cases: readonly (readonly [bigint, string])[] = [
    [0n, '0s'],
    [1n, '1ns'],
    [999n, '999ns'],
    [1_000n, '1µs'],
    [1_500n, '1.5µs'],
    [250_000_000n, '250ms'],
    [1_200_000n, '1.2ms'],
    [1_000_000_000n, '1s'],
    [1_500_000_000n, '1.5s'],
    [60_000_000_000n, '1m0s'],
    [61_000_000_001n, '1m1.000000001s'],
    [3_600_000_000_000n, '1h0m0s'],
    [7_384_500_000_000n, '2h3m4.5s'],
    [-1_500_000_000n, '-1.5s'],
    [-3n, '-3ns'],
    [-9223372036854775808n, '-2562047h47m16.854775808s'],
    [9223372036854775807n, '2562047h47m16.854775807s'],
  ];
  for (const [ns, want] of cases) {
    test(want, () => assert.equal(goDuration(ns), want));
  }
});

describe('numericOf', () => {
  test('numbers, durations in ns, and nothing else', () => {
    assert.equal(numericOf({ t: 'int', v: 42n }), 42);
    assert.equal(numericOf({ t: 'float', v: 0.25 }), 0.25);
    assert.equal(numericOf({ t: 'duration', v: 1_500_000_000n }), 1.5e9);
    assert.equal(numericOf({ t: 'string', v: '1' }), undefined);
    assert.equal(numericOf({ t: 'nil' }), undefined);
    assert.equal(numericOf({ t: 'bool', v: true }), undefined);
  });
});

describe('kinds', () => {
  const names = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
  names.forEach((name, k) => {
    test(`k=${k} is ${name}`, () => {
      const sp = span({ k });
      assert.equal(spanMatches(filterOf(`{ kind = ${name} }`), sp, TRACE), true);
      for (const other of names.filter((n) => n !== name)) {
        assert.equal(spanMatches(filterOf(`{ kind = ${other} }`), sp, TRACE), false);
      }
    });
  });
});

describe('compilation', () => {
  test('a compiled expression is reused and independent of evaluation order', () => {
    const expr = filterOf('{ .tags = "b" && event:name = "log" }');
    for (let n = 0; n < 3; n++) {
      assert.deepEqual(
        SPANS.map((sp) => spanMatches(expr, sp, TRACE)),
        [true, false, false],
      );
    }
  });
});
