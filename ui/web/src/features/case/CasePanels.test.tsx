import { render, screen } from "@testing-library/react";
import { Provider, type Client } from "urql";
import { fromValue } from "wonka";
import { describe, expect, it, vi } from "vitest";
import { IncidentAccessProvider, type IncidentAccess } from "../../components/access";
import i18n from "../../i18n";
import { CaseFacts, ResponsePanel } from "./CasePanels";

const incident = { id: "i1", version: 3, summary: "文件外传", rootCause: "HUMAN_ERROR", scopeAndImportance: null, businessImpact: null,
  reachedOutside: true, disclosureDecision: null, disclosureRationale: null, affectedNotice: null, statement: null,
  containmentActions: [{ id: "c1", kind: "RECALL", description: "撤回邮件", takenAt: "2026-02-01T09:00:00Z", recordedBy: { displayName: "李调查" } }],
  notifications: [],
  spread: { takedownCount: 1, takedowns: [{ key: "w", name: "境外网站", exposure: "PUBLIC",
    containment: { status: "REQUESTED", requestedTo: "网站管理员", requestedAt: "2026-02-01T10:00:00Z", updatedAt: null } }] } };
const client = () => ({ executeQuery: vi.fn(() => fromValue({ data: { incident } })), executeMutation: vi.fn() }) as unknown as Client;
const reader: IncidentAccess = { caseRole: null, canEdit: false, canAdvance: false, canManageMembers: false, canSeeOutcomes: true };
const investigator: IncidentAccess = { caseRole: "INVESTIGATOR", canEdit: true, canAdvance: true, canManageMembers: false, canSeeOutcomes: false };
const panels = (access: IncidentAccess) => render(<Provider value={client()}><IncidentAccessProvider access={access}>
  <ResponsePanel incidentId="i1" frozen={false} changes={0} onChanged={() => {}} onShowVenue={() => {}} />
  <CaseFacts incidentId="i1" frozen={false} changes={0} onChanged={() => {}} />
</IncidentAccessProvider></Provider>);

describe("case panels", () => {
  it("count containment as the gate does: the incident's steps and the venues' takedowns, together", async () => {
    await i18n.changeLanguage("zh-CN");
    panels(reader);
    expect((await screen.findByTestId("containment-count")).textContent).toBe("计入关口 2 项");
    expect(screen.getByTestId("venue-takedowns").textContent).toContain("已要求：网站管理员");
    expect(screen.queryByText(/尚未记录控制措施/)).toBeNull();
  });
  it("show a reader the record without a single edit affordance", async () => {
    await i18n.changeLanguage("zh-CN");
    panels(reader);
    expect(await screen.findByText(/撤回邮件/)).toBeTruthy();
    expect(screen.getByText("文件外传")).toBeTruthy();
    // The one button goes to the venue on the spread chain; nothing edits.
    expect(screen.queryAllByRole("button").map((b) => b.textContent)).toEqual(["境外网站"]);
    expect(screen.queryAllByRole("textbox")).toHaveLength(0);
  });
  it("give the case team its forms", async () => {
    await i18n.changeLanguage("zh-CN");
    panels(investigator);
    expect(await screen.findByText(/撤回邮件/)).toBeTruthy();
    expect(screen.getAllByRole("button").length).toBeGreaterThan(2);
  }, 15000); // antd's forms render slowly on a loaded machine
});
