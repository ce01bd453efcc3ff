import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("an operator in Telegram", () => {
  it("gets /stats and can pause delivery; anyone else gets no hint the commands exist", async () => {
    stack = await startStack({ name: "admins", env: { ADMIN_CHAT_IDS: "9001" } });
    const { telegram } = stack;
    const operator = telegram.addUser({ id: 9001, first_name: "Operator" });
    const reader = telegram.addUser({ id: 9002, first_name: "Reader" });
    telegram.userSends(reader, "/start world");
    await telegram.waitForMessages(reader.id, 1);

    telegram.userSends(operator, "/stats");
    const [stats] = await telegram.waitForMessages(operator.id, 1);
    expect(stats!.text).toContain("Subscribers");
    expect(stats!.text).toMatch(/world: 1/);

    telegram.userSends(operator, "/pause");
    const [, paused] = await telegram.waitForMessages(operator.id, 2);
    expect(paused!.text?.toLowerCase()).toContain("paused");
    expect(await stack.bulletin.runtime.queues.delivery.isPaused()).toBe(true);
    telegram.userSends(operator, "/resume");
    await telegram.waitForMessages(operator.id, 3);
    expect(await stack.bulletin.runtime.queues.delivery.isPaused()).toBe(false);

    telegram.userSends(reader, "/stats");
    const [, answer] = await telegram.waitForMessages(reader.id, 2);
    expect(answer!.text).toContain("I deliver the news of the categories you follow.");
    expect(await stack.bulletin.runtime.queues.delivery.isPaused()).toBe(false);
  });

  it("announces a service message: every reader gets it once, alone; a linked channel does not", async () => {
    stack = await startStack({ name: "announce", env: { ADMIN_CHAT_IDS: "9001" } });
    const { telegram } = stack;
    const operator = telegram.addUser({ id: 9001, first_name: "Operator" });
    const world = telegram.addUser({ id: 9003, first_name: "World reader" });
    const both = telegram.addUser({ id: 9004, first_name: "Two categories" });
    telegram.userSends(world, "/start world");
    telegram.userSends(both, "/subscribe politics economy");
    await telegram.waitForMessages(world.id, 1);
    await telegram.waitForMessages(both.id, 1);
    const CHANNEL = -1009100;
    const admin = telegram.addUser({ id: 9005, first_name: "Channel admin" });
    telegram.addChat({ id: CHANNEL, type: "channel", title: "Regional News", username: "regional_news_ops" });
    telegram.setMember(CHANNEL, admin.id, "creator");
    telegram.userSends(admin, "/link @regional_news_ops world");
    await telegram.waitForMessages(admin.id, 1);

    telegram.userSends(operator, "/announce Maintenance tonight: <b>no</b> articles from 02:00 to 03:00 & that's fine.");
    const [queued] = await telegram.waitForMessages(operator.id, 1);
    expect(queued!.text).toMatch(/^📢 Announcement announce-\S+ queued/);
    for (const reader of [world, both]) {
      const [, announcement] = await telegram.waitForMessages(reader.id, 2, 8000);
      expect(announcement!.text).toBe("📢 Maintenance tonight: <b>no</b> articles from 02:00 to 03:00 & that's fine.");
      expect(announcement!.entities.some((e) => e.type === "text_link")).toBe(false);
    }
    await sleep(800);
    expect(telegram.messagesTo(both.id)).toHaveLength(2);
    expect(telegram.messagesTo(CHANNEL)).toHaveLength(0);

    // The channel's next real article still arrives: passing over the announcement lost nothing.
    await stack.publish({ url: "https://news.example.com/after-announce", title: "After the announcement", categories: ["world"] });
    const [post] = await telegram.waitForMessages(CHANNEL, 1);
    expect(post!.text).toContain("After the announcement");
  });
});
