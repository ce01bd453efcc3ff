/**
 * Updates for the bot: long polling, a real grammY bot, and what users do (messages in groups and
 * topics, channel posts, membership changes).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { Api } from "grammy";
import { Bot } from "grammy";
import type { FakeTelegram } from "../src/index.js";
import { adminRights, apiError, BOT_USER, keyboard, useFakeTelegram } from "./support.js";

let tg: FakeTelegram;
let api: Api;
useFakeTelegram((started) => ({ tg, api } = started));

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
    expect(conflict.description).toBe("Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
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
    expect(demoted?.my_chat_member?.old_chat_member).toMatchObject({ can_post_messages: true });
    expect(demoted?.my_chat_member?.new_chat_member).toMatchObject({ can_post_messages: false });
    expect((await apiError(api.sendMessage(chat.id, "x"))).description).toBe("Bad Request: need administrator rights in the channel chat");
    const removed = tg.botMembershipChanged(chat.id, owner, "left");
    expect(removed?.my_chat_member?.new_chat_member).toEqual({ user: BOT_USER, status: "left" });
    expect((await apiError(api.sendMessage(chat.id, "x"))).error_code).toBe(403);
    expect(() => tg.botMembershipChanged(-1001000000999, owner, "member")).toThrow(/unknown/);

    // In a private chat: the user blocks the bot, then unblocks it.
    const blocked = tg.botMembershipChanged(owner.id, owner, "kicked");
    expect(blocked?.my_chat_member).toMatchObject({
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

describe("setWebhook", () => {
  /** A webhook receiver on loopback: records each post and answers with `status()`. */
  async function receiver(status: () => number = () => 200) {
    const posts: { secret: string | undefined; update: { update_id: number; message?: { text?: string } } }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const header = req.headers["x-telegram-bot-api-secret-token"];
        posts.push({ secret: typeof header === "string" ? header : undefined, update: JSON.parse(body) as never });
        res.writeHead(status()).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    return { posts, url, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it("posts updates to the URL with the secret, forgets those answered 2xx, and refuses getUpdates meanwhile", async () => {
    const hook = await receiver();
    try {
      await api.setWebhook(hook.url, { secret_token: "s3cret_token-1" });
      const user = tg.addUser({ id: 901, first_name: "Web" });
      tg.userSends(user, "/start");
      tg.userSends(user, "again");
      await tg.waitFor(() => tg.pendingUpdates().length === 0, { message: "both updates to be acknowledged" });
      expect(hook.posts.map((p) => [p.secret, p.update.message?.text])).toEqual([
        ["s3cret_token-1", "/start"],
        ["s3cret_token-1", "again"],
      ]);
      expect(tg.webhookUrl).toBe(hook.url);
      await expect(api.getWebhookInfo()).resolves.toMatchObject({ url: hook.url, pending_update_count: 0, max_connections: 40 });
      const conflict = await apiError(api.getUpdates({ timeout: 0 }));
      expect(conflict.error_code).toBe(409);
      expect(conflict.description).toBe(
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
      await api.deleteWebhook();
      expect(tg.webhookUrl).toBeUndefined();
      expect(await api.getUpdates({ timeout: 0 })).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it("posts an update again after an error answer, and says so in getWebhookInfo", async () => {
    let answers = 0;
    const hook = await receiver(() => (++answers === 1 ? 503 : 200));
    try {
      await api.setWebhook(hook.url, { secret_token: "another_secret" });
      tg.userSends(tg.addUser({ id: 902, first_name: "Retry" }), "hello");
      await tg.waitFor(() => hook.posts.length === 1, { message: "the first post" });
      await expect(api.getWebhookInfo()).resolves.toMatchObject({
        pending_update_count: 1,
        last_error_message: "Wrong response from the webhook: 503 Service Unavailable",
      });
      await tg.waitFor(() => tg.pendingUpdates().length === 0, { message: "the second post to be acknowledged", timeoutMs: 5000 });
      expect(hook.posts.map((p) => p.update.update_id)).toEqual([hook.posts[0]!.update.update_id, hook.posts[0]!.update.update_id]);
    } finally {
      await api.deleteWebhook();
      await hook.close();
    }
  });

  it("refuses a secret token with characters Telegram does not allow", async () => {
    const refused = await apiError(api.setWebhook("http://127.0.0.1:9/hook", { secret_token: "no spaces allowed" }));
    expect(refused).toMatchObject({ error_code: 400, description: "Bad Request: secret token contains unallowed characters" });
  });
});
