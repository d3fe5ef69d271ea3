/**
 * Where the service map draws its nodes (pure): callers left of what they call. A node's column
 * is the length of the longest chain of callers leading to it (edges that close a cycle are not
 * followed); nodes in a column are ordered by name.
 */

export interface MapEdge {
  from: string;
  to: string;
}

export interface Placed {
  id: string;
  column: number;
  row: number;
}

export function layoutColumns(nodes: readonly string[], edges: readonly MapEdge[]): Placed[] {
  const out = new Map<string, string[]>();
  for (const n of nodes) out.set(n, []);
  for (const e of edges) if (e.from !== e.to) out.get(e.from)?.push(e.to);
  const column = new Map<string, number>();
  // Depth-first from every node, longest path wins; a node on the current path is not re-entered.
  const onPath = new Set<string>();
  const visit = (n: string, depth: number) => {
    if (onPath.has(n) || (column.get(n) ?? -1) >= depth) return;
    column.set(n, depth);
    onPath.add(n);
    for (const m of out.get(n) ?? []) visit(m, depth + 1);
    onPath.delete(n);
  };
  const called = new Set(edges.filter((e) => e.from !== e.to).map((e) => e.to));
  const roots = nodes.filter((n) => !called.has(n));
  for (const r of [...roots].sort()) visit(r, 0);
  for (const n of [...nodes].sort()) if (!column.has(n)) visit(n, 0);
  const byColumn = new Map<number, string[]>();
  for (const n of nodes) {
    const c = column.get(n) ?? 0;
    const list = byColumn.get(c);
    if (list) list.push(n);
    else byColumn.set(c, [n]);
  }
  const placed: Placed[] = [];
  for (const [c, list] of byColumn) {
    list.sort().forEach((id, row) => placed.push({ id, column: c, row }));
  }
  return placed.sort((a, b) => a.column - b.column || a.row - b.row);
}
