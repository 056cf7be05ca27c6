// Shaping the spread chain export (GET /incidents/{ref}/spread.json) into
// what the explorer draws.

export interface ExportNode {
  id: string; key: string; kind: string; name: string; exposure: "INTERNAL" | "EXTERNAL" | "PUBLIC";
  memberCount?: number; containment: string; origin: boolean; hops: number | null;
  unit?: string; position?: string; handles?: string[]; cleared?: boolean; platform?: string;
  // Named only by a proposal not yet accepted: drawn, but not recorded.
  provisional?: boolean;
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

// The sizes the explorer draws nodes at, and the gaps its layouts keep between them.
export const nodeSize = { width: 140, height: 36 };
export const boxSize = { width: 170, height: 40 };
export const layerGap = 60;
export const nodeGap = 24;

// hopLayout places a folded chain (see collapse) left to right by hop: one
// column per hop from the origin, the boxes of the further hops after them,
// each column's nodes in the order of where their forwards came from (the
// mean row of the senders one column back), so most edges run level. It is
// what ELK's layered layout draws for such a chain's tree-like shape, without
// ELK's cold start in its worker, which was most of the wait for a large chain.
export function hopLayout(data: SpreadExport): Map<string, Position> {
  const maxHops = Math.max(0, ...data.nodes.map((n) => n.hops ?? 0));
  const column = new Map(data.nodes.map((n) => [n.key, n.hops ?? maxHops + 1]));
  const into = new Map<string, string[]>();
  const feed = (from: string, to: string) => {
    if ((column.get(from) ?? Infinity) >= (column.get(to) ?? -Infinity)) return; // only from earlier columns
    const list = into.get(to);
    if (list) list.push(from); else into.set(to, [from]);
  };
  for (const f of data.forwards) feed(f.from, f.to);
  for (const e of senderEdges(data)) feed(e.from, e.to);
  const columns: ExportNode[][] = [];
  for (const n of data.nodes) (columns[column.get(n.key)!] ??= []).push(n);
  const row = new Map<string, number>();
  const at = new Map<string, Position>();
  let x = 0;
  for (const nodes of columns) {
    if (!nodes) continue;
    const mean = (n: ExportNode) => {
      const from = (into.get(n.key) ?? []).map((k) => row.get(k)).filter((r) => r !== undefined);
      return from.length ? from.reduce((a, b) => a + b, 0) / from.length : Infinity;
    };
    const placed = nodes.map((n) => ({ n, m: mean(n) })).sort((a, b) => a.m - b.m || a.n.key.localeCompare(b.n.key));
    const width = Math.max(...nodes.map((n) => (n.kind === "AGGREGATE" ? boxSize : nodeSize).width));
    placed.forEach(({ n }, i) => {
      row.set(n.key, i - (placed.length - 1) / 2);
      at.set(n.key, { x: x + width / 2, y: (i - (placed.length - 1) / 2) * (boxSize.height + nodeGap) });
    });
    x += width + layerGap;
  }
  return at;
}

// boxMembers are the nodes folded into the box of hop h (see collapse), the
// largest audiences first, so a box can be opened as a list.
export function boxMembers(data: SpreadExport, h: number): ExportNode[] {
  const maxHops = Math.max(0, ...data.nodes.map((n) => n.hops ?? 0));
  return data.nodes.filter((n) => (n.hops ?? maxHops + 1) === h)
    .sort((a, b) => (b.memberCount ?? 0) - (a.memberCount ?? 0) || a.key.localeCompare(b.key));
}

// byTime is the forwards in time order, ties by key, for the timeline and the replay.
export function byTime(forwards: ExportForward[]): ExportForward[] {
  return forwards.map((f) => ({ f, t: Date.parse(f.at) })).sort((a, b) => a.t - b.t || a.f.key.localeCompare(b.f.key)).map((x) => x.f);
}

// replaySteps are the times the play button stops at: each distinct forward
// time, or at most max of them spread evenly, so a large chain plays as fast as a small one.
export function replaySteps(forwards: ExportForward[], max = 60): number[] {
  const times = [...new Set(forwards.map((f) => Date.parse(f.at)))].sort((a, b) => a - b);
  if (times.length <= max) return times;
  return Array.from({ length: max }, (_, i) => times[Math.round((i * (times.length - 1)) / (max - 1))]);
}

export interface Counts { forwards: number; reached: number; audience: number }

// replayCounts are the spread's counters over some of its forwards, as the
// analysis counts them: nodes reachable from an origin along the forwards
// (time aside), and the members of the venues among them.
export function replayCounts(nodes: ExportNode[], forwards: ExportForward[]): Counts {
  const out = new Map<string, string[]>();
  for (const f of forwards) {
    const to = out.get(f.from);
    if (to) to.push(f.to); else out.set(f.from, [f.to]);
  }
  const reached = new Set(nodes.filter((n) => n.origin && out.has(n.key)).map((n) => n.key));
  const queue = [...reached];
  for (let i = 0; i < queue.length; i++) {
    for (const v of out.get(queue[i]) ?? []) if (!reached.has(v)) { reached.add(v); queue.push(v); }
  }
  let audience = 0;
  for (const n of nodes) if (reached.has(n.key) && n.kind !== "PERSON") audience += n.memberCount ?? 0;
  return { forwards: forwards.length, reached: reached.size, audience };
}

// SenderEdge joins the person who made a hop to where it went, when that
// person is neither end of it (someone forwarding out of a group), so no
// sender floats unconnected.
export interface SenderEdge { key: string; from: string; to: string; forward: string; at: string }

export function senderEdges(data: SpreadExport): SenderEdge[] {
  const drawn = new Set(data.nodes.map((n) => n.key));
  const edges = new Map<string, SenderEdge>();
  for (const f of data.forwards) {
    if (f.by === f.from || f.by === f.to || !drawn.has(f.by) || !drawn.has(f.to)) continue;
    const key = `by:${f.by}>${f.to}`;
    const seen = edges.get(key);
    if (!seen || Date.parse(f.at) < Date.parse(seen.at)) edges.set(key, { key, from: f.by, to: f.to, forward: f.key, at: f.at });
  }
  return [...edges.values()];
}

// timelineWindow is the part of a long timeline that is listed: size
// forwards ending at the replay position (the first size when not replaying).
export function timelineWindow(sorted: ExportForward[], until: number | undefined, size: number): { items: ExportForward[]; start: number } {
  if (sorted.length <= size) return { items: sorted, start: 0 };
  const upTo = until === undefined ? size : sorted.findIndex((f) => Date.parse(f.at) > until);
  const end = Math.max(size, upTo < 0 ? sorted.length : upTo);
  return { items: sorted.slice(end - size, end), start: end - size };
}

export interface SpreadWarning { kind: string; forwardKeys: string[]; nodeKeys: string[] }

// warningMessage words a consistency warning for the reader: the i18n key
// of its kind and the names of the nodes and forwards it involves.
export function warningMessage(w: SpreadWarning, names: Map<string, string>, forwards: Map<string, ExportForward>, time: (at: string) => string):
  { key: string; values: Record<string, string> } {
  const name = (k?: string) => (k === undefined ? "?" : names.get(k) ?? k);
  const hop = (k: string) => {
    const f = forwards.get(k);
    return f ? `${time(f.at)} ${name(f.from)} → ${name(f.to)}` : k;
  };
  const hops = w.forwardKeys.map(hop).join("；");
  switch (w.kind) {
    case "FORWARDED_BEFORE_RECEIVED": return { key: "spread.warning.FORWARDED_BEFORE_RECEIVED", values: { node: name(w.nodeKeys[0]), hops } };
    case "SENDER_NOT_IN_VENUE": return { key: "spread.warning.SENDER_NOT_IN_VENUE", values: { person: name(w.nodeKeys[0]), venue: name(w.nodeKeys[1]), hops } };
    default: return { key: `spread.warning.${w.kind}`, values: { hops: w.forwardKeys.map((k) => `${hop(k)} (${k})`).join("；") } };
  }
}

// A person or venue as a proposed forward names it.
export interface ProposedNode { key: string; kind: string; name: string; memberCount?: number | null; platform?: string | null }
export interface ProposalLike { id: string; key: string; state: string; at: string; confidence: number; from: ProposedNode; to: ProposedNode; by: ProposedNode }

// ProposedEdge is a proposed forward on the graph (from → to), or its sender's
// edge to where it went (sender) when the sender is neither end.
export interface ProposedEdge { key: string; proposal: string; from: string; to: string; sender: boolean }

// withProposals adds to the chain the forwards proposed and not yet decided:
// their edges, and a provisional node for each end or sender nobody has
// recorded yet, so a reconstruction can be looked at before it is accepted.
export function withProposals(data: SpreadExport, proposals: ProposalLike[]): { data: SpreadExport; proposed: ProposedEdge[] } {
  const open = proposals.filter((p) => p.state === "PROPOSED");
  if (open.length === 0) return { data, proposed: [] };
  const known = new Set(data.nodes.map((n) => n.key));
  const extra: ExportNode[] = [];
  const add = (n: ProposedNode) => {
    if (known.has(n.key)) return;
    known.add(n.key);
    extra.push({ id: "", key: n.key, kind: n.kind, name: n.name, exposure: "INTERNAL", containment: "NONE", origin: false, hops: null,
      memberCount: n.memberCount ?? undefined, platform: n.platform ?? undefined, provisional: true });
  };
  const proposed: ProposedEdge[] = [];
  for (const p of open) {
    add(p.from); add(p.to); add(p.by);
    proposed.push({ key: `proposal:${p.id}`, proposal: p.id, from: p.from.key, to: p.to.key, sender: false });
    if (p.by.key !== p.from.key && p.by.key !== p.to.key) {
      proposed.push({ key: `proposal-by:${p.id}`, proposal: p.id, from: p.by.key, to: p.to.key, sender: true });
    }
  }
  return { data: { ...data, nodes: [...data.nodes, ...extra] }, proposed };
}
