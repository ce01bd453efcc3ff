/**
 * Routing, parameters, envelopes, injected faults, latency and the fake's bookkeeping.
 */
import { describe, expect, it } from "vitest";
import { Api, HttpError } from "grammy";
import { FakeTelegram } from "../src/index.js";
import { MAX_BODY_BYTES } from "../src/server.js";
import { apiError, useFakeTelegram } from "./support.js";

let tg: FakeTelegram;
let api: Api;
useFakeTelegram((started) => ({ tg, api } = started));

describe("identity and routing", () => {
  it("getMe returns the bot whose id is the token's prefix", async () => {
    const me = await api.getMe();
    expect(me).toMatchObject({ id: 123456789, is_bot: true, username: "bulletin_test_bot", first_name: "Bulletin Test" });
    expect(tg.token).toMatch(/^\d+:[A-Za-z0-9_-]{20,}$/);
    expect(tg.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers 401 Unauthorized to a wrong token", async () => {
    const stranger = new Api("123456789:AAF-some-other-token-not-ours", { apiRoot: tg.apiRoot });
    const error = await apiError(stranger.getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe("Unauthorized");
  });

  it("answers 404 Not Found to an unknown method, and treats method names case-insensitively", async () => {
    const unknown = await fetch(`${tg.apiRoot}/bot${tg.token}/sendTelepathy`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });

    const upper = await fetch(`${tg.apiRoot}/bot${tg.token}/GETME`);
    expect(upper.status).toBe(200);
    expect(await upper.json()).toMatchObject({ ok: true, result: { username: "bulletin_test_bot" } });
  });

  it("answers 413 to a body over 10 MiB (Telegram's photo upload limit) without keeping it in memory", async () => {
    const huge = "x".repeat(MAX_BODY_BYTES + 1);
    const answer = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: 777, text: huge }),
    });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ ok: false, error_code: 413, description: "Request Entity Too Large" });
    expect(tg.messagesTo(777)).toHaveLength(0);
    // The server goes on answering.
    expect((await api.getMe()).is_bot).toBe(true);
  });

  it("accepts urlencoded bodies and query strings like Telegram", async () => {
    const body = new URLSearchParams({ chat_id: "777", text: "<i>form</i>", parse_mode: "HTML" });
    const form = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, { method: "POST", body });
    expect(await form.json()).toMatchObject({ ok: true, result: { chat: { id: 777 }, text: "form" } });

    const query = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage?chat_id=777&text=hello`);
    expect(await query.json()).toMatchObject({ ok: true, result: { message_id: 2, text: "hello" } });
  });
});

describe("faults, latency and bookkeeping", () => {
  it("failNext answers 500 and dropNext loses the connection", async () => {
    tg.failNext(1);
    const failed = await apiError(api.sendMessage(40, "a"));
    expect(failed.error_code).toBe(500);
    expect(failed.description).toBe("Internal Server Error");
    await expect(api.sendMessage(40, "b")).resolves.toMatchObject({ text: "b" });

    tg.dropNext(1);
    await expect(api.sendMessage(40, "c")).rejects.toBeInstanceOf(HttpError);
    tg.dropNext(1, { afterDelivery: true });
    await expect(api.sendMessage(40, "d")).rejects.toBeInstanceOf(HttpError);
    // "d" reached Telegram although the bot saw a network error.
    expect(tg.messagesTo(40).map((m) => m.text)).toEqual(["b", "d"]);
    expect(tg.total).toBe(4);
    expect(tg.accepted).toBe(2);
  });

  it("delays answers by latencyMs", async () => {
    tg.latencyMs = 80;
    const started = Date.now();
    await api.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("with recordMessages: false keeps only counters and send timestamps", async () => {
    const lean = await FakeTelegram.start({ recordMessages: false, limits: { perSecond: null } });
    try {
      const leanApi = new Api(lean.token, { apiRoot: lean.apiRoot });
      const sent = await Promise.all(Array.from({ length: 50 }, (_, i) => leanApi.sendMessage(1 + (i % 5), `n${i}`)));
      expect(new Set(sent.map((m) => `${m.chat.id}:${m.message_id}`)).size).toBe(50);
      expect(lean.accepted).toBe(50);
      expect(lean.sendTimestamps()).toHaveLength(50);
      expect(lean.messagesTo(1)).toEqual([]);
      expect(lean.calls()).toEqual([]);
    } finally {
      await lean.close();
    }
  });

  it("serves getChat, commands and webhook info", async () => {
    tg.addUser({ id: 60, first_name: "Di", username: "di" });
    await expect(api.getChat(60)).resolves.toMatchObject({ id: 60, type: "private", first_name: "Di", username: "di" });
    await expect(api.getChat("@di")).resolves.toMatchObject({ id: 60 });

    const commands = [{ command: "start", description: "Subscribe" }];
    await expect(api.setMyCommands(commands)).resolves.toBe(true);
    await expect(api.getMyCommands()).resolves.toEqual(commands);
    await expect(api.getMyCommands({ language_code: "de" })).resolves.toEqual([]);
    const invalid = await apiError(api.setMyCommands([{ command: "Start!", description: "x" }]));
    expect(invalid.description).toBe("Bad Request: BOT_COMMAND_INVALID");
    await api.deleteMyCommands();
    await expect(api.getMyCommands()).resolves.toEqual([]);

    // The menu a user sees: the narrowest scope with a list, in their language before the default one.
    const english = [{ command: "help", description: "Help" }];
    const persian = [{ command: "help", description: "راهنما" }];
    const admins = [{ command: "subscribe", description: "Post a category here" }];
    await api.setMyCommands(english);
    await api.setMyCommands(persian, { language_code: "fa" });
    await api.setMyCommands(admins, { scope: { type: "all_chat_administrators" } });
    const place = { chatId: 60, chatType: "private", userId: 60, isAdmin: false } as const;
    expect(tg.commandsShownIn(place)).toEqual(english);
    expect(tg.commandsShownIn({ ...place, languageCode: "fa" })).toEqual(persian);
    expect(tg.commandsShownIn({ ...place, languageCode: "de" })).toEqual(english);
    const group = { chatId: -70, chatType: "group", userId: 60, languageCode: "fa" } as const;
    expect(tg.commandsShownIn({ ...group, isAdmin: true })).toEqual(admins);
    expect(tg.commandsShownIn({ ...group, isAdmin: false })).toEqual(persian);
    await expect(api.getMyCommands({ scope: { type: "all_chat_administrators" } })).resolves.toEqual(admins);

    tg.queueUpdate({
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 60, type: "private", first_name: "Di" },
        from: { id: 60, is_bot: false, first_name: "Di" },
        text: "x",
      },
    });
    await expect(api.getWebhookInfo()).resolves.toEqual({ url: "", has_custom_certificate: false, pending_update_count: 1 });
    await api.deleteWebhook({ drop_pending_updates: true });
    await expect(api.getWebhookInfo()).resolves.toMatchObject({ pending_update_count: 0 });
    expect(tg.internalErrors).toEqual([]);
  });
});
