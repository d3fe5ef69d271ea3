import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLenientFilter } from './lenient.js';
import { printFieldExpr } from './print.js';

/** What the editor sends → the filter kept, as text (undefined: no narrowing). */
const cases: Array<{ input: string; want: string | undefined }> = [
  // incomplete: keep the complete conditions, joined with &&
  { input: '{ resource.cluster = }', want: undefined },
  { input: '{ .a = "x" && span.b', want: '.a = "x"' },
  { input: '{ .a = "x" && span.b = }', want: '.a = "x"' },
  { input: '{ .a = "x" && span.b }', want: '.a = "x"' },
  { input: '{ name = "x" } | cou', want: 'name = "x"' },
  {
    input:
      '{ resource.service.name = "api" && status = error && kind = server && span:name =~ "GET.*" && ',
    want: 'resource.service.name = "api" && status = error && kind = server && span:name =~ "GET.*"',
  },
  {
    input: '{ .n > -5 && duration > 1s && .b = true && .c != nil && ',
    want: '.n > -5 && duration > 1s && .b = true && .c != nil',
  },
  { input: '{ (.a = "x") && .b = }', want: '.a = "x"' },
  { input: '{ .a = 1 && .b > }', want: '.a = 1' },
  // conditions that would change meaning are left out
  { input: '{ !(.a = "x") && .c = 1 && }', want: '.c = 1' },
  { input: '{ .a + 1 = 2 && .b = 3', want: '.b = 3' },
  { input: '{ .a = 1 + .c && .b = 3', want: '.b = 3' },
  { input: '{ .a = "x" || .b = }', want: undefined },
  { input: '{ span:status = nil && .a =~ "[" && .b = 1 && }', want: '.b = 1' },
  // complete filters are kept whole, `||` included
  { input: '{ .a = "x" || .b = "y" }', want: '.a = "x" || .b = "y"' },
  { input: '{ !(.a = 1) }', want: '!(.a = 1)' },
  { input: '{ resource.service.name = "x" } && { .y = 1 }', want: 'resource.service.name = "x"' },
  // nothing usable
  { input: '', want: undefined },
  { input: '{}', want: undefined },
  { input: '{ .a }', want: undefined },
  { input: 'count() > 1', want: undefined },
  { input: '{ .a = \'x\' && .b = "y" }', want: '.b = "y"' },
  { input: '}}} {{{ ((( "', want: undefined },
];

test('parseLenientFilter', async (t) => {
  for (const c of cases) {
    await t.test(c.input, () => {
      const found = parseLenientFilter(c.input);
      assert.equal(found === undefined ? undefined : printFieldExpr(found.expr), c.want);
    });
  }
});
