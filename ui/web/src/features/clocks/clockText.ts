import type { TFunction } from "i18next";
import { useEffect, useState } from "react";

// useNow is the current time, renewed every `every` ms, for clocks that count down.
export function useNow(every = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), every);
    return () => window.clearInterval(id);
  }, [every]);
  return now;
}

// span words a duration in hours and minutes ("5 小时 12 分"); days when it
// is longer; "under a minute" rather than "0 minutes".
export function span(t: TFunction, ms: number): string {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
  const days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
  if (days > 0) return t("clock.daysHours", { days, hours });
  if (hours > 0) return t("clock.hoursMinutes", { hours, minutes: rest });
  if (rest === 0) return t("clock.underMinute");
  return t("clock.minutes", { minutes: rest });
}

// The parts of a Clock the countdown needs.
export interface ClockTiming { status: string; dueAt?: string | null; startedAt?: string | null }

// Urgency is how pressing a clock is: by the share of its time left, at the
// same points the notifications are sent (a quarter, a tenth), or overdue.
export type Urgency = "overdue" | "critical" | "warning" | "normal";

// urgency is a running or overdue clock's urgency at `now`; undefined for the others.
export function urgency(c: ClockTiming, now: number): Urgency | undefined {
  const status = liveStatus(c, now);
  if (status === "OVERDUE") return "overdue";
  if (status !== "RUNNING" || !c.dueAt) return undefined;
  const due = Date.parse(c.dueAt), start = Date.parse(c.startedAt ?? "");
  const share = due > start ? (due - now) / (due - start) : 1;
  return share <= 0.1 ? "critical" : share <= 0.25 ? "warning" : "normal";
}

// The colour of each urgency, for tags and countdowns.
export const urgencyColor: Record<Urgency, string> = { overdue: "red", critical: "volcano", warning: "orange", normal: "blue" };

// liveStatus is a clock's status at `now`: a running clock whose due time
// passed since it was read is overdue already, before the server says so.
export function liveStatus(c: ClockTiming, now: number): string {
  if (c.status === "RUNNING" && c.dueAt && Date.parse(c.dueAt) <= now) return "OVERDUE";
  return c.status;
}

// The tag colour of each status.
export const statusColor: Record<string, string> = { NOT_STARTED: "default", RUNNING: "blue", MET: "green", LATE: "orange", OVERDUE: "red" };

// order puts the clocks in the order they press: running and overdue ones by
// due time, then those done, then those not started.
export function byUrgency<C extends ClockTiming>(clocks: readonly C[], now: number): C[] {
  const rank = (c: C) => { const s = liveStatus(c, now); return s === "OVERDUE" || s === "RUNNING" ? 0 : s === "NOT_STARTED" ? 2 : 1; };
  return [...clocks].sort((a, b) => rank(a) - rank(b) || (Date.parse(a.dueAt ?? "") || Infinity) - (Date.parse(b.dueAt ?? "") || Infinity));
}

// countdown words the time left to a running clock, or how long it is
// overdue; where it ticks every second (precise), its last hour down to the
// second. It is undefined for a clock that is not running.
export function countdown(t: TFunction, c: ClockTiming, now: number, precise = true): { text: string; color: string } | undefined {
  const status = liveStatus(c, now);
  if ((status !== "RUNNING" && status !== "OVERDUE") || !c.dueAt) return undefined;
  const left = Date.parse(c.dueAt) - now;
  if (Number.isNaN(left)) return undefined;
  const words = precise && Math.abs(left) < 3600_000 ? preciseSpan(t, left) : span(t, left);
  const color = urgencyColor[urgency(c, now) ?? "normal"];
  return { text: t(left <= 0 ? "clock.overdue" : "clock.left", { span: words }), color };
}

// preciseSpan words less than an hour in minutes and seconds, seconds alone under a minute.
export function preciseSpan(t: TFunction, ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  if (seconds < 60) return t("clock.seconds", { seconds });
  return t("clock.minutesSeconds", { minutes: Math.floor(seconds / 60), seconds: seconds % 60 });
}

// clockLabel is a clock's name in the reader's language, its id when the
// deployment added one this UI does not know.
export function clockLabel(t: TFunction, id: string): string {
  return t(`clockName.${id}`, { defaultValue: id });
}
