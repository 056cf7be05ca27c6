import { fireEvent, render, waitFor, within } from "@testing-library/react";
import { Provider, type Client } from "urql";
import { fromValue, never } from "wonka";
import { describe, expect, it, vi } from "vitest";
import { IncidentAccessProvider, type IncidentAccess } from "../../components/access";
import i18n from "../../i18n";
import { EvidencePanel } from "./EvidencePanel";

const custody = (action: string, at: string, timeZone: string, extra = {}) => ({
  action, at, timeZone, actor: null, actorName: "", purpose: "", sha256: null, transferredTo: "", collectedFrom: "", ...extra,
});
const item = {
  id: "e1", fileName: "通知原件.pdf", sha256: "a".repeat(64), size: 2048, contentType: "application/pdf", uploadedAt: "2026-11-25T01:00:00Z",
  timeZone: "Europe/Berlin", legalHold: false, fixity: "UNVERIFIED", capturedAt: null, device: "", uploadedBy: { displayName: "值班员" },
  duplicateOf: null, acquisition: { from: "举报人王某", where: "", how: "手机截图", at: "2026-11-24T13:15:00Z", timeZone: "Asia/Shanghai", by: "张警官" },
  custody: [
    custody("COLLECTED", "2026-11-24T13:15:00Z", "Asia/Shanghai", { actorName: "张警官", purpose: "collected: 手机截图", collectedFrom: "举报人王某" }),
    custody("UPLOADED", "2026-11-25T01:00:00Z", "Europe/Berlin", { actor: { displayName: "值班员" }, actorName: "duty", purpose: "stored in the evidence vault" }),
  ],
};
const client = () => ({
  executeQuery: vi.fn(() => fromValue({ data: { me: { id: "u1", displayName: "值班员" }, incident: { id: "i1", evidence: [item] } } })),
  executeMutation: vi.fn(),
}) as unknown as Client;
const investigator: IncidentAccess = { caseRole: "INVESTIGATOR", canEdit: true, canAdvance: true, canManageMembers: false, canSeeOutcomes: false };

describe("evidence panel", () => {
  it("asks how the files were obtained, and shows custody by name with each time in its zone", async () => {
    await i18n.changeLanguage("zh-CN");
    const { container } = render(<Provider value={client()}><IncidentAccessProvider access={investigator}>
      <EvidencePanel incidentId="i1" reference="LT-2026-0001" frozen={false} changes={0} />
    </IncidentAccessProvider></Provider>);
    const vault = within(container.querySelector("#evidence") as HTMLElement);
    for (const label of ["从谁处获得", "获取方式", "获取地点", "获取时间", "时区"]) expect(vault.getByLabelText(label)).toBeTruthy();
    expect((vault.getByLabelText("收集人") as HTMLInputElement).value).toBe("值班员");
    expect(await vault.findByText("通知原件.pdf")).toBeTruthy();
    expect(container.textContent).toContain("2026-11-25 02:00 (Europe/Berlin)");
    expect(vault.getByRole("button", { name: /预\s*览/ })).toBeTruthy();
    // Under jsdom the screen is a phone's: the actions are under the file, in
    // its cell, not in a column the table scrolls out of sight.
    const cell = vault.getByText("通知原件.pdf").closest("td")!;
    expect(within(cell).getByRole("button", { name: /预\s*览/ })).toBeTruthy();
    expect(within(cell).getByRole("button", { name: "标记为泄露内容" })).toBeTruthy();
    fireEvent.click(container.querySelector(".ant-table-row-expand-icon")!);
    const collected = container.querySelector("[data-custody=COLLECTED]")!.textContent;
    expect(collected).toContain("2026-11-24 21:15:00 (Asia/Shanghai) · 张警官");
    expect(collected).toContain("来源：举报人王某");
    expect(collected).toContain("获取方式：手机截图");
    expect(container.querySelector("[data-custody=UPLOADED]")!.textContent).toContain("(Europe/Berlin) · 值班员");
  }, 20000); // antd's forms render slowly on a loaded machine
  it("sends every file dropped at once, not only the last", async () => {
    await i18n.changeLanguage("zh-CN");
    const c = client();
    (c.executeMutation as ReturnType<typeof vi.fn>).mockImplementation(() => never);
    const { container } = render(<Provider value={c}><IncidentAccessProvider access={investigator}>
      <EvidencePanel incidentId="i1" reference="LT-2026-0001" frozen={false} changes={0} />
    </IncidentAccessProvider></Provider>);
    const vault = within(container.querySelector("#evidence") as HTMLElement);
    fireEvent.change(vault.getByLabelText("从谁处获得"), { target: { value: "施某" } });
    fireEvent.change(vault.getByLabelText("获取方式"), { target: { value: "当面导出" } });
    const at = vault.getByLabelText("获取时间");
    fireEvent.mouseDown(at);
    fireEvent.change(at, { target: { value: "2021-03-23 10:00:00" } });
    fireEvent.keyDown(at, { key: "Enter", code: "Enter", keyCode: 13 });
    const files = ["wxid_hmq2019_0_41.csv", "4d7e91.jpg", "9f1c2a.jpg"].map((n) => new File(["x"], n));
    fireEvent.change(container.querySelector("input[type=file]")!, { target: { files } });
    await waitFor(() => expect(c.executeMutation).toHaveBeenCalledTimes(3));
    const names = (c.executeMutation as ReturnType<typeof vi.fn>).mock.calls.map(([op]) => op.variables.input.fileName).sort();
    expect(names).toEqual(["4d7e91.jpg", "9f1c2a.jpg", "wxid_hmq2019_0_41.csv"]);
  }, 20000);
});
