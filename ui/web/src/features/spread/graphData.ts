// Shaping the spread chain export (GET /incidents/{ref}/spread.json) into
// what the explorer draws.

export interface ExportNode {
  id: string; key: string; kind: string; name: string; exposure: "INTERNAL" | "EXTERNAL" | "PUBLIC";
  memberCount?: number; containment: string; origin: boolean; hops: number | null;
  unit?: string; position?: string; handles?: string[]; cleared?: boolean; platform?: string;
}
export interface ExportForward {
  id: string; key: string; from: string; to: string; by: string; at: string; method: string;
  confidence?: string; note?: string; misSent?: boolean;
}
export interface SpreadExport { incident: string; nodes: ExportNode[]; forwards: ExportForward[] }

export interface Position { x: number; y: number }

// ELK lays out up to this many nodes in a few seconds on a 2-core machine;
// a larger chain is folded to foldedLimit nodes nearest the origin, which
// still read as a graph on one screen (see collapse).
export const elkLimit = 1500;
export const foldedLimit = 300;

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

// pathEdges are the forward keys of a path, for highlighting.
export function pathEdges(path: { key: string }[]): Set<string> {
  return new Set(path.map((f) => f.key));
}

// Collapsed is a chain too large to draw node by node: the nodes nearest the
// origin drawn one by one, the rest folded into one box per hop.
export interface Collapsed {
  data: SpreadExport;       // the drawn nodes, the aggregate boxes among them, and the forwards between them
  hiddenNodes: number;      // how many nodes the boxes hold
  shownHops: number;        // nodes up to this many hops from an origin are drawn one by one
}

// collapse keeps the nodes within as many hops of an origin as fit in limit,
// and folds each further hop into one box ("agg:<hops>") joined to the box
// before it, so the shape of a viral spread stays visible in a legible graph.
// Nodes never reached from an origin are folded into the last box.
export function collapse(data: SpreadExport, limit: number): Collapsed {
  const perHop = new Map<number, number>();
  const maxHops = Math.max(0, ...data.nodes.map((n) => n.hops ?? 0));
  const hopsOf = (n: ExportNode) => n.hops ?? maxHops + 1;
  for (const n of data.nodes) perHop.set(hopsOf(n), (perHop.get(hopsOf(n)) ?? 0) + 1);
  let shownHops = -1;
  for (let h = 0, total = 0; h <= maxHops + 1; h++) {
    total += perHop.get(h) ?? 0;
    if (total > limit) break;
    shownHops = h;
  }
  const shown = new Set(data.nodes.filter((n) => hopsOf(n) <= shownHops).map((n) => n.key));
  const boxes: ExportNode[] = [];
  for (let h = shownHops + 1; h <= maxHops + 1; h++) {
    const count = perHop.get(h) ?? 0;
    if (count > 0) boxes.push({ id: `agg:${h}`, key: `agg:${h}`, kind: "AGGREGATE", name: String(count), exposure: "INTERNAL",
      containment: "NONE", origin: false, hops: h });
  }
  const nodeByKey = new Map(data.nodes.map((n) => [n.key, n]));
  const boxOf = (key: string) => {
    const n = nodeByKey.get(key);
    return n ? `agg:${hopsOf(n)}` : key;
  };
  const forwards = data.forwards.filter((f) => shown.has(f.from) && shown.has(f.to));
  // One edge into each box: from the box before it, or from the drawn nodes that feed it.
  const into = new Map<string, ExportForward>();
  for (const f of data.forwards) {
    if (shown.has(f.to)) continue;
    const to = boxOf(f.to);
    const fromNode = nodeByKey.get(f.from);
    const from = fromNode && shown.has(f.from) ? f.from : fromNode ? `agg:${hopsOf(fromNode)}` : f.from;
    const key = `${from}>${to}`;
    if (from !== to && !into.has(key)) into.set(key, { ...f, key: `agg-edge:${key}`, from, to });
  }
  return {
    data: { incident: data.incident, nodes: [...data.nodes.filter((n) => shown.has(n.key)), ...boxes], forwards: [...forwards, ...into.values()] },
    hiddenNodes: data.nodes.length - shown.size,
    shownHops,
  };
}

// boxMembers are the nodes folded into the box of hop h (see collapse), the
// largest audiences first, so a box can be opened as a list.
export function boxMembers(data: SpreadExport, h: number): ExportNode[] {
  const maxHops = Math.max(0, ...data.nodes.map((n) => n.hops ?? 0));
  return data.nodes.filter((n) => (n.hops ?? maxHops + 1) === h)
    .sort((a, b) => (b.memberCount ?? 0) - (a.memberCount ?? 0) || a.key.localeCompare(b.key));
}
