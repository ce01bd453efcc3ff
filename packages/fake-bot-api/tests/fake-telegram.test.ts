/**
 * The fake Telegram server must answer like the real Bot API, so these tests drive it with
 * grammY's real `Api` client and assert on the values Telegram would return.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Api, Bot, GrammyError, HttpError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { FakeTelegram } from "../src/index.js";

let tg: FakeTelegram;
let api: Api;

beforeEach(async () => {
  tg = await FakeTelegram.start();
  api = new Api(tg.token, { apiRoot: tg.apiRoot });
});

afterEach(async () => {
  await tg.close();
});

/** The GrammyError a call fails with (fails the test if it succeeds or fails otherwise). */
async function apiError(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error("expected the call to fail with a GrammyError");
}

const keyboard: InlineKeyboardMarkup = {
  inline_keyboard: [[{ text: "Unsubscribe", callback_data: "unsub:tech" }]],
};

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

  it("accepts urlencoded bodies and query strings like Telegram", async () => {
    const body = new URLSearchParams({ chat_id: "777", text: "<i>form</i>", parse_mode: "HTML" });
    const form = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, { method: "POST", body });
    expect(await form.json()).toMatchObject({ ok: true, result: { chat: { id: 777 }, text: "form" } });

    const query = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage?chat_id=777&text=hello`);
    expect(await query.json()).toMatchObject({ ok: true, result: { message_id: 2, text: "hello" } });
  });
});

describe("sendMessage", () => {
  it("returns Telegram's Message shape and records the parsed text next to the raw HTML", async () => {
    const html = "<b>Breaking</b>: rates &amp; markets";
    const before = Math.floor(Date.now() / 1000);
    const message = await api.sendMessage(4242, html, {
      parse_mode: "HTML",
      reply_markup: keyboard,
      link_preview_options: { is_disabled: true },
    });

    expect(message.message_id).toBe(1);
    expect(message.chat).toEqual({ id: 4242, type: "private", first_name: "User 4242" });
    expect(message.from).toEqual({ id: 123456789, is_bot: true, first_name: "Bulletin Test", username: "bulletin_test_bot" });
    expect(message.date).toBeGreaterThanOrEqual(before);
    expect(message.text).toBe("Breaking: rates & markets");
    expect(message.entities).toEqual([{ type: "bold", offset: 0, length: 8 }]);
    expect(message.reply_markup).toEqual(keyboard);
    expect(message.link_preview_options).toEqual({ is_disabled: true });

    const [recorded] = tg.messagesTo(4242);
    expect(recorded).toMatchObject({
      message_id: 1,
      chat_id: 4242,
      method: "sendMessage",
      text: "Breaking: rates & markets",
      html,
      parse_mode: "HTML",
      entities: [{ type: "bold", offset: 0, length: 8 }],
      reply_markup: keyboard,
      edits: 0,
    });
    expect(Date.now() - (recorded?.sentAt ?? 0)).toBeLessThan(5000);

    // Message ids count up per chat; the deprecated flag comes back as link_preview_options.
    const response = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: 4242, text: "plain", disable_web_page_preview: true }),
    });
    const second = await response.json();
    expect(second).toEqual({
      ok: true,
      result: {
        message_id: 2,
        date: expect.any(Number),
        chat: message.chat,
        from: message.from,
        text: "plain",
        link_preview_options: { is_disabled: true },
      },
    });
    expect(tg.accepted).toBe(2);
    expect(tg.calls("sendMessage")).toHaveLength(2);
    expect(tg.calls("sendMessage")[0]?.params).toMatchObject({ chat_id: 4242, parse_mode: "HTML" });
  });

  it("surfaces an HTML parse error as a 400 GrammyError with Telegram's description", async () => {
    const error = await apiError(api.sendMessage(4242, "Привет <foo>", { parse_mode: "HTML" }));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe(`Bad Request: can't parse entities: Unsupported start tag "foo" at byte offset 13`);
    expect(tg.messagesTo(4242)).toEqual([]);
    expect(tg.accepted).toBe(0);
    expect(tg.total).toBe(1);
  });

  it("enforces Telegram's text and caption limits after parsing", async () => {
    const atLimit = await api.sendMessage(1, `<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" });
    expect(atLimit.text).toHaveLength(4096);

    const tooLong = await apiError(api.sendMessage(1, "x".repeat(4097)));
    expect(tooLong.description).toBe("Bad Request: message is too long");
    const empty = await apiError(api.sendMessage(1, "<b></b>", { parse_mode: "HTML" }));
    expect(empty.description).toBe("Bad Request: message text is empty");
    const caption = await apiError(api.sendPhoto(1, "https://example.com/a.jpg", { caption: "y".repeat(1025) }));
    expect(caption.description).toBe("Bad Request: message caption is too long");
    const data = await apiError(
      api.sendMessage(1, "hi", { reply_markup: { inline_keyboard: [[{ text: "x", callback_data: "d".repeat(65) }]] } }),
    );
    expect(data.description).toBe("Bad Request: BUTTON_DATA_INVALID");
  });

  it("sendPhoto returns photo sizes and the parsed caption", async () => {
    const message = await api.sendPhoto(9, "https://example.com/cover.jpg", {
      caption: "<i>Cover</i> story",
      parse_mode: "HTML",
    });
    expect(message.photo).toHaveLength(3);
    expect(message.photo?.map((p) => p.width)).toEqual([90, 320, 800]);
    expect(message.caption).toBe("Cover story");
    expect(message.caption_entities).toEqual([{ type: "italic", offset: 0, length: 5 }]);
    expect("text" in message).toBe(false);

    // A file_id from a previous answer can be sent again and names the same photo.
    const fileId = message.photo?.[2]?.file_id ?? "";
    const again = await api.sendPhoto(9, fileId);
    expect(again.photo?.[2]?.file_id).toBe(fileId);
    expect(tg.messagesTo(9).map((m) => m.method)).toEqual(["sendPhoto", "sendPhoto"]);
  });
});

describe("chat errors", () => {
  it("answers 403 for a user who blocked the bot or is deactivated, and for a kicked bot", async () => {
    tg.block(100);
    const blocked = await apiError(api.sendMessage(100, "hi"));
    expect(blocked.error_code).toBe(403);
    expect(blocked.description).toBe("Forbidden: bot was blocked by the user");

    tg.deactivate(101);
    const deactivated = await apiError(api.sendMessage(101, "hi"));
    expect(deactivated.description).toBe("Forbidden: user is deactivated");

    tg.addChat({ id: -300, type: "group", title: "Readers" });
    tg.kick(-300);
    const kicked = await apiError(api.sendMessage(-300, "hi"));
    expect(kicked.error_code).toBe(403);
    expect(kicked.description).toBe("Forbidden: bot was kicked from the group chat");

    tg.restore(100);
    await expect(api.sendMessage(100, "welcome back")).resolves.toMatchObject({ text: "welcome back" });
  });

  it("answers 400 chat not found for forgotten chats, unknown groups and (strict mode) unknown users", async () => {
    tg.forget(55);
    expect((await apiError(api.sendMessage(55, "hi"))).description).toBe("Bad Request: chat not found");
    expect((await apiError(api.sendMessage(-999, "hi"))).description).toBe("Bad Request: chat not found");

    const strict = await FakeTelegram.start({ strictChats: true });
    try {
      const strictApi = new Api(strict.token, { apiRoot: strict.apiRoot });
      const error = await apiError(strictApi.sendMessage(77, "hi"));
      expect(error.error_code).toBe(400);
      expect(error.description).toBe("Bad Request: chat not found");
      strict.addUser({ id: 77, first_name: "Ada" });
      await expect(strictApi.sendMessage(77, "hi")).resolves.toMatchObject({ chat: { id: 77, first_name: "Ada" } });
    } finally {
      await strict.close();
    }
  });

  it("answers migrate_to_chat_id for a group upgraded to a supergroup", async () => {
    tg.addChat({ id: -555, type: "group", title: "Old group" });
    tg.migrate(-555, -1001234567890);
    const error = await apiError(api.sendMessage(-555, "hi"));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe("Bad Request: group chat was upgraded to a supergroup chat");
    expect(error.parameters.migrate_to_chat_id).toBe(-1001234567890);

    const moved = await api.sendMessage(-1001234567890, "hi");
    expect(moved.chat).toEqual({ id: -1001234567890, type: "supergroup", title: "Old group" });
  });
});

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

describe("getUpdates", () => {
  it("long polling returns an update as soon as it is queued, then honours offset", async () => {
    const user = tg.addUser({ id: 501, first_name: "Ada", username: "ada", language_code: "en" });
    const started = Date.now();
    const polling = api.getUpdates({ timeout: 10 });
    setTimeout(() => tg.userSends(user, "/start@bulletin_test_bot tech"), 100);
    const updates = await polling;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(updates).toHaveLength(1);
    const message = updates[0]?.message;
    expect(message?.text).toBe("/start@bulletin_test_bot tech");
    expect(message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 24 }]);
    expect(message?.chat).toEqual({ id: 501, type: "private", first_name: "Ada", username: "ada" });
    expect(message?.from).toEqual({ id: 501, is_bot: false, first_name: "Ada", username: "ada", language_code: "en" });

    // Without confirming, Telegram hands out the same update again.
    const firstId = updates[0]?.update_id ?? 0;
    expect((await api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([firstId]);

    const second = tg.userSends(user, "hello");
    expect(second.update_id).toBe(firstId + 1);
    const next = await api.getUpdates({ offset: firstId + 1, timeout: 0 });
    expect(next.map((u) => u.message?.text)).toEqual(["hello"]);
    expect(await api.getUpdates({ offset: second.update_id + 1, timeout: 0 })).toEqual([]);
    expect(tg.pendingUpdates()).toEqual([]);
  });

  it("returns [] after the timeout when nothing arrives", async () => {
    const started = Date.now();
    expect(await api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("ends an older poll with 409 Conflict when a second one starts", async () => {
    const first = api.getUpdates({ timeout: 10 });
    await tg.waitFor(() => tg.calls("getUpdates").length === 1, { message: "the first poll to arrive" });
    const second = api.getUpdates({ timeout: 0 });
    const conflict = await apiError(first);
    expect(conflict.error_code).toBe(409);
    expect(conflict.description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    expect(await second).toEqual([]);
  });

  it("honours limit and allowed_updates", async () => {
    const user = tg.addUser({ id: 8, first_name: "Bo" });
    tg.userSends(user, "a");
    tg.userSends(user, "b");
    expect((await api.getUpdates({ limit: 1 })).map((u) => u.message?.text)).toEqual(["a"]);

    const sent = await api.sendMessage(8, "pick one", { reply_markup: keyboard });
    tg.userPresses(user, sent, "unsub:tech");
    const updates = await api.getUpdates({ allowed_updates: ["callback_query"] });
    expect(updates).toHaveLength(1);
    expect(updates[0]?.callback_query).toMatchObject({ from: { id: 8 }, data: "unsub:tech", message: { message_id: sent.message_id } });
  });
});

describe("a grammY bot against the fake", () => {
  it("receives commands and button presses by long polling and its replies are recorded", async () => {
    const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
    bot.command("start", (ctx) => ctx.reply("Welcome, <b>reader</b>", { parse_mode: "HTML", reply_markup: keyboard }));
    bot.callbackQuery("unsub:tech", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Done" });
      await ctx.editMessageText("Unsubscribed");
    });
    // drop_pending_updates drops what was queued before deleteWebhook arrives, as in Telegram:
    // users may only write once the bot is polling.
    let running: Promise<void> = Promise.resolve();
    await new Promise<void>((onStart) => {
      running = bot.start({ drop_pending_updates: true, onStart: () => onStart() });
    });
    try {
      const user = tg.addUser({ id: 900, first_name: "Eve" });
      tg.userSends(user, "/start");
      const welcome = (await tg.waitForMessages(900, 1))[0];
      if (!welcome) throw new Error("the bot did not answer /start");
      expect(welcome).toMatchObject({ text: "Welcome, reader", html: "Welcome, <b>reader</b>", reply_markup: keyboard });

      tg.userPresses(user, welcome, "unsub:tech");
      await tg.waitFor(() => tg.messagesTo(900)[0]?.text === "Unsubscribed", { message: "the edit" });
      expect(tg.callbackAnswers.map((a) => a.text)).toEqual(["Done"]);
      expect(tg.messagesTo(900)).toHaveLength(1);
    } finally {
      await bot.stop();
      await running;
    }
    // stop() confirmed the handled updates with a last getUpdates(offset).
    expect(tg.pendingUpdates()).toEqual([]);
    expect(tg.internalErrors).toEqual([]);
  });
});

describe("edits and callback queries", () => {
  it("editMessageText updates the stored message and refuses an identical edit like Telegram", async () => {
    const sent = await api.sendMessage(20, "<b>Draft</b>", { parse_mode: "HTML", reply_markup: keyboard });
    const same = await apiError(
      api.editMessageText(20, sent.message_id, "<b>Draft</b>", { parse_mode: "HTML", reply_markup: keyboard }),
    );
    expect(same.error_code).toBe(400);
    expect(same.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );

    const edited = await api.editMessageText(20, sent.message_id, "Final <i>text</i>", { parse_mode: "HTML" });
    expect(edited).toMatchObject({ message_id: sent.message_id, text: "Final text" });
    const [stored] = tg.messagesTo(20);
    expect(stored).toMatchObject({ text: "Final text", html: "Final <i>text</i>", edits: 1 });
    // Telegram drops the inline keyboard when an edit does not repeat it.
    expect(stored?.reply_markup).toBeUndefined();

    const markup = await apiError(api.editMessageReplyMarkup(20, sent.message_id));
    expect(markup.description).toMatch(/^Bad Request: message is not modified/);
    const missing = await apiError(api.editMessageText(20, 999, "x"));
    expect(missing.description).toBe("Bad Request: message to edit not found");
  });

  it("records callback answers and refuses a second answer to the same query", async () => {
    const user = tg.addUser({ id: 30, first_name: "Cy" });
    const sent = await api.sendMessage(30, "Subscribed", { reply_markup: keyboard });
    const update = tg.userPresses(user, tg.messagesTo(30)[0] ?? sent, "unsub:tech");
    const queryId = update.callback_query?.id ?? "";

    await expect(api.answerCallbackQuery(queryId, { text: "Unsubscribed from Tech" })).resolves.toBe(true);
    expect(tg.callbackAnswers).toMatchObject([{ callback_query_id: queryId, text: "Unsubscribed from Tech" }]);
    const again = await apiError(api.answerCallbackQuery(queryId));
    expect(again.description).toBe("Bad Request: query is too old and response timeout expired or query ID is invalid");
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

    tg.queueUpdate({ message: { message_id: 1, date: 1, chat: { id: 60, type: "private", first_name: "Di" }, from: { id: 60, is_bot: false, first_name: "Di" }, text: "x" } });
    await expect(api.getWebhookInfo()).resolves.toEqual({ url: "", has_custom_certificate: false, pending_update_count: 1 });
    await api.deleteWebhook({ drop_pending_updates: true });
    await expect(api.getWebhookInfo()).resolves.toMatchObject({ pending_update_count: 0 });
    expect(tg.internalErrors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Channels, groups and forum topics (issue 5)
// ---------------------------------------------------------------------------------------------

const BOT_USER = { id: 123456789, is_bot: true, first_name: "Bulletin Test", username: "bulletin_test_bot" };

/** Every administrator right, as the fake's default ("add admin" screen) sets them. */
const adminRights = {
  can_be_edited: false,
  can_manage_chat: true,
  can_change_info: true,
  can_delete_messages: true,
  can_invite_users: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_manage_video_chats: true,
  can_post_stories: true,
  can_edit_stories: true,
  can_delete_stories: true,
  is_anonymous: false,
  can_send_welcome_messages: true,
};

describe("members and rights", () => {
  it("getChatMember answers Telegram's ChatMember shapes, per chat type", async () => {
    const channel = tg.addChat({ id: -1001000000001, type: "channel", title: "World news", username: "worldnews" });
    const supergroup = tg.addChat({ id: -1001000000002, type: "supergroup", title: "Readers" });
    const group = tg.addChat({ id: -4002, type: "group", title: "Desk" });
    const olga = tg.addUser({ id: 11, first_name: "Olga", username: "olga", language_code: "de" });
    expect(tg.setMember(channel.id, olga, "creator")).toMatchObject({ status: "creator" });

    // The bot in a channel added with addChat: an administrator allowed to post.
    expect(await api.getChatMember(channel.id, tg.botUser.id)).toEqual({
      user: BOT_USER,
      status: "administrator",
      ...adminRights,
      can_post_messages: true,
      can_edit_messages: true,
      can_manage_direct_messages: true,
    });
    expect(await api.getChatMember(channel.id, 11)).toEqual({
      user: { id: 11, is_bot: false, first_name: "Olga", username: "olga", language_code: "de" },
      status: "creator",
      is_anonymous: false,
    });

    // Supergroups: pinning, topics and tags instead of posting and editing.
    tg.setMember(supergroup.id, 12, "administrator", { can_delete_messages: false, custom_title: "Editor" });
    expect(await api.getChatMember(supergroup.id, 12)).toEqual({
      user: { id: 12, is_bot: false, first_name: "User 12" },
      status: "administrator",
      ...adminRights,
      can_delete_messages: false,
      can_pin_messages: true,
      can_manage_topics: true,
      can_manage_tags: true,
      custom_title: "Editor",
    });
    tg.setMember(supergroup.id, 13, "restricted", { can_send_messages: true, until_date: 1_900_000_000 });
    expect(await api.getChatMember(supergroup.id, 13)).toEqual({
      user: { id: 13, is_bot: false, first_name: "User 13" },
      status: "restricted",
      until_date: 1_900_000_000,
      can_send_messages: true,
      can_send_audios: false,
      can_send_documents: false,
      can_send_photos: false,
      can_send_videos: false,
      can_send_video_notes: false,
      can_send_voice_notes: false,
      can_send_polls: false,
      can_send_other_messages: false,
      can_add_web_page_previews: false,
      can_react_to_messages: false,
      can_change_info: false,
      can_invite_users: false,
      can_edit_tag: false,
      can_pin_messages: false,
      can_manage_topics: false,
      is_member: true,
    });
    tg.setMember(supergroup.id, 14, "kicked");
    expect(await api.getChatMember(supergroup.id, 14)).toEqual({
      user: { id: 14, is_bot: false, first_name: "User 14" },
      status: "kicked",
      until_date: 0,
    });
    // Groups: pinning, no topics. The bot is a plain member there by default.
    tg.setMember(group.id, 15, "administrator");
    const groupAdmin = await api.getChatMember(group.id, 15);
    expect(groupAdmin).toMatchObject({ status: "administrator", can_pin_messages: true, can_manage_tags: true });
    expect(groupAdmin).not.toHaveProperty("can_manage_topics");
    expect(groupAdmin).not.toHaveProperty("can_post_messages");
    expect(await api.getChatMember(group.id, tg.botUser.id)).toEqual({ user: BOT_USER, status: "member" });
    // Anyone never set has left.
    expect(await api.getChatMember(group.id, 999)).toEqual({ user: { id: 999, is_bot: false, first_name: "User 999" }, status: "left" });
    expect(tg.memberOf(supergroup.id, 12)).toMatchObject({ status: "administrator", custom_title: "Editor" });
    expect(tg.internalErrors).toEqual([]);
  });

  it("getChatMember fails like Telegram for unknown chats, bad ids and chats the bot is not in", async () => {
    const notFound = await apiError(api.getChatMember(-1009999999999, 1));
    expect([notFound.error_code, notFound.description]).toEqual([400, "Bad Request: chat not found"]);
    const group = tg.addChat({ id: -4003, type: "group", title: "Desk" });
    const invalid = await apiError(api.getChatMember(group.id, 0));
    expect(invalid.description).toBe("Bad Request: invalid user_id specified");

    // A private channel the bot left: nothing is readable.
    const hidden = tg.addChat({ id: -1001000000003, type: "channel", title: "Hidden" });
    tg.setMember(hidden.id, 11, "creator");
    tg.setBotMember(hidden.id, "left");
    for (const user of [11, tg.botUser.id]) {
      const error = await apiError(api.getChatMember(hidden.id, user));
      expect([error.error_code, error.description]).toEqual([403, "Forbidden: bot is not a member of the channel chat"]);
    }
    // A public one: the bot still sees itself, but a channel's members only show to its admins.
    const open = tg.addChat({ id: -1001000000004, type: "channel", title: "Open", username: "opennews" });
    tg.setBotMember(open.id, "left");
    expect(await api.getChatMember(open.id, tg.botUser.id)).toEqual({ user: BOT_USER, status: "left" });
    expect((await apiError(api.getChatMember(open.id, 11))).description).toBe("Bad Request: member list is inaccessible");

    const supergroup = tg.addChat({ id: -1001000000005, type: "supergroup", title: "Readers" });
    tg.kick(supergroup.id);
    const banned = await apiError(api.getChatMember(supergroup.id, 11));
    expect([banned.error_code, banned.description]).toEqual([403, "Forbidden: bot was kicked from the supergroup chat"]);
    // In a basic group the bot kicked out can still look itself up, not the others.
    tg.kick(group.id);
    expect(await api.getChatMember(group.id, tg.botUser.id)).toEqual({ user: BOT_USER, status: "kicked", until_date: 0 });
    const others = await apiError(api.getChatMember(group.id, 11));
    expect([others.error_code, others.description]).toEqual([403, "Forbidden: bot was kicked from the group chat"]);
  });

  it("getChatAdministrators lists the creator first, then admins, the bot but no other bot", async () => {
    const supergroup = tg.addChat({ id: -1001000000006, type: "supergroup", title: "Readers" });
    tg.setMember(supergroup.id, 21, "administrator");
    tg.setMember(supergroup.id, { id: 22, is_bot: true, first_name: "Other", username: "other_bot" }, "administrator");
    tg.setMember(supergroup.id, 23, "member");
    tg.setMember(supergroup.id, 24, "creator", { is_anonymous: true });
    tg.setBotMember(supergroup.id, "administrator", { can_promote_members: true });
    const admins = await api.getChatAdministrators(supergroup.id);
    expect(admins[0]).toEqual({ user: { id: 24, is_bot: false, first_name: "User 24" }, status: "creator", is_anonymous: true });
    expect(admins.slice(1).map((m) => m.user.id).sort((a, b) => a - b)).toEqual([21, tg.botUser.id]);
    expect(admins.slice(1).every((m) => m.status === "administrator")).toBe(true);
    expect(admins.find((m) => m.user.id === tg.botUser.id)).toMatchObject({ can_promote_members: true });

    const inPrivate = await apiError(api.getChatAdministrators(5));
    expect(inPrivate.description).toBe("Bad Request: there are no administrators in the private chat");
    const channel = tg.addChat({ id: -1001000000007, type: "channel", title: "News" });
    tg.setBotMember(channel.id, "member");
    expect((await apiError(api.getChatAdministrators(channel.id))).description).toBe("Bad Request: member list is inaccessible");
  });

  it("getChat resolves @username case-insensitively and reads only what the bot may see", async () => {
    const channel = tg.addChat({ id: -1001000000008, type: "channel", title: "World news", username: "WorldNews" });
    await expect(api.getChat("@worldnews")).resolves.toMatchObject({ id: channel.id, type: "channel", title: "World news", username: "WorldNews" });
    await expect(api.getChat("@WORLDNEWS")).resolves.toMatchObject({ id: channel.id });
    const unknown = await apiError(api.getChat("@nosuchchannel"));
    expect([unknown.error_code, unknown.description]).toEqual([400, "Bad Request: chat not found"]);

    // A public chat stays readable to a bot outside it; a private one does not; a basic group does.
    tg.setBotMember(channel.id, "left");
    await expect(api.getChat("@worldnews")).resolves.toMatchObject({ id: channel.id });
    const hidden = tg.addChat({ id: -1001000000009, type: "channel", title: "Hidden" });
    tg.setBotMember(hidden.id, "left");
    const error = await apiError(api.getChat(hidden.id));
    expect([error.error_code, error.description]).toEqual([403, "Forbidden: bot is not a member of the channel chat"]);
    const group = tg.addChat({ id: -4004, type: "group", title: "Desk" });
    tg.kick(group.id);
    await expect(api.getChat(group.id)).resolves.toMatchObject({ id: group.id, type: "group" });
  });
});

describe("sending to channels and groups", () => {
  it("needs an administrator allowed to post in a channel, and membership everywhere", async () => {
    const channel = tg.addChat({ id: -1001000000010, type: "channel", title: "World news", username: "worldnews" });
    const posted = await api.sendMessage("@worldnews", "first");
    expect(posted).toMatchObject({ chat: { id: channel.id }, sender_chat: { id: channel.id } });
    expect(posted.from).toBeUndefined();

    tg.setBotMember(channel.id, "administrator", { can_post_messages: false });
    const noRight = await apiError(api.sendMessage(channel.id, "second"));
    expect([noRight.error_code, noRight.description]).toEqual([400, "Bad Request: need administrator rights in the channel chat"]);
    tg.setBotMember(channel.id, "member");
    expect((await apiError(api.sendPhoto(channel.id, "https://example.com/a.jpg"))).description).toBe(
      "Bad Request: need administrator rights in the channel chat",
    );
    tg.setBotMember(channel.id, "left");
    const left = await apiError(api.sendMessage(channel.id, "third"));
    expect([left.error_code, left.description]).toEqual([403, "Forbidden: bot is not a member of the channel chat"]);
    // Edits need membership too.
    const edit = await apiError(api.editMessageText(channel.id, posted.message_id, "edited"));
    expect(edit.description).toBe("Forbidden: bot is not a member of the channel chat");

    tg.kick(channel.id);
    expect(tg.memberOf(channel.id, tg.botUser.id)).toEqual({ user: BOT_USER, status: "kicked", until_date: 0 });
    const kicked = await apiError(api.sendMessage(channel.id, "fourth"));
    expect([kicked.error_code, kicked.description]).toEqual([403, "Forbidden: bot was kicked from the channel chat"]);
    tg.restore(channel.id);
    await expect(api.sendMessage(channel.id, "back")).resolves.toMatchObject({ text: "back" });
    expect(tg.messagesTo(channel.id).map((m) => m.text)).toEqual(["first", "back"]);
  });

  it("refuses a restricted bot in a group and a bot that left it", async () => {
    const supergroup = tg.addChat({ id: -1001000000011, type: "supergroup", title: "Readers" });
    tg.setBotMember(supergroup.id, "restricted", { can_send_messages: false });
    const text = await apiError(api.sendMessage(supergroup.id, "hi"));
    expect([text.error_code, text.description]).toEqual([400, "Bad Request: not enough rights to send text messages to the chat"]);
    const photo = await apiError(api.sendPhoto(supergroup.id, "https://example.com/a.jpg"));
    expect(photo.description).toBe("Bad Request: not enough rights to send photos to the chat");
    tg.setBotMember(supergroup.id, "restricted", { can_send_messages: true });
    await expect(api.sendMessage(supergroup.id, "allowed")).resolves.toMatchObject({ text: "allowed" });
    tg.setBotMember(supergroup.id, "restricted", { is_member: false, can_send_messages: true });
    expect((await apiError(api.sendMessage(supergroup.id, "gone"))).description).toBe("Forbidden: bot is not a member of the supergroup chat");

    const group = tg.addChat({ id: -4005, type: "group", title: "Desk" });
    tg.setBotMember(group.id, "left");
    const left = await apiError(api.sendMessage(group.id, "hi"));
    expect([left.error_code, left.description]).toEqual([403, "Forbidden: bot is not a member of the group chat"]);
    expect(tg.total).toBe(5);
    expect(tg.accepted).toBe(1);
  });

  it("posts into forum topics and refuses unknown, deleted and closed ones", async () => {
    const forum = tg.addChat({ id: -1001000000012, type: "supergroup", title: "Newsroom", is_forum: true });
    const tech = tg.createTopic(forum.id, "Tech");
    expect(tech).toBe(1); // the id of the topic's service message
    const sent = await api.sendMessage(forum.id, "<b>Chips</b>", { parse_mode: "HTML", message_thread_id: tech });
    expect(sent).toMatchObject({
      message_id: 2,
      message_thread_id: tech,
      is_topic_message: true,
      reply_to_message: {
        message_id: tech,
        message_thread_id: tech,
        is_topic_message: true,
        forum_topic_created: { name: "Tech", icon_color: 7322096 },
        from: BOT_USER,
      },
    });
    expect(tg.messagesTo(forum.id)[0]).toMatchObject({ text: "Chips", message_thread_id: tech });

    const missing = await apiError(api.sendMessage(forum.id, "x", { message_thread_id: 999 }));
    expect([missing.error_code, missing.description]).toEqual([400, "Bad Request: message thread not found"]);
    const plain = tg.addChat({ id: -1001000000013, type: "supergroup", title: "Plain" });
    expect((await apiError(api.sendMessage(plain.id, "x", { message_thread_id: 1 }))).description).toBe(
      "Bad Request: message thread not found",
    );
    expect(() => tg.createTopic(plain.id, "Nope")).toThrow(/not a forum/);

    // A closed topic takes posts from admins who manage topics only.
    tg.closeTopic(forum.id, tech);
    expect((await apiError(api.sendMessage(forum.id, "x", { message_thread_id: tech }))).description).toBe("Bad Request: TOPIC_CLOSED");
    tg.setBotMember(forum.id, "administrator");
    await expect(api.sendMessage(forum.id, "admin post", { message_thread_id: tech })).resolves.toMatchObject({ message_thread_id: tech });
    tg.deleteTopic(forum.id, tech);
    expect((await apiError(api.sendMessage(forum.id, "x", { message_thread_id: tech }))).description).toBe(
      "Bad Request: message thread not found",
    );
  });
});

describe("membership and chat updates", () => {
  it("botMembershipChanged queues my_chat_member with the old and new member, and applies it", async () => {
    const owner = tg.addUser({ id: 31, first_name: "Olga" });
    const chat = { id: -1001000000014, type: "channel" as const, title: "Local news" };
    tg.botMembershipChanged(chat, owner, "administrator", { can_edit_messages: false });
    const [added] = await api.getUpdates();
    expect(added?.my_chat_member).toEqual({
      chat,
      from: owner,
      date: expect.any(Number),
      old_chat_member: { user: BOT_USER, status: "left" },
      new_chat_member: {
        user: BOT_USER,
        status: "administrator",
        ...adminRights,
        can_post_messages: true,
        can_edit_messages: false,
        can_manage_direct_messages: true,
      },
    });
    await expect(api.sendMessage(chat.id, "hello")).resolves.toMatchObject({ chat });

    const demoted = tg.botMembershipChanged(chat.id, owner, "administrator", { can_post_messages: false });
    expect(demoted.my_chat_member?.old_chat_member).toMatchObject({ can_post_messages: true });
    expect(demoted.my_chat_member?.new_chat_member).toMatchObject({ can_post_messages: false });
    expect((await apiError(api.sendMessage(chat.id, "x"))).description).toBe("Bad Request: need administrator rights in the channel chat");
    const removed = tg.botMembershipChanged(chat.id, owner, "left");
    expect(removed.my_chat_member?.new_chat_member).toEqual({ user: BOT_USER, status: "left" });
    expect((await apiError(api.sendMessage(chat.id, "x"))).error_code).toBe(403);
    expect(() => tg.botMembershipChanged(-1001000000999, owner, "member")).toThrow(/unknown/);

    // In a private chat: the user blocks the bot, then unblocks it.
    const blocked = tg.botMembershipChanged(owner.id, owner, "kicked");
    expect(blocked.my_chat_member).toMatchObject({
      chat: { id: 31, type: "private" },
      old_chat_member: { user: BOT_USER, status: "member" },
      new_chat_member: { user: BOT_USER, status: "kicked", until_date: 0 },
    });
    expect((await apiError(api.sendMessage(owner.id, "x"))).description).toBe("Forbidden: bot was blocked by the user");
    tg.botMembershipChanged(owner.id, owner, "member");
    await expect(api.sendMessage(owner.id, "welcome back")).resolves.toMatchObject({ text: "welcome back" });
  });

  it("userSendsInChat writes in groups and topics, also as an anonymous admin; message ids are per chat", async () => {
    const group = tg.addChat({ id: -4006, type: "group", title: "Desk" });
    const ada = tg.addUser({ id: 41, first_name: "Ada" });
    const update = tg.userSendsInChat(ada, group.id, "/subscribe@bulletin_test_bot tech");
    const [received] = await api.getUpdates();
    expect(received?.update_id).toBe(update.update_id);
    expect(received?.message).toEqual({
      message_id: 1,
      from: ada,
      chat: group,
      date: expect.any(Number),
      text: "/subscribe@bulletin_test_bot tech",
      entities: [{ type: "bot_command", offset: 0, length: 28 }],
    });
    // Writing made Ada a member; the bot's answer takes the next id in that chat.
    expect(tg.memberOf(group.id, ada.id)).toEqual({ user: ada, status: "member" });
    expect((await api.sendMessage(group.id, "ok")).message_id).toBe(2);
    expect(tg.userSendsInChat(ada, group.id, "thanks").message?.message_id).toBe(3);

    const forum = tg.addChat({ id: -1001000000015, type: "supergroup", title: "Newsroom", is_forum: true });
    tg.setMember(forum.id, ada, "creator");
    const topic = tg.createTopic(forum.id, "World", { by: ada, iconColor: 16766590 });
    const inTopic = tg.userSendsInChat(ada, forum.id, "/subscribe world", { threadId: topic }).message;
    expect(inTopic).toMatchObject({
      message_id: topic + 1,
      message_thread_id: topic,
      is_topic_message: true,
      reply_to_message: { message_id: topic, from: ada, forum_topic_created: { name: "World", icon_color: 16766590 } },
      entities: [{ type: "bot_command", offset: 0, length: 10 }],
    });
    const anonymous = tg.userSendsInChat(ada, forum.id, "/stop", { anonymousAdmin: true }).message;
    expect(anonymous?.from).toEqual({ id: 1087968824, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" });
    expect(anonymous?.sender_chat).toEqual(forum);
    expect(anonymous).not.toHaveProperty("is_topic_message");

    // What Telegram would never deliver is a mistake in the test.
    const bo = tg.addUser({ id: 42, first_name: "Bo" });
    expect(() => tg.userSendsInChat(bo, forum.id, "/stop", { anonymousAdmin: true })).toThrow(/not an administrator/);
    expect(() => tg.userSendsInChat(bo, forum.id, "hi", { threadId: 999 })).toThrow(/no forum topic/);
    tg.setMember(group.id, bo, "kicked");
    expect(() => tg.userSendsInChat(bo, group.id, "hi")).toThrow(/cannot write/);
    expect(() => tg.userSendsInChat(bo, bo.id, "hi")).toThrow();
    tg.setBotMember(group.id, "left");
    expect(() => tg.userSendsInChat(ada, group.id, "anyone?")).toThrow(/would not deliver/);
  });

  it("channelPost queues a channel_post from the channel itself", async () => {
    const channel = tg.addChat({ id: -1001000000016, type: "channel", title: "World news" });
    tg.channelPost(channel.id, "/digest now");
    const [update] = await api.getUpdates();
    expect(update?.channel_post).toEqual({
      message_id: 1,
      sender_chat: channel,
      chat: channel,
      date: expect.any(Number),
      text: "/digest now",
      entities: [{ type: "bot_command", offset: 0, length: 7 }],
    });
    expect(update?.channel_post).not.toHaveProperty("from");
    expect((await api.sendMessage(channel.id, "next")).message_id).toBe(2);
    const group = tg.addChat({ id: -4007, type: "group", title: "Desk" });
    expect(() => tg.channelPost(group.id, "x")).toThrow(/not a channel/);
  });

  it("a bot cannot write first to a user who never started it", async () => {
    tg.addUser({ id: 51, first_name: "Cy" }, { started: false });
    const error = await apiError(api.sendMessage(51, "hello"));
    expect([error.error_code, error.description]).toEqual([403, "Forbidden: bot can't initiate conversation with a user"]);
    expect((await apiError(api.sendPhoto(51, "https://example.com/a.jpg"))).error_code).toBe(403);
    // The chat itself is known.
    await expect(api.getChat(51)).resolves.toMatchObject({ id: 51, first_name: "Cy" });

    tg.userSends({ id: 51, is_bot: false, first_name: "Cy" }, "/start");
    await expect(api.sendMessage(51, "hello")).resolves.toMatchObject({ chat: { id: 51 } });

    tg.neverStarted(52);
    expect((await apiError(api.sendMessage(52, "hello"))).description).toBe("Forbidden: bot can't initiate conversation with a user");
    // Unknown users met on the fly (strictChats off) count as started, as before.
    await expect(api.sendMessage(53, "hello")).resolves.toMatchObject({ chat: { id: 53 } });
  });

  it("a grammY bot sees admins, anonymous admins and topics the way Telegram shows them", async () => {
    const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
    const statuses: string[] = [];
    bot.on("my_chat_member", (ctx) => {
      statuses.push(ctx.myChatMember.new_chat_member.status);
    });
    bot.command("subscribe", async (ctx) => {
      const anonymous = ctx.msg.sender_chat?.id === ctx.chat.id;
      const who = anonymous ? "anonymous admin" : (await ctx.getChatMember(ctx.from?.id ?? 0)).status;
      await ctx.reply(`subscribed by ${who}`);
    });
    let running: Promise<void> = Promise.resolve();
    await new Promise<void>((onStart) => {
      running = bot.start({ drop_pending_updates: true, onStart: () => onStart() });
    });
    try {
      const admin = tg.addUser({ id: 61, first_name: "Di" });
      const forum = { id: -1001000000017, type: "supergroup" as const, title: "Newsroom", is_forum: true as const };
      tg.botMembershipChanged(forum, admin, "member");
      tg.setMember(forum.id, admin, "administrator");
      const topic = tg.createTopic(forum.id, "Tech", { by: admin });
      tg.userSendsInChat(admin, forum.id, "/subscribe tech", { threadId: topic });
      tg.userSendsInChat(admin, forum.id, "/subscribe world", { anonymousAdmin: true });
      const replies = await tg.waitForMessages(forum.id, 2);
      expect(replies.map((m) => [m.text, m.message_thread_id])).toEqual([
        ["subscribed by administrator", topic],
        ["subscribed by anonymous admin", undefined],
      ]);
      expect(statuses).toEqual(["member"]);
    } finally {
      await bot.stop();
      await running;
    }
    expect(tg.calls("getChatMember").map((c) => c.status)).toEqual([200]);
    expect(tg.internalErrors).toEqual([]);
  });
});
