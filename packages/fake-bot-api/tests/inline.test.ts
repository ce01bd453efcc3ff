/**
 * Inline mode: a user types `@bot words`, the bot answers once with Telegram's checks, and the user
 * picks a result that appears in a chat from the user, via the bot.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Api } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import { FakeTelegram } from "../src/index.js";
import { apiError } from "./support.js";

let tg: FakeTelegram;
let api: Api;

beforeEach(async () => {
  tg = await FakeTelegram.start({ inlineMode: true });
  api = new Api(tg.token, { apiRoot: tg.apiRoot });
});
afterEach(async () => {
  await tg.close();
});

const result = (id: string, text = "<b>Title</b>"): InlineQueryResultArticle => ({
  type: "article",
  id,
  title: `Result ${id}`,
  input_message_content: { message_text: text, parse_mode: "HTML" },
});

describe("inline queries", () => {
  it("hands the query to the bot, takes one answer, and posts a picked result via the bot", async () => {
    expect((await api.getMe()).supports_inline_queries).toBe(true);
    const ada = tg.addUser({ id: 601, first_name: "Ada" });
    const { update, queryId } = tg.userTypesInline(ada, "x".repeat(300), { chatType: "group" });
    expect(update.inline_query).toMatchObject({ id: queryId, query: "x".repeat(256), offset: "", chat_type: "group" });

    await api.answerInlineQuery(queryId, [result("1"), result("2", '<b>Second</b> <a href="https://e.com/2">more</a>')], {
      cache_time: 5,
      is_personal: true,
      next_offset: "42",
    });
    expect(tg.inlineAnswer(queryId)).toMatchObject({ cache_time: 5, is_personal: true, next_offset: "42" });
    expect((await apiError(api.answerInlineQuery(queryId, []))).description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );

    const group = tg.addChat({ id: -601, type: "group", title: "Friends" });
    tg.setMember(group.id, ada, "member");
    const posted = tg.userPicksInlineResult(ada, queryId, "2", group.id);
    expect(posted.from?.id).toBe(ada.id);
    expect(posted.via_bot?.username).toBe("bulletin_test_bot");
    const [shown] = tg.messagesTo(group.id);
    expect(shown).toMatchObject({ text: "Second more", method: "inline", sender: { id: ada.id } });
    expect(shown?.entities).toEqual([
      { type: "bold", offset: 0, length: 6 },
      { type: "text_link", offset: 7, length: 4, url: "https://e.com/2" },
    ]);
    expect(() => tg.userPicksInlineResult(tg.addUser({ id: 602, first_name: "Bo" }), queryId, "1", group.id)).toThrow(/not in chat/);
  });

  it("refuses answers Telegram refuses", async () => {
    const ada = tg.addUser({ id: 611, first_name: "Ada" });
    const ask = () => tg.userTypesInline(ada, "news").queryId;
    const refused = async (results: unknown[], other: Record<string, unknown> = {}) =>
      (await apiError(api.raw.answerInlineQuery({ inline_query_id: ask(), results: results as InlineQueryResultArticle[], ...other })))
        .description;

    expect(await refused(Array.from({ length: 51 }, (_, i) => result(String(i))))).toBe("Bad Request: RESULTS_TOO_MUCH");
    expect(await refused([result("1"), result("1")])).toBe("Bad Request: RESULT_ID_DUPLICATE");
    expect(await refused([result("x".repeat(65))])).toBe("Bad Request: RESULT_ID_INVALID");
    expect(await refused([result("")])).toBe("Bad Request: RESULT_ID_INVALID");
    expect(await refused([{ ...result("1"), type: "poster" }])).toBe("Bad Request: RESULT_TYPE_INVALID");
    expect(await refused([result("1", "<b>open")])).toMatch(/^Bad Request: can't parse entities/);
    expect(await refused([result("1", "a".repeat(4097))])).toBe("Bad Request: MESSAGE_TOO_LONG");
    expect(await refused([{ ...result("1"), thumbnail_url: "not a url" }])).toBe("Bad Request: THUMB_URL_INVALID");
    expect(await refused([result("1")], { next_offset: "o".repeat(65) })).toBe("Bad Request: NEXT_OFFSET_INVALID");
    expect(await api.answerInlineQuery(ask(), [])).toBe(true);
  });

  it("has no inline mode unless the bot was given one", async () => {
    const plain = await FakeTelegram.start();
    try {
      const ada = plain.addUser({ id: 621, first_name: "Ada" });
      expect(() => plain.userTypesInline(ada, "news")).toThrow(/inline mode is off/);
    } finally {
      await plain.close();
    }
  });
});

describe("chats between users and the chat picker", () => {
  it("posts a result picked in a chat with another user there, which both see and the bot never does", async () => {
    const ada = tg.addUser({ id: 611, first_name: "Ada" });
    const bo = tg.addUser({ id: 612, first_name: "Bo" });
    const events: string[] = [];
    tg.onEvent((event) => {
      if (event.type === "direct") events.push(`${event.from}->${event.to} ${event.message.method}`);
    });
    const { update, queryId } = tg.userTypesInline(ada, "news", { chatType: "private" });
    expect(update.inline_query?.chat_type).toBe("private");
    await api.answerInlineQuery(queryId, [result("1", "<b>News</b>")]);
    tg.userWritesTo(bo, ada.id, "hi");
    const posted = tg.userPicksInlineResult(ada, queryId, "1", bo.id);
    // Ada sees the chat under Bo's id.
    expect(posted).toMatchObject({
      chat: { id: bo.id, type: "private", first_name: "Bo" },
      from: { id: ada.id },
      via_bot: { id: tg.botUser.id },
    });
    expect(tg.messagesBetween(bo.id, ada.id).map((m) => [m.sender?.id, m.method, m.text])).toEqual([
      [bo.id, "user", "hi"],
      [ada.id, "inline", "News"],
    ]);
    expect(events).toEqual([`${bo.id}->${ada.id} user`, `${ada.id}->${bo.id} inline`]);
    expect(tg.messagesTo(bo.id)).toEqual([]);
    expect(() => tg.userWritesTo(ada, 699, "to nobody")).toThrow(/addUser/);
  });

  it("opens the picker of a switch_inline_query_chosen_chat button: the chosen chat types @bot <query>, where the button allows", async () => {
    const ada = tg.addUser({ id: 621, first_name: "Ada" });
    const bo = tg.addUser({ id: 622, first_name: "Bo" });
    const channel = tg.addChat({ id: -1000000000621, type: "channel", title: "Desk" });
    tg.setMember(channel.id, ada, "creator");
    const sent = await api.sendMessage(ada.id, "An article", {
      reply_markup: {
        inline_keyboard: [
          [{ text: "Telegram", switch_inline_query_chosen_chat: { query: "An article", allow_user_chats: true, allow_group_chats: true } }],
        ],
      },
    });
    const message = tg.messagesTo(ada.id).find((m) => m.message_id === sent.message_id)!;
    const { update } = tg.userSwitchesInline(ada, message, "Telegram", bo.id);
    expect(update.inline_query).toMatchObject({ from: { id: ada.id }, query: "An article", chat_type: "private" });
    expect(() => tg.userSwitchesInline(ada, message, "Telegram", channel.id)).toThrow(/does not offer a channel chat/);
    expect(() => tg.userSwitchesInline(ada, message, "Other", bo.id)).toThrow(/no button/);
  });
});
