import type { TFunction } from "i18next";
import type { Dayjs } from "dayjs";
import dayjs from "dayjs";
import { fromZone, wallTime } from "../evidence/zoneTime";

// A line of an export: the place a message, a proposal or an evidenced
// forward rests on, and where the message viewer opens.
export interface LineRef { evidenceId: string; line: number }

// lineLink is the address of the message viewer opened at a line of an
// export: the case's messages section, with the line in the query (the
// fragment names the section).
export function lineLink(ref: LineRef): { search: string; hash: string } {
  return { search: `?${new URLSearchParams({ evidence: ref.evidenceId, line: String(ref.line) })}`, hash: "messages" };
}

// readLineLink is the line an address opens the viewer at, if it names one.
export function readLineLink(search: string): LineRef | undefined {
  const q = new URLSearchParams(search);
  const evidenceId = q.get("evidence");
  const line = Number(q.get("line"));
  if (!evidenceId || !Number.isInteger(line) || line < 1) return undefined;
  return { evidenceId, line };
}

// sendersNamed are the senders a search term names exactly (by name or a
// handle): the search reads the messages' text only, so a name typed there
// finds the messages that mention the person, not those they sent.
export function sendersNamed<S extends { name: string; handles: string[] }>(term: string | undefined, senders: S[]): S[] {
  const q = term?.trim().toLowerCase();
  if (!q) return [];
  return senders.filter((s) => s.name.toLowerCase() === q || s.handles.some((h) => h.toLowerCase() === q));
}

// reconstructed counts what a reconstruction returned: every proposal of the
// case, those decided before kept as decided, so the count to review is of
// the rest.
export function reconstructed(returned: { id: string }[], known: { id: string; state: string }[]): { open: number; decided: number } {
  const decided = new Set(known.filter((p) => p.state !== "PROPOSED").map((p) => p.id));
  const before = returned.filter((p) => decided.has(p.id)).length;
  return { open: returned.length - before, decided: before };
}

// percent words a 0..1 confidence as a whole percentage.
export const percent = (x: number) => `${Math.round(x * 100)}%`;

export interface ProposalWords {
  reason: string;
  at: string;
  by: { name: string };
  to: { name: string };
  from: { name: string };
  fromName?: string | null;
  earlierAt?: string | null;
  originAt?: string | null;
  candidates?: number | null;
}

// explain is a proposal's sentence of explanation in the reader's language
// (proposal.<REASON>), its times in the case's zone.
export function explain(t: TFunction, p: ProposalWords, zone: string): string {
  const time = (at?: string | null) => (at ? wallTime(at, zone) : "?");
  return t(`proposal.${p.reason}`, {
    by: p.by.name, to: p.to.name, at: time(p.at), from: p.fromName || p.from.name,
    earlierAt: time(p.earlierAt), originAt: time(p.originAt), candidates: p.candidates ?? 0,
  });
}

// The byte counts of a read in progress, as a whole percentage; an empty
// export is read as soon as it is opened.
export function progress(read: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((read / total) * 100));
}

// Reads still running, polled until they finish.
export const inFlight = (state: string) => state === "QUEUED" || state === "RUNNING";

// zoneClock is an instant as the date and time a picker shows for the
// case's zone (pickers read and write the browser's clock).
export const zoneClock = (at: string, zone: string): Dayjs => dayjs(wallTime(at, zone, true));

// editedAt is the instant a picked date and time names in the case's zone,
// or undefined when the minute picked is the one shown at first.
export function editedAt(picked: Dayjs | null | undefined, shown: Dayjs, zone: string): string | undefined {
  if (!picked || picked.isSame(shown, "minute")) return undefined;
  return fromZone(zone, picked.year(), picked.month() + 1, picked.date(), picked.hour(), picked.minute()).toISOString();
}
