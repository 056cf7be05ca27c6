import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { describeRow } from "./ImportForwards";
import { freshKey, matching } from "./nodeKeys";

describe("freshKey", () => {
  it("keys a new person p:<name> and a new venue v:<name>, numbering a name already taken", () => {
    expect(freshKey(true, " 王某 ", new Set())).toBe("p:王某");
    expect(freshKey(false, "境外网站", new Set(["p:境外网站"]))).toBe("v:境外网站");
    expect(freshKey(true, "王某", new Set(["p:王某"]))).toBe("p:王某-2");
    expect(freshKey(true, "王某", new Set(["p:王某", "p:王某-2", "p:王某-4"]))).toBe("p:王某-3");
  });
});

describe("matching", () => {
  const nodes = [
    { key: "p:大王某", name: "大王某", kind: "PERSON" },
    { key: "p:王某", name: "王某", kind: "PERSON" },
    { key: "p:王某-2", name: "王某", kind: "PERSON" },
    { key: "wechat-group:民政工作群", name: "民政工作群", kind: "GROUP_CHAT" },
  ];
  it("finds by name or key, exact names first", () => {
    expect(matching(nodes, "王某").map((n) => n.key)).toEqual(["p:王某", "p:王某-2", "p:大王某"]);
    expect(matching(nodes, "WECHAT").map((n) => n.key)).toEqual(["wechat-group:民政工作群"]);
    expect(matching(nodes, "", 2)).toHaveLength(2);
  });
});

describe("describeRow", () => {
  it("words a bad row from its problem code and params, not the server's English", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(describeRow(t, { index: 0, line: 3, field: "at", problem: "BAD_TIME", params: { value: "昨天" } }))
      .toBe("第 3 行，时间：「昨天」不是时间，应写作 2026-11-24 21:15");
    expect(describeRow(t, { index: 1, line: 4, field: "to.kind", problem: "KIND_CONFLICT", params: { key: "p:王某", kind: "PERSON" } }))
      .toBe("第 4 行，去向 · 类型：「p:王某」已记录为人员");
    await i18n.changeLanguage("en");
    expect(describeRow(t, { index: 2, line: 5, field: "method", problem: "UNKNOWN_VALUE", params: { value: "SHOUT" } }))
      .toBe("Line 5, method: “SHOUT” is not recognised");
    await i18n.changeLanguage("zh-CN");
  });
});
