import { describe, expect, it } from "vitest";
import en from "../../locales/en.json";
import { sectionOf, targetOf } from "./sections";

describe("targetOf", () => {
  it("sends every requirement the server knows to a form in a section of the case", () => {
    for (const id of Object.keys(en.requirement)) {
      const target = targetOf({ id });
      expect(target, id).not.toEqual({ section: "overview", element: "overview" });
    }
  });
  it("sends the investigation's items to their forms, not to the read-only details", () => {
    expect(targetOf({ id: "investigation.root_cause" })).toEqual({ section: "overview", element: "facts_rootCause" });
    expect(targetOf({ id: "investigation.spread_chain" })).toEqual({ section: "spread", element: "add-forward" });
    expect(targetOf({ id: "investigation.evidence" })).toEqual({ section: "evidence", element: "evidence-upload" });
    expect(targetOf({ id: "detect.reported_by" })).toEqual({ section: "overview", details: "reportedBy" });
    expect(targetOf({ id: "recovery.takedowns" })).toEqual({ section: "spread", element: "frontier" });
  });
  it("sends a task's requirement to the task list", () => {
    expect(targetOf({ id: "anything", task: { id: "t" } })).toEqual({ section: "overview", element: "tasks" });
  });
});

describe("sectionOf", () => {
  it("reads the section from the address, the overview otherwise", () => {
    expect(sectionOf("#spread")).toBe("spread");
    expect(sectionOf("")).toBe("overview");
    expect(sectionOf("#nonsense")).toBe("overview");
  });
});
