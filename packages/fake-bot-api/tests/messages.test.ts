/**
 * The bot's messages: sendMessage and sendPhoto with Telegram's shapes and limits, edits, and
 * answers to button presses.
 */
import { describe, expect, it } from "vitest";
import type { Api } from "grammy";
import type { FakeTelegram } from "../src/index.js";
import { apiError, keyboard, useFakeTelegram } from "./support.js";

let tg: FakeTelegram;
let api: Api;
useFakeTelegram((started) => ({ tg, api } = started));

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

describe("edits and callback queries", () => {
  it("editMessageText updates the stored message and refuses an identical edit like Telegram", async () => {
    const sent = await api.sendMessage(20, "<b>Draft</b>", { parse_mode: "HTML", reply_markup: keyboard });
    const same = await apiError(api.editMessageText(20, sent.message_id, "<b>Draft</b>", { parse_mode: "HTML", reply_markup: keyboard }));
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
