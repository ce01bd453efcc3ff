import { Api } from "grammy";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { startBulletin } from "../../src/app/app.js";
import { loadCategories, parseCategories, type Categories } from "../../src/config/categories.js";
import { SANDBOX_KEY_PREFIX } from "../../src/config/common.js";
import { loadConfig } from "../../src/config/env.js";
import { buildHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/log.js";
import type { FakeTelegram, FakeTelegramEvent } from "@bulletin/fake-bot-api";
import { sandboxEnv, sandboxKeyPrefix, sandboxRequested } from "../../src/sandbox/mode.js";
import { SandboxClock } from "../../src/sandbox/clock.js";
import { registerSandbox } from "../../src/sandbox/routes.js";
import { SANDBOX_TOKEN, clearSandboxData, startSandboxTelegram } from "../../src/sandbox/start.js";
import { configProblems } from "../support/config-problems.js";
import { CATEGORIES_FILE, REDIS_URL, dropPrefix } from "../support/stack.js";
import { RSS_TYPE, fixture, startFeedServer } from "../feeds/support.js";

const logger = createLogger("silent");

/** Bulletin's HTTP server with the sandbox's routes, for tests that need no ingest nor queues. */
function sandboxServer(sandbox: FakeTelegram, categories: Categories) {
  const app = buildHttpServer({ ingestor: { ingest: () => Promise.reject(new Error("unused")) } as never, ingestToken: undefined, logger });
  registerSandbox(app, {
    telegram: sandbox,
    clock: new SandboxClock(),
    timezone: "Asia/Tehran",
    ingestor: { ingest: () => Promise.reject(new Error("unused")) },
    categories,
    queues: { fanout: { getJobCounts: () => Promise.resolve({}) }, delivery: { getJobCounts: () => Promise.resolve({}) } } as never,
    logger,
    feedFetch: { allowPrivate: true }, // the test's feed server is on 127.0.0.1
  });
  return app;
}
let telegram: FakeTelegram | undefined;
afterEach(async () => {
  await telegram?.close();
  telegram = undefined;
});

describe("starting as a sandbox", () => {
  it("happens with SANDBOX=true or without a BOT_TOKEN, and SANDBOX=false keeps the usual start", () => {
    expect(sandboxRequested({})).toBe(true);
    expect(sandboxRequested({ BOT_TOKEN: "  " })).toBe(true);
    expect(sandboxRequested({ BOT_TOKEN: "123:abc" })).toBe(false);
    expect(sandboxRequested({ BOT_TOKEN: "123:abc", SANDBOX: "true" })).toBe(true);
    expect(sandboxRequested({ SANDBOX: "false" })).toBe(false);
  });

  it("runs every role on the built-in Bot API, under its own key prefix, on loopback", async () => {
    const sandbox = await startSandboxTelegram();
    telegram = sandbox.telegram;
    const env = sandboxEnv({ ROLES: "workers", KEY_PREFIX: "bulletin", REDIS_URL: "redis://127.0.0.1:6379", HTTP_PORT: "3001" }, sandbox);
    expect(env).toEqual({
      SANDBOX: "true",
      BOT_TOKEN: SANDBOX_TOKEN,
      TELEGRAM_API_ROOT: sandbox.apiRoot,
      KEY_PREFIX: "bulletin-sandbox",
      HTTP_HOST: "127.0.0.1",
      REDIS_URL: "redis://127.0.0.1:6379",
      HTTP_PORT: "3001",
    });
    expect(sandbox.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await new Api(sandbox.token, { apiRoot: sandbox.apiRoot }).getMe();
    expect(me.username).toBe("bulletin_sandbox_bot");
    expect(sandbox.telegram.currentLimits()).toMatchObject({ perSecond: 30, privateChat: true, groupChat: true });
  });

  it("keeps each sandbox under a prefix of its own, always a sandbox's", () => {
    expect(sandboxKeyPrefix(undefined)).toBe("bulletin-sandbox");
    expect(sandboxKeyPrefix(" ")).toBe("bulletin-sandbox");
    // The deployments' default, as a copied .env has it, is the default sandbox.
    expect(sandboxKeyPrefix("bulletin")).toBe("bulletin-sandbox");
    expect(sandboxKeyPrefix("alice")).toBe("bulletin-sandbox-alice");
    expect(sandboxKeyPrefix("bulletin-sandbox-bob")).toBe("bulletin-sandbox-bob");
    expect(loadConfig(sandboxEnv({ KEY_PREFIX: "alice" }, { token: SANDBOX_TOKEN, apiRoot: "http://127.0.0.1:1" })).keyPrefix).toBe(
      "bulletin-sandbox-alice",
    );
  });

  it("refuses a sandbox's prefix to a deployment, whose keys a sandbox's start would delete", () => {
    const deployment = { BOT_TOKEN: "123456789:AAF-test-token-for-config-tests_x" };
    for (const prefix of ["bulletin-sandbox", "bulletin-sandbox-alice", "bulletin-sandbox:x"]) {
      expect(configProblems(() => loadConfig({ ...deployment, KEY_PREFIX: prefix }), prefix)).toEqual([
        "KEY_PREFIX: must not start with bulletin-sandbox outside the sandbox: a sandbox deletes those keys each time it starts",
      ]);
    }
    expect(loadConfig({ ...deployment, KEY_PREFIX: "bulletin-sandbox-alice", SANDBOX: "true" }).keyPrefix).toBe("bulletin-sandbox-alice");
    expect(loadConfig({ ...deployment, KEY_PREFIX: "bulletin-news" }).keyPrefix).toBe("bulletin-news");
  });

  it("clears only a sandbox's keys", async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const prefix = `${SANDBOX_KEY_PREFIX}-test-${process.pid}`;
      await redis.set(`${prefix}:a`, "1");
      await redis.set(`${prefix}:{budget}:b`, "1");
      await redis.set(`${prefix}x:c`, "1");
      expect(await clearSandboxData(redis, prefix)).toBe(2);
      expect(await redis.exists(`${prefix}x:c`)).toBe(1);
      await redis.del(`${prefix}x:c`);
      await expect(clearSandboxData(redis, "bulletin")).rejects.toThrow(/not a sandbox key prefix/);
    } finally {
      redis.disconnect();
    }
  });

  it("starts each run empty, on the sandbox's clock: what the last run left under the sandbox's prefix is gone", async () => {
    const sandbox = await startSandboxTelegram();
    telegram = sandbox.telegram;
    const prefix = `${SANDBOX_KEY_PREFIX}-test-run-${process.pid}`;
    const redis = new Redis(REDIS_URL);
    try {
      await redis.hset(`${prefix}:chats:{42}`, "42", "a reader of the last run");
      const config = loadConfig({
        SANDBOX: "true",
        BOT_TOKEN: sandbox.token,
        TELEGRAM_API_ROOT: sandbox.apiRoot,
        REDIS_URL,
        KEY_PREFIX: prefix,
        CATEGORIES_FILE,
        LOG_LEVEL: "silent",
      });
      const clock = new SandboxClock();
      const bulletin = await startBulletin(config, logger, { roles: [], sandbox: { telegram: sandbox.telegram, clock } });
      // The readers' schedules follow the clock the page moves.
      clock.forward(90);
      expect(bulletin.runtime.clock.now() - Date.now()).toBeGreaterThanOrEqual(90 * 60_000 - 1000);
      await bulletin.stop();
      expect(await redis.exists(`${prefix}:chats:{42}`)).toBe(0);
    } finally {
      redis.disconnect();
      await dropPrefix(prefix);
    }
  });

  it("serves the page on Bulletin's own HTTP server", async () => {
    const sandbox = await startSandboxTelegram();
    telegram = sandbox.telegram;
    const app = sandboxServer(sandbox.telegram, loadCategories(CATEGORIES_FILE));
    const page = await app.inject({ method: "GET", url: "/sandbox" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<title>Bulletin sandbox</title>");
    const notJson = await app.inject({
      method: "POST",
      url: "/sandbox/readers",
      payload: "{",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.statusCode).toBe(400);

    // The live stream starts with a snapshot, and an open stream does not hold up the server's stop.
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    const stream = await fetch(`${url}/sandbox/events`);
    expect(stream.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = stream.body!.getReader();
    const chunk = (await reader.read()).value as Uint8Array;
    const first = new TextDecoder().decode(chunk);
    expect(first).toMatch(/^event: snapshot\ndata: \{"type":"snapshot","world":\{"readers":\[\]/);
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await reader.read()).done).toBe(true);
  });
});

describe("the sandbox's feeds panel", () => {
  it("shows the newest items of the configured feeds, and says why a feed has none", async () => {
    const feeds = await startFeedServer();
    feeds.route("/world.rss", { headers: { "content-type": RSS_TYPE }, body: fixture("persian-news.rss") });
    const sandbox = await startSandboxTelegram();
    telegram = sandbox.telegram;
    const app = sandboxServer(
      sandbox.telegram,
      parseCategories(
        { categories: [{ slug: "world", title: { en: "World" }, feeds: [feeds.url("/world.rss"), feeds.url("/missing.rss")] }] },
        "test",
      ),
    );
    try {
      const answer = await app.inject({ method: "GET", url: "/sandbox/feeds" });
      const { feeds: previews } = answer.json<{
        feeds: { url: string; items: { title: string; categories: string[] }[]; error?: string }[];
      }>();
      const [world, missing] = previews;
      expect(world!.items.length).toBeGreaterThan(0);
      expect(world!.items.map((i) => i.title)).toContain("افتتاح نمایشگاه بین‌المللی کتاب تهران با حضور ۴۰ کشور");
      expect(world!.items[0]!.categories).toEqual(["world"]);
      expect(missing!.items).toEqual([]);
      expect(missing!.error).toMatch(/404/);
    } finally {
      await app.close();
      await feeds.close();
    }
  });
});

describe("the built-in Bot API's events", () => {
  it("tells a listener what the bot sent, edited, answered and had refused, and which updates users caused", async () => {
    const sandbox = await startSandboxTelegram({ limits: false, onInternalError: () => undefined });
    telegram = sandbox.telegram;
    const api = new Api(sandbox.token, { apiRoot: sandbox.apiRoot });
    const events: FakeTelegramEvent[] = [];
    const stop = telegram.onEvent((event) => events.push(event));
    telegram.onEvent(() => {
      throw new Error("a listener's bug");
    });

    const reader = telegram.addUser({ id: 42, first_name: "Ada" });
    telegram.userSends(reader, "/start");
    const sent = await api.sendMessage(42, "<b>Hi</b>", {
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
    });
    await api.editMessageText(42, sent.message_id, "Hi again");
    const press = telegram.userPresses(reader, telegram.messagesTo(42)[0]!, "go");
    await api.answerCallbackQuery(press.callback_query!.id, { text: "Done" });
    await api.sendPhoto(42, "https://news.example.com/p.jpg", { caption: "Photo" });
    await expect(api.sendMessage(777, "nobody")).rejects.toThrow(/chat not found/);
    telegram.setLimits({ privateChat: true });
    await api.sendMessage(42, "once a second");
    await expect(api.sendMessage(42, "too soon")).rejects.toThrow(/Too Many Requests/);
    stop();
    await api.sendMessage(42, "unheard").catch(() => undefined);

    expect(events.map((e) => e.type)).toEqual([
      "update",
      "message",
      "edit",
      "update",
      "callback-answer",
      "message",
      "rejected",
      "message",
      "rejected",
    ]);
    expect(events[1]).toMatchObject({
      type: "message",
      chatId: 42,
      message: { text: "Hi", entities: [{ type: "bold", offset: 0, length: 2 }] },
    });
    expect(events[2]).toMatchObject({ type: "edit", chatId: 42, message: { text: "Hi again", edits: 1 } });
    expect(events[4]).toMatchObject({ type: "callback-answer", chatId: 42, answer: { text: "Done" } });
    expect(events[5]).toMatchObject({ type: "message", message: { caption: "Photo", photoSource: "https://news.example.com/p.jpg" } });
    expect(events[6]).toMatchObject({ type: "rejected", chatId: 777, status: 400, description: "Bad Request: chat not found" });
    expect(events[8]).toMatchObject({ type: "rejected", chatId: 42, status: 429, retryAfter: 1 });
    // The listener that threw changed nothing in the answers; its errors are kept.
    expect(telegram.internalErrors.length).toBeGreaterThan(0);
  });
});
