// The areas of the case page and where on them each gate requirement is met.

export const sections = ["overview", "containment", "spread", "evidence", "messages", "responsibility", "record"] as const;
export type Section = (typeof sections)[number];

// A Target is the place a requirement is met: a section and, within it, the
// element to bring into view and focus (an element id), or the incident's
// details editor opened at one of its fields.
export type Target =
  | { section: Section; element: string }
  | { section: "overview"; details: DetailsField };

export type DetailsField = "leakedItem" | "classification" | "detectionMethod" | "reportedBy" | "detectedAt";

const targets: Record<string, Target> = {
  "detect.leaked_item": { section: "overview", details: "leakedItem" },
  "detect.classification": { section: "overview", details: "classification" },
  "detect.detection_method": { section: "overview", details: "detectionMethod" },
  "detect.reported_by": { section: "overview", details: "reportedBy" },
  "detect.detected_at": { section: "overview", details: "detectedAt" },
  "initial.containment": { section: "containment", element: "containment-form" },
  "initial.report_upward": { section: "containment", element: "notify-form" },
  "investigation.spread_chain": { section: "spread", element: "add-forward" },
  "investigation.root_cause": { section: "overview", element: "facts_rootCause" },
  "investigation.scope": { section: "overview", element: "facts_scopeAndImportance" },
  "investigation.business_impact": { section: "overview", element: "facts_businessImpact" },
  "investigation.evidence": { section: "evidence", element: "evidence-upload" },
  "disclosure.decision": { section: "overview", element: "facts_disclosureDecision" },
  "disclosure.statement": { section: "overview", element: "facts_statement" },
  "disclosure.affected_notice": { section: "overview", element: "facts_affectedNotice" },
  "recovery.measures": { section: "responsibility", element: "measure-form" },
  "recovery.outcomes": { section: "responsibility", element: "findings" },
  "recovery.responsibility": { section: "responsibility", element: "finding-form" },
  "recovery.takedowns": { section: "spread", element: "frontier" },
};

// targetOf is where the requirement with this id is met; a task's
// requirement is met in the task list.
export function targetOf(requirement: { id: string; task?: { id: string } | null }): Target {
  if (requirement.task) return { section: "overview", element: "tasks" };
  return targets[requirement.id] ?? { section: "overview", element: "overview" };
}

// sectionOf reads the section from the address's fragment (#spread), the
// overview when there is none or it names no section.
export function sectionOf(hash: string): Section {
  const name = hash.replace(/^#/, "");
  return (sections as readonly string[]).includes(name) ? (name as Section) : "overview";
}
