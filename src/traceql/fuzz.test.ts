/**
 * Seeded fuzzing over the conformance corpus: mutated and random queries must either parse or
 * throw a `TraceQLError` positioned inside the input, never anything else. Queries that parse
 * must also validate or throw a `TraceQLError`, print back to the same tree, and the lenient
 * parser must never throw.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { TraceQLError, TraceQLParseError } from './errors.js';
import { parseLenientFilter } from './lenient.js';
import { lexTraceQL } from './lexer.js';
import { parseTraceQL } from './parser.js';
import { printTraceQL } from './print.js';
import { validateTraceQL } from './validate.js';

const corpusPath = fileURLToPath(
  new URL('../../../shared/conformance/traceql/test_examples.yaml', import.meta.url),
);
const corpus = parse(readFileSync(corpusPath, 'utf8')) as Record<string, string[] | null>;
const seeds = Object.values(corpus).flatMap((list) => list ?? []);

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  ...'{}()[],.=!<>~&|^+-*/%:"`\'\\ \n\t#@$?'.split(''),
  ...['&&', '||', '>>', '<<', '!~', '=~', '!=', '>=', '<=', '&>>', '!<<', '//', '/*', '*/'],
  ...[
    'span.',
    'resource.',
    'parent.',
    'event.',
    'link.',
    'instrumentation.',
    'span:',
    'trace:',
    'event:',
  ],
  ...[
    'count()',
    'avg(',
    'rate()',
    'by(',
    'select(',
    'coalesce()',
    'topk(',
    'compare(',
    'with(',
    'quantile_over_time(',
  ],
  ...[
    'duration',
    'name',
    'status',
    'nil',
    'true',
    'ok',
    'server',
    'id',
    'minInt',
    'foo',
    'é',
    '😀',
  ],
  ...['1', '0', '-1', '1.5', '.5', '1e3', '10s', '1h30m', '2d', '9223372036854775808', '0x1'],
];

function mutate(query: string, random: () => number): string {
  const chars = [...query];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const at = Math.floor(random() * (chars.length + 1));
  switch (Math.floor(random() * 6)) {
    case 0:
      chars.splice(at, 1 + Math.floor(random() * 3));
      break;
    case 1:
      chars.splice(at, 0, pick(PIECES));
      break;
    case 2: {
      const other = Math.floor(random() * chars.length);
      [chars[at], chars[other]] = [chars[other] ?? '', chars[at] ?? ''];
      break;
    }
    case 3:
      return chars.slice(0, at).join('');
    case 4:
      return swapTokens(query, random);
    default:
      chars.splice(at, 0, ...chars.slice(Math.floor(random() * chars.length)));
  }
  return chars.join('');
}

/** Swaps, drops or duplicates whole tokens. */
function swapTokens(query: string, random: () => number): string {
  const tokens = lexTraceQL(query)
    .filter((t) => t.text !== '')
    .map((t) => t.text);
  const i = Math.floor(random() * tokens.length);
  const j = Math.floor(random() * tokens.length);
  if (random() < 0.4) [tokens[i], tokens[j]] = [tokens[j] ?? '', tokens[i] ?? ''];
  else if (random() < 0.5) tokens.splice(i, 1);
  else tokens.splice(i, 0, tokens[j] ?? '');
  return tokens.join(' ');
}

function randomQuery(random: () => number): string {
  let out = '';
  const length = 1 + Math.floor(random() * 12);
  for (let i = 0; i < length; i++)
    out += PIECES[Math.floor(random() * PIECES.length)] + (random() < 0.5 ? ' ' : '');
  return out;
}

/** The fuzz property; returns a description of the failure, or undefined. */
function check(query: string): string | undefined {
  let tree;
  try {
    tree = parseTraceQL(query);
  } catch (err) {
    if (!(err instanceof TraceQLParseError)) return `parse threw ${String(err)}`;
    const lines = query.split('\n');
    const line = lines[err.line - 1];
    if (line === undefined || err.column < 1 || err.column > [...line].length + 1) {
      return `position ${err.line}:${err.column} outside the input (${err.message})`;
    }
    return undefined;
  }
  try {
    validateTraceQL(tree);
  } catch (err) {
    if (!(err instanceof TraceQLError)) return `validate threw ${String(err)}`;
  }
  const printed = printTraceQL(tree);
  try {
    assert.deepStrictEqual(parseTraceQL(printed), tree);
  } catch {
    return `printed as ${JSON.stringify(printed)}, which does not parse back to the same tree`;
  }
  return undefined;
}

test('fuzz: parse errors are TraceQLErrors inside the input; parsed queries print back', () => {
  const random = prng(20240613);
  const failures: string[] = [];
  const started = Date.now();
  let count = 0;
  for (let round = 0; round < 6000; round++) {
    const seed = seeds[Math.floor(random() * seeds.length)] ?? '';
    let query = random() < 0.15 ? randomQuery(random) : mutate(seed, random);
    if (random() < 0.3) query = mutate(query, random);
    const failure = check(query);
    if (failure !== undefined) failures.push(`${JSON.stringify(query)}: ${failure}`);
    assert.doesNotThrow(() => parseLenientFilter(query));
    count++;
  }
  assert.deepEqual(failures.slice(0, 20), []);
  assert.equal(count, 6000);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
});
