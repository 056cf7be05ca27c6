import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { Provider, type Client } from "urql";
import { never } from "wonka";
import { describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import type { ExportForward, ExportNode } from "./graphData";
import { IncidentAccessProvider } from "../../components/access";
import { NodePanel } from "./SpreadSide";

const site: ExportNode = { id: "n1", key: "web:境外网站", kind: "WEBSITE", name: "境外网站", exposure: "PUBLIC", memberCount: 1200,
  containment: "REQUESTED", origin: false, hops: 7 };
const forwards: ExportForward[] = [
  { id: "f1", key: "c5-7", from: "g:其他群", to: "web:境外网站", by: "p:网友", at: "2026-02-01T09:00:00Z", method: "POST", confidence: "SUSPECTED" },
  { id: "f2", key: "c5-1", from: "p:宗某", to: "fax", by: "p:宗某", at: "2026-02-01T01:00:00Z", method: "FAX" },
];
const names = new Map([["g:其他群", "其他群"], ["web:境外网站", "境外网站"]]);

// A client that records mutations and never answers: the panel's own checks are under test.
const client = () => ({ executeMutation: vi.fn(() => never), executeQuery: vi.fn(() => never) }) as unknown as Client;
const investigator = { caseRole: "INVESTIGATOR" as const, canEdit: true, canAdvance: true, canManageMembers: false, canSeeOutcomes: false };
const panel = (c: Client, frozen: boolean, access: typeof investigator | null = investigator) => (
  <Provider value={c}><IncidentAccessProvider access={access}>
    <NodePanel node={site} forwards={forwards} names={names} frozen={frozen} onChanged={() => {}} onClose={() => {}} />
  </IncidentAccessProvider></Provider>);

describe("NodePanel", () => {
  it("shows a venue, its takedown state and only the forwards involving it", async () => {
    await i18n.changeLanguage("zh-CN");
    render(panel(client(), false));
    expect(screen.getByText("已要求删除")).toBeTruthy();
    expect(screen.getByText("1200")).toBeTruthy();
    expect(screen.getByText("相关转发（1）")).toBeTruthy();
    expect(screen.getByText(/其他群 → 境外网站/)).toBeTruthy();
    expect(screen.getByText("待核实")).toBeTruthy();
    expect(screen.getByRole("button", { name: "记录删除情况" })).toBeTruthy();
  });
  it("offers no edits on a frozen case but the takedown", async () => {
    await i18n.changeLanguage("en");
    render(panel(client(), true));
    expect(screen.queryByRole("button", { name: "Edit details" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
    expect(screen.getByRole("button", { name: i18n.t("spread.setContainment") })).toBeTruthy();
  });
  it("offers no edits to a reader who may not change the case", async () => {
    await i18n.changeLanguage("en");
    render(panel(client(), false, null));
    expect(screen.getByText("takedown requested")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Edit details" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
    expect(screen.queryByRole("button", { name: i18n.t("spread.setContainment") })).toBeNull();
  });
  it("refuses an empty name before asking the server", async () => {
    await i18n.changeLanguage("en");
    const c = client();
    render(panel(c, false));
    fireEvent.click(screen.getByRole("button", { name: "Edit details" }));
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "  " } });
    fireEvent.click(screen.getByRole("button", { name: "OK" }));
    await waitFor(() => expect(screen.getByText("Give a name")).toBeTruthy());
    expect(c.executeMutation).not.toHaveBeenCalled();
  });
  it("says which forwards rest on lines of evidence, and jumps to them", async () => {
    await i18n.changeLanguage("zh-CN");
    const jumps: unknown[] = [];
    const provenance = new Map([["c5-7", { evidenced: true, sources: [{ line: 14, evidence: { id: "e2", fileName: "result.json" } }] }]]);
    render(<Provider value={client()}><IncidentAccessProvider access={investigator}>
      <NodePanel node={site} forwards={[...forwards, { ...forwards[0], id: "f3", key: "c5-8", from: "p:网友" }]} names={names} frozen={false}
        provenance={new Map([...provenance, ["c5-8", { evidenced: false, sources: [] }]])} onJump={(r) => jumps.push(r)} onChanged={() => {}} onClose={() => {}} />
    </IncidentAccessProvider></Provider>);
    expect(screen.getByText("有据")).toBeTruthy();
    expect(screen.getByText("录入")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "result.json 第 14 行" }));
    expect(jumps).toEqual([{ evidenceId: "e2", line: 14 }]);
  });
});
