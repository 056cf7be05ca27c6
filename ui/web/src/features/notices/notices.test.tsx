import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { Provider } from "urql";
import { fromValue, never } from "wonka";
import i18n from "../../i18n";
import { minutesToTime, noticeText, timeToMinutes } from "./noticeText";
import { SettingsForm, settingsInput } from "./NoticeSettings";
import { NoticesPage } from "./Notices";

describe("a notification's line", () => {
  it("words the reference and the event's codes in the reader's language", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(noticeText(t, { kind: "CLOCK_OVERDUE", reference: "LT-2026-0007",
      data: [{ key: "clock", value: "report_upward" }, { key: "due", value: "2026-11-25 09:00 +08:00" }] }))
      .toBe("LT-2026-0007 时限「向上报告」已逾期（截止 2026-11-25 09:00 +08:00）");
    expect(noticeText(t, { kind: "STAGE_CHANGED", reference: "LT-1", data: [{ key: "from", value: "DETECT" }, { key: "to", value: "INITIAL_RESPONSE" }] }))
      .toBe(`LT-1 阶段已变更：${t("stage.DETECT")} → ${t("stage.INITIAL_RESPONSE")}`);
    await i18n.changeLanguage("en");
    expect(noticeText(i18n.t.bind(i18n), { kind: "REVIEW_DECIDED", reference: "LT-2", data: [{ key: "decision", value: "RETURNED" }] }))
      .toBe("LT-2 review: returned");
  });
});

describe("the notification settings", () => {
  it("convert quiet hours between minutes and the time field", () => {
    expect(minutesToTime(22 * 60 + 5)).toBe("22:05");
    expect(timeToMinutes("07:30")).toBe(450);
  });
  it("send only the kinds changed, and quiet hours or none", () => {
    const base = { email: " a@example.org ", channels: { CLOCK_10: ["IN_APP" as const] }, changed: [], quiet: false, quietFrom: "22:00", quietTo: "07:00", timeZone: "Asia/Shanghai" };
    expect(settingsInput(base)).toEqual({ email: "a@example.org", timeZone: "Asia/Shanghai", noQuietHours: true });
    expect(settingsInput({ ...base, changed: ["CLOCK_10", "GATE_MET"], quiet: true })).toEqual({
      email: "a@example.org", timeZone: "Asia/Shanghai", quietFrom: 1320, quietTo: 420,
      subscriptions: [{ kind: "CLOCK_10", channels: ["IN_APP"] }, { kind: "GATE_MET", channels: [] }],
    });
  });
  it("mark the kinds that follow the roles' defaults", async () => {
    await i18n.changeLanguage("zh-CN");
    const client = { executeQuery: () => never, executeMutation: () => never, executeSubscription: () => never };
    render(<Provider value={client as never}><SettingsForm onSaved={() => {}} settings={{ email: "", timeZone: "Asia/Shanghai", quietFrom: null, quietTo: null,
      subscriptions: [{ kind: "CLOCK_OVERDUE", channels: ["IN_APP", "EMAIL"], own: false }, { kind: "GATE_MET", channels: [], own: true }] }} /></Provider>);
    expect(screen.getAllByText("默认")).toHaveLength(9); // every kind but the one chosen
    const box = (name: string) => (screen.getByRole("checkbox", { name }) as HTMLInputElement).checked;
    expect(box("时限逾期 · 邮件")).toBe(true);
    expect(box("本阶段事项已齐备 · 站内")).toBe(false);
  });
});

describe("the notifications page", () => {
  it("links a notice to its case, and keeps only the reference of a case the reader may no longer see", async () => {
    await i18n.changeLanguage("zh-CN");
    const notice = (id: string, reference: string, incident: { id: string } | null) => ({ __typename: "Notice", id, kind: "CLOCK_OVERDUE", reference,
      at: "2026-11-27T11:00:00Z", readAt: null, incident: incident && { __typename: "Incident", ...incident },
      data: [{ __typename: "NoticeDatum", key: "clock", value: "report_upward" }, { __typename: "NoticeDatum", key: "due", value: "2026-11-27 19:00 UTC+08:00" }] });
    const client = {
      executeQuery: () => fromValue({ data: { notices: { __typename: "NoticeConnection", unread: 2, hasNextPage: false, endCursor: null,
        edges: [notice("n1", "LT-2026-0001", { id: "i1" }), notice("n2", "LT-2026-0002", null)] } } }),
      executeMutation: () => never, executeSubscription: () => never,
    };
    render(<Provider value={client as never}><MemoryRouter><NoticesPage /></MemoryRouter></Provider>);
    const linked = await screen.findByRole("link", { name: /LT-2026-0001 时限「向上报告」已逾期/ });
    expect(linked.getAttribute("href")).toBe("/incidents/LT-2026-0001");
    expect(screen.getByText(/LT-2026-0002 时限「向上报告」已逾期/).closest("a")).toBeNull();
    expect(screen.getByText(/您已无权查看此事件/)).toBeTruthy();
  });
});
