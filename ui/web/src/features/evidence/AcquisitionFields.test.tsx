import dayjs from "dayjs";
import { describe, expect, it } from "vitest";
import { acquisitionInput } from "./AcquisitionFields";

describe("acquisitionInput", () => {
  it("reads the time typed on the clock of the zone chosen, and sends the zone with it", () => {
    const input = acquisitionInput({ from: "王某", how: "手机截图", at: dayjs("2026-11-24T21:15"), zone: "Asia/Shanghai", by: "值班员" });
    expect(input).toEqual({ from: "王某", where: undefined, how: "手机截图", at: "2026-11-24T13:15:00.000Z", timeZone: "Asia/Shanghai", by: "值班员" });
  });
});
