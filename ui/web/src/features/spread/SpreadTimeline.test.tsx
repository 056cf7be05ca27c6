import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import { byTime, type ExportForward } from "./graphData";
import { SpreadTimeline } from "./SpreadTimeline";

const forwards: ExportForward[] = [
  { id: "b", key: "f2", from: "fax", to: "p:杨某", by: "p:杨某", at: "2026-02-01T08:30:00+08:00", method: "PHOTO" },
  { id: "a", key: "f1", from: "p:宗某", to: "fax", by: "p:宗某", at: "2026-02-01T08:00:00+08:00", method: "FAX" },
  { id: "c", key: "f3", from: "fax", to: "g:群", by: "p:杨某", at: "2026-02-01T08:10:00+08:00", method: "FORWARD" },
];
const names = new Map([["p:宗某", "宗某"], ["fax", "传真"], ["p:杨某", "杨某"], ["g:群", "群"]]);

describe("SpreadTimeline", () => {
  it("lists the hops in time order, marks what the replay reached, and picks one", async () => {
    await i18n.changeLanguage("zh-CN");
    const onPick = vi.fn();
    render(<SpreadTimeline sorted={byTime(forwards)} names={names} until={Date.parse("2026-02-01T08:10:00+08:00")} onPick={onPick} />);
    const hops = screen.getAllByRole("button");
    expect(hops.map((b) => b.textContent)).toEqual([
      expect.stringContaining("宗某 → 传真"), expect.stringContaining("传真 → 群"), expect.stringContaining("传真 → 杨某")]);
    expect(hops[1].textContent).toContain("经手：杨某");
    expect(hops[0].textContent).not.toContain("经手");
    expect(hops.map((b) => b.closest("[data-reached]")?.getAttribute("data-reached"))).toEqual(["true", "true", "false"]);
    fireEvent.click(hops[2]);
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ key: "f2" }));
  });
});
