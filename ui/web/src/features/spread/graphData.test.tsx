import { describe, expect, it } from "vitest";
import { boxMembers, collapse, forwardsUntil, timeRange, type SpreadExport } from "./graphData";

const data: SpreadExport = {
  incident: "LT-2026-0001",
  nodes: [
    { id: "1", key: "p:宗某", kind: "PERSON", name: "宗某", exposure: "INTERNAL", containment: "NONE", origin: true, hops: 0 },
    { id: "2", key: "fax", kind: "FAX", name: "传真", exposure: "INTERNAL", containment: "NONE", origin: false, hops: 1 },
    { id: "3", key: "g:群", kind: "GROUP_CHAT", name: "群", exposure: "EXTERNAL", containment: "NONE", origin: false, hops: 2 },
    { id: "4", key: "p:杨某", kind: "PERSON", name: "杨某", exposure: "INTERNAL", containment: "NONE", origin: false, hops: 2 },
    { id: "5", key: "p:孤", kind: "PERSON", name: "孤", exposure: "INTERNAL", containment: "NONE", origin: false, hops: null },
  ],
  forwards: [
    { id: "a", key: "f1", from: "p:宗某", to: "fax", by: "p:宗某", at: "2026-02-01T08:00:00+08:00", method: "FAX" },
    { id: "b", key: "f2", from: "fax", to: "p:杨某", by: "p:杨某", at: "2026-02-01T08:30:00+08:00", method: "PHOTO" },
    { id: "c", key: "f3", from: "fax", to: "g:群", by: "p:杨某", at: "2026-02-01T08:10:00+08:00", method: "FORWARD" },
  ],
};

describe("replay", () => {
  it("keeps the forwards made by a time", () => {
    const [lo, hi] = timeRange(data.forwards);
    expect(hi - lo).toBe(30 * 60 * 1000);
    expect(forwardsUntil(data.forwards, lo + 10 * 60 * 1000).map((f) => f.key)).toEqual(["f1", "f3"]);
  });
});

describe("collapse", () => {
  it("draws the nodes nearest the origin and folds each further hop into a box", () => {
    const c = collapse(data, 3);
    expect(c.shownHops).toBe(1);
    expect(c.hiddenNodes).toBe(3);
    expect(c.data.nodes.map((n) => n.key)).toEqual(["p:宗某", "fax", "agg:2", "agg:3"]);
    expect(c.data.nodes.find((n) => n.key === "agg:2")?.name).toBe("2");
    expect(c.data.forwards.map((f) => `${f.from}>${f.to}`).sort()).toEqual(["fax>agg:2", "p:宗某>fax"]);
  });
  it("keeps everything when it fits", () => {
    expect(collapse(data, 100).hiddenNodes).toBe(0);
  });
  it("opens a box as the list of what it holds, the unreached in the last box", () => {
    const withAudience = { ...data, nodes: data.nodes.map((n) => (n.key === "g:群" ? { ...n, memberCount: 200 } : n)) };
    expect(boxMembers(withAudience, 2).map((n) => n.key)).toEqual(["g:群", "p:杨某"]);
    expect(boxMembers(data, 3).map((n) => n.key)).toEqual(["p:孤"]);
    const boxes = collapse(data, 3).data.nodes.filter((n) => n.kind === "AGGREGATE");
    expect(boxes.map((b) => boxMembers(data, b.hops!).length)).toEqual(boxes.map((b) => Number(b.name)));
  });
});
