/**
 * What the fake's tests share. The fake must answer like the real Bot API, so the tests drive it
 * with grammY's real `Api` client and assert on the values Telegram would return.
 */
import { afterEach, beforeEach } from "vitest";
import { Api, GrammyError } from "grammy";
import { FakeTelegram, type FakeTelegramOptions } from "../src/index.js";
import type { InlineKeyboardMarkup } from "grammy/types";

/** The GrammyError a call fails with (fails the test if it succeeds or fails otherwise). */
export async function apiError(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error("expected the call to fail with a GrammyError");
}

export const keyboard: InlineKeyboardMarkup = {
  inline_keyboard: [[{ text: "Unsubscribe", callback_data: "unsub:tech" }]],
};

export const BOT_USER = { id: 123456789, is_bot: true, first_name: "Bulletin Test", username: "bulletin_test_bot" };

/** Every administrator right, as the fake's default ("add admin" screen) sets them. */
export const adminRights = {
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

/** A fresh fake for every test, with grammY's client pointed at it; `use` receives both before each test. */
export function useFakeTelegram(use: (started: { tg: FakeTelegram; api: Api }) => void, options: FakeTelegramOptions = {}): void {
  let tg: FakeTelegram | undefined;
  beforeEach(async () => {
    tg = await FakeTelegram.start(options);
    use({ tg, api: new Api(tg.token, { apiRoot: tg.apiRoot }) });
  });
  afterEach(async () => {
    await tg?.close();
  });
}
