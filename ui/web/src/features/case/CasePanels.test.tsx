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
  notifications: [] };
const client = () => ({ executeQuery: vi.fn(() => fromValue({ data: { incident } })), executeMutation: vi.fn() }) as unknown as Client;
const reader: IncidentAccess = { caseRole: null, canEdit: false, canAdvance: false, canManageMembers: false, canSeeOutcomes: true };
const investigator: IncidentAccess = { caseRole: "INVESTIGATOR", canEdit: true, canAdvance: true, canManageMembers: false, canSeeOutcomes: false };
const panels = (access: IncidentAccess) => render(<Provider value={client()}><IncidentAccessProvider access={access}>
  <ResponsePanel incidentId="i1" frozen={false} changes={0} onChanged={() => {}} />
  <CaseFacts incidentId="i1" frozen={false} changes={0} onChanged={() => {}} />
</IncidentAccessProvider></Provider>);

describe("case panels", () => {
  it("show a reader the record without a single edit affordance", async () => {
    await i18n.changeLanguage("zh-CN");
    panels(reader);
    expect(await screen.findByText(/撤回邮件/)).toBeTruthy();
    expect(screen.getByText("文件外传")).toBeTruthy();
    expect(screen.queryAllByRole("button")).toHaveLength(0);
    expect(screen.queryAllByRole("textbox")).toHaveLength(0);
  });
  it("give the case team its forms", async () => {
    await i18n.changeLanguage("zh-CN");
    panels(investigator);
    expect(await screen.findByText(/撤回邮件/)).toBeTruthy();
    expect(screen.getAllByRole("button").length).toBeGreaterThan(2);
  }, 15000); // antd's forms render slowly on a loaded machine
});
