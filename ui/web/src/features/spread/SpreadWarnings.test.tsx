import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import type { ExportForward } from "./graphData";
import { SpreadWarnings } from "./SpreadWarnings";

const names = new Map([["p:网友", "网友"], ["g:其他群", "其他群"], ["web:境外网站", "境外网站"]]);
const hop: ExportForward = { id: "1", key: "c5-7", from: "g:其他群", to: "web:境外网站", by: "p:网友", at: "2026-02-01T09:00:00Z", method: "POST" };
const forwards = new Map([[hop.key, hop]]);
const warning = { kind: "SENDER_NOT_IN_VENUE", forwardKeys: ["c5-7"], nodeKeys: ["p:网友", "g:其他群"] };

describe("SpreadWarnings", () => {
  it("lists a few warnings, all on demand, each picking what it names", async () => {
    await i18n.changeLanguage("en");
    const onPick = vi.fn();
    render(<SpreadWarnings warnings={Array(5).fill(warning)} count={7} names={names} forwards={forwards} time={() => "02-01 17:00"} onPick={onPick} />);
    expect(screen.getByText("Consistency warnings (7)")).toBeTruthy();
    // Closed at first, so the graph stays above the fold.
    expect(screen.queryByText(/forwarded out of/)).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "show" }));
    const named = "网友 forwarded out of 其他群 but is not recorded as being in it: 02-01 17:00 其他群 → 境外网站";
    expect(screen.getAllByText(named)).toHaveLength(3);
    fireEvent.click(screen.getByText("Show the first 5"));
    expect(screen.getAllByText(named)).toHaveLength(5);
    expect(screen.getByText("The first 5 are listed.")).toBeTruthy();
    fireEvent.click(screen.getAllByText(named)[0]);
    expect(onPick).toHaveBeenCalledWith("c5-7", "p:网友");
  });
});
