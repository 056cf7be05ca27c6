import { afterEach, describe, expect, it, vi } from "vitest";
import { takeChain } from "./chainLoad";

const url = "/incidents/LT-2026-0001/spread.json";
const answer = (incident: string, status = 200) => new Response(JSON.stringify({ incident, nodes: [], forwards: [] }), { status });

describe("takeChain", () => {
  afterEach(() => { vi.unstubAllGlobals(); window.leaktrailChain = undefined; });

  it("takes the read index.html started for the chain, once", async () => {
    const read = vi.fn(async () => answer("read again"));
    vi.stubGlobal("fetch", read);
    window.leaktrailChain = { url, response: Promise.resolve(answer("early")) };
    expect((await takeChain("LT-2026-0001")).full.incident).toBe("early");
    expect(read).not.toHaveBeenCalled();
    expect((await takeChain("LT-2026-0001")).full.incident).toBe("read again");
  });

  it("reads the chain again when the early read was refused, failed or another case's", async () => {
    const read = vi.fn(async () => answer("read again"));
    vi.stubGlobal("fetch", read);
    for (const early of [{ url, response: Promise.resolve(answer("", 401)) }, { url, response: Promise.resolve(undefined) },
      { url: "/incidents/LT-2026-0002/spread.json", response: Promise.resolve(answer("other")) }]) {
      window.leaktrailChain = early;
      expect((await takeChain("LT-2026-0001")).full.incident).toBe("read again");
    }
    expect(read).toHaveBeenCalledTimes(3);
  });
});
