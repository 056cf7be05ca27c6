import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import "../i18n";
import i18n from "../i18n";
import { GateChecklist } from "./GateChecklist";
import { StageBar } from "./StageBar";

describe("StageBar", () => {
  it("names every stage and marks the current one", async () => {
    await i18n.changeLanguage("zh-CN");
    const { container } = render(<StageBar stage="INVESTIGATION" />);
    for (const name of ["发现", "初步处置", "调查", "信息披露", "整改", "结案"]) expect(screen.getByText(name)).toBeTruthy();
    expect(container.querySelector(".ant-steps-item-process")?.textContent).toContain("调查");
    expect(container.querySelectorAll(".ant-steps-item-finish")).toHaveLength(2);
  });
});

describe("GateChecklist", () => {
  const requirements = [
    { id: "investigation.root_cause", description: "The root cause is recorded", met: true },
    { id: "investigation.evidence", description: "Evidence is attached", met: false },
    { id: "task.x", description: "Required task: 核实转发范围", met: false, task: { id: "t1", done: false, title: "核实转发范围" } },
    { id: "investigation.new_rule", description: "A rule the UI does not know yet", met: false },
  ];
  it("lists unmet items first, worded as things to do that go to their form; met ones as done", async () => {
    await i18n.changeLanguage("zh-CN");
    const went: string[] = [];
    const { container } = render(<GateChecklist requirements={requirements} onGo={(r) => went.push(r.id)} />);
    const items = [...container.querySelectorAll("[data-requirement]")].map((e) => e.getAttribute("data-requirement"));
    expect(items).toEqual(["investigation.evidence", "task.x", "investigation.new_rule", "investigation.root_cause"]);
    fireEvent.click(screen.getByRole("button", { name: "上传证据" }));
    fireEvent.click(screen.getByRole("button", { name: "完成任务：核实转发范围" }));
    expect(went).toEqual(["investigation.evidence", "task.x"]);
    expect(screen.getByText("已记录原因").closest("button")).toBeNull();
    // The server's own words for a requirement the catalogs do not know.
    expect(screen.getByRole("button", { name: "A rule the UI does not know yet" })).toBeTruthy();
  });
  it("offers no way to act to a reader who may not change the case", async () => {
    await i18n.changeLanguage("en");
    render(<GateChecklist requirements={requirements} />);
    expect(screen.getByText("Upload evidence").closest("button")).toBeNull();
  });
});
