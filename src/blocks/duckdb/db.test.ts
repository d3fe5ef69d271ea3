import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VivaceError } from '../../model/index.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { DuckDb, integerSet, plainStringSet, type DuckDbOptions } from './db.js';

/** Runs `fn` on a fresh one-connection DuckDb with `options`, then closes it. */
async function withDb(options: Partial<DuckDbOptions>, fn: (db: DuckDb) => Promise<void>) {
  const tmp = await tempDir();
  const db = await DuckDb.open({
    memoryLimit: '64MB',
    threads: 1,
    tempDirectory: tmp.dir,
    connections: 1,
    ...options,
  });
  try {
    await fn(db);
  } finally {
    db.close();
    await tmp.cleanup();
  }
}

/** Out-of-memory errors: DuckDb options → the message of the overload (503) error. */
const OVERLOADS: Array<[string, Partial<DuckDbOptions>, string]> = [
  [
    'a query past the memory limit fails as overload (503), naming the limit',
    {},
    'the query needed more than the 8MB DuckDB may use; narrow the time range or lower the limit',
  ],
  [
    'background work out of memory says what it was and that it is retried',
    { overload: { what: 'a block build or compaction', advice: 'it will be retried' } },
    'a block build or compaction needed more than the 8MB DuckDB may use; it will be retried',
  ],
];

for (const [what, options, message] of OVERLOADS) {
  test(what, () =>
    withDb({ memoryLimit: '8MB', ...options }, async (db) => {
      await assert.rejects(
        db.all('SELECT list(i) AS l FROM range(20000000) t(i) GROUP BY i % 3'),
        (err: unknown) =>
          err instanceof VivaceError && err.code === 'overloaded' && err.message === message,
      );
      // The connection is still usable.
      assert.deepEqual(await db.all('SELECT 1 AS one'), [{ one: 1 }]);
    }),
  );
}

test('value sets: literals when short, one array literal when long', () => {
  const cases: Array<[string, string]> = [
    [integerSet([3, 1.9, 2]), '(3, 1, 2)'],
    [plainStringSet(['a', 'b']), "('a', 'b')"],
    [
      integerSet(Array.from({ length: 65 }, (_, i) => i)),
      `(SELECT unnest('[${Array.from({ length: 65 }, (_, i) => i).join(',')}]'::BIGINT[]))`,
    ],
    [
      plainStringSet(Array.from({ length: 65 }, (_, i) => `x${i}`)),
      `(SELECT unnest(string_split('${Array.from({ length: 65 }, (_, i) => `x${i}`).join(',')}', ',')))`,
    ],
  ];
  for (const [got, want] of cases) assert.equal(got, want);
  for (const bad of ["it's", 'a,b', 'back\\slash']) {
    assert.throws(() => plainStringSet([bad]), { message: `not a plain string: ${bad}` });
  }
});

test('value sets select the same rows in either form', () =>
  withDb({}, async (db) => {
    for (const n of [3, 64, 65, 5000]) {
      const values = Array.from({ length: n }, (_, i) => i * 7);
      const ints = await db.all(
        `SELECT count(*)::INTEGER AS n FROM range(100000) t(i) WHERE i IN ${integerSet(values)}`,
      );
      assert.deepEqual(ints, [{ n: values.filter((v) => v < 100000).length }]);
      const strs = await db.all(
        `SELECT count(*)::INTEGER AS n FROM range(100000) t(i) WHERE i::VARCHAR NOT IN ${plainStringSet(values.map(String))}`,
      );
      assert.deepEqual(strs, [{ n: 100000 - values.filter((v) => v < 100000).length }]);
    }
  }));

test('json gives every row whatever their number, with strings and nulls intact', () =>
  withDb({}, async (db) => {
    for (const n of [0, 1, 8192, 8193, 20000]) {
      const rows = await db.json(
        `SELECT i::INTEGER AS i, 'a"\\' || i::VARCHAR AS s, NULL AS z FROM range(${n}) t(i)`,
      );
      const sorted = [...rows].sort((a, b) => (a.i as number) - (b.i as number));
      assert.equal(sorted.length, n);
      assert.deepEqual(
        sorted.filter((_, k) => k === 0 || k === n - 1),
        [0, n - 1].slice(0, Math.min(n, 2)).map((i) => ({ i, s: `a"\\${i}`, z: null })),
      );
      assert.equal(new Set(rows.map((r) => r.i)).size, n);
    }
  }));

test('columns gives the rows json gives, each row whole, in any number of groups', () =>
  withDb({ threads: 2 }, async (db) => {
    const sql = (n: number) =>
      `SELECT i % 7 AS g, i::INTEGER AS i, 'a"\\' || i::VARCHAR || chr(10) AS s,
        CASE WHEN i % 3 = 0 THEN NULL ELSE i * 0.5 END AS d, (i * 1000003)::VARCHAR AS big
       FROM range(${n}) t(i)`;
    const byI = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      (a.i as number) - (b.i as number);
    for (const n of [0, 1, 5000, 30000]) {
      const columns = await db.columns(sql(n), ['g', 'i', 's', 'd', 'big'], 'g');
      const rows = await db.json(sql(n));
      assert.equal(columns.length, n);
      assert.deepEqual(columns.sort(byI), rows.sort(byI));
    }
  }));

test('columns reads as json does when DuckDB lacks the memory for the lists', () =>
  withDb({}, async (db) => {
    const sql = `SELECT i::INTEGER AS i, i % 2 AS g FROM range(10) t(i)`;
    const all = db.all.bind(db);
    db.all = (q, params) =>
      q.includes('list(i)')
        ? Promise.reject(new VivaceError('overloaded', 'the query needed more than 64MB'))
        : all(q, params);
    const rows = await db.columns(sql, ['i', 'g'], 'g');
    assert.deepEqual(
      rows.sort((a, b) => (a.i as number) - (b.i as number)),
      Array.from({ length: 10 }, (_, i) => ({ i, g: i % 2 })),
    );
  }));
