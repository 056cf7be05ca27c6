import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { IncidentAccessProvider, useIncidentAccess, type IncidentAccess } from "./access";

function Show() {
  const a = useIncidentAccess();
  return <span>{[a.canEdit && "edit", a.canAdvance && "advance", a.canDecide && "decide", a.canReopen && "reopen"].filter(Boolean).join(",") || "read"}</span>;
}
const none = { canEdit: false, canAdvance: false, canManageMembers: false, canSeeOutcomes: false };
const shown = (access?: IncidentAccess | null) => {
  const { unmount } = render(access === undefined ? <Show /> : <IncidentAccessProvider access={access}><Show /></IncidentAccessProvider>);
  const text = screen.getByText(/./).textContent;
  unmount();
  return text;
};

describe("useIncidentAccess", () => {
  it("offers nothing before the page says what the caller may do", () => {
    expect(shown()).toBe("read");
    expect(shown(null)).toBe("read");
  });
  it("lets the lead and an investigator with outcomes access decide outcomes, not a responder", () => {
    expect(shown({ ...none, caseRole: "LEAD", canEdit: true, canAdvance: true, canManageMembers: true, canSeeOutcomes: true })).toBe("edit,advance,decide,reopen");
    expect(shown({ ...none, caseRole: "INVESTIGATOR", canEdit: true, canAdvance: true, canSeeOutcomes: true })).toBe("edit,advance,decide");
    expect(shown({ ...none, caseRole: "INVESTIGATOR", canEdit: true, canAdvance: true })).toBe("edit,advance");
    expect(shown({ ...none, caseRole: "RESPONDER", canEdit: true, canSeeOutcomes: true })).toBe("edit");
  });
  it("lets leadership reading a closed case only reopen it, and an observer nothing", () => {
    expect(shown({ ...none, caseRole: null, canSeeOutcomes: true })).toBe("reopen");
    expect(shown({ ...none, caseRole: "OBSERVER" })).toBe("read");
  });
});
