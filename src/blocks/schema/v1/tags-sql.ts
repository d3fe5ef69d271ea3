/**
 * Tag names and tag values over blocks (Tempo's `/api/v2/search/tags` and
 * `/api/v2/search/tag/{name}/values`): distinct attribute keys per scope, and the distinct stored
 * values of one attribute or intrinsic column.
 *
 * Without a filter the statements read the files directly (the attribute key columns and the
 * dictionaries of resources and scopes), which is cheap. With a filter (a `compileFilter` result
 * for the `q` parameter) they first select the matching spans as `m`, over the same span relation
 * `s` and tables (`sp`, `span_attrs`, `resource_attrs`, `scope_attrs`, `scopes`) that
 * `candidateTracesSql` gives compiled filters, and read keys and values of those spans only.
 */
import { sqlString } from '../../duckdb/db.js';
import { ATTRS_FILE, DATA_FILE, RESOURCES_FILE, SCOPES_FILE } from './sql.js';
import { filterSourceCtes } from './search-sql.js';

/** Scopes whose attribute keys a block holds. */
export type TagAttributeScope = 'span' | 'resource' | 'instrumentation' | 'event' | 'link';

/** Intrinsics whose values come from block columns. */
export type TagIntrinsicColumn =
  | 'name'
  | 'statusMessage'
  | 'rootName'
  | 'rootServiceName'
  | 'traceId'
  | 'spanId'
  | 'parentId'
  | 'eventName'
  | 'linkTraceId'
  | 'linkSpanId'
  | 'instrumentationName'
  | 'instrumentationVersion';

/** What to list the values of. */
export type TagValuesSqlTarget =
  | { kind: 'attribute'; scopes: readonly TagAttributeScope[]; name: string }
  | { kind: 'intrinsic'; column: TagIntrinsicColumn };

export interface TagSqlSource {
  dir: string;
}

export interface TagNamesSqlOptions {
  sources: readonly TagSqlSource[];
  scopes: readonly TagAttributeScope[];
  /** A per-span SQL condition over `s` (`compileFilter(...).sql`); all spans when absent. */
  filter?: string;
}

export interface TagValuesSqlOptions {
  sources: readonly TagSqlSource[];
  target: TagValuesSqlTarget;
  /** As in TagNamesSqlOptions. */
  filter?: string;
}

function files(sources: readonly TagSqlSource[], name: string): string {
  return `read_parquet([${sources.map((b) => sqlString(`${b.dir}/${name}`)).join(', ')}])`;
}

/** Event and link attributes as one row each (`a` is the attribute struct). */
const listAttrs = (column: 'events' | 'links'): string =>
  `unnest(flatten(list_transform(${column}, x -> x.attrs)))`;

/**
 * The CTEs a filtered statement needs: `sp` (one row per span, keyed as in `filterSourceCtes`),
 * the tables the filter mentions, and `m`, the spans matching it. `extra` names tables the
 * statement reads besides the filter's. Without a filter, nothing.
 */
function matchedCtes(
  sources: readonly TagSqlSource[],
  filter: string | undefined,
  extra: readonly string[],
): string {
  if (filter === undefined) return '';
  const uses = (table: string): boolean => filter.includes(table) || extra.includes(table);
  const ctes = filterSourceCtes(sources, uses);
  ctes.push(`m AS (SELECT * FROM sp s WHERE coalesce(${filter}, false))`);
  return `WITH ${ctes.join(',\n')}\n`;
}

/** Tables a statement part reads, so that `matchedCtes` defines them. */
const NAME_TABLES: Record<TagAttributeScope, string> = {
  span: 'span_attrs',
  resource: 'resource_attrs',
  instrumentation: 'scope_attrs',
  event: 's.events',
  link: 's.links',
};

function namesPart(
  scope: TagAttributeScope,
  sources: readonly TagSqlSource[],
  filtered: boolean,
): string {
  const tag = sqlString(scope);
  switch (scope) {
    case 'span':
      return filtered
        ? `SELECT DISTINCT ${tag} AS scope, k FROM span_attrs WHERE key IN (SELECT key FROM m)`
        : `SELECT DISTINCT ${tag} AS scope, k FROM ${files(sources, ATTRS_FILE)}`;
    case 'resource':
      return filtered
        ? `SELECT DISTINCT ${tag} AS scope, k FROM resource_attrs WHERE resource_id IN (SELECT resource_id FROM m)`
        : `SELECT DISTINCT ${tag} AS scope, a.k AS k FROM (SELECT unnest(attrs) AS a FROM ${files(sources, RESOURCES_FILE)})`;
    case 'instrumentation':
      return filtered
        ? `SELECT DISTINCT ${tag} AS scope, k FROM scope_attrs WHERE scope_id IN (SELECT scope_id FROM m)`
        : `SELECT DISTINCT ${tag} AS scope, a.k AS k FROM (SELECT unnest(attrs) AS a FROM ${files(sources, SCOPES_FILE)})`;
    case 'event':
    case 'link': {
      const column = scope === 'event' ? 'events' : 'links';
      const from = filtered ? 'm' : files(sources, DATA_FILE);
      return `SELECT DISTINCT ${tag} AS scope, a.k AS k FROM (SELECT ${listAttrs(column)} AS a FROM ${from} WHERE len(${column}) > 0)`;
    }
  }
}

/** Rows `(scope, k)`: the distinct attribute keys of each asked scope (unordered). */
export function tagNamesSql(o: TagNamesSqlOptions): string {
  if (o.sources.length === 0 || o.scopes.length === 0) throw new Error('nothing to read');
  const filtered = o.filter !== undefined;
  const parts = o.scopes.map((scope) => namesPart(scope, o.sources, filtered));
  const tables = o.scopes.map((sc) => NAME_TABLES[sc]);
  return `${matchedCtes(o.sources, o.filter, tables)}${parts.join('\nUNION ALL ')}`;
}

/** One scope's rows `(t, s, i, d, b)` of the attribute `key`. */
function valuesPart(
  scope: TagAttributeScope,
  key: string,
  sources: readonly TagSqlSource[],
  filtered: boolean,
): string {
  const k = sqlString(key);
  const fromStruct = (from: string): string =>
    `SELECT DISTINCT a.t AS t, a.s AS s, a.i AS i, a.d AS d, a.b AS b FROM (${from}) WHERE a.k = ${k}`;
  switch (scope) {
    case 'span':
      return filtered
        ? `SELECT DISTINCT t, s, i, d, b FROM span_attrs WHERE k = ${k} AND key IN (SELECT key FROM m)`
        : `SELECT DISTINCT t, s, i, d, b FROM ${files(sources, ATTRS_FILE)} WHERE k = ${k}`;
    case 'resource':
      return filtered
        ? `SELECT DISTINCT t, s, i, d, b FROM resource_attrs WHERE k = ${k} AND resource_id IN (SELECT resource_id FROM m)`
        : fromStruct(`SELECT unnest(attrs) AS a FROM ${files(sources, RESOURCES_FILE)}`);
    case 'instrumentation':
      return filtered
        ? `SELECT DISTINCT t, s, i, d, b FROM scope_attrs WHERE k = ${k} AND scope_id IN (SELECT scope_id FROM m)`
        : fromStruct(`SELECT unnest(attrs) AS a FROM ${files(sources, SCOPES_FILE)}`);
    case 'event':
    case 'link': {
      const column = scope === 'event' ? 'events' : 'links';
      const from = filtered ? 'm' : files(sources, DATA_FILE);
      return fromStruct(`SELECT ${listAttrs(column)} AS a FROM ${from} WHERE len(${column}) > 0`);
    }
  }
}

/**
 * Rows `v` (text) of an intrinsic. Ids come back as stored (32 or 16 hex digits); empty status
 * messages and instrumentation names or versions are absent values and left out.
 */
function intrinsicPart(
  column: TagIntrinsicColumn,
  sources: readonly TagSqlSource[],
  filtered: boolean,
): string {
  const data = filtered ? 'm' : files(sources, DATA_FILE);
  // Trace-level values come from the root spans of the traces with a matching span.
  const roots = filtered
    ? 'sp WHERE parent_span_id = 0 AND trace_id IN (SELECT trace_id FROM m)'
    : `${files(sources, DATA_FILE)} WHERE parent_span_id = 0`;
  const scopes = filtered
    ? 'scopes WHERE scope_id IN (SELECT scope_id FROM m)'
    : `${files(sources, SCOPES_FILE)} WHERE true`;
  switch (column) {
    case 'name':
      return `SELECT DISTINCT name AS v FROM ${data}`;
    case 'statusMessage':
      return `SELECT DISTINCT status_message AS v FROM ${data} WHERE status_message <> ''`;
    case 'rootName':
      return `SELECT DISTINCT name AS v FROM ${roots}`;
    case 'rootServiceName':
      return `SELECT DISTINCT service_name AS v FROM ${roots} AND service_name <> ''`;
    case 'traceId':
      return `SELECT DISTINCT trace_id AS v FROM ${data}`;
    case 'spanId':
      return `SELECT DISTINCT format('{:016x}', span_id) AS v FROM ${data}`;
    case 'parentId':
      return `SELECT DISTINCT format('{:016x}', parent_span_id) AS v FROM ${data} WHERE parent_span_id <> 0`;
    case 'eventName':
      return `SELECT DISTINCT unnest(list_transform(events, x -> x.name)) AS v FROM ${data} WHERE len(events) > 0`;
    case 'linkTraceId':
      return `SELECT DISTINCT unnest(list_transform(links, x -> x.trace_id)) AS v FROM ${data} WHERE len(links) > 0`;
    case 'linkSpanId':
      return `SELECT DISTINCT unnest(list_transform(links, x -> x.span_id)) AS v FROM ${data} WHERE len(links) > 0`;
    case 'instrumentationName':
      return `SELECT DISTINCT name AS v FROM ${scopes} AND name <> ''`;
    case 'instrumentationVersion':
      return `SELECT DISTINCT version AS v FROM ${scopes} AND version <> ''`;
  }
}

const INTRINSIC_TABLES: Partial<Record<TagIntrinsicColumn, string>> = {
  eventName: 's.events',
  linkTraceId: 's.links',
  linkSpanId: 's.links',
  instrumentationName: 'FROM scopes',
  instrumentationVersion: 'FROM scopes',
};

/**
 * The distinct values: rows `(t, s, i, d, b)` for an attribute (stored form; arrays whole) or
 * `v` for an intrinsic (unordered).
 */
export function tagValuesSql(o: TagValuesSqlOptions): string {
  if (o.sources.length === 0) throw new Error('nothing to read');
  const filtered = o.filter !== undefined;
  const t = o.target;
  if (t.kind === 'intrinsic') {
    const body = intrinsicPart(t.column, o.sources, filtered);
    const extra = INTRINSIC_TABLES[t.column];
    return matchedCtes(o.sources, o.filter, extra ? [extra] : []) + body;
  }
  if (t.scopes.length === 0) throw new Error('no attribute scope');
  const parts = t.scopes.map((scope) => valuesPart(scope, t.name, o.sources, filtered));
  // UNION (not ALL): the same value in span and resource attributes comes back once.
  const tables = t.scopes.map((sc) => NAME_TABLES[sc]);
  return `${matchedCtes(o.sources, o.filter, tables)}${parts.join('\nUNION ')}`;
}
