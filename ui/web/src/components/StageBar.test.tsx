import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import "../i18n";
import i18n from "../i18n";
import { GateChecklist, fixedAt } from "./GateChecklist";
import { StageBar } from "./StageBar";

describe("StageBar", () => {
  it("names every stage and marks the current one", async () => {
    await i18n.changeLanguage("zh-CN");
    const { container } = render(<StageBar stage="INVESTIGATION" />);
    for (const name of ["发现", "初步处置", "调查", "通报", "整改", "结案"]) expect(screen.getByText(name)).toBeTruthy();
    expect(container.querySelector(".ant-steps-item-process")?.textContent).toContain("调查");
    expect(container.querySelectorAll(".ant-steps-item-finish")).toHaveLength(2);
  });
});

describe("GateChecklist", () => {
  const requirements = [
    { id: "investigation.root_cause", description: "The root cause is recorded", met: true },
    { id: "investigation.evidence", description: "Evidence is attached", met: false },
    { id: "investigation.spread_chain", description: "x", met: false, task: { id: "t1", done: false } },
  ];
  it("lists unmet items first, each linking to where it is fixed, in the reader's language", async () => {
    await i18n.changeLanguage("en");
    const { container } = render(<GateChecklist requirements={requirements} />);
    const items = [...container.querySelectorAll("[data-requirement]")].map((e) => e.getAttribute("data-requirement"));
    expect(items).toEqual(["investigation.evidence", "investigation.spread_chain", "investigation.root_cause"]);
    expect(screen.getByText("Evidence is attached").closest("a")?.getAttribute("href")).toBe("#evidence");
    expect(screen.getByText("The spread chain is mapped to its origin").closest("a")?.getAttribute("href")).toBe("#tasks");
    expect(screen.getByText("The root cause is recorded").closest("a")).toBeNull();
  });
  it("falls back to the server's description for a requirement it does not know", () => {
    expect(fixedAt({ id: "recovery.outcomes", description: "", met: false })).toBe("#responsibility");
  });
  it("sends the recovery gate's responsibility to the findings and its takedowns to the chain", () => {
    expect(fixedAt({ id: "recovery.responsibility", description: "", met: false })).toBe("#responsibility");
    expect(fixedAt({ id: "recovery.takedowns", description: "", met: false })).toBe("#spread");
  });
});
