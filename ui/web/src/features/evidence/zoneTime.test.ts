import { describe, expect, it } from "vitest";
import { fromZone, inZone } from "./zoneTime";

describe("zone-labelled times", () => {
  it("shows an instant as the time in the zone it was recorded in", () => {
    expect(inZone("2026-11-24T13:15:00Z", "Asia/Shanghai")).toBe("2026-11-24 21:15 (Asia/Shanghai)");
    expect(inZone("2026-11-24T13:15:07Z", "UTC", true)).toBe("2026-11-24 13:15:07 (UTC)");
    // Midnight is 00, not 24.
    expect(inZone("2026-11-24T16:00:00Z", "Asia/Shanghai")).toBe("2026-11-25 00:00 (Asia/Shanghai)");
  });
  it("reads a date and time typed for a zone as that zone's", () => {
    expect(fromZone("Asia/Shanghai", 2026, 11, 24, 21, 15).toISOString()).toBe("2026-11-24T13:15:00.000Z");
    expect(fromZone("UTC", 2026, 1, 1, 0, 0).toISOString()).toBe("2026-01-01T00:00:00.000Z");
    // Either side of Berlin's change to summer time (2026-03-29 02:00 → 03:00).
    expect(fromZone("Europe/Berlin", 2026, 3, 28, 12, 0).toISOString()).toBe("2026-03-28T11:00:00.000Z");
    expect(fromZone("Europe/Berlin", 2026, 3, 29, 12, 0).toISOString()).toBe("2026-03-29T10:00:00.000Z");
  });
});
