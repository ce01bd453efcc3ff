import type { ChatMember, ChatMemberAdministrator } from "grammy/types";
import type { Platform } from "../ids.js";

export type ChatType = "group" | "supergroup" | "channel";

/** What stands in the way of steering a chat: the person asking, or the bot itself. */
export type MissingRight = "user-not-admin" | "user-cannot-post" | "bot-not-in-chat" | "bot-cannot-post";

/** The rights that are the asking user's own (the others are the bot's). */
export const USER_RIGHTS: ReadonlySet<MissingRight> = new Set(["user-not-admin", "user-cannot-post"]);

export type RightsVerdict = { readonly ok: true } | { readonly ok: false; readonly missing: readonly MissingRight[] };

export function isAdmin(member: ChatMember | undefined): boolean {
  return member?.status === "creator" || member?.status === "administrator";
}

/**
 * Pure: may this user steer this chat, and can the bot post there? The user must be its creator or
 * an administrator now, and in a channel an administrator allowed to post (choosing what a channel
 * posts is posting: an admin who may only edit or delete may not); in a channel the bot must be an
 * administrator allowed to post, in a group a member allowed to send messages.
 *
 * On Bale an administrator's rights carry Bale's own names, with no "may post" in a channel
 * (docs/bale.md, getChatMember): there an administrator may post unless its `can_send_message` is
 * off, user and bot alike.
 */
export function judgeRights(
  type: ChatType,
  user: ChatMember | undefined,
  bot: ChatMember | undefined,
  platform: Platform = "telegram",
): RightsVerdict {
  const missing: MissingRight[] = [];
  if (!isAdmin(user)) missing.push("user-not-admin");
  else if (type === "channel" && user?.status === "administrator" && !mayPost(user, platform)) missing.push("user-cannot-post");
  const botProblem = platform === "telegram" ? botCannotPost(type, bot) : baleBotCannotPost(type, bot);
  if (botProblem) missing.push(botProblem);
  return missing.length === 0 ? { ok: true } : { ok: false, missing };
}

/** Why the bot cannot post in a chat with this membership, if it cannot. */
export function botCannotPost(type: ChatType, bot: ChatMember | undefined): MissingRight | undefined {
  if (!bot || bot.status === "left" || bot.status === "kicked") return "bot-not-in-chat";
  if (type === "channel") {
    if (bot.status === "creator") return undefined;
    return bot.status === "administrator" && bot.can_post_messages === true ? undefined : "bot-cannot-post";
  }
  if (bot.status === "restricted") return bot.can_send_messages ? undefined : "bot-cannot-post";
  return undefined;
}

/** An administrator's right to post in a channel: Telegram's `can_post_messages`, Bale's `can_send_message` (on unless said off). */
function mayPost(admin: ChatMemberAdministrator, platform: Platform): boolean {
  if (platform === "telegram") return admin.can_post_messages === true;
  return (admin as ChatMemberAdministrator & { can_send_message?: boolean }).can_send_message !== false;
}

/** On Bale: the bot must be in the chat, and in a channel one of its administrators allowed to send (docs/bale.md). */
function baleBotCannotPost(type: ChatType, bot: ChatMember | undefined): MissingRight | undefined {
  if (!bot || bot.status === "left" || bot.status === "kicked") return "bot-not-in-chat";
  if (type !== "channel" || bot.status === "creator") return undefined;
  return bot.status === "administrator" && mayPost(bot, "bale") ? undefined : "bot-cannot-post";
}
