import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { boxMembers, byTime, collapse, forwardsUntil, hopLayout, replayCounts, replaySteps, senderEdges, timeRange, timelineWindow, warningMessage, withProposals,
  type SpreadExport } from "./graphData";

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

describe("hopLayout", () => {
  const wide: SpreadExport = { ...data, nodes: [...data.nodes,
    { id: "6", key: "g:早", kind: "GROUP_CHAT", name: "早", exposure: "INTERNAL", containment: "NONE", origin: false, hops: 1 },
    { id: "7", key: "a:晚", kind: "PERSON", name: "晚", exposure: "INTERNAL", containment: "NONE", origin: false, hops: 2 }],
  forwards: [...data.forwards, { id: "d", key: "f4", from: "p:宗某", to: "g:早", by: "p:宗某", at: "2026-02-01T08:05:00+08:00", method: "FORWARD" },
    { id: "e", key: "f5", from: "g:早", to: "a:晚", by: "a:晚", at: "2026-02-01T09:00:00+08:00", method: "FORWARD" }] };
  it("places the chain in one column per hop, each node level with where it came from", () => {
    const at = hopLayout(wide);
    const x = (k: string) => at.get(k)!.x;
    const y = (k: string) => at.get(k)!.y;
    expect(x("fax")).toBe(x("g:早"));
    expect(x("p:宗某")).toBeLessThan(x("fax"));
    expect(x("fax")).toBeLessThan(x("a:晚"));
    expect(x("a:晚")).toBeLessThan(x("p:孤")); // never reached: last
    // 晚 came from 早, below fax, so it is drawn below fax's two, whatever its key.
    expect(y("fax")).toBeLessThan(y("g:早"));
    expect(y("a:晚")).toBeGreaterThan(Math.max(y("g:群"), y("p:杨某")));
  });
  it("places a folded chain's boxes after its drawn hops", () => {
    const folded = collapse(wide, 3).data;
    const at = hopLayout(folded);
    expect([...at.keys()].sort()).toEqual(folded.nodes.map((n) => n.key).sort());
    expect(at.get("fax")!.x).toBeLessThan(at.get("agg:2")!.x);
    expect(at.get("agg:2")!.x).toBeLessThan(at.get("agg:3")!.x);
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

describe("timeline and replay", () => {
  it("lists the forwards in time order", () => {
    expect(byTime(data.forwards).map((f) => f.key)).toEqual(["f1", "f3", "f2"]);
  });
  it("plays through each forward's time, or a sample of them", () => {
    const [lo, hi] = timeRange(data.forwards);
    expect(replaySteps(data.forwards)).toEqual([lo, lo + 10 * 60 * 1000, hi]);
    expect(replaySteps(data.forwards, 2)).toEqual([lo, hi]);
  });
  it("counts what the replay has reached as the analysis does", () => {
    const nodes = data.nodes.map((n) => (n.key === "g:群" ? { ...n, memberCount: 40 } : n));
    expect(replayCounts(nodes, [])).toEqual({ forwards: 0, reached: 0, audience: 0 });
    const [lo] = timeRange(data.forwards);
    expect(replayCounts(nodes, forwardsUntil(data.forwards, lo))).toEqual({ forwards: 1, reached: 2, audience: 0 });
    expect(replayCounts(nodes, forwardsUntil(data.forwards, lo + 10 * 60 * 1000))).toEqual({ forwards: 2, reached: 3, audience: 40 });
    expect(replayCounts(nodes, data.forwards)).toEqual({ forwards: 3, reached: 4, audience: 40 });
  });
  it("lists a long timeline up to the replay position", () => {
    const sorted = byTime(data.forwards);
    expect(timelineWindow(sorted, undefined, 5).items).toHaveLength(3);
    expect(timelineWindow(sorted, undefined, 2)).toEqual({ items: sorted.slice(0, 2), start: 0 });
    expect(timelineWindow(sorted, Date.parse("2026-02-01T08:30:00+08:00"), 2)).toEqual({ items: sorted.slice(1), start: 1 });
    expect(timelineWindow(sorted, Date.parse("2026-02-01T08:00:00+08:00"), 2)).toEqual({ items: sorted.slice(0, 2), start: 0 });
  });
});

describe("senders", () => {
  it("joins a sender who is neither end of the hop to where it went, once", () => {
    const twice = { ...data, forwards: [...data.forwards, { ...data.forwards[2], id: "d", key: "f4", at: "2026-02-01T09:00:00+08:00" }] };
    expect(senderEdges(twice)).toEqual([{ key: "by:p:杨某>g:群", from: "p:杨某", to: "g:群", forward: "f3", at: "2026-02-01T08:10:00+08:00" }]);
    expect(senderEdges(collapse(data, 3).data)).toEqual([]);
  });
});

describe("warnings", () => {
  const names = new Map(data.nodes.map((n) => [n.key, n.name]));
  const forwards = new Map(data.forwards.map((f) => [f.key, f]));
  const say = (w: { kind: string; forwardKeys: string[]; nodeKeys: string[] }) => {
    const m = warningMessage(w, names, forwards, (at) => at.slice(11, 16));
    return i18n.t(m.key, m.values);
  };
  it("names the nodes and the forwards involved", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(say({ kind: "SENDER_NOT_IN_VENUE", forwardKeys: ["f3"], nodeKeys: ["p:杨某", "fax"] }))
      .toBe("「杨某」从「传真」转出，但没有记录其在该场所中：08:10 传真 → 群");
    expect(say({ kind: "FORWARDED_BEFORE_RECEIVED", forwardKeys: ["f3"], nodeKeys: ["fax"] })).toContain("「传真」在记录的收到时间之前就转发了");
    await i18n.changeLanguage("en");
    expect(say({ kind: "DUPLICATE_FORWARD", forwardKeys: ["f1", "f2"], nodeKeys: [] }))
      .toBe("Forwards that look recorded twice: 08:00 宗某 → 传真 (f1)；08:30 传真 → 杨某 (f2)");
  });
});

describe("withProposals", () => {
  const node = (key: string, name: string) => ({ key, kind: key.startsWith("p:") ? "PERSON" : "GROUP_CHAT", name });
  const data: SpreadExport = { incident: "i", nodes: [{ id: "n1", key: "p:施某", kind: "PERSON", name: "施某", exposure: "INTERNAL", containment: "NONE", origin: true, hops: 0 }], forwards: [] };
  it("draws the undecided proposals, with a provisional node for each end or sender not recorded", () => {
    const { data: drawn, proposed } = withProposals(data, [
      { id: "1", key: "k1", state: "PROPOSED", at: "2021-03-20T04:00:00Z", confidence: 0.9, from: node("p:施某", "施某"), to: node("p:何某", "何某"), by: node("p:施某", "施某") },
      { id: "2", key: "k2", state: "PROPOSED", at: "2021-03-20T05:00:00Z", confidence: 0.6, from: node("g:同学群", "同学群"), to: node("g:销售群", "销售群"), by: node("p:周某", "周某") },
      { id: "3", key: "k3", state: "REJECTED", at: "2021-03-20T06:00:00Z", confidence: 0.3, from: node("p:何某", "何某"), to: node("p:外人", "外人"), by: node("p:何某", "何某") },
    ]);
    expect(drawn.nodes.map((n) => [n.key, !!n.provisional])).toEqual([["p:施某", false], ["p:何某", true], ["g:同学群", true], ["g:销售群", true], ["p:周某", true]]);
    expect(proposed.map((e) => [e.from, e.to, e.sender])).toEqual([["p:施某", "p:何某", false], ["g:同学群", "g:销售群", false], ["p:周某", "g:销售群", true]]);
    expect(drawn.forwards).toEqual([]);
  });
  it("leaves the chain as it is when nothing is left to review", () => {
    expect(withProposals(data, [])).toEqual({ data, proposed: [] });
  });
});
