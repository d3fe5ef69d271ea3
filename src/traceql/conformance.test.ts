/**
 * Tempo's TraceQL corpus (`test_examples.yaml`, Tempo HEAD): every query must land in its
 * list, and every valid or unsupported query must survive print → parse unchanged.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'yaml';
import { TraceQLParseError, TraceQLUnsupportedError, TraceQLValidationError } from './errors.js';
import { parseTraceQL } from './parser.js';
import { printTraceQL } from './print.js';
import { validateTraceQL } from './validate.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const corpusPath = `${projectRoot}../shared/conformance/traceql/test_examples.yaml`;
const corpus = parse(readFileSync(corpusPath, 'utf8')) as Record<string, string[] | null>;

type Outcome = 'valid' | 'parse_fails' | 'validate_fails' | 'unsupported';

function outcome(query: string): { outcome: Outcome | 'crash'; message: string } {
  try {
    validateTraceQL(parseTraceQL(query));
    return { outcome: 'valid', message: '' };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof TraceQLParseError) return { outcome: 'parse_fails', message };
    if (err instanceof TraceQLUnsupportedError) return { outcome: 'unsupported', message };
    if (err instanceof TraceQLValidationError) return { outcome: 'validate_fails', message };
    return { outcome: 'crash', message };
  }
}

const lists: readonly Outcome[] = ['valid', 'parse_fails', 'validate_fails', 'unsupported'];

test('the corpus has the HEAD lists', () => {
  assert.deepEqual(
    lists.map((list) => corpus[list]?.length),
    [284, 87, 70, 22],
  );
});

for (const list of lists) {
  test(`every ${list} query is ${list}`, () => {
    const failures = (corpus[list] ?? [])
      .map((query) => ({ query, ...outcome(query) }))
      .filter((r) => r.outcome !== list)
      .map((r) => `${JSON.stringify(r.query)} → ${r.outcome}: ${r.message}`);
    assert.deepEqual(failures, []);
  });
}

test('every valid and unsupported query round-trips through the printer', () => {
  const failures: string[] = [];
  for (const query of [...(corpus.valid ?? []), ...(corpus.unsupported ?? [])]) {
    const tree = parseTraceQL(query);
    const printed = printTraceQL(tree);
    try {
      assert.deepStrictEqual(parseTraceQL(printed), tree);
    } catch (err) {
      failures.push(
        `${JSON.stringify(query)} printed as ${JSON.stringify(printed)}: ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
  assert.deepEqual(failures, []);
});
