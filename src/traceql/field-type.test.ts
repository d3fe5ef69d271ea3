import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FieldExpr, FieldType, ScalarExpr } from './ast.js';
import { fieldType, referencesSpan, scalarType } from './field-type.js';
import { parseTraceQL } from './parser.js';

/** The expression of `{ text }`. */
function expr(text: string): FieldExpr {
  const query = parseTraceQL(`{ ${text} }`).query;
  const first = query.kind === 'Pipeline' ? query.elements[0] : undefined;
  if (first?.kind !== 'SpansetFilter') throw new Error(`not a filter: ${text}`);
  return first.expr;
}

/** The left side of the scalar filter `text > 0`. */
function scalar(text: string): ScalarExpr {
  const query = parseTraceQL(`${text} > 0`).query;
  const first = query.kind === 'Pipeline' ? query.elements[0] : undefined;
  if (first?.kind !== 'ScalarFilter') throw new Error(`not a scalar filter: ${text}`);
  return first.lhs;
}

const fields: Array<{ input: string; type: FieldType; span: boolean }> = [
  { input: '1', type: 'int', span: false },
  { input: '1.5', type: 'float', span: false },
  { input: '"a"', type: 'string', span: false },
  { input: 'true', type: 'bool', span: false },
  { input: '1s', type: 'duration', span: false },
  { input: 'ok', type: 'status', span: false },
  { input: 'server', type: 'kind', span: false },
  { input: '.a', type: 'dynamic', span: true },
  { input: 'duration', type: 'duration', span: true },
  { input: 'span:childCount', type: 'int', span: true },
  { input: 'trace:id', type: 'string', span: true },
  { input: 'parent', type: 'nil', span: true },
  { input: '1 + 1.5', type: 'int', span: false },
  { input: '.a * 2.5', type: 'float', span: true },
  { input: '.a + .b', type: 'dynamic', span: true },
  { input: '-duration', type: 'duration', span: true },
  { input: '!.a', type: 'dynamic', span: true },
  { input: '.a = 1', type: 'bool', span: true },
  { input: 'nil = nil', type: 'bool', span: false },
  { input: '"a" =~ "b"', type: 'bool', span: false },
];

test('fieldType and referencesSpan', async (t) => {
  for (const c of fields) {
    await t.test(c.input, () => {
      assert.equal(fieldType(expr(c.input)), c.type);
      assert.equal(referencesSpan(expr(c.input)), c.span);
    });
  }
});

const scalars: Array<{ input: string; type: FieldType }> = [
  { input: 'count()', type: 'int' },
  { input: 'avg(duration)', type: 'duration' },
  { input: 'max(.a)', type: 'dynamic' },
  { input: 'max(.a) + 1.5', type: 'float' },
  { input: 'sum(.a * 2) * 3', type: 'int' },
  { input: '({} | avg(duration)) + ({} | count())', type: 'duration' },
];

test('scalarType', async (t) => {
  for (const c of scalars)
    await t.test(c.input, () => assert.equal(scalarType(scalar(c.input)), c.type));
});
