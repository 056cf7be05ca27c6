import ELK from "elkjs/lib/elk-api.js";
import workerUrl from "elkjs/lib/elk-worker.min.js?url";
import { senderEdges, type Position, type ProposedEdge, type SpreadExport } from "./graphData";

// ELK's layered layout, left to right, in a Web Worker so the page stays responsive.
const elk = new ELK({ workerUrl });

export async function elkLayout(data: SpreadExport, proposed: ProposedEdge[] = []): Promise<Map<string, Position>> {
  const graph = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.spacing.nodeNode": "24",
      "elk.layered.spacing.nodeNodeBetweenLayers": "60", "elk.edgeRouting": "POLYLINE",
    },
    children: data.nodes.map((n) => ({ id: n.key, width: 140, height: 36 })),
    // The sender edges too, so a sender is placed next to the hop they made.
    edges: [...data.forwards.map((f) => ({ id: f.key, sources: [f.from], targets: [f.to] })),
      ...senderEdges(data).map((e) => ({ id: e.key, sources: [e.from], targets: [e.to] })),
      // Proposed forwards place their provisional nodes beside the recorded ones.
      ...proposed.map((e) => ({ id: e.key, sources: [e.from], targets: [e.to] }))],
  });
  return new Map((graph.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}
