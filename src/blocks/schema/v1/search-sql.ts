/**
 * TraceQL spanset filters compiled to per-span SQL over blocks (docs/rfc/0001-traceql-engine.md).
 *
 * Each `{…}` becomes a boolean over the span relation `s` of `filterSourceCtes`: exact where the
 * block columns decide the question as Tempo would (intrinsic columns, span, resource and scope
 * attributes, arrays, existence, anchored RE2 regexes), and a superset elsewhere (comparisons
 * between two fields, arithmetic, events, links, trace-level and tree intrinsics): a span is then
 * re-judged in JavaScript by the caller. A compiled filter never misses a span Tempo would match.
 * Values are SQL literals (escaped): DuckDB needs constants to prune row groups.
 */
import type {
  Attribute,
  BinaryOp,
  ComparisonOp,
  FieldExpr,
  Intrinsic,
  Static,
} from '../../../traceql/index.js';
import { integerSet, plainStringSet, sqlString } from '../../duckdb/db.js';
import {
  ATTRS_FILE,
  type AttrsOrder,
  DATA_FILE,
  RESOURCES_FILE,
  SCOPES_FILE,
  TRACES_FILE,
} from './sql.js';

/** A compiled filter: `sql` holds for every span the filter matches; `exact` when it is the filter. */
export interface CompiledFilter {
  sql: string;
  exact: boolean;
  /**
   * A condition on plain `data.parquet` columns that every span the filter matches meets, when
   * one is known: pushed into the Parquet scan, it spares reading the other spans.
   */
  scan?: string;
  /**
   * Span attribute rows that every span the filter matches holds, by key. A page can report such
   * a key from the rows that met it (the value that matched, as Tempo reports it) without
   * reading the attributes again.
   */
  spanRows?: ReadonlyMap<string, SpanRows>;
  /**
   * A condition on a `traces.parquet` row (its `services` text) that the row of a block holding
   * a span the filter matches meets, when one is known: traces can then be narrowed from their
   * summaries without reading spans (`summaryCandidatesSql`).
   */
  summary?: string;
}

/** A condition on the columns of `span_attrs` rows of one key, and the value columns it reads. */
export interface SpanRows {
  cond: string;
  columns: readonly ValueColumn[];
}

export type ValueColumn = 's' | 'i' | 'd' | 'b';

const TRUE: CompiledFilter = { sql: 'true', exact: true };
const FALSE: CompiledFilter = { sql: 'false', exact: true, scan: 'false' };
const UNKNOWN: CompiledFilter = { sql: 'true', exact: false };

type Op = ComparisonOp | '=~' | '!~';

const FLIPPED: Record<Op, Op | undefined> = {
  '=': '=',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '=~': undefined,
  '!~': undefined,
};

const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;
const KIND_CODE = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
} as const;

export interface CompileOptions {
  /**
   * The span attribute keys that hold an array somewhere in the blocks searched; when given, a
   * comparison on another key skips the array alternative (a scan of the JSON column).
   */
  spanArrayKeys?: ReadonlySet<string>;
}

/** Compiles the body of a `{…}`. */
export function compileFilter(expr: FieldExpr, opts: CompileOptions = {}): CompiledFilter {
  switch (expr.kind) {
    case 'Static':
      return expr.type === 'bool' ? (expr.value ? TRUE : FALSE) : UNKNOWN;
    case 'Attribute':
      // `{ .a }` matches when .a is the boolean true.
      return attributeCondition(expr, '=', { kind: 'Static', type: 'bool', value: true }, opts);
    case 'Intrinsic':
      return UNKNOWN;
    case 'UnaryOp':
      if (expr.op !== '!') return UNKNOWN;
      return not(compileFilter(expr.expr, opts));
    case 'BinaryOp':
      return binary(expr, opts);
  }
}

function not(c: CompiledFilter): CompiledFilter {
  return c.exact ? { sql: `NOT (${c.sql})`, exact: true } : UNKNOWN;
}

/**
 * The scan or summary condition of `l && r` (either side's suffices) or `l || r` (both sides'
 * needed).
 */
function joinedCondition(
  l: string | undefined,
  r: string | undefined,
  op: '&&' | '||',
): string | undefined {
  if (op === '||') return l !== undefined && r !== undefined ? `(${l}) OR (${r})` : undefined;
  if (l === undefined) return r;
  if (r === undefined) return l;
  return `(${l}) AND (${r})`;
}

/**
 * The span attribute rows of `l && r` (each side's, a key on both sides meeting either side's
 * condition) or `l || r` (only keys on both sides, meeting either condition).
 */
function joinedSpanRows(
  l: ReadonlyMap<string, SpanRows> | undefined,
  r: ReadonlyMap<string, SpanRows> | undefined,
  op: '&&' | '||',
): ReadonlyMap<string, SpanRows> | undefined {
  const out = new Map<string, SpanRows>();
  for (const [key, rows] of l ?? []) {
    const other = r?.get(key);
    if (other !== undefined) {
      out.set(key, {
        cond: `(${rows.cond}) OR (${other.cond})`,
        columns: [...new Set([...rows.columns, ...other.columns])],
      });
    } else if (op === '&&') out.set(key, rows);
  }
  if (op === '&&') for (const [key, rows] of r ?? []) if (!out.has(key)) out.set(key, rows);
  return out.size === 0 ? undefined : out;
}

/** The value columns a comparison with `lit` reads (arrays are JSON text in `s`). */
function valueColumns(lit: Static, withArrays: boolean): ValueColumn[] {
  const own: ValueColumn[] =
    lit.type === 'string' ? ['s'] : lit.type === 'bool' ? ['b'] : ['i', 'd'];
  return withArrays && !own.includes('s') ? [...own, 's'] : own;
}

function binary(e: BinaryOp, opts: CompileOptions): CompiledFilter {
  if (e.op === '&&' || e.op === '||') {
    const l = compileFilter(e.lhs, opts);
    const r = compileFilter(e.rhs, opts);
    const sqlOp = e.op === '&&' ? 'AND' : 'OR';
    const scan = joinedCondition(l.scan, r.scan, e.op);
    const summary = joinedCondition(l.summary, r.summary, e.op);
    const spanRows = joinedSpanRows(l.spanRows, r.spanRows, e.op);
    return {
      sql: `(${l.sql}) ${sqlOp} (${r.sql})`,
      exact: l.exact && r.exact,
      ...(scan === undefined ? {} : { scan }),
      ...(summary === undefined ? {} : { summary }),
      ...(spanRows === undefined ? {} : { spanRows }),
    };
  }
  if (!isComparison(e.op)) return UNKNOWN;
  if (e.rhs.kind === 'Static') return comparison(e.lhs, e.op, e.rhs, opts);
  const flipped = FLIPPED[e.op];
  if (e.lhs.kind === 'Static' && flipped !== undefined)
    return comparison(e.rhs, flipped, e.lhs, opts);
  return UNKNOWN;
}

function isComparison(op: string): op is Op {
  return op in FLIPPED;
}

function comparison(field: FieldExpr, op: Op, lit: Static, opts: CompileOptions): CompiledFilter {
  if (field.kind === 'Static') return UNKNOWN;
  const compiled =
    field.kind === 'Attribute'
      ? attributeCondition(field, op, lit, opts)
      : field.kind === 'Intrinsic'
        ? intrinsicCondition(field, op, lit)
        : UNKNOWN;
  const summary = summaryCondition(field, op, lit);
  return summary === undefined ? compiled : { ...compiled, summary };
}

/**
 * What a trace summary's `services` text (`["name",spans,errors,…]`) says of a comparison: a
 * block holding a span of resource `service.name` "x" lists "x"; one holding a span with status
 * error counts an error for some service. Text tests, so a service name holding quotes can
 * only let more traces through, which the search judges afterwards.
 */
function summaryCondition(field: FieldExpr, op: Op, lit: Static): string | undefined {
  if (op !== '=') return undefined;
  if (
    field.kind === 'Attribute' &&
    field.scope === 'resource' &&
    !field.parent &&
    field.name === 'service.name' &&
    lit.type === 'string'
  )
    // The writer's own quoting (`writeTraceSummarySql`).
    return `contains(services, to_json(${sqlString(lit.value)})::VARCHAR || ',')`;
  if (field.kind === 'Intrinsic' && field.intrinsic === 'status' && lit.type === 'status')
    return lit.value === 'error' ? `regexp_matches(services, '",[0-9]+,[1-9]')` : undefined;
  return undefined;
}

// ---- attributes ----

/** Rows `(t, s, i, d, b)` of an attribute (prefix `p`) compared with a literal, Tempo's typing. */
function valueCondition(p: string, op: Op, lit: Static): string {
  switch (lit.type) {
    case 'string': {
      const v = sqlString(lit.value);
      if (op === '=~') return `(${p}t = 1 AND regexp_full_match(${p}s, ${regex(lit.value)}))`;
      if (op === '!~') return `(${p}t = 1 AND NOT regexp_full_match(${p}s, ${regex(lit.value)}))`;
      return `(${p}t = 1 AND ${p}s ${op} ${v})`;
    }
    case 'int':
    case 'duration': {
      if (op === '=~' || op === '!~') return 'false';
      const v = lit.value.toString();
      return `((${p}t = 2 AND ${p}i ${op} ${v}) OR (${p}t = 3 AND ${p}d ${op} ${v}::DOUBLE))`;
    }
    case 'float': {
      if (op === '=~' || op === '!~') return 'false';
      const v = floatLiteral(lit.value);
      return `((${p}t = 2 AND ${p}i::DOUBLE ${op} ${v}) OR (${p}t = 3 AND ${p}d ${op} ${v}))`;
    }
    case 'bool':
      if (op !== '=' && op !== '!=') return 'false';
      return `(${p}t = 4 AND ${p}b ${op} ${lit.value ? 'true' : 'false'})`;
    case 'nil':
    case 'status':
    case 'kind':
      // Attributes never hold status or kind values; nil is handled as existence.
      return 'false';
  }
}

/** A TraceQL regex for DuckDB's RE2: `.` also matches a newline, as in Tempo (Prometheus' matcher). */
function regex(pattern: string): string {
  return sqlString(`(?s:${pattern})`);
}

function floatLiteral(v: number): string {
  if (Number.isNaN(v)) return "'NaN'::DOUBLE";
  if (!Number.isFinite(v)) return v > 0 ? "'Infinity'::DOUBLE" : "'-Infinity'::DOUBLE";
  return `${String(v)}::DOUBLE`;
}

const ARRAY_ELEMENTS = `json_transform(s, '[{"t":"UTINYINT","s":"VARCHAR","i":"BIGINT","d":"DOUBLE","b":"BOOLEAN"}]')`;

/**
 * An attribute row (of `attrs.parquet` or an unnested list) with the key's value satisfying the
 * comparison, as alternatives (any may hold): a scalar compares itself; an array (t = 6) matches
 * `=`, `=~` and orderings when some element does, `!=` and `!~` when every element does (Tempo's
 * "none equal"). Kept apart so that a scan can push the scalar one's plain comparisons down.
 * Without `withArrays` (the key never holds an array), only the scalar alternative.
 */
function attrRowConditions(op: Op, lit: Static, withArrays = true): string[] {
  const scalar = valueCondition('', op, lit);
  if (!withArrays) return [scalar];
  const element = valueCondition('e.', op, lit);
  const all = op === '!=' || op === '!~';
  const array = all
    ? `len(list_filter(${ARRAY_ELEMENTS}, e -> NOT coalesce(${element}, false))) = 0`
    : `len(list_filter(${ARRAY_ELEMENTS}, e -> coalesce(${element}, false))) > 0`;
  // A scalar condition names its type (t = 1 … 4), so it never holds for an array row.
  // CASE, not AND: only array rows hold JSON, and AND does not promise to test `t` first.
  const arrays = `t = 6 AND CASE WHEN t = 6 THEN ${array} ELSE false END`;
  return scalar === 'false' ? [arrays] : [scalar, arrays];
}

/** Rows of `table` with attribute `key` meeting one of `conds` (any row with it when undefined). */
function attrRows(
  table: string,
  id: string,
  key: string,
  conds: readonly string[] | undefined,
): string {
  const k = `k = ${sqlString(key)}`;
  if (conds === undefined) return `SELECT ${id} FROM ${table} WHERE ${k}`;
  return conds.map((c) => `SELECT ${id} FROM ${table} WHERE ${k} AND (${c})`).join(' UNION ALL ');
}

/** Spans (as `src`/`row` keys) with the span attribute `key` whose row meets one of `conds`. */
function spanAttr(key: string, conds: readonly string[] | undefined): string {
  return `s.key IN (${attrRows('span_attrs', 'key', key, conds)})`;
}

function resourceAttr(key: string, conds: readonly string[] | undefined): string {
  return `s.resource_id IN (${attrRows('resource_attrs', 'resource_id', key, conds)})`;
}

function scopeAttr(key: string, conds: readonly string[] | undefined): string {
  return `s.scope_id IN (${attrRows('scope_attrs', 'scope_id', key, conds)})`;
}

function attributeCondition(
  a: Attribute,
  op: Op,
  lit: Static,
  opts: CompileOptions,
): CompiledFilter {
  if (a.parent) return UNKNOWN;
  const lookup =
    a.scope === 'span'
      ? spanAttr
      : a.scope === 'resource'
        ? resourceAttr
        : a.scope === 'instrumentation'
          ? scopeAttr
          : undefined;
  if (lit.type === 'nil') {
    // `= nil`: missing; `!= nil`: present (other operators do not validate).
    const present =
      a.scope === 'unscoped'
        ? `(${spanAttr(a.name, undefined)} OR ${resourceAttr(a.name, undefined)})`
        : lookup === undefined
          ? undefined
          : lookup(a.name, undefined);
    if (present === undefined) return UNKNOWN;
    if (op === '=') return { sql: `NOT ${present}`, exact: true };
    if (op === '!=') return { sql: present, exact: true };
    return FALSE;
  }
  const cond = attrRowConditions(op, lit);
  const spanArrays = opts.spanArrayKeys?.has(a.name) ?? true;
  const spanCond = attrRowConditions(op, lit, spanArrays);
  if (a.scope === 'unscoped') {
    // The span's value when the span has the key, the resource's otherwise.
    return {
      sql: `CASE WHEN ${spanAttr(a.name, undefined)} THEN ${spanAttr(a.name, spanCond)} ELSE ${resourceAttr(a.name, cond)} END`,
      exact: true,
    };
  }
  if (
    a.scope === 'resource' &&
    a.name === 'service.name' &&
    op === '=' &&
    lit.type === 'string' &&
    lit.value !== ''
  ) {
    // The service name is copied into every span row: no join needed.
    return {
      sql: `(s.service_name = ${sqlString(lit.value)} AND ${resourceAttr(a.name, cond)})`,
      exact: true,
      scan: `service_name = ${sqlString(lit.value)}`,
    };
  }
  if (lookup === undefined) return UNKNOWN; // event and link attributes: judged per event/link in JS
  if (a.scope !== 'span') return { sql: lookup(a.name, cond), exact: true };
  return {
    sql: lookup(a.name, spanCond),
    exact: true,
    spanRows: new Map([
      [
        a.name,
        {
          cond: spanCond.map((c) => `(${c})`).join(' OR '),
          columns: valueColumns(lit, spanArrays),
        },
      ],
    ]),
  };
}

// ---- intrinsics ----

function stringColumn(column: string, op: Op, lit: Static): string {
  if (lit.type !== 'string') return 'false';
  const v = sqlString(lit.value);
  if (op === '=~') return `regexp_full_match(${column}, ${regex(lit.value)})`;
  if (op === '!~') return `NOT regexp_full_match(${column}, ${regex(lit.value)})`;
  return `${column} ${op} ${v}`;
}

function numberColumn(column: string, op: Op, lit: Static): string {
  if (op === '=~' || op === '!~') return 'false';
  if (lit.type === 'int' || lit.type === 'duration')
    return `${column}::HUGEINT ${op} ${lit.value.toString()}`;
  if (lit.type === 'float') return `${column}::DOUBLE ${op} ${floatLiteral(lit.value)}`;
  return 'false';
}

function enumColumn(column: string, op: Op, code: number | undefined): string {
  if (code === undefined || (op !== '=' && op !== '!=')) return 'false';
  return `${column} ${op} ${code}`;
}

/** A hex id literal as stored: lowercase, left-padded to `width` (Tempo compares id bytes). */
function hexId(lit: Static, width: number): string | undefined {
  if (lit.type !== 'string') return undefined;
  const v = lit.value.toLowerCase();
  if (!/^[0-9a-f]+$/.test(v) || v.length > width) return undefined;
  return v.padStart(width, '0');
}

function idColumn(numeric: string, text: string, op: Op, lit: Static): string {
  const id = hexId(lit, 16);
  if (id !== undefined && (op === '=' || op === '!='))
    return `${numeric} ${op} ${BigInt('0x' + id).toString()}::UBIGINT`;
  return stringColumn(text, op, lit);
}

/** `duration_nano` compared with a literal, as a scan can push down (no cast), when it can. */
function durationScan(op: Op, lit: Static): string | undefined {
  if (lit.type !== 'int' && lit.type !== 'duration') return undefined;
  if (op === '=~' || op === '!~' || lit.value < 0n || lit.value >= 2n ** 63n) return undefined;
  return `duration_nano ${op} ${lit.value.toString()}`;
}

function intrinsicCondition(i: Intrinsic, op: Op, lit: Static): CompiledFilter {
  // `scan`: the same condition on the bare column, for the Parquet scan.
  const exact = (sql: string, scan?: string): CompiledFilter => ({
    sql: `coalesce(${sql}, false)`,
    exact: true,
    ...(scan === undefined ? {} : { scan }),
  });
  switch (i.intrinsic) {
    case 'duration':
      return exact(numberColumn('s.duration_nano', op, lit), durationScan(op, lit));
    case 'name':
      return exact(stringColumn('s.name', op, lit), stringColumn('name', op, lit));
    case 'statusMessage':
      return exact(
        stringColumn('s.status_message', op, lit),
        stringColumn('status_message', op, lit),
      );
    case 'status': {
      const code = lit.type === 'status' ? STATUS_CODE[lit.value] : undefined;
      return exact(enumColumn('s.status_code', op, code), enumColumn('status_code', op, code));
    }
    case 'kind': {
      const code = lit.type === 'kind' ? KIND_CODE[lit.value] : undefined;
      return exact(enumColumn('s.kind', op, code), enumColumn('kind', op, code));
    }
    case 'spanId':
      return exact(idColumn('s.span_id', "format('{:016x}', s.span_id)", op, lit));
    case 'parentId':
      return exact(idColumn('s.parent_span_id', "format('{:016x}', s.parent_span_id)", op, lit));
    case 'traceId': {
      const id = hexId(lit, 32);
      if (id !== undefined && (op === '=' || op === '!='))
        return exact(`s.trace_id ${op} ${sqlString(id)}`, `trace_id ${op} ${sqlString(id)}`);
      return exact(stringColumn("ltrim(s.trace_id, '0')", op, lit));
    }
    case 'instrumentationName':
      return {
        sql: `s.scope_id IN (SELECT scope_id FROM scopes WHERE ${stringColumn('name', op, lit)})`,
        exact: true,
      };
    case 'instrumentationVersion':
      return {
        sql: `s.scope_id IN (SELECT scope_id FROM scopes WHERE ${stringColumn('version', op, lit)})`,
        exact: true,
      };
    case 'eventName':
    case 'eventTimeSinceStart':
      return { sql: 'len(s.events) > 0', exact: false };
    case 'linkTraceId':
    case 'linkSpanId':
      return { sql: 'len(s.links) > 0', exact: false };
    case 'traceDuration':
    case 'rootName':
    case 'rootServiceName':
    case 'nestedSetLeft':
    case 'nestedSetRight':
    case 'nestedSetParent':
    case 'childCount':
    case 'parent':
      // Trace-level and tree intrinsics are known once the trace is assembled.
      return UNKNOWN;
  }
}

// ---- the statements ----

/**
 * A block as search reads it: its directory and its position in the source list; optionally only
 * some of its traces (validated 32-hex ids) and their data rows (`[first row, row count]`), which
 * prune the row groups read.
 */
export interface SearchSource {
  dir: string;
  /** How the block's `attrs.parquet` is ordered, where a read needs attributes in span order. */
  attrsOrder?: AttrsOrder;
  traceIds?: readonly string[];
  rows?: readonly (readonly [number, number])[];
}

function blockFile(dir: string, file: string): string {
  return sqlString(`${dir}/${file}`);
}

/** What each span row carries (all the JavaScript side needs to judge and report a span). */
const SPAN_FIELDS: readonly (readonly [string, string])[] = [
  ['src', 's.src'],
  ['row', 's.row'],
  ['t', 's.trace_id'],
  ['s', "format('{:016x}', s.span_id)"],
  ['p', "CASE WHEN s.parent_span_id = 0 THEN '' ELSE format('{:016x}', s.parent_span_id) END"],
  ['r', 's.resource_id'],
  ['c', 's.scope_id'],
  ['n', 's.name'],
  ['k', 's.kind'],
  ['st', 's.start_unix_nano::VARCHAR'],
  ['en', '(s.start_unix_nano + s.duration_nano)::VARCHAR'],
  ['sc', 's.status_code'],
  ['sm', 's.status_message'],
  ['flags', 's.flags'],
];

/** The columns of `sp` that `SPAN_FIELDS` reads, besides the flags. */
const KEPT_SPAN_COLUMNS =
  's.src, s.row, s.key, s.span_id, s.parent_span_id, s.resource_id, s.scope_id, s.name, s.kind, ' +
  's.start_unix_nano, s.duration_nano, s.status_code, s.status_message';

/**
 * An attribute row as JSON can carry it (`StoredAttr`), with only the value columns given (the
 * others null): 64-bit integers and doubles as text (`to_json` writes NaN and infinities as
 * bare words, which JSON.parse refuses).
 */
function attrStruct(columns: ReadonlySet<ValueColumn>): string {
  const d = `CASE WHEN isnan(d) THEN 'NaN' WHEN d = 'Infinity'::DOUBLE THEN 'Infinity'
    WHEN d = '-Infinity'::DOUBLE THEN '-Infinity' ELSE d::VARCHAR END`;
  const value: Record<ValueColumn, string> = { s: 's', i: 'i::VARCHAR', d, b: 'b' };
  const fields = (['s', 'i', 'd', 'b'] as const).map(
    (c) => `'${c}': ${columns.has(c) ? value[c] : 'NULL'}`,
  );
  return `{'k': k, 't': t, ${fields.join(', ')}}`;
}

/** The columns of a span row (`spansByRowSql`, `traceSpansSql`), for `DuckDb.columns`. */
export const SPAN_ROW_COLUMNS: readonly string[] = SPAN_FIELDS.map(([name]) => name);

const SPAN_COLUMNS = SPAN_FIELDS.map(([name, expr]) => `${expr} AS ${name}`).join(', ');
const SPAN_STRUCT = `{${SPAN_FIELDS.map(([name, expr]) => `'${name}': ${expr}`).join(', ')}}`;

/** Which of the compiled filters' tables a statement needs. */
export function uses(filters: readonly CompiledFilter[], table: string): boolean {
  return filters.some((f) => f.sql.includes(table));
}

/** Some filter compares span attributes (which are read from `attrs.parquet`). */
export function readsSpanAttributes(filters: readonly CompiledFilter[]): boolean {
  return uses(filters, 'span_attrs');
}

/** The right side of `trace_id IN …`. */
function traceIdSet(ids: readonly string[]): string {
  for (const id of ids) if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`not a trace id: ${id}`);
  return plainStringSet(ids);
}

/**
 * Up to this many traces chosen, a candidate statement counts and picks the first spans of the
 * chosen ones only (see `candidateTracesSql`).
 */
const PICK_AFTER_LIMIT = 1000;

/** Above this many row ranges, an attribute scan reads the whole file rather than test them all. */
const MAX_ROW_RANGES = 8;

/**
 * The CTEs over `sources` that compiled filters read: `sp`, one row per span (`src`, `row`, and
 * `key` = src << 32 | row, which `span_attrs` rows share), and whichever of `span_attrs`,
 * `resource_attrs`, `scope_attrs` and `scopes` (and the `events`/`links` columns) `needs` names.
 */
export function filterSourceCtes(
  sources: readonly SearchSource[],
  needs: (table: string) => boolean,
  scan?: string,
): string[] {
  const lists = `${needs('s.events') ? ', events' : ''}${needs('s.links') ? ', links' : ''}`;
  const spans = sources
    .map(
      (b, i) =>
        `SELECT ${i}::UBIGINT AS src, file_row_number AS row, ((${i}::UBIGINT << 32) | file_row_number::UBIGINT) AS key,
         trace_id, span_id, parent_span_id, name, kind, status_code, status_message, start_unix_nano,
         duration_nano, service_name, resource_id, scope_id${lists}
         FROM read_parquet(${blockFile(b.dir, DATA_FILE)}, file_row_number = true)${where([
           b.traceIds === undefined ? undefined : `trace_id IN ${traceIdSet(b.traceIds)}`,
           scan,
         ])}`,
    )
    .join('\n UNION ALL ');
  const ctes = [`sp AS (${spans})`];
  if (needs('span_attrs')) {
    const attrs = sources
      .map((b, i) => {
        const rows =
          b.rows === undefined || b.rows.length > MAX_ROW_RANGES
            ? ''
            : ` WHERE ${b.rows.length === 0 ? 'false' : b.rows.map(([r, n]) => `span_row BETWEEN ${Math.trunc(r)} AND ${Math.trunc(r + n - 1)}`).join(' OR ')}`;
        return `SELECT ((${i}::UBIGINT << 32) | span_row::UBIGINT) AS key, k, t, s, i, d, b FROM read_parquet(${blockFile(b.dir, ATTRS_FILE)})${rows}`;
      })
      .join(' UNION ALL ');
    // Materialized: read first, with the uses' conditions pushed into the scans, it is small;
    // inlined, its scans run beside the span scan and can pass the memory limit.
    ctes.push(`span_attrs AS MATERIALIZED (${attrs})`);
  }
  const files = (name: string) => `[${sources.map((b) => blockFile(b.dir, name)).join(', ')}]`;
  if (needs('resource_attrs')) {
    ctes.push(
      `resource_attrs AS (SELECT resource_id, unnest(attrs, recursive := true) FROM read_parquet(${files(RESOURCES_FILE)}))`,
    );
  }
  if (needs('scope_attrs')) {
    ctes.push(
      `scope_attrs AS (SELECT scope_id, unnest(attrs, recursive := true) FROM read_parquet(${files(SCOPES_FILE)}))`,
    );
  }
  if (needs('FROM scopes')) {
    ctes.push(
      `scopes AS (SELECT scope_id, name, version FROM read_parquet(${files(SCOPES_FILE)}))`,
    );
  }
  return ctes;
}

function where(conditions: readonly (string | undefined)[]): string {
  const list = conditions.filter((c) => c !== undefined);
  return list.length === 0 ? '' : ` WHERE ${list.map((c) => `(${c})`).join(' AND ')}`;
}

/**
 * A condition for the Parquet scan that every span flagged by one of the filters `which` names
 * meets (their scan conditions OR-ed), when each has one.
 */
export function scanCondition(
  filters: readonly CompiledFilter[],
  which: (i: number) => boolean,
): string | undefined {
  const scans: string[] = [];
  for (const [i, f] of filters.entries()) {
    if (!which(i)) continue;
    if (f.scan === undefined) return undefined;
    scans.push(`(${f.scan})`);
  }
  return scans.length === 0 ? undefined : scans.join(' OR ');
}

/** The flags of span `s`: bit i set when compiled filter i holds (only the filters `which` names). */
function flagsSql(filters: readonly CompiledFilter[], which: (i: number) => boolean): string {
  const terms = filters.flatMap((f, i) =>
    which(i) ? [`(CASE WHEN ${f.sql} THEN ${2 ** i} ELSE 0 END)`] : [],
  );
  return terms.length === 0 ? '0::UBIGINT' : `(${terms.join(' + ')})::UBIGINT`;
}

/** `traces.parquet` of every source, with its `src`. */
function summaryUnion(sources: readonly SearchSource[], columns: string): string {
  return sources
    .map((b, i) => {
      const where = b.traceIds === undefined ? '' : ` WHERE trace_id IN ${traceIdSet(b.traceIds)}`;
      return `SELECT ${i}::UBIGINT AS src, ${columns} FROM read_parquet(${blockFile(b.dir, TRACES_FILE)})${where}`;
    })
    .join('\n UNION ALL ');
}

export interface CandidateSqlOptions {
  /** One per block, in `src` order; whole blocks (no `traceIds`). */
  sources: readonly SearchSource[];
  /** Compiled filters, bit i of the flags for filter i. */
  filters: readonly CompiledFilter[];
  /** A condition on the per-trace aggregates `any_i` (some span has flag i) and `count_i`. */
  tracePredicate: string;
  /** The predicate fails for a trace without a span flagged by a filter other than `true`. */
  needsFlag: boolean;
  /** Traces to leave out (judged elsewhere); validated 32-hex. */
  excludeTraceIds?: readonly string[];
  /** Traces must overlap this range (unix nanoseconds). */
  startNs?: bigint;
  endNs?: bigint;
  /** Only the newest `limit` traces (by start, then id). */
  limit?: number;
  /**
   * Also what a page needs when the flags decide the query (`SearchPlan.sqlDecides`): per trace
   * `matched` (its flagged spans; all its spans when a filter is a plain `true`) and `firsts`, its
   * first `firstPerTrace` flagged spans in trace order as `SPAN_FIELDS` objects, in no order (null
   * when every span is flagged: they are then a block's first rows of the trace), and per block
   * the trace's root and services from `traces.parquet`.
   */
  firstPerTrace?: number;
  /**
   * With `firstPerTrace`, whether `firsts` are the spans themselves, taken from the flagged spans
   * kept in memory (default), or their keys (`src << 32 | row`) to read afterwards, which holds
   * far less memory when filters flag many spans.
   */
  keepSpans?: boolean;
  /**
   * With the first spans kept, the span attribute keys a page reports that every flagged span
   * holds rows of (`CompiledFilter.spanRows`): each first span then carries `a`, for each key a
   * row that meets its condition (the smallest value when the key repeats within the span), as
   * the JSON-safe `StoredAttr` form.
   */
  reported?: ReadonlyMap<string, SpanRows>;
}

/**
 * The traces of the blocks that can match, found without reading them whole: the spans that
 * filters other than a plain `true` flag are grouped by trace, the trace predicate is judged on
 * those per-trace aggregates (a plain `true` filter counts every span, from `traces.parquet`),
 * and the trace's time range comes from `traces.parquet`. One row per candidate trace and block holding it: `t`,
 * the trace's `st` and `en` (all blocks), and the block's `src`, first row `r` and row count `n`.
 */
export function candidateTracesSql(o: CandidateSqlOptions): string {
  const trivial = (i: number) => o.filters[i]?.sql === 'true' || o.filters[i]?.sql === 'false';
  const scanned = o.filters.some((_, i) => !trivial(i));
  const first = o.firstPerTrace !== undefined ? Math.max(1, Math.trunc(o.firstPerTrace)) : 0;
  // With a plain `true` filter every span of a matching trace is in its spanset.
  const everySpan = o.filters.some((f) => f.sql === 'true');
  const ctes = scanned
    ? filterSourceCtes(
        o.sources,
        (table) => uses(o.filters, table),
        // Only flagged spans are read: the scan can skip the others.
        scanCondition(o.filters, (i) => !trivial(i)),
      )
    : [];
  ctes.push(
    `sums AS (${summaryUnion(o.sources, 'trace_id, first_row, span_count, start_unix_nano, end_unix_nano')})`,
  );
  const perTrace: string[] = [];
  const aggregates: string[] = [];
  o.filters.forEach((f, i) => {
    if (f.sql === 'true') {
      perTrace.push(`true AS any_${i}`, `sum(t.span_count) AS count_${i}`);
    } else if (f.sql === 'false') {
      perTrace.push(`false AS any_${i}`, `0 AS count_${i}`);
    } else {
      aggregates.push(
        `bool_or(flags & ${2 ** i} <> 0) AS any_${i}`,
        `count_if(flags & ${2 ** i} <> 0) AS count_${i}`,
      );
      perTrace.push(
        `coalesce(any_value(a.any_${i}), false) AS any_${i}`,
        `coalesce(any_value(a.count_${i}), 0) AS count_${i}`,
      );
    }
  });
  let picked = '';
  // With few traces chosen, their counts and first spans are taken after the choice, from the
  // flagged spans kept in memory, not computed for every trace.
  const pickAfter =
    first > 0 && scanned && !everySpan && o.limit !== undefined && o.limit <= PICK_AFTER_LIMIT;
  if (first > 0) {
    if (everySpan || !scanned) {
      perTrace.push('sum(t.span_count) AS matched', 'NULL::UBIGINT[] AS firsts');
      picked = ', matched, firsts';
    } else if (!pickAfter) {
      aggregates.push(
        'count(*) AS matched',
        `arg_min(key, (start_unix_nano, span_id), ${first}) AS firsts`,
      );
      perTrace.push('any_value(a.matched) AS matched', 'any_value(a.firsts) AS firsts');
      picked = ', matched, firsts';
    }
  }
  // The first flagged spans are taken from the flagged spans kept in memory, with what a page
  // reports of them, rather than read again from the blocks.
  const keepSpans = first > 0 && scanned && !everySpan && o.keepSpans !== false;
  let join = '';
  if (scanned) {
    const spanColumns = keepSpans
      ? `, ${KEPT_SPAN_COLUMNS}`
      : first > 0 && !everySpan
        ? ', s.key, s.start_unix_nano, s.span_id'
        : '';
    ctes.push(
      `m AS${keepSpans || pickAfter ? ' MATERIALIZED' : ''} (SELECT * FROM (SELECT s.trace_id${spanColumns}, ${flagsSql(o.filters, (i) => !trivial(i))} AS flags FROM sp s) WHERE flags <> 0)`,
      `agg AS (SELECT trace_id, ${aggregates.join(', ')} FROM m GROUP BY trace_id)`,
    );
    join = ` ${o.needsFlag ? '' : 'LEFT '}JOIN agg a USING (trace_id)`;
  }
  const exclude =
    o.excludeTraceIds !== undefined && o.excludeTraceIds.length > 0
      ? ` WHERE t.trace_id NOT IN ${traceIdSet(o.excludeTraceIds)}`
      : '';
  ctes.push(
    `tr AS (SELECT t.trace_id, min(t.start_unix_nano) AS st, max(t.end_unix_nano) AS en${perTrace.map((x) => `, ${x}`).join('')}
      FROM sums t${join}${exclude} GROUP BY t.trace_id)`,
  );
  const where = [o.tracePredicate];
  if (o.startNs !== undefined) where.push(`en >= ${o.startNs}`);
  if (o.endNs !== undefined) where.push(`st <= ${o.endNs}`);
  const limit =
    o.limit === undefined ? '' : ` ORDER BY st DESC, trace_id LIMIT ${Math.trunc(o.limit)}`;
  ctes.push(
    `c AS (SELECT trace_id, st, en${picked} FROM tr WHERE ${where.map((w) => `(${w})`).join(' AND ')}${limit})`,
  );
  if (pickAfter) {
    ctes.push(
      `p AS (SELECT trace_id, count(*) AS matched, arg_min(key, (start_unix_nano, span_id), ${first}) AS firsts
        FROM m WHERE trace_id IN (SELECT trace_id FROM c) GROUP BY trace_id)`,
    );
  }
  if (first > 0) {
    // Roots and services only for the chosen traces: a second, narrow read of traces.parquet.
    ctes.push(
      `roots AS (SELECT * FROM (${summaryUnion(o.sources, 'trace_id, root_name, root_service, root_start, services')}) WHERE trace_id IN (SELECT trace_id FROM c))`,
    );
  }
  const from = pickAfter ? 'p' : 'c';
  if (keepSpans) {
    ctes.push(`fk AS (SELECT trace_id, unnest(firsts) AS key FROM ${from})`);
    const reported = [...(o.reported ?? [])];
    if (reported.length > 0) {
      // The reported keys' rows of the first spans, from the rows the filters already kept; only
      // the value columns their conditions read (any other costs a read of that column).
      const rows = reported.map(([k, r]) => `(k = ${sqlString(k)} AND (${r.cond}))`).join(' OR ');
      const columns = new Set(reported.flatMap(([, r]) => r.columns));
      ctes.push(
        `ra AS (SELECT key, list(a) AS a FROM (SELECT key, min(${attrStruct(columns)}) AS a FROM span_attrs
          WHERE (${rows}) AND key IN (SELECT key FROM fk) GROUP BY key, k) GROUP BY key)`,
        // SPAN_STRUCT with one more field, `a`.
        `fs AS (SELECT fk.trace_id, list(${SPAN_STRUCT.slice(0, -1)}, 'a': coalesce(ra.a, [])}) AS firsts
          FROM fk JOIN m s USING (key) LEFT JOIN ra USING (key) GROUP BY fk.trace_id)`,
      );
    } else {
      ctes.push(
        `fs AS (SELECT fk.trace_id, list(${SPAN_STRUCT}) AS firsts FROM fk JOIN m s USING (key) GROUP BY fk.trace_id)`,
      );
    }
  }
  const firsts = keepSpans ? 'f.firsts' : `${from}.firsts`;
  const extra =
    first > 0
      ? `, ${from}.matched, ${firsts}, x.root_name, x.root_service, x.root_start::VARCHAR AS root_start,
      x.services, s.start_unix_nano::VARCHAR AS bst, s.end_unix_nano::VARCHAR AS ben`
      : '';
  return `WITH ${ctes.join(',\n')}
    SELECT c.trace_id AS t, c.st::VARCHAR AS st, c.en::VARCHAR AS en, s.src, s.first_row AS r,
      s.span_count AS n${extra}
    FROM c JOIN sums s USING (trace_id)${first > 0 ? ' JOIN roots x USING (trace_id, src)' : ''}${pickAfter ? ' JOIN p USING (trace_id)' : ''}${keepSpans ? ' JOIN fs f USING (trace_id)' : ''}`;
}

export interface SummaryCandidateSqlOptions {
  /** One per block, in `src` order; whole blocks. */
  sources: readonly SearchSource[];
  /** Per filter, its `CompiledFilter.summary` (`true` when it has none). */
  summaries: readonly string[];
  /** A condition on `any_i`, as `CandidateSqlOptions.tracePredicate`, with no `count_i`. */
  tracePredicate: string;
  excludeTraceIds?: readonly string[];
  startNs?: bigint;
  endNs?: bigint;
}

/**
 * The traces whose summaries may satisfy the trace predicate, `any_i` standing for "a block's
 * row of the trace meets filter i's summary condition": a superset of `candidateTracesSql`'s
 * traces (without `firstPerTrace`), in its rows, found from `traces.parquet` alone. Each row also
 * carries the block's summary of the trace, as `traceSummariesSql` gives it (`bst`, `ben`: the
 * block's time range of the trace).
 */
export function summaryCandidatesSql(o: SummaryCandidateSqlOptions): string {
  const anys = o.summaries.map((c, i) => `bool_or(${c}) AS any_${i}`).join(', ');
  const exclude =
    o.excludeTraceIds !== undefined && o.excludeTraceIds.length > 0
      ? ` WHERE trace_id NOT IN ${traceIdSet(o.excludeTraceIds)}`
      : '';
  const where = [o.tracePredicate];
  if (o.startNs !== undefined) where.push(`en >= ${o.startNs}`);
  if (o.endNs !== undefined) where.push(`st <= ${o.endNs}`);
  return `WITH sums AS MATERIALIZED (${summaryUnion(o.sources, 'trace_id, first_row, span_count, start_unix_nano, end_unix_nano, root_name, root_service, root_start, services')}),
    tr AS (SELECT trace_id, min(start_unix_nano) AS st, max(end_unix_nano) AS en, ${anys}
      FROM sums${exclude} GROUP BY trace_id),
    c AS (SELECT trace_id, st, en FROM tr WHERE ${where.map((w) => `(${w})`).join(' AND ')})
    SELECT c.trace_id AS t, c.st::VARCHAR AS st, c.en::VARCHAR AS en, s.src, s.first_row AS r,
      s.span_count AS n, s.root_name, s.root_service, s.root_start::VARCHAR AS root_start,
      s.services, s.start_unix_nano::VARCHAR AS bst, s.end_unix_nano::VARCHAR AS ben
    FROM c JOIN sums s USING (trace_id)`;
}

/**
 * Data rows of some blocks with what a search reports of a span (see `SPAN_FIELDS`; `flags` 0):
 * `rows[i]` are the rows of `sources[i]`. Row numbers prune the row groups read.
 */
export function spansByRowSql(
  sources: readonly { dir: string; rows: readonly number[] }[],
): string {
  const parts = sources.flatMap((b, i) =>
    b.rows.length === 0
      ? []
      : [
          `SELECT ${i}::UBIGINT AS src, file_row_number AS row, 0::UBIGINT AS flags, *
          FROM read_parquet(${blockFile(b.dir, DATA_FILE)}, file_row_number = true)
          WHERE file_row_number IN ${integerSet(b.rows)}`,
        ],
  );
  if (parts.length === 0) return 'SELECT NULL AS t WHERE false';
  return `SELECT ${SPAN_COLUMNS} FROM (${parts.join('\n UNION ALL ')}) s`;
}

export interface TraceSpansSqlOptions {
  /** One per block, in `src` order, each with the traces to read. */
  sources: readonly SearchSource[];
  filters: readonly CompiledFilter[];
  /** Every span of the traces, not only flagged ones. */
  allSpans: boolean;
  /**
   * Only the first `firstPerTrace` flagged spans of each trace (in trace order), each row with
   * `matched`, the trace's count of flagged spans.
   */
  firstPerTrace?: number;
}

/** The spans of some traces with their filter `flags` (see `SPAN_FIELDS`). */
export function traceSpansSql(o: TraceSpansSqlOptions): string {
  const ctes = filterSourceCtes(
    o.sources,
    (table) => uses(o.filters, table),
    o.allSpans ? undefined : scanCondition(o.filters, () => true),
  );
  ctes.push(`f AS (SELECT s.*, ${flagsSql(o.filters, () => true)} AS flags FROM sp s)`);
  const where = o.allSpans ? '' : ' WHERE s.flags <> 0';
  if (o.firstPerTrace !== undefined) {
    return `WITH ${ctes.join(',\n')}
      SELECT matched, unnest(first, recursive := true) FROM (
        SELECT count(*) AS matched,
          arg_min(${SPAN_STRUCT}, (s.start_unix_nano, s.span_id), ${Math.trunc(o.firstPerTrace)}) AS first
        FROM f s${where} GROUP BY s.trace_id)`;
  }
  return `WITH ${ctes.join(',\n')}
    SELECT ${SPAN_COLUMNS} FROM f s${where}`;
}

/**
 * The `traces.parquet` rows of some traces: per block, the trace's time range, first data row `r`
 * and row count `n`, root span (when the block holds it) and span and error counts per service.
 */
/** The columns of `traceSummariesSql`, for `DuckDb.columns`. */
export const SUMMARY_COLUMNS: readonly string[] = [
  'src',
  't',
  'st',
  'en',
  'r',
  'n',
  'root_name',
  'root_service',
  'root_start',
  'services',
];

export function traceSummariesSql(sources: readonly SearchSource[]): string {
  return summaryUnion(
    sources,
    `trace_id AS t, start_unix_nano::VARCHAR AS st, end_unix_nano::VARCHAR AS en,
     first_row AS r, span_count AS n, root_name, root_service, root_start::VARCHAR AS root_start, services`,
  );
}
