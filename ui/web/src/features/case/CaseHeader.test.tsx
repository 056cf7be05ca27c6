import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { clockState } from "./CaseHeader";

describe("the report-upward clock", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  const due = (hours: number) => ({ required: true, deadline: new Date(now + hours * 3600_000).toISOString() });
  it("counts down to the deadline, urgent in its last six hours, and counts up once overdue", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(clockState(t, due(20.5), now)).toEqual({ text: "剩余 20 小时 30 分", color: "gold" });
    expect(clockState(t, due(5), now)).toEqual({ text: "剩余 5 小时 0 分", color: "volcano" });
    expect(clockState(t, due(0.25), now).text).toBe("剩余 15 分钟");
    expect(clockState(t, due(-26), now)).toEqual({ text: "逾期 1 天 2 小时", color: "red" });
  });
  it("says when it was met, or that none is needed", async () => {
    await i18n.changeLanguage("en");
    const t = i18n.t.bind(i18n);
    expect(clockState(t, { ...due(3), notifiedAt: "2026-11-24T10:00:00Z", met: true }, now).color).toBe("green");
    expect(clockState(t, { required: false, deadline: null }, now).color).toBe("default");
  });
});
