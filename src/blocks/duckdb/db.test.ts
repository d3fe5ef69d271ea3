import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VivaceError } from '../../model/index.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { DuckDb } from './db.js';

test('a query past the memory limit fails as overload (503), naming the limit', async () => {
  const tmp = await tempDir();
  const db = await DuckDb.open({
    memoryLimit: '8MB',
    threads: 1,
    tempDirectory: tmp.dir,
    connections: 1,
  });
  try {
    await assert.rejects(
      db.all('SELECT list(i) AS l FROM range(20000000) t(i) GROUP BY i % 3'),
      (err: unknown) =>
        err instanceof VivaceError &&
        err.code === 'overloaded' &&
        err.message ===
          'the query needed more than the 8MB DuckDB may use; narrow the time range or lower the limit',
    );
    // The connection is still usable.
    assert.deepEqual(await db.all('SELECT 1 AS one'), [{ one: 1 }]);
  } finally {
    db.close();
    await tmp.cleanup();
  }
});
