// Shaping the spread chain export (GET /incidents/{ref}/spread.json) into
// what the explorer draws.

export interface ExportNode {
  id: string; key: string; kind: string; name: string; exposure: "INTERNAL" | "EXTERNAL" | "PUBLIC";
  memberCount?: number; containment: string; origin: boolean; hops: number | null;
}
export interface ExportForward { id: string; key: string; from: string; to: string; by: string; at: string; method: string }
export interface SpreadExport { incident: string; nodes: ExportNode[]; forwards: ExportForward[] }

export interface Position { x: number; y: number }

// ELK lays out up to this many nodes legibly in a few seconds on a 2-core
// machine; beyond it the explorer places nodes by hops and arrival time.
export const elkLimit = 1500;

// forwardsUntil keeps the forwards made at or before t (ms since epoch), for the replay slider.
export function forwardsUntil(forwards: ExportForward[], t: number): ExportForward[] {
  return forwards.filter((f) => Date.parse(f.at) <= t);
}

// timeRange is the first and last forward's time, in ms.
export function timeRange(forwards: ExportForward[]): [number, number] {
  if (forwards.length === 0) return [0, 0];
  let lo = Infinity, hi = -Infinity;
  for (const f of forwards) {
    const t = Date.parse(f.at);
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  return [lo, hi];
}

// hopLayout places nodes in columns by their fewest hops from an origin and,
// within a column, in the order the item first reached them: the layout for
// chains too large to lay out as a graph. Unreached nodes go in a last column.
export function hopLayout(data: SpreadExport, columnWidth = 220, rowHeight = 48): Map<string, Position> {
  const arrival = new Map<string, number>();
  for (const f of data.forwards) {
    const t = Date.parse(f.at);
    if (!arrival.has(f.to) || t < arrival.get(f.to)!) arrival.set(f.to, t);
  }
  const maxHops = Math.max(0, ...data.nodes.map((n) => n.hops ?? 0));
  const columns = new Map<number, ExportNode[]>();
  for (const n of data.nodes) {
    const c = n.hops ?? maxHops + 1;
    if (!columns.has(c)) columns.set(c, []);
    columns.get(c)!.push(n);
  }
  const out = new Map<string, Position>();
  for (const [c, nodes] of columns) {
    nodes.sort((a, b) => (arrival.get(a.key) ?? -Infinity) - (arrival.get(b.key) ?? -Infinity) || a.key.localeCompare(b.key));
    nodes.forEach((n, row) => out.set(n.key, { x: c * columnWidth, y: row * rowHeight }));
  }
  return out;
}

// pathEdges are the forward keys of a path, for highlighting.
export function pathEdges(path: { key: string }[]): Set<string> {
  return new Set(path.map((f) => f.key));
}
