/**
 * count-paid-2.lua: with paid broadcasts, each second's first 30 messages sent (all processes
 * together, Redis's clock) are free and the rest are counted as paid.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { countPaid } from "../../src/store/scripts/count-paid.js";
import { FREE_SEND_RATE } from "../../src/telegram/limits.js";
import { redisOfItsOwn } from "../support/redis.js";

const { redis, keys } = redisOfItsOwn("paid-count");

/** Redis's clock, ms within the current second. */
async function msIntoSecond(): Promise<number> {
  const [, micros] = await redis.time();
  return Math.floor(Number(micros) / 1000);
}

describe("counting paid broadcasts as they are sent", () => {
  it("counts only the messages above the free rate within one second, and starts over the next second", async () => {
    // Start early in a second, so the first 41 sends share it.
    while ((await msIntoSecond()) > 300) await sleep(20);
    const count = (sent: number) => countPaid.run(redis, [keys.budget.paidWindow, keys.budget.paidMessages], [FREE_SEND_RATE, sent]);
    expect(await count(25)).toBe(0);
    expect(await count(3)).toBe(0);
    expect(await count(12)).toBe(40 - FREE_SEND_RATE);
    expect(await count(1)).toBe(1);
    expect(Number(await redis.get(keys.budget.paidMessages))).toBe(41 - FREE_SEND_RATE);

    await sleep(1000 - (await msIntoSecond()) + 20);
    expect(await count(FREE_SEND_RATE)).toBe(0);
    expect(Number(await redis.get(keys.budget.paidMessages))).toBe(41 - FREE_SEND_RATE);
  });
});
