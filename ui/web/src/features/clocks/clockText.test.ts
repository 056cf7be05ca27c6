import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { clockLabel, countdown, liveStatus } from "./clockText";

describe("a clock's countdown", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  const due = (ms: number) => ({ status: "RUNNING", dueAt: new Date(now + ms).toISOString() });
  it("counts hours, then the last hour to the second, then how long it is overdue", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(countdown(t, due(20.5 * 3600_000), now)).toEqual({ text: "剩余 20 小时 30 分", color: "gold" });
    expect(countdown(t, due(20_000), now)).toEqual({ text: "剩余 0 分 20 秒", color: "volcano" });
    expect(countdown(t, due(-65_000), now)).toEqual({ text: "已超时 1 分 5 秒", color: "red" });
    expect(countdown(t, due(-26 * 3600_000), now)?.text).toBe("已超时 1 天 2 小时");
    // A list that renews every few seconds stays with minutes.
    expect(countdown(t, due(-65_000), now, false)?.text).toBe("已超时 1 分钟");
  });
  it("turns a running clock overdue when its due time passes, before the server says so", () => {
    expect(liveStatus(due(-1), now)).toBe("OVERDUE");
    expect(liveStatus(due(1000), now)).toBe("RUNNING");
    expect(liveStatus({ status: "MET", dueAt: new Date(now - 1000).toISOString() }, now)).toBe("MET");
  });
  it("has no countdown for a clock that does not run", () => {
    const t = i18n.t.bind(i18n);
    expect(countdown(t, { status: "NOT_STARTED" }, now)).toBeUndefined();
    expect(countdown(t, { status: "LATE", dueAt: new Date(now - 1000).toISOString() }, now)).toBeUndefined();
  });
  it("names a clock in the reader's language, or by its id when the UI does not know it", async () => {
    await i18n.changeLanguage("zh-TW");
    const t = i18n.t.bind(i18n);
    expect(clockLabel(t, "report_upward")).toBe("向上報告");
    expect(clockLabel(t, "local_rule")).toBe("local_rule");
  });
});
