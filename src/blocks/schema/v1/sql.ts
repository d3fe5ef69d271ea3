/**
 * Block schema v1 (docs/formats/block-v1.md): the SQL that builds, compacts and reads blocks.
 * Only constants reach SQL text: file paths (quoted by `sqlString`) and trace ids that were
 * validated as 32 hex characters. DuckDB needs those as constants to prune row groups.
 */
import { integerSet, sqlString } from '../../duckdb/db.js';

export const FORMAT = 'vivace1';

export const DATA_FILE = 'data.parquet';
export const RESOURCES_FILE = 'resources.parquet';
export const SCOPES_FILE = 'scopes.parquet';
export const ATTRS_FILE = 'attrs.parquet';
export const TRACES_FILE = 'traces.parquet';
export const BLOOM_FILE = 'bloom';
export const META_FILE = 'meta.json';
export const COMPACTED_META_FILE = 'meta.compacted.json';

/** Rows per Parquet row group: small enough that a lookup by trace id decodes little. */
const ROW_GROUP_SIZE = 16384;

/**
 * `attrs.parquet` options: about seven attributes a span, so larger row groups; a dictionary is
 * kept only while small, which leaves `span_row` (sorted) to delta encoding (PARQUET_VERSION V2).
 */
const ATTRS_OPTIONS = 'ROW_GROUP_SIZE 65536, PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 4096';

/**
 * `attrs.parquet` options when rows are sorted by key: `span_row` is no longer sorted, so nothing is
 * gained by keeping dictionaries small, and full ones make the values smaller.
 */
const KEYED_ATTRS_OPTIONS = 'ROW_GROUP_SIZE 65536, PARQUET_VERSION V2';

/**
 * How the rows of a block's `attrs.parquet` are ordered (meta.json `attrsOrder`). `span`
 * (level-0 blocks, and blocks compacted before key order existed): by `span_row`, a span's
 * attributes in their order. `key` (compacted blocks): by key, then `span_row`, each row with
 * its place in its span's list (`pos`), so that a condition on a key reads only the row groups
 * that hold it.
 */
export type AttrsOrder = 'span' | 'key';

/**
 * The SQL of an attribute's place within its span, for ordering a span's attributes (a read in
 * span order must have `file_row_number = true`).
 */
export function attrPosition(order: AttrsOrder): string {
  return order === 'key' ? 'pos' : 'file_row_number';
}

const ATTRS = 'STRUCT(k VARCHAR, t UTINYINT, s VARCHAR, i BIGINT, d DOUBLE, b BOOLEAN)[]';

/** The WAL line keys and their types (docs/formats/wal-v1.md). */
const WAL_COLUMNS = {
  t: 'VARCHAR',
  s: 'VARCHAR',
  p: 'VARCHAR',
  r: 'VARCHAR',
  c: 'VARCHAR',
  n: 'VARCHAR',
  k: 'UTINYINT',
  st: 'UBIGINT',
  en: 'UBIGINT',
  ts: 'VARCHAR',
  f: 'UINTEGER',
  sc: 'UTINYINT',
  sm: 'VARCHAR',
  a: ATTRS,
  da: 'UINTEGER',
  e: `STRUCT(t UBIGINT, n VARCHAR, a ${ATTRS}, da UINTEGER)[]`,
  de: 'UINTEGER',
  l: `STRUCT(t VARCHAR, s VARCHAR, ts VARCHAR, f UINTEGER, a ${ATTRS}, da UINTEGER)[]`,
  dl: 'UINTEGER',
  rid: 'VARCHAR',
  sid: 'VARCHAR',
  u: 'VARCHAR',
  v: 'VARCHAR',
  sv: 'VARCHAR',
};

const walColumns = `{${Object.entries(WAL_COLUMNS)
  .map(([k, t]) => `${k}: '${t}'`)
  .join(', ')}}`;

function fileList(files: readonly string[]): string {
  return `[${files.map(sqlString).join(', ')}]`;
}

function readWal(files: readonly string[]): string {
  return `read_json(${fileList(files)}, format = 'newline_delimited', columns = ${walColumns})`;
}

/** Loads the resource and scope lines of a block (a small NDJSON file) into table `name`. */
export function loadDictionarySql(name: string, file: string): string {
  return `CREATE TEMP TABLE ${name} AS SELECT * FROM ${readWal([file])}`;
}

const SPAN_SELECT = `
  w.t AS trace_id, ('0x' || w.s)::UBIGINT AS span_id,
  coalesce(('0x' || w.p)::UBIGINT, 0) AS parent_span_id,
  coalesce(w.ts, '') AS trace_state, w.n AS name, w.k AS kind,
  w.st AS start_unix_nano, CASE WHEN w.en >= w.st THEN w.en - w.st ELSE 0 END AS duration_nano,
  coalesce(w.sc, 0) AS status_code, coalesce(w.sm, '') AS status_message, coalesce(w.f, 0) AS flags,
  coalesce(res.sv, '') AS service_name, w.r AS resource_id, w.c AS scope_id,
  coalesce(w.a, []) AS attrs, coalesce(w.da, 0) AS dropped_attributes_count,
  list_transform(coalesce(w.e, []), x -> {
    'time_since_start_nano': x.t::BIGINT - w.st::BIGINT, 'name': coalesce(x.n, ''),
    'attrs': coalesce(x.a, []), 'dropped_attributes_count': coalesce(x.da, 0)}) AS events,
  coalesce(w.de, 0) AS dropped_events_count,
  list_transform(coalesce(w.l, []), x -> {
    'trace_id': x.t, 'span_id': x.s, 'trace_state': coalesce(x.ts, ''), 'flags': coalesce(x.f, 0),
    'attrs': coalesce(x.a, []), 'dropped_attributes_count': coalesce(x.da, 0)}) AS links,
  coalesce(w.dl, 0) AS dropped_links_count`;

function copyTo(query: string, file: string, options = `ROW_GROUP_SIZE ${ROW_GROUP_SIZE}`): string {
  return `COPY (${query}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd, ${options})`;
}

/**
 * Loads the spans of WAL segment files into temporary table `table`, sorted (the connection must
 * have `preserve_insertion_order` on, so that `rowid` is the sorted position). `dict` is the loaded
 * dictionary table (for service names).
 */
export function sortSpansFromWalSql(table: string, files: readonly string[], dict: string): string {
  return `CREATE TEMP TABLE ${table} AS SELECT ${SPAN_SELECT} FROM ${readWal(files)} w
     LEFT JOIN (SELECT DISTINCT ON (rid) rid, sv FROM ${dict} WHERE rid IS NOT NULL) res ON w.r = res.rid
     WHERE w.t IS NOT NULL ORDER BY ${SPAN_ORDER}`;
}

/** The order of spans in `data.parquet`. */
const SPAN_ORDER = 'trace_id, start_unix_nano, span_id';

/** Writes a sorted span table (see `sortSpansFromWalSql`) as `data.parquet`, without attributes. */
export function writeSpanTableSql(table: string, file: string): string {
  return copyTo(`SELECT * EXCLUDE (attrs) FROM ${table}`, file);
}

/**
 * Writes the attributes of a sorted span table as `attrs.parquet` rows: `span_row` is the span's
 * row in `data.parquet` (`rowid` plus `offset`, the rows of the parts written before).
 */
export function writeAttrTableSql(table: string, file: string, offset = 0): string {
  return copyTo(
    `SELECT (rowid + ${offset})::UINTEGER AS span_row, unnest(attrs, recursive := true) FROM ${table}`,
    file,
    ATTRS_OPTIONS,
  );
}

export function writeResourcesFromWalSql(name: string, file: string): string {
  return copyTo(
    `SELECT DISTINCT ON (rid) rid AS resource_id, coalesce(u, '') AS schema_url,
       coalesce(sv, '') AS service_name, coalesce(a, []) AS attrs,
       coalesce(da, 0) AS dropped_attributes_count
     FROM ${name} WHERE rid IS NOT NULL ORDER BY resource_id`,
    file,
  );
}

export function writeScopesFromWalSql(name: string, file: string): string {
  return copyTo(
    `SELECT DISTINCT ON (sid) sid AS scope_id, coalesce(n, '') AS name, coalesce(v, '') AS version,
       coalesce(u, '') AS schema_url, coalesce(a, []) AS attrs,
       coalesce(da, 0) AS dropped_attributes_count
     FROM ${name} WHERE sid IS NOT NULL ORDER BY scope_id`,
    file,
  );
}

function readWithRowIds(inputs: readonly string[]): string {
  return `read_parquet(${fileList(inputs)}, filename = true, file_row_number = true)`;
}

/**
 * Finds duplicate spans (same trace, span id and kind) among blocks: every copy but the first is
 * put in temporary table `name` as (filename, file_row_number). Only narrow keys are held.
 */
export function findDuplicatesSql(name: string, inputs: readonly string[]): string {
  return `CREATE TEMP TABLE ${name} AS SELECT filename, file_row_number FROM (
      SELECT filename, file_row_number, row_number() OVER (
        PARTITION BY trace_id, span_id, kind ORDER BY filename, file_row_number) AS copy
      FROM (SELECT trace_id, span_id, kind, filename, file_row_number FROM ${readWithRowIds(inputs)})
    ) WHERE copy > 1`;
}

/** A half-open range of trace ids; a missing bound is open. */
export interface TraceIdRange {
  from?: string;
  to?: string;
}

function traceIdRangeFilter(range: TraceIdRange): string {
  const parts: string[] = [];
  if (range.from !== undefined) parts.push(`trace_id >= ${sqlString(range.from)}`);
  if (range.to !== undefined) parts.push(`trace_id < ${sqlString(range.to)}`);
  return parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '';
}

/**
 * Nests the `attrs.parquet` rows of a span (grouped by `span_row`) back into an attribute list, in
 * stored order. Sorting each small list by position costs far less memory than an ordered
 * aggregate, which keeps a sort state per group.
 */
function nestAttrs(order: AttrsOrder): string {
  return `list_transform(
    list_sort(list({'p': ${attrPosition(order)}, 'a': {'k': k, 't': t, 's': s, 'i': i, 'd': d, 'b': b}})),
    x -> x.a)`;
}

/** Each input's first and last data row holding a trace id in `range` (inputs are sorted). */
export function inputRowRangesSql(inputs: readonly string[], range: TraceIdRange): string {
  return `SELECT filename AS file, min(file_row_number) AS lo, max(file_row_number) AS hi
    FROM ${readWithRowIds(inputs)} ${traceIdRangeFilter(range)} GROUP BY filename`;
}

/** An input block of a compaction: its files, and the data rows of the trace-id range at hand. */
export interface CompactionInput {
  data: string;
  attrs: string;
  attrsOrder: AttrsOrder;
  lo: number;
  hi: number;
}

/**
 * Loads the spans of blocks whose trace id is in `range` into temporary table `table`, sorted and
 * without the rows listed in `duplicates`, each with where it came from (`src_file`, `src_row`)
 * so that its attributes can follow it (`writeMovedAttrsSql`). The range filter prunes row groups,
 * since inputs are sorted.
 */
export function sortSpansFromBlocksSql(
  table: string,
  inputs: readonly CompactionInput[],
  duplicates: string,
  range: TraceIdRange,
): string {
  return `CREATE TEMP TABLE ${table} AS
    SELECT sp.* EXCLUDE (filename, file_row_number),
      sp.filename AS src_file, sp.file_row_number AS src_row
    FROM (SELECT * FROM ${readWithRowIds(inputs.map((i) => i.data))} ${traceIdRangeFilter(range)}) sp
    ANTI JOIN ${duplicates} USING (filename, file_row_number)
    ORDER BY ${SPAN_ORDER}`;
}

/** Writes a table of `sortSpansFromBlocksSql` as `data.parquet`. */
export function writeMovedSpansSql(table: string, file: string): string {
  return copyTo(`SELECT * EXCLUDE (src_file, src_row) FROM ${table}`, file);
}

/**
 * Writes the attributes of the spans in a table of `sortSpansFromBlocksSql`, read from the
 * inputs' `attrs.parquet` and renumbered to the spans' new rows (`rowid` plus `offset`), with their
 * place in the span (`pos`). In `order`: by key for a whole block, by span for a part that
 * `concatenateSql` sorts with the others.
 */
export function writeMovedAttrsSql(
  table: string,
  inputs: readonly CompactionInput[],
  file: string,
  offset: number,
  order: AttrsOrder,
): string {
  // One scan per input, so that each row range prunes that file's row groups (in span order).
  const attrRows = inputs
    .map(
      (i) => `SELECT ${sqlString(i.data)} AS file, span_row, ${attrPosition(i.attrsOrder)} AS pos,
          k, t, s, i, d, b
        FROM read_parquet(${sqlString(i.attrs)}, file_row_number = true)
        WHERE span_row BETWEEN ${i.lo} AND ${i.hi}`,
    )
    .join(' UNION ALL ');
  // A span comes from one input (duplicates are dropped), so `a.pos` orders its attributes.
  return copyTo(
    `SELECT (sp.rowid + ${offset})::UINTEGER AS span_row,
       (row_number() OVER (PARTITION BY sp.rowid ORDER BY a.pos) - 1)::UINTEGER AS pos,
       a.k, a.t, a.s, a.i, a.d, a.b
     FROM ${table} sp JOIN (${attrRows}) a ON a.file = sp.src_file AND a.span_row = sp.src_row
     ORDER BY ${order === 'key' ? 'a.k, ' : ''}sp.rowid, a.pos`,
    file,
    order === 'key' ? KEYED_ATTRS_OPTIONS : ATTRS_OPTIONS,
  );
}

/** `parts - 1` trace ids that cut the inputs' spans into `parts` ranges of about equal size. */
export function traceIdCutsSql(inputs: readonly string[], parts: number): string {
  const fractions = Array.from({ length: parts - 1 }, (_, i) => ((i + 1) / parts).toFixed(6));
  return `SELECT unnest(quantile_disc(trace_id, [${fractions.join(', ')}])) AS cut
    FROM read_parquet(${fileList(inputs)})`;
}

/**
 * Concatenates `data.parquet` parts in the order given, without sorting (the caller's connection
 * must have `preserve_insertion_order` on), or merges `attrs.parquet` parts of `writeMovedAttrsSql`
 * into one sorted by key.
 */
export function concatenateSql(
  parts: readonly string[],
  file: string,
  what: 'data' | 'attrs',
): string {
  const query = `SELECT * FROM read_parquet(${fileList(parts)})`;
  return what === 'data'
    ? copyTo(query, file)
    : copyTo(`${query} ORDER BY k, span_row, pos`, file, KEYED_ATTRS_OPTIONS);
}

/** Merges resource or scope tables, keeping one row per id. */
export function compactDictionarySql(
  inputs: readonly string[],
  idColumn: 'resource_id' | 'scope_id',
  file: string,
): string {
  return copyTo(
    `SELECT DISTINCT ON (${idColumn}) * FROM read_parquet(${fileList(inputs)}) ORDER BY ${idColumn}`,
    file,
  );
}

/**
 * Writes `traces.parquet` from a written `data.parquet`: one row per trace, sorted by trace id,
 * with its rows (`first_row`, `span_count`: data is sorted by trace id, so they are contiguous),
 * time range, root span (if the block holds it) and span and error counts per service, as JSON
 * text `[name, spans, errors, name, …]` (text, because converting nested lists to JavaScript or
 * JSON costs DuckDB far more time and memory).
 */
export function writeTraceSummarySql(dataFile: string, file: string): string {
  return copyTo(
    `SELECT trace_id, min(first_row) AS first_row, sum(spans)::UINTEGER AS span_count,
       min(start_unix_nano) AS start_unix_nano, max(end_unix_nano) AS end_unix_nano,
       arg_min(root_name, root_start) AS root_name, arg_min(service_name, root_start) AS root_service,
       min(root_start) AS root_start,
       '[' || array_to_string(list_sort(list(
         to_json(service_name)::VARCHAR || ',' || spans || ',' || errors)), ',') || ']' AS services,
       sum(nested)::UINTEGER AS nested_spans
     FROM (
       SELECT trace_id, service_name, min(file_row_number) AS first_row, count(*)::UINTEGER AS spans,
         count_if(status_code = 2)::UINTEGER AS errors,
         count_if(len(events) > 0 OR len(links) > 0)::UINTEGER AS nested,
         min(start_unix_nano) AS start_unix_nano,
         max(start_unix_nano + duration_nano) AS end_unix_nano,
         arg_min(name, start_unix_nano) FILTER (WHERE parent_span_id = 0) AS root_name,
         min(start_unix_nano) FILTER (WHERE parent_span_id = 0) AS root_start
       FROM read_parquet(${sqlString(dataFile)}, file_row_number = true)
       GROUP BY trace_id, service_name)
     GROUP BY trace_id ORDER BY trace_id`,
    file,
  );
}

/** Counts and time range of a block, from its `traces.parquet`. */
export function blockStatsSql(tracesFile: string): string {
  return `SELECT sum(span_count) AS spans, count(*) AS traces,
      min(start_unix_nano) AS min_start, max(end_unix_nano) AS max_end,
      min(trace_id) AS min_trace, max(trace_id) AS max_trace
    FROM read_parquet(${sqlString(tracesFile)})`;
}

export function distinctTraceIdsSql(tracesFile: string): string {
  return `SELECT trace_id FROM read_parquet(${sqlString(tracesFile)})`;
}

const EVENTS = `list_transform(events, x -> {
  't': (start_unix_nano::HUGEINT + x.time_since_start_nano)::UBIGINT,
  'n': x.name, 'a': x.attrs, 'da': x.dropped_attributes_count})`;
const LINKS = `list_transform(links, x -> {'t': x.trace_id, 's': x.span_id, 'ts': x.trace_state,
  'f': x.flags, 'a': x.attrs, 'da': x.dropped_attributes_count})`;

/**
 * The columns that read a data row back as a WAL line object (without attributes), with `row`;
 * not `nested`, with no events and links.
 */
function lineColumns(nested = true): string {
  return `file_row_number AS row, trace_id AS t, format('{:016x}', span_id) AS s,
      CASE WHEN parent_span_id = 0 THEN '' ELSE format('{:016x}', parent_span_id) END AS p,
      resource_id AS r, scope_id AS c,
      name AS n, kind AS k, start_unix_nano AS st, start_unix_nano + duration_nano AS en,
      trace_state AS ts, flags AS f, status_code AS sc, status_message AS sm,
      dropped_attributes_count AS da, ${nested ? EVENTS : '[]'} AS e,
      dropped_events_count AS de, ${nested ? LINKS : '[]'} AS l, dropped_links_count AS dl`;
}

/**
 * The spans of one trace, as WAL line objects without attributes (see `StoredSpan`), each with its
 * `row` in the file. `traceId` must be validated hex.
 */
export function findTraceSql(file: string, traceId: string, nested = true): string {
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new Error(`not a trace id: ${traceId}`);
  // Events and links are nested columns: decoding them is most of a lookup's read, so a trace
  // known to have none leaves them out.
  return `SELECT ${lineColumns(nested)}
    FROM read_parquet(${sqlString(file)}, file_row_number = true) WHERE trace_id = '${traceId}'`;
}

/**
 * A trace's rows in `data.parquet` (`first_row`, `span_count`) and how many of its spans have
 * events or links (`nested_spans`, absent from a `traces.parquet` written before it existed).
 */
export function traceRowsSql(tracesFile: string, traceId: string): string {
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new Error(`not a trace id: ${traceId}`);
  return `SELECT COLUMNS('^(first_row|span_count|nested_spans)$')
    FROM read_parquet(${sqlString(tracesFile)}) WHERE trace_id = '${traceId}'`;
}

/** Data rows `rows` of a file as WAL line objects without attributes, with `row`. */
export function readRowsSql(file: string, rows: readonly number[]): string {
  return `SELECT ${lineColumns()}
    FROM read_parquet(${sqlString(file)}, file_row_number = true) WHERE file_row_number IN ${integerSet(rows)}`;
}

/** The attributes of the data rows `rows`, in stored order, as `{span_row, a}`. */
export function readRowAttrsSql(file: string, order: AttrsOrder, rows: readonly number[]): string {
  return `SELECT span_row, ${nestAttrs(order)} AS a
    FROM read_parquet(${sqlString(file)}, file_row_number = true)
    WHERE span_row IN ${integerSet(rows)} GROUP BY span_row`;
}

/**
 * The span attributes named `keys` of some data rows, over several blocks: `files[i]` is an
 * `attrs.parquet` and its rows; one row per attribute `{src: i, row, k, t, s, i, d, b}` in stored
 * order. Reading only the keys a search reports costs a fraction of reading the rows whole.
 */
export function readRowKeysSql(
  files: readonly { file: string; order: AttrsOrder; rows: readonly number[] }[],
  keys: readonly string[],
): string {
  const keyList = keys.map(sqlString).join(', ');
  const parts = files.flatMap(({ file, order, rows }, src) => {
    if (rows.length === 0) return [];
    const lo = Math.min(...rows);
    const hi = Math.max(...rows);
    return [
      `SELECT ${src} AS src, span_row AS row, ${attrPosition(order)} AS pos, k, t, s, i, d, b
      FROM read_parquet(${sqlString(file)}, file_row_number = true)
      WHERE k IN (${keyList}) AND span_row BETWEEN ${Math.trunc(lo)} AND ${Math.trunc(hi)}
        AND span_row IN ${integerSet(rows)}`,
    ];
  });
  if (parts.length === 0) return 'SELECT 0 AS src, 0 AS row, 0 AS pos WHERE false';
  return `SELECT src, row, k, t, s, i, d, b FROM (${parts.join('\n UNION ALL ')}) ORDER BY src, row, pos`;
}

/** The span attribute keys that hold an array (type 6) in an `attrs.parquet`, as `{k}`. */
export function arrayKeysSql(file: string): string {
  return `SELECT DISTINCT k FROM read_parquet(${sqlString(file)}) WHERE t = 6`;
}

/** The attributes of data rows `lo`..`hi`, in their stored order, as `{span_row, a}`. */
export function findAttrsSql(file: string, order: AttrsOrder, lo: number, hi: number): string {
  return `SELECT span_row, ${nestAttrs(order)} AS a
    FROM read_parquet(${sqlString(file)}, file_row_number = true)
    WHERE span_row BETWEEN ${Math.trunc(lo)} AND ${Math.trunc(hi)} GROUP BY span_row`;
}

export function readResourcesSql(file: string): string {
  return `SELECT resource_id AS rid, schema_url AS u, attrs AS a, dropped_attributes_count AS da,
      service_name AS sv FROM read_parquet(${sqlString(file)})`;
}

export function readScopesSql(file: string): string {
  return `SELECT scope_id AS sid, name AS n, version AS v, schema_url AS u, attrs AS a,
      dropped_attributes_count AS da FROM read_parquet(${sqlString(file)})`;
}
