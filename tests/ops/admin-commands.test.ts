/** /stats, /pause and /resume in Telegram: answered to the operators (by user id) in their private chat, invisible elsewhere. */
import { Bot } from "grammy";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BotContext } from "../../src/bot/context.js";
import { admin } from "../../src/bot/features/admin.js";
import { languageOfUpdate } from "../../src/bot/language.js";
import { isolate } from "../../src/i18n/bidi.js";
import { ChannelService } from "../../src/channels/service.js";
import { loadCategories } from "../../src/config/categories.js";
import { articleId, categorySlug, chatId } from "../../src/ids.js";
import { createLogger } from "../../src/log.js";
import { OperatorService } from "../../src/ops/service.js";
import { openOperatorQueues, type OperatorQueues } from "../../src/queues.js";
import { ChatStore } from "../../src/store/chats.js";
import { keys as keyLayout } from "../../src/store/keys.js";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { SubscriptionService } from "../../src/subscriptions/service.js";
import { CATEGORIES_FILE, REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

let telegram: FakeTelegram;
let redis: Redis;
let prefix: string;
let queues: OperatorQueues;
let bot: Bot<BotContext>;
let polling: Promise<void>;

beforeEach(async () => {
  telegram = await FakeTelegram.start();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  prefix = uniquePrefix("admin");
  queues = openOperatorQueues(redis, prefix);
  const store = new ChatStore(redis, prefix);
  await store.importChats([
    {
      id: chatId(11),
      record: {
        kind: "private",
        language: "en",
        active: true,
        subscriptions: [{ slug: categorySlug("world"), since: 0 }],
        cursor: 0,
        sentAhead: [],
      },
    },
  ]);
  await redis.hset(keyLayout(prefix).counters, { sent: 7, chat_gone_blocked: 1 });
  bot = new Bot<BotContext>(telegram.token, { client: { apiRoot: telegram.apiRoot } });
  const categories = loadCategories(CATEGORIES_FILE);
  const operators = new OperatorService({
    adminUserIds: [500],
    redis,
    prefix,
    keys: keyLayout(prefix),
    store,
    categories,
    queues,
    feedInterval: 60,
    // The feature alone: announcements are delivered for real in tests/stories/operators.test.ts.
    ingestor: { announce: (text: string) => Promise.resolve({ id: articleId(`announce-${text.length}`), seq: 1 }) },
  });
  const services = {
    subscriptions: new SubscriptionService(store, categories),
    channels: new ChannelService(store, redis, keyLayout(prefix), categories),
    operators,
    logger: createLogger("silent"),
  };
  bot.use((ctx, next) => {
    Object.assign(ctx, { services });
    return next();
  });
  bot.use(languageOfUpdate);
  bot.use(admin);
  // What the real bot does with a command it does not know.
  bot.on("message", (ctx) => ctx.reply("Sorry, I don't know that command."));
  await bot.init();
  await new Promise<void>((resolve) => {
    polling = bot.start({ onStart: () => resolve() });
  });
});

afterEach(async () => {
  await bot.stop();
  await polling;
  await queues.close();
  redis.disconnect();
  await telegram.close();
  await dropPrefix(prefix);
});

describe("admin commands", () => {
  it("answer /stats, /pause and /resume in an admin's chat", async () => {
    const admin = telegram.addUser({ id: 500, first_name: "Operator" });
    telegram.userSends(admin, "/stats");
    const [stats] = await telegram.waitForMessages(admin.id, 1);
    expect(stats!.text).toContain("world: 1");
    expect(stats!.text).toContain("sent: 7 single");
    expect(stats!.text).toContain("failed: blocked 1");
    expect(stats!.text).toMatch(/delivery: 0 \/ 0 \/ 0 \/ 0/);

    telegram.userSends(admin, "/pause");
    const paused = await telegram.waitForMessages(admin.id, 2);
    expect(paused[1]!.text).toContain("Paused fanout and delivery");
    expect(await queues.byName("delivery").isPaused()).toBe(true);
    expect(await queues.byName("fanout").isPaused()).toBe(true);
    expect(await queues.byName("feeds").isPaused()).toBe(false);

    telegram.userSends(admin, "/resume");
    const resumed = await telegram.waitForMessages(admin.id, 3);
    expect(resumed[2]!.text).toContain("Resumed");
    expect(await queues.byName("delivery").isPaused()).toBe(false);
  });

  it("answer an operator whose Telegram is in Persian in Persian, with Persian digits", async () => {
    const admin = telegram.addUser({ id: 500, first_name: "Operator", language_code: "fa" });
    telegram.userSends(admin, "/stats");
    const [stats] = await telegram.waitForMessages(admin.id, 1);
    expect(stats!.text).toContain("مشترکان");
    expect(stats!.text).toContain(`${isolate("world")}: ۱`);
    expect(stats!.text).toContain("فرستاده‌شده: ۷ تکی");
    expect(stats!.text).toContain(`ناموفق: \u200F${isolate("blocked")} ۱`);
    expect(stats!.text).toContain(`صف ${isolate("delivery")}: ۰ / ۰ / ۰ / ۰`);

    telegram.userSends(admin, "/pause");
    const paused = await telegram.waitForMessages(admin.id, 2);
    expect(paused[1]!.text).toMatch(/^⏸ صف .* متوقف شد/);
    telegram.userSends(admin, "/resume");
    await telegram.waitForMessages(admin.id, 3);
  });

  it("do not obey an operator's command forwarded by the operator, nor one sent in a group the operator is in", async () => {
    const admin = telegram.addUser({ id: 500, first_name: "Operator" });
    const reader = telegram.addUser({ id: 501, first_name: "Reader" });
    // A reader writes "/pause"; the operator forwards it to the bot: the words are not the operator's.
    const chat = { id: admin.id, type: "private" as const, first_name: "Operator" };
    telegram.queueUpdate({
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat,
        from: admin,
        text: "/pause",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
        forward_origin: { type: "user", sender_user: reader, date: Math.floor(Date.now() / 1000) },
      },
    });
    const [answer] = await telegram.waitForMessages(admin.id, 1);
    expect(answer!.text).toBe("Sorry, I don't know that command.");
    // In a group, even the operator's own /pause is everyone's to read and to copy: not obeyed there.
    const group = telegram.addChat({ id: -100777, type: "supergroup", title: "Ops room" });
    telegram.setMember(group.id, admin, "administrator");
    telegram.setBotMember(group.id, "member");
    telegram.userSendsInChat(admin, group.id, "/pause");
    await telegram.waitForMessages(group.id, 1);
    expect(await queues.byName("delivery").isPaused()).toBe(false);
  });

  it("give everyone else no hint that they exist", async () => {
    const reader = telegram.addUser({ id: 501, first_name: "Reader" });
    telegram.userSends(reader, "/pause");
    telegram.userSends(reader, "/stats");
    const answers = await telegram.waitForMessages(reader.id, 2);
    expect(answers.map((m) => m.text)).toEqual(["Sorry, I don't know that command.", "Sorry, I don't know that command."]);
    expect(await queues.byName("delivery").isPaused()).toBe(false);
  });
});
