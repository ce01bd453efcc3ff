/**
 * What the bot may do in a chat, checked the way the Bot API server checks it, with its error
 * codes and descriptions. `bot` is always the bot's own member entry in the chat (World.botMember).
 */
import { ApiFailure, badRequest, forbidden } from "./errors.js";
import type { Flavour } from "./flavours.js";
import { isAdminEntry, isPresent, type MemberEntry } from "./members.js";
import type { ChatState } from "./world.js";

/**
 * What a request needs, as in the Bot API server: reading a chat (getChat, getChatMember for the
 * bot itself), reading its members, editing in it, writing to it.
 */
export type Access = "read" | "readMembers" | "edit" | "write";

/**
 * The Bot API server's access check. Private chats: a deactivated or blocked user cannot be
 * written to or edited in, nor can a user who never started the bot be written to. Groups: a bot
 * that left or was kicked can still read the chat, nothing more. Supergroups and channels: a
 * banned bot can do nothing; a bot that is not a member can read a public chat (one with a
 * username) and nothing of a private one.
 */
export function checkAccess(state: ChatState, access: Access, bot: MemberEntry): void {
  if (state.status === "forgotten") throw badRequest("chat not found");
  if (state.status === "migrated") throw migratedError(state);
  const type = state.chat.type;
  if (type === "private") {
    if (access === "read" || access === "readMembers") return;
    if (state.status === "deactivated") throw forbidden("user is deactivated");
    if (state.status === "blocked") throw forbidden("bot was blocked by the user");
    if (access === "write" && !state.started) throw forbidden("bot can't initiate conversation with a user");
    return;
  }
  if (isPresent(bot)) return;
  if (type === "group") {
    if (access === "read") return;
    throw forbidden(bot.status === "kicked" ? "bot was kicked from the group chat" : "bot is not a member of the group chat");
  }
  if (bot.status === "kicked") throw forbidden(`bot was kicked from the ${type} chat`);
  const isPublic = state.chat.username !== undefined;
  if (!isPublic || access === "edit" || access === "write") throw forbidden(`bot is not a member of the ${type} chat`);
}

/**
 * Rights the bot needs to post: a channel's administrator with can_post_messages (Bale, which has
 * no such right: with can_send_message, on unless set off); not restricted in a group.
 */
export function checkSendRights(state: ChatState, method: string, bot: MemberEntry, flavour: Flavour): void {
  const type = state.chat.type;
  if (type === "private") return;
  if (type === "channel") {
    const mayPost = flavour.rightNames === "bale" ? bot.rights.can_send_message !== false : bot.rights.can_post_messages === true;
    if (bot.status === "creator" || (bot.status === "administrator" && mayPost)) return;
    throw badRequest("need administrator rights in the channel chat");
  }
  if (bot.status !== "restricted") return;
  if (method === "sendPhoto") {
    if (bot.rights.can_send_photos !== true) throw badRequest("not enough rights to send photos to the chat");
  } else if (bot.rights.can_send_messages !== true) {
    throw badRequest("not enough rights to send text messages to the chat");
  }
}

/** A channel's members are visible to its administrators only. */
export function checkMemberList(state: ChatState, bot: MemberEntry): void {
  if (state.chat.type !== "channel") return;
  if (!isAdminEntry(bot)) throw badRequest("member list is inaccessible");
}

/** Whether the bot may still post in a closed forum topic. */
export function mayManageTopics(bot: MemberEntry): boolean {
  return bot.status === "creator" || (bot.status === "administrator" && bot.rights.can_manage_topics === true);
}

function migratedError(state: ChatState): ApiFailure {
  return new ApiFailure(400, "Bad Request: group chat was upgraded to a supergroup chat", {
    migrate_to_chat_id: state.migratedTo,
  });
}
