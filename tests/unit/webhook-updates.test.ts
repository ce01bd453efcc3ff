/** Which updates wait for each other, and what a webhook body must be to count as an update (pure). */
import { describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { orderingKeys } from "../../src/bot/order.js";
import { parseUpdate } from "../../src/bot/webhook.js";

const reader = { id: 42, is_bot: false, first_name: "Sara" };
const privateChat = { id: 42, type: "private" as const, first_name: "Sara" };

describe("orderingKeys", () => {
  it("orders by the chat, and by the person behind a private chat, a button press or the bot's membership", () => {
    const message = { update_id: 1, message: { message_id: 1, date: 0, chat: privateChat, from: reader, text: "/start" } } as Update;
    expect(orderingKeys(message)).toEqual(["chat:42", "user:42"]);
    const inGroup = {
      update_id: 4,
      message: { message_id: 2, date: 0, chat: { id: -5, type: "group", title: "Desk" }, from: reader, text: "/subscribe world" },
    } as Update;
    expect(orderingKeys(inGroup)).toEqual(["chat:-5"]);
    const press = {
      update_id: 2,
      callback_query: {
        id: "q",
        from: reader,
        chat_instance: "c",
        data: "toggle:world",
        message: { message_id: 1, date: 0, chat: privateChat, from: reader, text: "picker" },
      },
    } as Update;
    expect(orderingKeys(press)).toEqual(["chat:42", "user:42"]);
    const membership = {
      update_id: 3,
      my_chat_member: {
        chat: { id: -100123, type: "channel", title: "Desk" },
        from: reader,
        date: 0,
        old_chat_member: { status: "left", user: reader },
        new_chat_member: { status: "left", user: reader },
      },
    } as Update;
    expect(orderingKeys(membership)).toEqual(["chat:-100123", "user:42"]);
  });
});

describe("parseUpdate", () => {
  it("takes an object with an update_id and an update in it", () => {
    const body = { update_id: 7, message: { message_id: 1, date: 0, chat: privateChat, text: "hi" } };
    expect(parseUpdate(body)).toEqual({ ok: true, update: body });
  });

  it.each([
    ["not an object"],
    [[]],
    [{}],
    [{ update_id: "7", message: {} }],
    [{ update_id: -1, message: {} }],
    [{ update_id: 7 }],
    [{ update_id: 7, message: "hi" }],
  ])("refuses %j with one line", (body) => {
    const parsed = parseUpdate(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(/^not a Telegram update \(/);
  });
});
