/**
 * The only place that talks to DuckDB: one embedded in-memory instance and a small pool of
 * connections, so that a long block build never makes a trace lookup wait.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { VivaceError } from '../../model/index.js';

export type Row = Record<string, unknown>;

/** Rows per JSON text of `DuckDb.json`. */
const JSON_CHUNK_ROWS = 8192;

export interface DuckDbOptions {
  /** DuckDB's memory_limit, e.g. '512MB'. */
  memoryLimit: string;
  /**
   * Who runs out of memory and what to do, for the error: "<what> needed more than the 256MB
   * DuckDB may use; <advice>". By default a query, told to narrow itself.
   */
  overload?: { what: string; advice: string };
  threads: number;
  /** Where DuckDB may spill while sorting large blocks. */
  tempDirectory: string;
  connections: number;
}

export class DuckDb {
  readonly #instance: DuckDBInstance;
  readonly #idle: DuckDBConnection[] = [];
  readonly #waiters: Array<(c: DuckDBConnection) => void> = [];
  readonly #overload: string;
  #closed = false;

  private constructor(instance: DuckDBInstance, conns: DuckDBConnection[], overload: string) {
    this.#instance = instance;
    this.#idle.push(...conns);
    this.#overload = overload;
  }

  static async open(opts: DuckDbOptions): Promise<DuckDb> {
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: opts.memoryLimit,
      threads: String(opts.threads),
      temp_directory: opts.tempDirectory,
      preserve_insertion_order: 'false',
      // Give memory back to the OS after each task: otherwise a build's peak stays resident.
      allocator_flush_threshold: '8MB',
      allocator_background_threads: 'true',
    });
    const conns: DuckDBConnection[] = [];
    for (let i = 0; i < opts.connections; i++) {
      const c = await instance.connect();
      await c.run('SET parquet_metadata_cache = true; SET enable_progress_bar = false;');
      conns.push(c);
    }
    const { what, advice } = opts.overload ?? {
      what: 'the query',
      advice: 'narrow the time range or lower the limit',
    };
    return new DuckDb(
      instance,
      conns,
      `${what} needed more than the ${opts.memoryLimit} DuckDB may use; ${advice}`,
    );
  }

  async #acquire(): Promise<DuckDBConnection> {
    const c = this.#idle.pop();
    if (c) return c;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #release(c: DuckDBConnection): void {
    const w = this.#waiters.shift();
    if (w) w(c);
    else this.#idle.push(c);
  }

  /** Runs `fn` with a connection of its own (for multi-statement work such as a block build). */
  async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('DuckDB is closed');
    const c = await this.#acquire();
    try {
      return await fn(c);
    } catch (err) {
      // Running out of the memory limit is load, not a bug: 503 with what happened.
      if (err instanceof Error && err.message.startsWith('Out of Memory Error')) {
        throw new VivaceError('overloaded', this.#overload, { cause: err });
      }
      throw err;
    } finally {
      this.#release(c);
    }
  }

  /** Runs a statement and returns its rows as JSON-safe objects (64-bit integers as strings). */
  async all(sql: string, params?: DuckDBValue[]): Promise<Row[]> {
    return this.withConnection(async (c) => {
      const reader = await c.runAndReadAll(sql, params);
      return reader.getRowObjectsJson();
    });
  }

  /**
   * Runs a query and returns its rows, parsed from JSON texts DuckDB builds: far cheaper than
   * converting values one at a time when rows are many. Each text holds up to `JSON_CHUNK_ROWS`
   * rows (one text of every row needed more than 256 MB for 100k traces). Row order is not kept,
   * and 64-bit integers must be cast to text by the query (JSON numbers lose precision above 2^53).
   */
  async json(sql: string): Promise<Row[]> {
    const chunks = await this.all(
      `SELECT string_agg(j, ',') AS j FROM (
         SELECT to_json(q)::VARCHAR AS j, (row_number() OVER ()) // ${JSON_CHUNK_ROWS} AS g FROM (${sql}) q)
       GROUP BY g`,
    );
    const texts = chunks.map((c) => c.j).filter((j): j is string => typeof j === 'string');
    return texts.length === 0 ? [] : (JSON.parse(`[${texts.join(',')}]`) as Row[]);
  }

  /**
   * Runs a query of flat rows and returns them, built from one JSON text per value of `group`
   * holding a list per column: cheaper for DuckDB to make and for JavaScript to parse than an
   * object per row (measured on 29k spans: 120–140 ms against 175–275 ms for the statement, half
   * the parse). `columns` are the query's column names, scalars only; 64-bit integers must be
   * cast to text. Rows come grouped, in no order between groups. The lists of every group are
   * held at once: past about 100k rows of spans that needs more than a query's 256 MB, and the
   * rows are then read as `json` reads them.
   */
  async columns(sql: string, columns: readonly string[], group: string): Promise<Row[]> {
    const lists = columns.map((c) => `'${c}': list(${c})`).join(', ');
    let texts: Row[];
    try {
      texts = await this.all(
        `SELECT to_json({${lists}})::VARCHAR AS j FROM (${sql}) q GROUP BY ${group}`,
      );
    } catch (err) {
      if (err instanceof VivaceError && err.code === 'overloaded') return this.json(sql);
      throw err;
    }
    const out: Row[] = [];
    for (const { j } of texts) {
      if (typeof j !== 'string') continue;
      const byColumn = JSON.parse(j) as Record<string, unknown[]>;
      const n = byColumn[columns[0] as string]?.length ?? 0;
      const values = columns.map((c) => byColumn[c] ?? []);
      for (let i = 0; i < n; i++) {
        const row: Row = {};
        for (let k = 0; k < columns.length; k++) row[columns[k] as string] = values[k]?.[i];
        out.push(row);
      }
    }
    return out;
  }

  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    await this.withConnection(async (c) => {
      await c.run(sql, params);
    });
  }

  close(): void {
    this.#closed = true;
    for (const c of this.#idle) c.closeSync();
    this.#idle.length = 0;
    this.#instance.closeSync();
  }
}

/** A SQL string literal; for paths and validated ids, which DuckDB needs as constants to prune. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Up to this many values, a set is written as a list of literals (short lists of constants can
 * prune row groups); longer ones as one array literal: DuckDB parses and binds thousands of
 * literals in an IN list far more slowly than it runs the query (measured: 180 ms of 330 for
 * 29k row numbers, against about 10 ms as one array).
 */
const LITERAL_LIST_MAX = 64;

/** The right side of `x IN …` for integers. */
export function integerSet(values: readonly number[]): string {
  const list = values.map((v) => String(Math.trunc(v)));
  return list.length <= LITERAL_LIST_MAX
    ? `(${list.join(', ')})`
    : `(SELECT unnest('[${list.join(',')}]'::BIGINT[]))`;
}

/** The right side of `x IN …` for strings without commas or quotes (validated ids). */
export function plainStringSet(values: readonly string[]): string {
  for (const v of values) {
    if (/[,'\\]/.test(v)) throw new Error(`not a plain string: ${v}`);
  }
  return values.length <= LITERAL_LIST_MAX
    ? `(${values.map((v) => `'${v}'`).join(', ')})`
    : `(SELECT unnest(string_split('${values.join(',')}', ',')))`;
}
