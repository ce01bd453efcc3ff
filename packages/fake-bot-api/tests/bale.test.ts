/**
 * The Bale flavour: the same fake answering as Bale's Bot API does where docs/bale.md found it
 * different from Telegram's, each switch seen through grammY's real client.
 */
import { describe, expect, it } from "vitest";
import type { Api } from "grammy";
import { FakeTelegram } from "../src/index.js";
import { apiError, BOT_USER, keyboard, useFakeTelegram } from "./support.js";

let tg: FakeTelegram;
let api: Api;
useFakeTelegram((started) => ({ tg, api } = started), { flavour: "bale" });

const NOT_FOUND = { ok: false, error_code: 404, description: "Not Found" };

describe("text on Bale", () => {
  it("shows every message as Bale Markdown, whatever parse_mode says, and HTML as written", async () => {
    const message = await api.sendMessage(4242, "*Breaking*: rates _up_ <b>today</b> [Read more](https://news.example.com/a)", {
      parse_mode: "HTML",
    });
    const shown = "Breaking: rates up <b>today</b> Read more";
    expect(message.text).toBe(shown);
    expect(message.entities).toEqual([
      { type: "bold", offset: 0, length: 8 },
      { type: "italic", offset: 16, length: 2 },
      { type: "text_link", offset: shown.indexOf("Read more"), length: 9, url: "https://news.example.com/a" },
    ]);
    const [recorded] = tg.messagesTo(4242);
    expect(recorded).toMatchObject({ text: shown, html: "*Breaking*: rates _up_ <b>today</b> [Read more](https://news.example.com/a)" });
  });

  it("reads a code block, and shows markup that never closes as written", async () => {
    const code = await api.sendMessage(4242, "```npm start```");
    expect(code.text).toBe("npm start");
    expect(code.entities).toEqual([{ type: "pre", offset: 0, length: 9 }]);

    const open = await api.sendMessage(4242, "*bold* then a lone * and [no link");
    expect(open.text).toBe("bold then a lone * and [no link");
    expect(open.entities).toEqual([{ type: "bold", offset: 0, length: 4 }]);

    // Read strictly: two stars pair even where a writer meant arithmetic.
    const strict = await api.sendMessage(4242, "2*3*4");
    expect(strict.text).toBe("234");
    expect(strict.entities).toEqual([{ type: "bold", offset: 1, length: 1 }]);

    const lone = await api.sendMessage(4242, "a lone * and a lone _ and [no link");
    expect(lone.text).toBe("a lone * and a lone _ and [no link");
    expect(lone.entities).toBeUndefined();
  });

  it("reads a photo's caption as Bale Markdown too, and ignores explicit entities", async () => {
    const photo = await api.sendPhoto(4242, "https://news.example.com/p.jpg", {
      caption: "*Title* <i>x</i>",
      caption_entities: [{ type: "italic", offset: 0, length: 3 }],
    });
    expect(photo.caption).toBe("Title <i>x</i>");
    expect(photo.caption_entities).toEqual([{ type: "bold", offset: 0, length: 5 }]);
  });

  it("ignores link preview options and paid broadcasts", async () => {
    const message = await api.sendMessage(4242, "https://news.example.com", {
      link_preview_options: { is_disabled: true },
      allow_paid_broadcast: true,
    });
    expect(message.link_preview_options).toBeUndefined();
    expect(tg.messagesTo(4242)[0]?.allow_paid_broadcast).toBeUndefined();
  });

  it("answers an edit with a stub, not the message, and still edits it", async () => {
    const sent = await api.sendMessage(4242, "*Menu*", { reply_markup: keyboard });
    const answer = await api.editMessageText(4242, sent.message_id, "*Menu* _saved_");
    expect(answer).toEqual({ message_id: 0 });
    expect(tg.messagesTo(4242)[0]).toMatchObject({ text: "Menu saved", edits: 1 });
  });
});

describe("chats on Bale", () => {
  it("has private chats, groups and channels, but no supergroups or forum topics", async () => {
    expect(() => tg.addChat({ id: -1001000000001, type: "supergroup", title: "Big" })).toThrow(/bale has no supergroup/);
    tg.addChat({ id: -1001000000002, type: "channel", title: "News" });
    tg.addChat({ id: -500, type: "group", title: "Friends" });
    expect(() => tg.migrate(-500, -1001000000003)).toThrow(/no supergroups/);
    const error = await apiError(api.sendMessage(-500, "hello", { message_thread_id: 7 }));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe("Bad Request: message thread not found");
    await expect(api.sendMessage(-500, "hello")).resolves.toMatchObject({ chat: { id: -500, type: "group" } });
  });

  it("tells the bot it joined a group with a new_chat_members message, and nothing else of its membership", async () => {
    const owner = tg.addUser({ id: 31, first_name: "Omid" });
    const group = { id: -600, type: "group" as const, title: "Readers" };
    const added = tg.botMembershipChanged(group, owner, "member");
    const channel = { id: -1001000000004, type: "channel" as const, title: "Daily" };
    expect(tg.botMembershipChanged(channel, owner, "administrator")).toBeUndefined();
    expect(tg.botMembershipChanged(owner.id, owner, "kicked")).toBeUndefined();
    expect(tg.botMembershipChanged(group.id, owner, "administrator")).toBeUndefined();

    const updates = await api.getUpdates();
    expect(updates).toHaveLength(1);
    expect(updates[0]).toEqual(added);
    expect(updates[0]?.message).toMatchObject({ chat: group, from: owner, new_chat_members: [BOT_USER] });
    expect(updates[0]?.my_chat_member).toBeUndefined();
    await expect(api.sendMessage(channel.id, "posted")).resolves.toMatchObject({ chat: { id: channel.id } });
    expect((await apiError(api.sendMessage(owner.id, "x"))).error_code).toBe(403);
    expect(() => tg.queueUpdate({ chat_member: {} } as never)).toThrow(/bale sends no chat_member updates/);
  });

  it("answers getChatMember with member, administrator or creator and Bale's right names", async () => {
    const channel = tg.addChat({ id: -1001000000005, type: "channel", title: "Daily" });
    const admin = tg.addUser({ id: 41, first_name: "Sara" });
    const owner = tg.addUser({ id: 42, first_name: "Reza" });
    const reader = tg.addUser({ id: 43, first_name: "Nima" });
    tg.setMember(channel.id, admin, "administrator", { can_kick_user: false });
    tg.setMember(channel.id, owner, "creator");
    tg.setMember(channel.id, reader, "member");

    const asAdmin = await api.getChatMember(channel.id, admin.id);
    expect(asAdmin).toMatchObject({
      status: "administrator",
      can_send_message: true,
      can_send_media: true,
      can_kick_user: false,
      can_see_members: true,
      can_send_link_message: true,
      can_add_story: true,
    });
    expect(asAdmin).not.toHaveProperty("can_post_messages");
    await expect(api.getChatMember(channel.id, owner.id)).resolves.toMatchObject({ status: "creator" });
    await expect(api.getChatMember(channel.id, reader.id)).resolves.toMatchObject({ status: "member" });
    const stranger = await apiError(api.getChatMember(channel.id, 44));
    expect([stranger.error_code, stranger.description]).toEqual([400, "Bad Request: user not found"]);
    expect(() => tg.setMember(channel.id, reader, "restricted")).toThrow(/bale has no restricted members/);
    await expect(api.getChatAdministrators(channel.id)).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ status: "creator" }), expect.objectContaining({ can_kick_user: false })]),
    );
  });

  it("lets the bot post in a channel as an administrator unless can_send_message is off", async () => {
    const channel = tg.addChat({ id: -1001000000006, type: "channel", title: "Daily" });
    await expect(api.sendMessage(channel.id, "one")).resolves.toMatchObject({ sender_chat: { id: channel.id } });
    tg.setBotMember(channel.id, "administrator", { can_send_message: false });
    expect((await apiError(api.sendMessage(channel.id, "two"))).description).toBe(
      "Bad Request: need administrator rights in the channel chat",
    );
  });
});

describe("methods Bale lacks", () => {
  it.each(["answerInlineQuery", "setMyCommands", "getMyCommands", "deleteMyCommands"])("answers %s 404 Not Found", async (method) => {
    const response = await fetch(`${tg.apiRoot}/bot${tg.token}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ commands: [{ command: "start", description: "Start" }], inline_query_id: "1", results: [] }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NOT_FOUND);
  });

  it("refuses grammY's setMyCommands as Bale would, and has no inline mode", async () => {
    const error = await apiError(api.setMyCommands([{ command: "start", description: "Start" }]));
    expect([error.error_code, error.description]).toEqual([404, "Not Found"]);
    expect((await api.getMe()).supports_inline_queries).toBe(false);
    expect(() => tg.userTypesInline(tg.addUser({ id: 5, first_name: "A" }), "news")).toThrow(/inline/);
    await expect(FakeTelegram.start({ flavour: "bale", inlineMode: true })).rejects.toThrow(/bale has no inline mode/);
  });

  it("answers an unknown token 404 Not Found (Telegram: 401 Unauthorized)", async () => {
    const response = await fetch(`${tg.apiRoot}/bot999:not-the-token-of-this-bot-xxxxx/getMe`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NOT_FOUND);
    const telegram = await FakeTelegram.start();
    try {
      const refused = await fetch(`${telegram.apiRoot}/bot999:not-the-token-of-this-bot-xxxxx/getMe`);
      expect(await refused.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    } finally {
      await telegram.close();
    }
  });
});

describe("Bale's rate limit", () => {
  it("allows 20 sends a second by default, then answers 429 bot limit exceed with retry_after", async () => {
    expect(tg.currentLimits().perSecond).toBe(20);
    // Twice the limit at once: on a loaded machine the sends may spread, so "the first 20 pass, some are refused".
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => api.sendMessage(100 + i, "news")));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(results.length - refused.length).toBeGreaterThanOrEqual(20);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const error of refused) {
      expect(error).toMatchObject({ error_code: 429, description: "bot limit exceed", parameters: { retry_after: 1 } });
    }
  });

  it("answers 429 without retry_after when told to, as Bale sometimes does", async () => {
    tg.setLimits({ perSecond: 1, omitRetryAfter: true });
    await api.sendMessage(1, "first");
    const error = await apiError(api.sendMessage(2, "second"));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe("bot limit exceed");
    expect(error.parameters.retry_after).toBeUndefined();
  });
});
