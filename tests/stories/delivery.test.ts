import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PACING } from "../../src/delivery/deliverer.js";
import { chatId } from "../../src/ids.js";
import { categorySlug } from "../../src/ids.js";
import { startStack, article, type Stack } from "../support/stack.js";
import type { User } from "grammy/types";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** Readers who sent `/start <slug>` and got the confirmation. */
async function readers(s: Stack, count: number, slug: string, firstId = 2000): Promise<User[]> {
  const users = Array.from({ length: count }, (_, i) => s.telegram.addUser({ id: firstId + i, first_name: `Reader ${i}` }));
  for (const user of users) s.telegram.userSends(user, `/start ${slug}`);
  for (const user of users) await s.telegram.waitForMessages(user.id, 1, 10_000);
  return users;
}

const articleMessages = (s: Stack, user: User) => s.telegram.messagesTo(user.id).slice(1);

describe("delivery", () => {
  it("stops sending to a reader who blocked the bot and drops their subscriptions", async () => {
    stack = await startStack({ name: "blocked" });
    const { telegram, bulletin } = stack;
    const [stays, leaves] = await readers(stack, 2, "world");
    telegram.block(leaves!.id);

    await stack.publish(article(["world"], { title: "First" }));
    await telegram.waitForMessages(stays!.id, 2);
    await telegram.waitFor(async () => (await bulletin.runtime.store.get(chatId(leaves!.id)))?.active === false, {
      message: "the blocked reader to be marked inactive",
    });
    const record = await bulletin.runtime.store.get(chatId(leaves!.id));
    expect(record?.subscriptions).toEqual([]);
    const attemptsBefore = telegram.calls("sendMessage").filter((c) => c.params.chat_id === leaves!.id).length;

    await stack.publish(article(["world"], { title: "Second" }));
    await telegram.waitForMessages(stays!.id, 3);
    await sleep(300);
    const attemptsAfter = telegram.calls("sendMessage").filter((c) => c.params.chat_id === leaves!.id).length;
    expect(attemptsAfter).toBe(attemptsBefore);
    const counters = await bulletin.runtime.redis.hgetall(bulletin.runtime.keys.counters);
    expect(counters.chat_gone_blocked).toBe("1");
  });

  it("follows a group that became a supergroup: subscriptions move and the article arrives there", async () => {
    stack = await startStack({ name: "migrate" });
    const { telegram, bulletin } = stack;
    telegram.addChat({ id: -4001, type: "group", title: "Newsroom group" });
    await bulletin.runtime.store.update(chatId(-4001), () => ({
      kind: "group",
      language: "en",
      active: true,
      subscriptions: [{ slug: categorySlug("economy"), since: 0 }],
      cursor: 0,
      sentAhead: [],
    }));
    telegram.migrate(-4001, -1004001);

    await stack.publish(article(["economy"], { title: "Rates unchanged" }));
    const [post] = await telegram.waitForMessages(-1004001, 1);
    expect(post!.text).toContain("Rates unchanged");
    expect(telegram.messagesTo(-4001)).toHaveLength(0);
    expect((await bulletin.runtime.store.get(chatId(-1004001)))?.subscriptions.map((s) => s.slug)).toEqual(["economy"]);
    expect((await bulletin.runtime.store.get(chatId(-4001)))?.active).toBe(false);
  });

  it("loses nothing in a 429 storm: every reader gets the article exactly once", async () => {
    stack = await startStack({ name: "storm" });
    const { telegram, bulletin } = stack;
    const users = await readers(stack, 25, "world");
    telegram.setLimits({ perSecond: 5, retryAfter: 1 });
    await stack.publish(article(["world"], { title: "Storm" }));
    await telegram.waitFor(() => users.every((u) => articleMessages(stack!, u).length >= 1), {
      timeoutMs: 20_000,
      message: "every reader to get the article",
    });
    for (const user of users) expect(articleMessages(stack, user)).toHaveLength(1);
    expect(telegram.rejected429).toBeGreaterThan(0);
    const counters = await bulletin.runtime.redis.hgetall(bulletin.runtime.keys.counters);
    expect(Number(counters.rate_limited)).toBe(telegram.rejected429);
  });

  it("retries after server errors and dropped connections without losing the article", async () => {
    stack = await startStack({ name: "transient" });
    const { telegram } = stack;
    const [reader] = await readers(stack, 1, "politics");
    telegram.failNext(2, 502);
    await stack.publish(article(["politics"], { title: "After a 502" }));
    const [, delivered] = await telegram.waitForMessages(reader!.id, 2, 10_000);
    expect(delivered!.text).toContain("After a 502");

    telegram.dropNext(1);
    await stack.publish(article(["politics"], { title: "After a dropped connection" }));
    const [, , second] = await telegram.waitForMessages(reader!.id, 3, 10_000);
    expect(second!.text).toContain("After a dropped connection");
  });

  it("merges a reader's backlog into one digest instead of a burst", async () => {
    stack = await startStack({ name: "digest" });
    const { telegram } = stack;
    const [reader] = await readers(stack, 1, "world");
    for (const title of ["One", "Two", "Three", "Four"]) await stack.publish(article(["world"], { title: `Story ${title}` }));
    await telegram.waitFor(
      () => ["One", "Two", "Three", "Four"].every((t) => articleMessages(stack!, reader!).some((m) => m.text?.includes(`Story ${t}`))),
      { timeoutMs: 10_000, message: "all four stories" },
    );
    const messages = articleMessages(stack, reader!);
    expect(messages.length).toBeLessThanOrEqual(2);
    const digest = messages.find((m) => m.text?.includes("new articles"));
    expect(digest).toBeDefined();
    const lines = digest!.text!.split("\n").filter((l) => l.startsWith("• "));
    const order = lines.map((l) => l.replace("• Story ", ""));
    expect(order).toEqual(
      [...order].sort((a, b) => ["One", "Two", "Three", "Four"].indexOf(b) - ["One", "Two", "Three", "Four"].indexOf(a)),
    );
  });

  it("sends breaking news on its own", async () => {
    stack = await startStack({ name: "breaking" });
    const { telegram } = stack;
    const [reader] = await readers(stack, 1, "world");
    await stack.publish(article(["world"], { title: "Routine one" }));
    await stack.publish(article(["world"], { title: "Routine two" }));
    await stack.publish(article(["world"], { title: "Earthquake", priority: "breaking" }));
    await telegram.waitFor(() => articleMessages(stack!, reader!).some((m) => m.text?.includes("Routine two")), {
      timeoutMs: 10_000,
      message: "the routine articles",
    });
    const breaking = articleMessages(stack, reader!).filter((m) => m.text?.includes("Earthquake"));
    expect(breaking).toHaveLength(1);
    expect(breaking[0]!.text).not.toContain("Routine");
  });

  it("keeps to Telegram's pace: at most one message per second to a private chat", async () => {
    stack = await startStack({
      name: "pace",
      telegram: { limits: { privateChat: true } },
      tuning: { pacing: { ...DEFAULT_PACING, retryDelayMs: 300 } },
    });
    const { telegram } = stack;
    const [reader] = await readers(stack, 1, "economy");
    for (let i = 0; i < 3; i++) {
      await stack.publish(article(["economy"], { title: `Paced ${i}` }));
      await sleep(400);
    }
    await telegram.waitFor(() => articleMessages(stack!, reader!).some((m) => m.text?.includes("Paced 2")), {
      timeoutMs: 10_000,
      message: "the last article",
    });
    const times = articleMessages(stack, reader!).map((m) => m.sentAt);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(telegram.rejected429).toBe(0);
  });
});
