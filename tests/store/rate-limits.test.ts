/**
 * note-rate-limit-1.lua: every 429 is noted with its chat, and the answer is how many different chats
 * were refused within the window, which tells one chat's flood limit from the bot's global one.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { noteRateLimit } from "../../src/store/scripts/note-rate-limit.js";
import { redisOfItsOwn } from "../support/redis.js";

const { redis, keys } = redisOfItsOwn("rate-limits");

const note = (chat: number, windowMs: number) => noteRateLimit.run(redis, [keys.budget.recentRateLimits], [String(chat), windowMs]);

describe("noting 429s", () => {
  it("counts different chats within the window: one chat refused again is still one, and old refusals drop out", async () => {
    expect(await note(-100500, 300)).toBe(1);
    expect(await note(-100500, 300)).toBe(1);
    expect(await note(42, 300)).toBe(2);
    expect(await note(43, 300)).toBe(3);
    await sleep(350);
    expect(await note(44, 300)).toBe(1);
    await sleep(350);
    expect(await redis.exists(keys.budget.recentRateLimits)).toBe(0);
  });
});
