import { describe, expect, it } from "vitest";
import { DEFAULT_PACING } from "../../src/delivery/deliverer.js";
import { SEND_TIMEOUT_MS } from "../../src/delivery/lease.js";

describe("a chat's claim and its send", () => {
  it("a delivery request gives up before the claim it was sent under could run out", () => {
    expect(SEND_TIMEOUT_MS).toBeLessThan(DEFAULT_PACING.leaseMs);
    // grammY's own default is 500 s; ours must be a real bound.
    expect(SEND_TIMEOUT_MS).toBeGreaterThanOrEqual(5000);
  });
});
