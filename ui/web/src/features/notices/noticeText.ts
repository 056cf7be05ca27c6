import type { TFunction } from "i18next";
import type { NoticeChannel, NoticeKind } from "../../gql/graphql";
import { clockLabel } from "../clocks/clockText";

// The kinds a person may subscribe to, in the schema's order (TEST is an
// admin's button, never fanned out).
export const noticeKinds = ["STAGE_CHANGED", "GATE_MET", "CLOCK_25", "CLOCK_10", "CLOCK_OVERDUE", "REVIEW_REQUESTED", "REVIEW_DECIDED",
  "FIXITY_MISMATCH", "UPLOAD_FINISHED", "IMPORT_FINISHED"] as const satisfies readonly NoticeKind[];
export const noticeChannels = ["IN_APP", "EMAIL"] as const satisfies readonly NoticeChannel[];

export interface NoticeLike { kind: string; reference: string; data: { key: string; value: string }[] }

// noticeText is a notification's one line, built as the server builds the
// e-mail's subject (notify.Title): the reference and the event's codes, each
// worded in the reader's language.
export function noticeText(t: TFunction, n: NoticeLike): string {
  const data = Object.fromEntries(n.data.map((d) => [d.key, d.value]));
  const params: Record<string, string> = { reference: n.reference };
  for (const k of ["from", "to", "stage"]) if (data[k]) params[k] = t(`stage.${data[k]}`);
  if (data.clock) params.clock = clockLabel(t, data.clock);
  if (data.decision) params.decision = t(`notice.decision.${data.decision}`);
  if (data.due) params.due = data.due;
  return t(`notice.${n.kind}`, params);
}

// minutesToTime and timeToMinutes convert quiet hours between the server's
// minutes after midnight and "HH:mm".
export function minutesToTime(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}
export function timeToMinutes(s: string): number {
  const [h, m] = s.split(":").map(Number);
  return h * 60 + m;
}
