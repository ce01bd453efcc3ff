/** Placing the send budget's slots (times on Redis's clock) on the process's own clock. */
import { describe, expect, it } from "vitest";
import { RedisClock } from "../../src/delivery/redis-clock.js";

/** Redis's clock runs 1,000,000 ms ahead of ours in these stories. */
const AHEAD = 1_000_000;

describe("Redis's clock seen from a delivery process", () => {
  it("knows nothing before the first call", () => {
    expect(new RedisClock().toLocal(AHEAD)).toBeUndefined();
  });

  it("places Redis's time in the middle of a quick call", () => {
    const clock = new RedisClock();
    // Sent at 100, Redis read its clock at our 100.5, answered at 101.
    clock.observe(100, 101, 100.5 + AHEAD);
    expect(clock.toLocal(200 + AHEAD)).toBeCloseTo(200, 6);
  });

  it("is not moved by a reply that waited behind a busy event loop", () => {
    const clock = new RedisClock();
    clock.observe(100, 101, 100.5 + AHEAD);
    // Redis answered at our 300.5, but a 15 ms GC held the reply until 316.
    clock.observe(300, 316, 300.5 + AHEAD);
    // A slot 10 ms after that grant is at our 310.5, not 10 ms after the reply was read.
    expect(clock.toLocal(310.5 + AHEAD)).toBeCloseTo(310.5, 6);
  });

  it("follows a step of Redis's clock once the calls from before it are no longer recent", () => {
    const clock = new RedisClock(4);
    clock.observe(100, 100.2, 100.1 + AHEAD);
    for (let at = 200; at < 600; at += 100) clock.observe(at, at + 1, at + 0.5 + AHEAD + 50);
    expect(clock.toLocal(1000 + AHEAD + 50)).toBeCloseTo(1000, 6);
  });
});
