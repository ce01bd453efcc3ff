/**
 * Telegram's flood limits: per second for the bot, per private chat and per group, and paid
 * broadcasts.
 */
import { describe, expect, it } from "vitest";
import type { Api } from "grammy";
import { GrammyError } from "grammy";
import type { FakeTelegram } from "../src/index.js";
import { apiError, useFakeTelegram } from "./support.js";

let tg: FakeTelegram;
let api: Api;
useFakeTelegram((started) => ({ tg, api } = started));

describe("flood limits", () => {
  it("answers 429 with retry_after when more than N sends arrive within a second", async () => {
    tg.setLimits({ perSecond: 3, retryAfter: 2 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((chat) => api.sendMessage(chat, `news ${chat}`)));
    const rejected = results.filter((r) => r.status === "rejected").map((r) => r.reason as unknown);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(rejected).toHaveLength(1);
    const error = rejected[0];
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({
      error_code: 429,
      description: "Too Many Requests: retry after 2",
      parameters: { retry_after: 2 },
    });
    expect(tg.accepted).toBe(3);
    expect(tg.rejected429).toBe(1);
    expect(tg.total).toBe(4);
    expect(tg.sendTimestamps()).toHaveLength(3);
    expect(tg.maxSendsInWindow(1000)).toBe(3);
  });

  it("lets paid broadcasts go above the free limit", async () => {
    tg.setLimits({ perSecond: 2, paidPerSecond: 5 });
    const sends = [1, 2, 3, 4].map((chat) => api.sendMessage(chat, "paid", { allow_paid_broadcast: true }));
    await expect(Promise.all(sends)).resolves.toHaveLength(4);
    expect(tg.paidSends).toBe(2);
    expect(tg.messagesTo(4)[0]?.allow_paid_broadcast).toBe(true);
  });

  it("limits one private chat to 1 message per second and a group to its per-minute budget", async () => {
    tg.setLimits({ privateChat: true, groupChat: { count: 2, windowMs: 60_000 } });
    await api.sendMessage(10, "first");
    const second = await apiError(api.sendMessage(10, "second"));
    expect(second.error_code).toBe(429);
    expect(second.parameters.retry_after).toBe(1);
    await expect(api.sendMessage(11, "other user")).resolves.toMatchObject({ chat: { id: 11 } });

    tg.addChat({ id: -1009, type: "channel", title: "Bulletin" });
    await api.sendMessage(-1009, "one");
    await api.sendMessage(-1009, "two");
    const third = await apiError(api.sendMessage(-1009, "three"));
    expect(third.error_code).toBe(429);
    expect(third.parameters.retry_after).toBeGreaterThanOrEqual(59);
    expect(third.parameters.retry_after).toBeLessThanOrEqual(60);
    expect(tg.messagesTo(-1009).map((m) => m.text)).toEqual(["one", "two"]);
  });
});
