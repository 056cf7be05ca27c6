// The colours the chain graph, its legend and its lists share.

export const exposureColor = { INTERNAL: "#1f4e79", EXTERNAL: "#b35c00", PUBLIC: "#c0392b" } as const;

// A venue's takedown state: TakedownTag's background (dark enough for white
// text), and on the graph a border in a brighter shade of the same hue, which
// shows against the exposure colours; a venue nothing was asked of has none.
export const cautionTag = "#874d00"; // also for an unverified forward
export const takedownTag: Record<string, string> = {
  NONE: "#cf1322", REQUESTED: cautionTag, REFUSED: cautionTag, UNREACHABLE: cautionTag, CONFIRMED_REMOVED: "#237804",
};
export const takedownColor: Record<string, string | undefined> = {
  REQUESTED: "#fadb14", REFUSED: "#fadb14", UNREACHABLE: "#fadb14", CONFIRMED_REMOVED: "#73d13d",
};

export const pathColor = "#e03131";
export const pickedColor = "#7048e8";
export const edgeColor = "#9aa5b1";
// A forward proposed from the chat exports and not yet reviewed, and the
// nodes only such a proposal names: dashed, in a colour no recorded hop has.
export const proposalColor = "#0c8599";

// Solid tag backgrounds that white text reads on (4.5:1 or more): antd's
// light green, cyan and gold tags do not reach it.
export const goodTag = "#237804";
export const proposalTag = "#0b7285";

// Labels are drawn at labelFont model pixels, and the graph opens at no less
// than readableZoom, so they read at 12 px or more on screen.
export const labelFont = 14;
export const readableZoom = 12.5 / labelFont;
