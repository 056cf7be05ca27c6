import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { byUrgency, clockLabel, countdown, liveStatus, urgency } from "./clockText";

describe("a clock's countdown", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  const day = 24 * 3600_000;
  // A 24-hour clock due `ms` from now.
  const due = (ms: number) => ({ status: "RUNNING", startedAt: new Date(now + ms - day).toISOString(), dueAt: new Date(now + ms).toISOString() });
  it("counts hours, then the last hour to the second, then how long it is overdue", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(countdown(t, due(20.5 * 3600_000), now)).toEqual({ text: "剩余 20 小时 30 分", color: "blue" });
    expect(countdown(t, due(20_000), now)).toEqual({ text: "剩余 20 秒", color: "volcano" });
    expect(countdown(t, due(30 * 60_000 + 5_000), now)?.text).toBe("剩余 30 分 5 秒");
    expect(countdown(t, due(-65_000), now)).toEqual({ text: "逾期 1 分 5 秒", color: "red" });
    expect(countdown(t, due(-26 * 3600_000), now)?.text).toBe("逾期 1 天 2 小时");
    // A list that renews every few seconds stays with minutes.
    expect(countdown(t, due(-65_000), now, false)?.text).toBe("逾期 1 分钟");
    expect(countdown(t, due(-5_000), now, false)?.text).toBe("逾期 不足 1 分钟");
  });
  it("is as urgent as the notifications: a quarter, a tenth of the time left, overdue", () => {
    expect(urgency(due(12 * 3600_000), now)).toBe("normal");
    expect(urgency(due(6 * 3600_000), now)).toBe("warning");
    expect(urgency(due(2 * 3600_000), now)).toBe("critical");
    expect(urgency(due(-1), now)).toBe("overdue");
    // 91 days left of three months is not urgent, whatever the hours say.
    expect(urgency({ status: "RUNNING", startedAt: new Date(now).toISOString(), dueAt: new Date(now + 91 * day).toISOString() }, now)).toBe("normal");
    expect(urgency({ status: "MET", dueAt: new Date(now - 1).toISOString() }, now)).toBeUndefined();
  });
  it("orders clocks as they press: running by due time, then done, then not started", () => {
    const list = [
      { id: "later", ...due(80 * day) }, { id: "idle", status: "NOT_STARTED" }, { id: "done", status: "MET", dueAt: new Date(now - day).toISOString() },
      { id: "soon", ...due(60_000) }, { id: "over", ...due(-60_000) },
    ];
    expect(byUrgency(list, now).map((c) => c.id)).toEqual(["over", "soon", "later", "done", "idle"]);
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
