/** Issue 16, item 12: steering a channel takes its creator, or an administrator who may post in it. */
import type { ChatMember } from "grammy/types";
import { describe, expect, it } from "vitest";
import { judgeRights } from "../../src/channels/rights.js";

const user = { id: 1, is_bot: false, first_name: "Someone" };
const bot: ChatMember = { status: "administrator", user: { ...user, id: 2, is_bot: true }, can_post_messages: true } as ChatMember;
const admin = (rights: Record<string, boolean>): ChatMember => ({ status: "administrator", user, ...rights }) as ChatMember;

describe("who may link a channel", () => {
  it("its creator, or an administrator allowed to post", () => {
    expect(judgeRights("channel", { status: "creator", user, is_anonymous: false }, bot)).toEqual({ ok: true });
    expect(judgeRights("channel", admin({ can_post_messages: true }), bot)).toEqual({ ok: true });
  });

  it("not an administrator who may only edit, delete or invite", () => {
    const rightsList: Record<string, boolean>[] = [
      { can_post_messages: false, can_edit_messages: true },
      { can_delete_messages: true },
      { can_invite_users: true },
    ];
    for (const rights of rightsList) {
      expect(judgeRights("channel", admin(rights), bot)).toEqual({ ok: false, missing: ["user-cannot-post"] });
    }
  });

  it("in a group, any administrator (groups have no posting right of their own)", () => {
    expect(judgeRights("supergroup", admin({}), { status: "member", user: bot.user })).toEqual({ ok: true });
  });

  it("on Bale, any administrator, unless Bale says it may not send (its rights have no can_post_messages)", () => {
    const baleBot = { status: "administrator", user: bot.user, can_send_message: true } as unknown as ChatMember;
    expect(judgeRights("channel", admin({ can_send_message: true, can_kick_user: false }), baleBot, "bale")).toEqual({ ok: true });
    expect(judgeRights("channel", admin({}), baleBot, "bale")).toEqual({ ok: true });
    expect(judgeRights("channel", admin({ can_send_message: false }), baleBot, "bale")).toEqual({
      ok: false,
      missing: ["user-cannot-post"],
    });
    expect(judgeRights("channel", admin({}), { status: "member", user: bot.user }, "bale")).toEqual({
      ok: false,
      missing: ["bot-cannot-post"],
    });
    expect(judgeRights("group", { status: "member", user }, { status: "member", user: bot.user }, "bale")).toEqual({
      ok: false,
      missing: ["user-not-admin"],
    });
    expect(judgeRights("group", admin({}), undefined, "bale")).toEqual({ ok: false, missing: ["bot-not-in-chat"] });
  });
});
