import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { FLOOD_LIMIT } from "../../src/bot/flood.js";
import { DEFAULT_PACING } from "../../src/delivery/deliverer.js";
import { chatId } from "../../src/ids.js";
import { FAST_TUNING, startStack, article, type Stack } from "../support/stack.js";
import { readerRecord } from "../support/records.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const texts = (stack: Stack, chat: number) => stack.telegram.messagesTo(chat).map((m) => m.text ?? "");

describe("a reader who hammers the bot", () => {
  it("gets one notice in their language, then silence, while another reader is answered as usual", async () => {
    stack = await startStack({ name: "flood", tuning: { ...FAST_TUNING, flood: FLOOD_LIMIT } });
    const { telegram } = stack;
    const hammer = telegram.addUser({ id: 3001, first_name: "Reza", language_code: "fa" });
    const calm = telegram.addUser({ id: 3002, first_name: "Emma", language_code: "en" });
    for (let n = 0; n < FLOOD_LIMIT.updates + 5; n++) telegram.userSends(hammer, "/mysubs");
    telegram.userSends(calm, "/mysubs");

    const [answer] = await telegram.waitForMessages(calm.id, 1);
    expect(answer!.text).toBe("You follow no category yet. Send /categories to choose.");
    // The calm reader did not wait for the flood: answered before the hammering reader's answers were done.
    await telegram.waitForMessages(hammer.id, FLOOD_LIMIT.updates + 1, 15_000);
    expect(answer!.sentAt).toBeLessThan(telegram.messagesTo(hammer.id).at(-1)!.sentAt);

    await sleep(1000);
    const received = texts(stack, hammer.id);
    expect(received).toHaveLength(FLOOD_LIMIT.updates + 1);
    expect(received.slice(0, FLOOD_LIMIT.updates).every((text) => text.startsWith("هنوز هیچ دسته‌ای"))).toBe(true);
    expect(received.at(-1)).toMatch(/^پیام‌هایتان خیلی پشت سر هم رسید؛ [۱-۹][۰-۹]? ثانیه‌ی دیگر دوباره جواب می‌دهم\.$/);

    // The other reader goes on being answered while the first one's window runs.
    telegram.userSends(calm, "/mysubs");
    await telegram.waitForMessages(calm.id, 2);
    expect(texts(stack, hammer.id)).toHaveLength(FLOOD_LIMIT.updates + 1);
  });

  it("is counted as their commands arrive, not as slowly as the answers paced at one a second go out", async () => {
    stack = await startStack({
      name: "flood-paced",
      tuning: { ...FAST_TUNING, pacing: { ...DEFAULT_PACING, leaseMs: 5000, retryDelayMs: 300 }, flood: { updates: 3, windowMs: 3000 } },
    });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 3004, first_name: "Lea", language_code: "en" });
    for (let n = 0; n < 8; n++) telegram.userSends(reader, "/mysubs");
    const messages = await telegram.waitForMessages(reader.id, 4, 10_000);
    expect(messages.at(-1)!.text).toMatch(/^That's a lot of messages at once\. I'll answer again in \d seconds?\.$/);
    // Four messages a second apart (answers and notice) outlast the 3 s window: the rest stay unanswered all the same.
    await sleep(2000);
    expect(telegram.messagesTo(reader.id)).toHaveLength(4);
  });

  it("pressing buttons over and over: one notice on the button, then quiet answers that only stop the spinner", async () => {
    stack = await startStack({ name: "flood-buttons", tuning: { ...FAST_TUNING, flood: FLOOD_LIMIT } });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 3003, first_name: "Sam", language_code: "en" });
    telegram.userSends(reader, "/categories");
    const [picker] = await telegram.waitForMessages(reader.id, 1);
    const presses = FLOOD_LIMIT.updates + 3;
    for (let n = 0; n < presses; n++) telegram.userPresses(reader, picker!, "toggle:world");
    await telegram.waitFor(() => telegram.callbackAnswers.length >= presses, { message: "every press answered", timeoutMs: 15_000 });
    await sleep(500);
    const answers = telegram.callbackAnswers.map((a) => a.text ?? "");
    expect(answers).toHaveLength(presses);
    const notices = answers.filter((text) => text.startsWith("That's a lot of messages at once."));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/I'll answer again in \d+ seconds?\.$/);
    // The first press (the /categories command counted too) up to the limit toggled the category; the rest were quiet.
    expect(answers.filter((text) => text === "").length).toBe(presses - FLOOD_LIMIT.updates);
  });
});

describe("replies during a broadcast", () => {
  it("arrive while the broadcast still runs, and Telegram answers no 429", async () => {
    const READERS = 240;
    stack = await startStack({
      name: "replies-broadcast",
      telegram: { limits: { perSecond: 30, privateChat: true } },
      env: { SEND_RATE: "30" },
      tuning: { pacing: { ...DEFAULT_PACING, leaseMs: 5000, retryDelayMs: 300 } },
    });
    const { telegram } = stack;
    const readers = Array.from({ length: READERS }, (_, i) => chatId(4000 + i));
    await stack.bulletin.runtime.store.importChats(
      readers.map((id) => ({
        id,
        record: readerRecord(),
      })),
    );
    const askers = [4001, 4050, 4100, 4200].map((id) => telegram.addUser({ id, first_name: `Reader ${id}`, language_code: "en" }));
    expect((await stack.publish(article(["world"], { title: "Broadcast" }))).status).toBe(202);
    await telegram.waitFor(() => telegram.accepted >= 30, { message: "the broadcast to be under way" });

    const asked: { chat: number; at: number }[] = [];
    for (let round = 0; round < 3; round++) {
      for (const reader of askers) {
        asked.push({ chat: reader.id, at: Date.now() });
        telegram.userSends(reader, "/mysubs");
      }
      await sleep(1500);
    }
    const isReply = (text: string | undefined) => text === "You follow: World.";
    await telegram.waitFor(() => askers.every((r) => telegram.messagesTo(r.id).filter((m) => isReply(m.text)).length === 3), {
      message: "every /mysubs answered",
      timeoutMs: 20_000,
    });
    await telegram.waitFor(() => telegram.accepted >= READERS + asked.length, { message: "the broadcast to end", timeoutMs: 30_000 });

    const articleTimes = readers.flatMap((id) =>
      telegram
        .messagesTo(id)
        .filter((m) => m.text?.includes("Broadcast"))
        .map((m) => m.sentAt),
    );
    const broadcastEnd = Math.max(...articleTimes);
    expect(articleTimes).toHaveLength(READERS);
    for (const reader of askers) {
      const replies = telegram.messagesTo(reader.id).filter((m) => isReply(m.text));
      // Answered in turn, not after the broadcast: each reply left while articles were still going out.
      for (const reply of replies) expect(reply.sentAt).toBeLessThan(broadcastEnd);
    }
    expect(telegram.rejected429).toBe(0);
    expect(telegram.maxSendsInWindow(1000)).toBeLessThanOrEqual(30);
  });

  it("a burst of new readers is answered at once while the broadcast gives way, and it finishes afterwards", async () => {
    const READERS = 300;
    const NEWCOMERS = 180;
    stack = await startStack({
      name: "replies-burst",
      // Telegram's 30 a second holds bulk notifications, not answers to readers who just wrote: the
      // fake cannot tell them apart, so it enforces each chat's second only.
      telegram: { limits: { perSecond: null, privateChat: true } },
      env: { SEND_RATE: "30" },
      tuning: { pacing: { ...DEFAULT_PACING, leaseMs: 5000, retryDelayMs: 300 } },
    });
    const { telegram } = stack;
    await stack.bulletin.runtime.store.importChats(
      Array.from({ length: READERS }, (_, i) => ({ id: chatId(6000 + i), record: readerRecord() })),
    );
    const newcomers = Array.from({ length: NEWCOMERS }, (_, i) =>
      telegram.addUser({ id: 6500 + i, first_name: `Newcomer ${i}`, language_code: "en" }),
    );
    expect((await stack.publish(article(["world"], { title: "Breaking" }))).status).toBe(202);
    await telegram.waitFor(() => telegram.accepted >= 30, { message: "the broadcast to be under way" });

    const tappedAt = Date.now();
    for (const reader of newcomers) telegram.userSends(reader, "/start world");
    await telegram.waitFor(() => newcomers.every((r) => telegram.messagesTo(r.id).length > 0), {
      message: "every newcomer answered",
      timeoutMs: 20_000,
    });
    const answers = newcomers.map((r) => telegram.messagesTo(r.id)[0]!);
    expect(answers.every((m) => m.text === "✅ You now follow: World.")).toBe(true);
    const answerTimes = answers.map((m) => m.sentAt).sort((a, b) => a - b);
    // Within the budget (30 a second) these answers would take NEWCOMERS / 30 = 6 s, never more than
    // 30 in a second: they went out as fast as the bot handled them.
    expect(answerTimes.at(-1)! - tappedAt).toBeLessThan((NEWCOMERS / 30) * 1000);
    const busiestSecond = Math.max(...answerTimes.map((t, i) => answerTimes.slice(i).filter((u) => u < t + 1000).length));
    expect(busiestSecond).toBeGreaterThan(30);

    const articleTimes = Array.from({ length: READERS }, (_, i) => telegram.messagesTo(6000 + i).find((m) => m.text?.includes("Breaking")))
      .filter((m) => m !== undefined)
      .map((m) => m.sentAt);
    // The answers owe their slots: the broadcast gave way (what it had booked, a quarter of a second,
    // went out) until they were paid, some 6 s later, instead of sending on at 30 a second beside them.
    expect(articleTimes.filter((t) => t >= tappedAt && t < tappedAt + 4000).length).toBeLessThanOrEqual(20);
    await telegram.waitFor(() => telegram.accepted >= READERS + NEWCOMERS, { message: "the broadcast to end", timeoutMs: 40_000 });
    for (const reader of newcomers) {
      const record = await stack.bulletin.runtime.store.get(chatId(reader.id));
      expect(record?.subscriptions.map((s) => s.slug)).toEqual(["world"]);
    }
    expect(telegram.rejected429).toBe(0);
  });

  it("during a paid broadcast above 30/s, go out as paid too and are not refused", async () => {
    const READERS = 300;
    stack = await startStack({
      name: "replies-paid",
      telegram: { limits: { perSecond: 30, paidPerSecond: 1000 } },
      env: { SEND_RATE: "100", PAID_BROADCAST: "true" },
    });
    const { telegram } = stack;
    await stack.bulletin.runtime.store.importChats(
      Array.from({ length: READERS }, (_, i) => ({
        id: chatId(5000 + i),
        record: readerRecord(),
      })),
    );
    const asker = telegram.addUser({ id: 5999, first_name: "Nima", language_code: "en" });
    expect((await stack.publish(article(["world"], { title: "Paid" }))).status).toBe(202);
    await telegram.waitFor(() => telegram.accepted >= 60, { message: "the broadcast to be under way" });
    telegram.userSends(asker, "/mysubs");
    const [answer] = await telegram.waitForMessages(asker.id, 1);
    expect(answer!.text).toBe("You follow no category yet. Send /categories to choose.");
    expect(answer!.allow_paid_broadcast).toBe(true);
    await telegram.waitFor(() => telegram.accepted >= READERS + 1, { message: "the broadcast to end", timeoutMs: 15_000 });
    expect(telegram.rejected429).toBe(0);
  });
});
