/**
 * Finding 4 of issue 16: operators are people (ADMIN_USER_IDS), not chats: a listed group would make
 * every member an operator, and a forwarded or anonymous message is not the operator's own.
 */
import type { Message } from "grammy/types";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { operatorMayAct } from "../../src/ops/service.js";
import { configProblems } from "../support/config-problems.js";

const BOT_TOKEN = "123456789:AAF-test-token-for-config-tests_x";
const operator = { id: 500, is_bot: false, first_name: "Operator" };
const privateChat = { id: 500, type: "private" as const, first_name: "Operator" };
const command = (extra: Partial<Message> = {}): Message => ({
  message_id: 1,
  date: 0,
  chat: privateChat,
  from: operator,
  text: "/pause",
  ...extra,
});
const operators = new Set([500]);

describe("who may use the operators' commands", () => {
  it("an operator by user id, in their private chat with the bot", () => {
    expect(operatorMayAct(command(), operators)).toBe(true);
  });

  it("nobody else, nowhere else, and never a message whose words are not the operator's own", () => {
    expect(operatorMayAct(command({ from: { ...operator, id: 501 }, chat: { ...privateChat, id: 501 } }), operators)).toBe(false);
    const group = { id: -100777, type: "supergroup" as const, title: "Ops room" };
    expect(operatorMayAct(command({ chat: group }), operators)).toBe(false);
    expect(operatorMayAct(command({ forward_origin: { type: "hidden_user", sender_user_name: "Someone", date: 0 } }), operators)).toBe(
      false,
    );
    expect(operatorMayAct(command({ sender_chat: group }), operators)).toBe(false);
    expect(operatorMayAct(command({ is_automatic_forward: true }), operators)).toBe(false);
    expect(operatorMayAct(command({ from: { ...operator, is_bot: true } }), operators)).toBe(false);
    expect(operatorMayAct(command({ via_bot: { id: 9, is_bot: true, first_name: "Inline" } }), operators)).toBe(false);
  });

  it("ADMIN_USER_IDS lists the operators; ADMIN_CHAT_IDS keeps working for private chats (a person's chat id is their user id)", () => {
    expect(loadConfig({ BOT_TOKEN, ADMIN_USER_IDS: "42, 7" }).adminUserIds).toEqual([42, 7]);
    expect(loadConfig({ BOT_TOKEN, ADMIN_CHAT_IDS: "42" }).adminUserIds).toEqual([42]);
    expect(loadConfig({ BOT_TOKEN, ADMIN_USER_IDS: "7", ADMIN_CHAT_IDS: "42,7" }).adminUserIds).toEqual([7, 42]);
    expect(loadConfig({ BOT_TOKEN }).adminUserIds).toBeUndefined();
  });

  it("refuses a group or channel in ADMIN_CHAT_IDS, whose members would all be operators", () => {
    expect(configProblems(() => loadConfig({ BOT_TOKEN, ADMIN_CHAT_IDS: "42,-1001234567890" }), "a group")).toEqual([
      expect.stringMatching(/^ADMIN_CHAT_IDS: -1001234567890 is a group or channel: .*ADMIN_USER_IDS/),
    ]);
    expect(configProblems(() => loadConfig({ BOT_TOKEN, ADMIN_USER_IDS: "-5" }), "a negative user")).toEqual([
      expect.stringMatching(/^ADMIN_USER_IDS\.0: must be a comma list of Telegram user ids/),
    ]);
  });
});
