/**
 * The service graph of some blocks over a time range, for the UI's service map: every client
 * (or producer) span whose server (or consumer) child is in the blocks is an edge between their
 * services; a client span without one is an edge to the peer its attributes name (the first of
 * `peerAttributes` it has), a virtual node. Per edge: the calls, the failed ones (either side an
 * error) and the server side's durations as counts per log2 bucket (`bs`, `ns`), which merge
 * with the head's.
 */
import { sqlString } from '../../duckdb/db.js';
import { ATTRS_FILE, DATA_FILE } from './sql.js';

export interface ServiceGraphSqlOptions {
  dirs: readonly string[];
  startNs: bigint;
  endNs: bigint;
  /** Span attribute keys naming an uninstrumented peer, first found wins. */
  peerAttributes: readonly string[];
}

/** Rows: `client`, `server`, `virtual` (bool), `calls`, `failed`, `bs`, `ns`. */
export function serviceGraphSql(o: ServiceGraphSqlOptions): string {
  const spans = o.dirs
    .map(
      (dir, i) =>
        `SELECT ((${i}::UBIGINT << 32) | file_row_number::UBIGINT) AS key, trace_id, span_id,
           parent_span_id, kind, service_name, status_code, duration_nano
         FROM read_parquet(${sqlString(`${dir}/${DATA_FILE}`)}, file_row_number = true)
         WHERE start_unix_nano > ${o.startNs} AND start_unix_nano <= ${o.endNs} AND kind IN (2, 3, 4, 5)`,
    )
    .join('\n UNION ALL ');
  const keys = o.peerAttributes.map(sqlString).join(', ');
  const priority = o.peerAttributes.map((k, i) => `WHEN ${sqlString(k)} THEN ${i}`).join(' ');
  const attrs = o.dirs
    .map(
      (dir, i) =>
        `SELECT ((${i}::UBIGINT << 32) | span_row::UBIGINT) AS key, k, t, s, i
         FROM read_parquet(${sqlString(`${dir}/${ATTRS_FILE}`)}) WHERE k IN (${keys})`,
    )
    .join('\n UNION ALL ');
  const bucket = `CASE WHEN d >= 2 THEN ceil(log2(d))::INTEGER END`;
  const peers =
    o.peerAttributes.length === 0
      ? `peers AS (SELECT NULL::UBIGINT AS key, NULL::VARCHAR AS peer WHERE false)`
      : `peers AS (SELECT key, arg_min(CASE WHEN t = 1 THEN s ELSE i::VARCHAR END, CASE k ${priority} END) AS peer
          FROM (${attrs}) WHERE t IN (1, 2) GROUP BY key)`;
  return `WITH sp AS MATERIALIZED (${spans}),
    clients AS (SELECT * FROM sp WHERE kind IN (3, 4)),
    servers AS (SELECT * FROM sp WHERE kind IN (2, 5)),
    paired AS (
      SELECT c.service_name AS client, s.service_name AS server, false AS virtual,
        s.duration_nano AS d, (c.status_code = 2 OR s.status_code = 2) AS failed, c.key
      FROM clients c JOIN servers s ON s.trace_id = c.trace_id AND s.parent_span_id = c.span_id
        AND (c.kind = 3) = (s.kind = 2)),
    unpaired AS (
      SELECT c.* FROM clients c WHERE c.kind = 3 AND NOT EXISTS (
        SELECT 1 FROM servers s WHERE s.trace_id = c.trace_id AND s.parent_span_id = c.span_id)),
    ${peers},
    virtual AS (
      SELECT u.service_name AS client, p.peer AS server, true AS virtual, u.duration_nano AS d,
        u.status_code = 2 AS failed, u.key
      FROM unpaired u JOIN peers p USING (key)),
    edges AS (SELECT * FROM paired UNION ALL SELECT * FROM virtual),
    buckets AS (
      SELECT client, server, virtual, ${bucket} AS b, count(*)::INTEGER AS n,
        count_if(failed)::INTEGER AS f
      FROM edges GROUP BY ALL)
    SELECT client, server, virtual, sum(n)::INTEGER AS calls, sum(f)::INTEGER AS failed,
      list(b) AS bs, list(n) AS ns
    FROM buckets GROUP BY ALL`;
}
