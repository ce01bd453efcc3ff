/** Readiness checks and the bot's connection status, without a whole Bulletin. */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotStatus, checkReadiness, trackBotConnection } from "../../src/ops/health.js";
import { REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

const prefix = uniquePrefix("health");
let redis: Redis;
let queue: Queue<unknown>;
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue("delivery", { connection: redis, prefix });
  await redis.ping();
});
afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await dropPrefix(prefix);
});

describe("checkReadiness", () => {
  it("is not ready when Redis does not answer, and says so without waiting forever", async () => {
    const down = new Redis("redis://127.0.0.1:9", { lazyConnect: true, maxRetriesPerRequest: null });
    down.on("error", () => undefined);
    const readiness = await checkReadiness({ redis: down, queues: [], bot: new BotStatus(), timeoutMs: 200 });
    expect(readiness.ready).toBe(false);
    expect(readiness.problems).toEqual(["redis: not reachable (connection is wait)"]);
    expect(readiness.checks.queues).toMatchObject({ ok: false });
    down.disconnect();
  });

  it("follows the bot: starting and failing are not ready, connected is", async () => {
    const bot = new BotStatus();
    const check = () => checkReadiness({ redis, queues: [queue], bot });
    expect((await check()).checks.bot).toBeUndefined();
    bot.starting();
    expect(await check()).toMatchObject({ ready: false, problems: ["bot: starting"] });
    bot.succeeded();
    expect(await check()).toMatchObject({ ready: true, checks: { bot: { ok: true, state: "connected" } } });
    bot.failed("getUpdates: 409 Conflict: terminated by other getUpdates request");
    expect((await check()).problems).toEqual(["bot: failing (getUpdates: 409 Conflict: terminated by other getUpdates request)"]);
    bot.stopped();
    bot.succeeded();
    expect((await check()).problems).toEqual(["bot: stopped"]);
  });
});

describe("two bots in /readyz", () => {
  it("names the failing bot by its platform, and needs both", async () => {
    const telegram = new BotStatus();
    const bale = new BotStatus();
    const check = () => checkReadiness({ redis, queues: [queue], bot: telegram, baleBot: bale });
    for (const status of [telegram, bale]) {
      status.starting();
      status.succeeded();
      status.receivingIn("polling", true);
    }
    expect(await check()).toMatchObject({ ready: true, problems: [], checks: { bot: { ok: true }, baleBot: { ok: true } } });
    bale.failed("getMe: 404 Not Found");
    expect(await check()).toMatchObject({
      ready: false,
      problems: ["bale bot: failing (getMe: 404 Not Found)"],
      checks: { bot: { ok: true }, baleBot: { ok: false, state: "failing" } },
    });
    telegram.receivingIn("polling", false);
    expect((await check()).problems).toEqual(["telegram bot: polling is not running", "bale bot: failing (getMe: 404 Not Found)"]);
  });

  it("leaves Bale out where it does not run", async () => {
    const telegram = new BotStatus();
    telegram.starting();
    telegram.succeeded();
    const readiness = await checkReadiness({ redis, queues: [queue], bot: telegram, baleBot: new BotStatus() });
    expect(readiness.checks.baleBot).toBeUndefined();
    expect(readiness.ready).toBe(true);
  });
});

describe("the bot's mode in /readyz", () => {
  it("needs polling to run, or the webhook to be registered, besides the connection", async () => {
    const bot = new BotStatus();
    const check = () => checkReadiness({ redis, queues: [queue], bot });
    bot.starting();
    bot.succeeded();
    bot.receivingIn("polling", true);
    expect(await check()).toMatchObject({ ready: true, checks: { bot: { ok: true, mode: "polling", running: true } } });
    bot.receivingIn("polling", false);
    expect(await check()).toMatchObject({ ready: false, problems: ["bot: polling is not running"], checks: { bot: { ok: false } } });
    bot.receivingIn("webhook", false);
    expect((await check()).problems).toEqual(["bot: the webhook is not registered with Telegram"]);
    bot.receivingIn("webhook", true);
    expect(await check()).toMatchObject({ ready: true, checks: { bot: { mode: "webhook", registered: true } } });
  });
});

describe("trackBotConnection", () => {
  type Prev = Parameters<ReturnType<typeof trackBotConnection>>[0];
  const answering = (answer: { ok: true; result: unknown } | { ok: false; error_code: number; description: string }): Prev =>
    (() => Promise.resolve(answer)) as unknown as Prev;
  const failing =
    (message: string): Prev =>
    () =>
      Promise.reject(new Error(message));

  it("counts getMe and getUpdates, a 401 from anything, and nothing a reader causes", async () => {
    const status = new BotStatus();
    const track = trackBotConnection(status);
    await track(answering({ ok: true, result: [] }), "getUpdates", { offset: 0 });
    expect(status.connection).toBe("connected");
    await track(answering({ ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }), "sendMessage", {
      chat_id: 1,
      text: "x",
    });
    expect(status.connection).toBe("connected");
    await track(answering({ ok: false, error_code: 429, description: "Too Many Requests" }), "getUpdates", { offset: 0 });
    expect(status.connection).toBe("connected");
    await expect(track(failing("fetch failed"), "getUpdates", { offset: 0 })).rejects.toThrow("fetch failed");
    expect(status.snapshot()).toMatchObject({ state: "failing", error: "getUpdates: fetch failed" });
    await track(answering({ ok: true, result: [] }), "getUpdates", { offset: 0 });
    expect(status.connection).toBe("connected");
    await track(answering({ ok: false, error_code: 401, description: "Unauthorized" }), "sendMessage", { chat_id: 1, text: "x" });
    expect(status.snapshot()).toMatchObject({ state: "failing", error: "sendMessage: 401 Unauthorized" });
  });
});
