/**
 * The service graph of a time range from the stored spans, for the UI's service map: edges
 * between the services of client (producer) spans and their server (consumer) children, and
 * from client spans without one to the peer their attributes name (a virtual node: a database,
 * an uninstrumented service). Blocks are read by one DuckDB statement (`serviceGraphSql`), the
 * head span by span; a pair split between the head and a block is not seen.
 */
import { serviceGraphSql } from '../blocks/index.js';
import type { StoredResource, StoredSpan } from '../wal/index.js';
import { log2Quantile } from './metrics/series.js';
import { inBlocks, withData } from './read-data.js';
import { serviceOf } from './search/model.js';
import type { SearchSources } from './search/search.js';
import { decodeAttr } from './search/values.js';

export interface ServiceGraphEdge {
  client: string;
  server: string;
  /** The server is a peer named by the client's attributes, not a service that sent spans. */
  virtual: boolean;
  calls: number;
  failed: number;
  /** Server-side latency percentiles (log2 buckets, interpolated as TraceQL metrics do), in ms. */
  p50Ms: number;
  p90Ms: number;
}

interface EdgeSums {
  client: string;
  server: string;
  virtual: boolean;
  calls: number;
  failed: number;
  /** Spans per log2 bucket exponent of the duration in ns (null: under 2 ns). */
  buckets: Map<number | null, number>;
}

class EdgeSet {
  readonly #edges = new Map<string, EdgeSums>();

  add(client: string, server: string, virtual: boolean, calls: number, failed: number) {
    const key = JSON.stringify([client, server, virtual]);
    let e = this.#edges.get(key);
    if (e === undefined) {
      e = { client, server, virtual, calls: 0, failed: 0, buckets: new Map() };
      this.#edges.set(key, e);
    }
    e.calls += calls;
    e.failed += failed;
    return e;
  }

  edges(): ServiceGraphEdge[] {
    return [...this.#edges.values()]
      .map((e) => {
        const buckets = [...e.buckets]
          .filter((x): x is [number, number] => x[0] !== null)
          .sort(([a], [b]) => a - b)
          .map(([b, n]): [number, number] => [2 ** b / 1e6, n]);
        return {
          client: e.client,
          server: e.server,
          virtual: e.virtual,
          calls: e.calls,
          failed: e.failed,
          p50Ms: log2Quantile(0.5, buckets),
          p90Ms: log2Quantile(0.9, buckets),
        };
      })
      .sort((a, b) => (a.client + a.server < b.client + b.server ? -1 : 1));
  }
}

function bucketOf(durationNs: number): number | null {
  return durationNs >= 2 ? Math.ceil(Math.log2(durationNs)) : null;
}

/** The peer a client span's attributes name: the first of `keys` it has, string or int. */
function peerOf(line: StoredSpan, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const a = line.a?.find((x) => x.k === key);
    const v = a === undefined ? undefined : decodeAttr(a);
    if (v?.t === 'string') return v.v;
    if (v?.t === 'int') return String(v.v);
  }
  return undefined;
}

/** Adds the head's pairs and virtual edges. */
function addHead(
  lines: readonly StoredSpan[],
  resources: ReadonlyMap<string, StoredResource>,
  range: { startNs: bigint; endNs: bigint },
  peerAttributes: readonly string[],
  edges: EdgeSet,
): void {
  const inRange = lines.filter((l) => {
    const st = BigInt(l.st);
    return st > range.startNs && st <= range.endNs && l.k >= 2 && l.k <= 5;
  });
  const children = new Map<string, StoredSpan[]>();
  for (const l of inRange) {
    if (l.k !== 2 && l.k !== 5) continue;
    const key = `${l.t}/${l.p ?? ''}`;
    const list = children.get(key);
    if (list) list.push(l);
    else children.set(key, [l]);
  }
  const duration = (l: StoredSpan) => Math.max(0, Number(BigInt(l.en) - BigInt(l.st)));
  for (const c of inRange) {
    if (c.k !== 3 && c.k !== 4) continue;
    const client = serviceOf(resources.get(c.r));
    const servers = (children.get(`${c.t}/${c.s}`) ?? []).filter(
      (s) => (c.k === 3) === (s.k === 2),
    );
    for (const s of servers) {
      const e = edges.add(
        client,
        serviceOf(resources.get(s.r)),
        false,
        1,
        c.sc === 2 || s.sc === 2 ? 1 : 0,
      );
      const b = bucketOf(duration(s));
      e.buckets.set(b, (e.buckets.get(b) ?? 0) + 1);
    }
    if (servers.length > 0 || c.k !== 3) continue;
    const peer = peerOf(c, peerAttributes);
    if (peer === undefined) continue;
    const e = edges.add(client, peer, true, 1, c.sc === 2 ? 1 : 0);
    const b = bucketOf(duration(c));
    e.buckets.set(b, (e.buckets.get(b) ?? 0) + 1);
  }
}

export async function serviceGraph(
  src: SearchSources,
  tenant: string,
  range: { startNs: bigint; endNs: bigint },
  peerAttributes: readonly string[],
): Promise<ServiceGraphEdge[]> {
  return withData(src, tenant, range, async ({ segments, acquired }) => {
    const edges = new EdgeSet();
    if (acquired.length > 0) {
      const rows = await src.db.json(
        serviceGraphSql({
          dirs: acquired.map((b) => b.dir),
          startNs: range.startNs,
          endNs: range.endNs,
          peerAttributes,
        }),
      );
      for (const r of rows) {
        const e = edges.add(
          r.client as string,
          r.server as string,
          r.virtual === true,
          Number(r.calls),
          Number(r.failed),
        );
        const bs = r.bs as (number | null)[];
        const ns = r.ns as number[];
        bs.forEach((b, i) => e.buckets.set(b, (e.buckets.get(b) ?? 0) + (ns[i] ?? 0)));
      }
    }
    const built = inBlocks(tenant, acquired);
    for (const seg of segments) {
      if (seg.spanCount === 0 || built(seg)) continue;
      addHead(await seg.readAllSpans(), seg.resources, range, peerAttributes, edges);
    }
    return edges.edges();
  });
}
