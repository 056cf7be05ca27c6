import { createContext, useContext, type ReactNode } from "react";
import type { CaseRole } from "../gql/graphql";

// IncidentAccess is what the signed-in user may do with the incident on
// screen (the server's `myAccess`), so each screen offers only those actions;
// the server still checks every change.
export interface IncidentAccess {
  caseRole?: CaseRole | null;
  canEdit: boolean;
  canAdvance: boolean;
  canManageMembers: boolean;
  canSeeOutcomes: boolean;
}

// Until the page says otherwise nobody may change anything: an edit button
// that appears and then answers "no permission" is what this prevents.
const readOnly: IncidentAccess = { caseRole: null, canEdit: false, canAdvance: false, canManageMembers: false, canSeeOutcomes: false };

const Context = createContext<IncidentAccess>(readOnly);

export function IncidentAccessProvider({ access, children }: { access?: IncidentAccess | null; children: ReactNode }) {
  return <Context.Provider value={access ?? readOnly}>{children}</Context.Provider>;
}

// useIncidentAccess gives the caller's rights on the incident with two derived
// ones myAccess does not carry: deciding disciplinary outcomes (the lead, or an
// investigator who may see them) and reopening a frozen case (the lead, or
// LEADERSHIP — the only readers who are not members).
export function useIncidentAccess() {
  const a = useContext(Context);
  return {
    ...a,
    canDecide: a.canSeeOutcomes && a.canEdit && (a.caseRole === "LEAD" || a.caseRole === "INVESTIGATOR"),
    canReopen: a.caseRole === "LEAD" || (a.caseRole == null && a.canSeeOutcomes),
  };
}
