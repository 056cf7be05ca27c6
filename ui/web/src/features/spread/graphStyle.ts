// The colours the chain graph, its legend and its lists share.

export const exposureColor = { INTERNAL: "#1f4e79", EXTERNAL: "#b35c00", PUBLIC: "#c0392b" } as const;

// A venue's border by its takedown state, matching TakedownTag (antd's green
// and gold); a venue nothing was asked of keeps no border.
export const takedownColor: Record<string, string | undefined> = {
  REQUESTED: "#d48806", REFUSED: "#d48806", UNREACHABLE: "#d48806", CONFIRMED_REMOVED: "#389e0d",
};

export const pathColor = "#e03131";
export const pickedColor = "#7048e8";
export const edgeColor = "#9aa5b1";

// Labels are drawn at labelFont model pixels, and the graph opens at no less
// than readableZoom, so they read at 12 px or more on screen.
export const labelFont = 14;
export const readableZoom = 12.5 / labelFont;
