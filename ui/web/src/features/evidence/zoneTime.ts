// Times in the evidence vault are read with the zone they were recorded in
// (a custody record's time means little without it), whatever the reader's.

// The reader's IANA time zone, the default for what they record.
export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

// wallClock is the date and time an instant shows in a zone.
function wallClock(at: Date, zone: string) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(at).map((p) => [p.type, p.value]));
  return parts as Record<"year" | "month" | "day" | "hour" | "minute" | "second", string>;
}

// inZone formats an instant as the time it was in a zone, labelled with the
// zone: "2026-11-24 21:15 (Asia/Shanghai)".
export function inZone(at: string | Date, zone: string, seconds = false): string {
  return `${wallTime(at, zone, seconds)} (${zone})`;
}

// wallTime is inZone without the zone's label, for a sentence or a list
// whose zone is said once around it.
export function wallTime(at: string | Date, zone: string, seconds = false): string {
  const w = wallClock(new Date(at), zone);
  return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}${seconds ? `:${w.second}` : ""}`;
}

// offsetAt is how far a zone's clock is ahead of UTC at an instant, in ms.
function offsetAt(ms: number, zone: string): number {
  const w = wallClock(new Date(ms), zone);
  return Date.UTC(+w.year, +w.month - 1, +w.day, +w.hour, +w.minute, +w.second) - Math.floor(ms / 1000) * 1000;
}

// fromZone is the instant at which a zone's clock read the given date and
// time (month from 1); the offset is taken again at the result, so a date on
// the other side of a daylight-saving change from the first guess is right.
export function fromZone(zone: string, year: number, month: number, day: number, hour: number, minute: number): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - offsetAt(wall, zone);
  return new Date(wall - offsetAt(first, zone));
}

// zones are the IANA zones the browser knows, for choosing one.
export const zones: string[] = (() => {
  const all = Intl.supportedValuesOf?.("timeZone") ?? [];
  return all.includes(browserZone) ? all : [browserZone, ...all];
})();
