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
});
