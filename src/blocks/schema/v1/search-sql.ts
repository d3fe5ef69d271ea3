/**
 * TraceQL spanset filters compiled to per-span SQL over blocks (docs/rfc/0001-traceql-engine.md).
 *
 * Each `{…}` becomes a boolean over the span relation `s` of `searchSpansSql`: exact where the
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
import { sqlString } from '../../duckdb/db.js';
import { ATTRS_FILE, DATA_FILE, RESOURCES_FILE, SCOPES_FILE } from './sql.js';

/** A compiled filter: `sql` holds for every span the filter matches; `exact` when it is the filter. */
export interface CompiledFilter {
  sql: string;
  exact: boolean;
}

const TRUE: CompiledFilter = { sql: 'true', exact: true };
const FALSE: CompiledFilter = { sql: 'false', exact: true };
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

/** Compiles the body of a `{…}`. */
export function compileFilter(expr: FieldExpr): CompiledFilter {
  switch (expr.kind) {
    case 'Static':
      return expr.type === 'bool' ? (expr.value ? TRUE : FALSE) : UNKNOWN;
    case 'Attribute':
      // `{ .a }` matches when .a is the boolean true.
      return attributeCondition(expr, '=', { kind: 'Static', type: 'bool', value: true });
    case 'Intrinsic':
      return UNKNOWN;
    case 'UnaryOp':
      if (expr.op !== '!') return UNKNOWN;
      return not(compileFilter(expr.expr));
    case 'BinaryOp':
      return binary(expr);
  }
}

function not(c: CompiledFilter): CompiledFilter {
  return c.exact ? { sql: `NOT (${c.sql})`, exact: true } : UNKNOWN;
}

function binary(e: BinaryOp): CompiledFilter {
  if (e.op === '&&' || e.op === '||') {
    const l = compileFilter(e.lhs);
    const r = compileFilter(e.rhs);
    const sqlOp = e.op === '&&' ? 'AND' : 'OR';
    return { sql: `(${l.sql}) ${sqlOp} (${r.sql})`, exact: l.exact && r.exact };
  }
  if (!isComparison(e.op)) return UNKNOWN;
  if (e.rhs.kind === 'Static') return comparison(e.lhs, e.op, e.rhs);
  const flipped = FLIPPED[e.op];
  if (e.lhs.kind === 'Static' && flipped !== undefined) return comparison(e.rhs, flipped, e.lhs);
  return UNKNOWN;
}

function isComparison(op: string): op is Op {
  return op in FLIPPED;
}

function comparison(field: FieldExpr, op: Op, lit: Static): CompiledFilter {
  if (field.kind === 'Static') return UNKNOWN;
  if (field.kind === 'Attribute') return attributeCondition(field, op, lit);
  if (field.kind === 'Intrinsic') return intrinsicCondition(field, op, lit);
  return UNKNOWN;
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
 * comparison: a scalar compares itself; an array (t = 6) matches `=`, `=~` and orderings when
 * some element does, `!=` and `!~` when every element does (Tempo's "none equal").
 */
function attrRowCondition(op: Op, lit: Static): string {
  const scalar = valueCondition('', op, lit);
  const element = valueCondition('e.', op, lit);
  const all = op === '!=' || op === '!~';
  const array = all
    ? `len(list_filter(${ARRAY_ELEMENTS}, e -> NOT coalesce(${element}, false))) = 0`
    : `len(list_filter(${ARRAY_ELEMENTS}, e -> coalesce(${element}, false))) > 0`;
  return `((t <> 6 AND ${scalar}) OR (t = 6 AND ${array}))`;
}

/** Spans (as `src`/`row` keys) with the span attribute `key` whose row meets `cond`. */
function spanAttr(key: string, cond: string | undefined): string {
  const where = cond === undefined ? '' : ` AND ${cond}`;
  return `s.key IN (SELECT key FROM span_attrs WHERE k = ${sqlString(key)}${where})`;
}

function resourceAttr(key: string, cond: string | undefined): string {
  const where = cond === undefined ? '' : ` AND ${cond}`;
  return `s.resource_id IN (SELECT resource_id FROM resource_attrs WHERE k = ${sqlString(key)}${where})`;
}

function scopeAttr(key: string, cond: string | undefined): string {
  const where = cond === undefined ? '' : ` AND ${cond}`;
  return `s.scope_id IN (SELECT scope_id FROM scope_attrs WHERE k = ${sqlString(key)}${where})`;
}

function attributeCondition(a: Attribute, op: Op, lit: Static): CompiledFilter {
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
  const cond = attrRowCondition(op, lit);
  if (a.scope === 'unscoped') {
    // The span's value when the span has the key, the resource's otherwise.
    return {
      sql: `CASE WHEN ${spanAttr(a.name, undefined)} THEN ${spanAttr(a.name, cond)} ELSE ${resourceAttr(a.name, cond)} END`,
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
    };
  }
  if (lookup === undefined) return UNKNOWN; // event and link attributes: judged per event/link in JS
  return { sql: lookup(a.name, cond), exact: true };
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

function intrinsicCondition(i: Intrinsic, op: Op, lit: Static): CompiledFilter {
  const exact = (sql: string): CompiledFilter => ({ sql: `coalesce(${sql}, false)`, exact: true });
  switch (i.intrinsic) {
    case 'duration':
      return exact(numberColumn('s.duration_nano', op, lit));
    case 'name':
      return exact(stringColumn('s.name', op, lit));
    case 'statusMessage':
      return exact(stringColumn('s.status_message', op, lit));
    case 'status':
      return exact(
        enumColumn('s.status_code', op, lit.type === 'status' ? STATUS_CODE[lit.value] : undefined),
      );
    case 'kind':
      return exact(
        enumColumn('s.kind', op, lit.type === 'kind' ? KIND_CODE[lit.value] : undefined),
      );
    case 'spanId':
      return exact(idColumn('s.span_id', "format('{:016x}', s.span_id)", op, lit));
    case 'parentId':
      return exact(idColumn('s.parent_span_id', "format('{:016x}', s.parent_span_id)", op, lit));
    case 'traceId': {
      const id = hexId(lit, 32);
      if (id !== undefined && (op === '=' || op === '!='))
        return exact(`s.trace_id ${op} ${sqlString(id)}`);
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

// ---- the statement ----

/** A block as search reads it: its directory and its position in the source list. */
export interface SearchSource {
  dir: string;
}

function blockFile(dir: string, file: string): string {
  return sqlString(`${dir}/${file}`);
}

/** Columns each search row carries (all the JavaScript side needs to judge and report a span). */
export const SEARCH_COLUMNS = `s.src, s.row, s.trace_id AS t, format('{:016x}', s.span_id) AS s,
  CASE WHEN s.parent_span_id = 0 THEN '' ELSE format('{:016x}', s.parent_span_id) END AS p,
  s.resource_id AS r, s.scope_id AS c, s.name AS n, s.kind AS k, s.start_unix_nano AS st,
  s.start_unix_nano + s.duration_nano AS en, s.status_code AS sc, s.status_message AS sm`;

export interface SearchSqlOptions {
  /** One per block, in `src` order. */
  sources: readonly SearchSource[];
  /** Compiled filters, bit i of `flags` for filter i. */
  filters: readonly CompiledFilter[];
  /** A condition on the per-trace aggregates `any_i` (some span has flag i) and `count_i`. */
  tracePredicate: string;
  /** Return every span of a kept trace (tree needed), not only flagged ones. */
  allSpans: boolean;
  /** Traces to keep whole whatever their flags (they have spans elsewhere); validated 32-hex. */
  alsoTraceIds?: readonly string[];
  /** Traces must overlap this range (unix nanoseconds). */
  startNs?: bigint;
  endNs?: bigint;
}

/** Which of the compiled filters' tables a statement needs. */
function uses(filters: readonly CompiledFilter[], table: string): boolean {
  return filters.some((f) => f.sql.includes(table));
}

function traceIdList(ids: readonly string[]): string {
  return ids
    .map((id) => {
      if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`not a trace id: ${id}`);
      return `'${id}'`;
    })
    .join(', ');
}

/**
 * The CTEs over `sources` that compiled filters read: `sp`, one row per span (`src`, `row`, and
 * `key` = src << 32 | row, which `span_attrs` rows share), and whichever of `span_attrs`,
 * `resource_attrs`, `scope_attrs` and `scopes` (and the `events`/`links` columns) `needs` names.
 */
export function filterSourceCtes(
  sources: readonly SearchSource[],
  needs: (table: string) => boolean,
): string[] {
  const lists = `${needs('s.events') ? ', events' : ''}${needs('s.links') ? ', links' : ''}`;
  const spans = sources
    .map(
      (b, i) =>
        `SELECT ${i}::UBIGINT AS src, file_row_number AS row, (${i}::UBIGINT << 32) | file_row_number AS key,
         trace_id, span_id, parent_span_id, name, kind, status_code, status_message, start_unix_nano,
         duration_nano, service_name, resource_id, scope_id${lists}
         FROM read_parquet(${blockFile(b.dir, DATA_FILE)}, file_row_number = true)`,
    )
    .join('\n UNION ALL ');
  const ctes = [`sp AS (${spans})`];
  if (needs('span_attrs')) {
    const attrs = sources
      .map(
        (b, i) =>
          `SELECT (${i}::UBIGINT << 32) | span_row AS key, k, t, s, i, d, b FROM read_parquet(${blockFile(b.dir, ATTRS_FILE)})`,
      )
      .join(' UNION ALL ');
    ctes.push(`span_attrs AS (${attrs})`);
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

/**
 * One statement over the blocks: per span, the flags of the compiled filters; per trace, the
 * aggregates that decide whether it can match. It returns two kinds of rows: `kind` 0, a span to
 * judge (flagged, or any span of the trace when `allSpans`), and `kind` 1, per kept trace and
 * service, the span and error counts, the time range and the root span if that service has it.
 */
export function searchSpansSql(o: SearchSqlOptions): string {
  const ctes = filterSourceCtes(o.sources, (table) => uses(o.filters, table));
  const flags =
    o.filters.length === 0
      ? '0'
      : o.filters.map((f, i) => `(CASE WHEN ${f.sql} THEN ${2 ** i} ELSE 0 END)`).join(' + ');
  ctes.push(`f AS (SELECT s.*, (${flags})::UBIGINT AS flags FROM sp s)`);
  const aggregates = o.filters.flatMap((_, i) => [
    `bool_or(flags & ${2 ** i} <> 0) AS any_${i}`,
    `count_if(flags & ${2 ** i} <> 0) AS count_${i}`,
  ]);
  const overlap: string[] = [];
  if (o.startNs !== undefined) overlap.push(`max(start_unix_nano + duration_nano) >= ${o.startNs}`);
  if (o.endNs !== undefined) overlap.push(`min(start_unix_nano) <= ${o.endNs}`);
  let having = [o.tracePredicate, ...overlap].map((c) => `(${c})`).join(' AND ');
  const also =
    o.alsoTraceIds !== undefined && o.alsoTraceIds.length > 0
      ? traceIdList(o.alsoTraceIds)
      : undefined;
  if (also !== undefined) having = `(${having}) OR trace_id IN (${also})`;
  ctes.push(
    `tr AS (SELECT trace_id${aggregates.length > 0 ? ', ' + aggregates.join(', ') : ''} FROM f GROUP BY trace_id HAVING ${having})`,
  );
  ctes.push('kept AS (SELECT f.* FROM f SEMI JOIN tr USING (trace_id))');
  let keep = o.allSpans ? 'true' : 'flags <> 0';
  if (also !== undefined && !o.allSpans) keep = `${keep} OR trace_id IN (${also})`;
  return `WITH ${ctes.join(',\n')}
    SELECT 0 AS kind, ${SEARCH_COLUMNS}, s.flags FROM kept s WHERE ${keep}
    UNION ALL BY NAME
    SELECT 1 AS kind, trace_id AS t, service_name AS sv, count(*) AS cnt,
      count_if(status_code = 2) AS errors, min(start_unix_nano) AS st,
      max(start_unix_nano + duration_nano) AS en,
      arg_min(name, start_unix_nano) FILTER (WHERE parent_span_id = 0) AS root_name,
      min(start_unix_nano) FILTER (WHERE parent_span_id = 0) AS root_st
    FROM kept GROUP BY trace_id, service_name`;
}
