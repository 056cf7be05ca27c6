import type { Core } from "cytoscape";
import { readableZoom } from "./graphStyle";

// The space kept around the graph when it is fitted to its frame.
export const margin = 24;

// openView shows the graph whole when its labels still read at that size;
// otherwise at the smallest readable zoom, from the origin (or, with none
// yet, as before any forward is accepted, the first node) on the left, to be panned.
export function openView(cy: Core) {
  cy.fit(undefined, margin);
  if (cy.zoom() >= readableZoom) {
    if (cy.zoom() > 1.5) { cy.zoom(1.5); cy.center(); }
    return;
  }
  cy.zoom(readableZoom);
  const origin = cy.nodes("[origin = 1]").first();
  const anchor = origin.nonempty() ? origin : cy.nodes().first();
  if (anchor.empty()) return;
  const at = anchor.position();
  cy.pan({ x: margin + (anchor.width() / 2) * readableZoom - at.x * readableZoom, y: cy.height() / 2 - at.y * readableZoom });
}
