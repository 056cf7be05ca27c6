import cytoscape from "cytoscape";
import { describe, expect, it } from "vitest";
import { openView } from "./openView";
import { readableZoom } from "./graphStyle";

// A graph drawn without a browser: no room to fit it in, so it opens at the readable zoom.
const graph = (nodes: { id: string; origin?: number }[]) => cytoscape({ headless: true, styleEnabled: true,
  elements: nodes.map((n, i) => ({ data: { id: n.id, origin: n.origin ?? 0 }, position: { x: i * 200, y: 0 } })),
  style: [{ selector: "node", style: { width: 140, height: 36 } }] });

describe("openView", () => {
  it("opens a chain with no origin yet (only proposals drawn) at its first node", () => {
    const cy = graph(Array.from({ length: 40 }, (_, i) => ({ id: `p${i}` })));
    expect(() => openView(cy)).not.toThrow();
    expect(cy.zoom()).toBeCloseTo(readableZoom);
  });
});
