import { Composer, GrammyError } from "grammy";
import type { Chat, User } from "grammy/types";
import { tellAdmin } from "../../channels/loss.js";
import { botCannotPost } from "../../channels/rights.js";
import { messagesFor } from "../../i18n/index.js";
import { chatId } from "../../ids.js";
import { subscribedSlugs } from "../../store/chat-record.js";
import type { BotContext } from "../context.js";
import { linkKeyboard } from "../keyboards.js";
import { languageOf } from "../language.js";

/**
 * The bot's own membership in channels and groups: added → the person who added it gets a
 * category picker in private (or the group a note when they never started the bot); removed or
 * demoted → the chat's links go off and the admin who linked it is told once. Telegram says so
 * with my_chat_member; Bale, in groups only, with the service messages.
 */
export const membership = new Composer<BotContext>();

membership.on("my_chat_member", async (ctx) => {
  const update = ctx.myChatMember;
  const chat = update.chat;
  if (chat.type === "private") return;
  const couldPost = botCannotPost(chat.type, update.old_chat_member) === undefined;
  const canPost = botCannotPost(chat.type, update.new_chat_member) === undefined;
  if (canPost && !couldPost) await added(ctx, chat, update.from, update.new_chat_member.status);
  else if (couldPost && !canPost) await removed(ctx, chat, update.new_chat_member.status);
});

/**
 * Bale sends no my_chat_member (docs/bale.md): a group learns of the bot from the service message
 * that adds it, and a removal from the one that removes it. (Telegram sends both kinds of update:
 * there my_chat_member alone answers.) A channel on Bale says nothing: its admin links it with /link.
 */
const onBale = membership.filter((ctx) => ctx.platform === "bale");

onBale.on("message:new_chat_members", async (ctx) => {
  if (ctx.chat.type === "private" || !ctx.from || !ctx.msg.new_chat_members.some((member) => member.id === ctx.me.id)) return;
  await added(ctx, ctx.chat, ctx.from, "member");
});

onBale.on("message:left_chat_member", async (ctx) => {
  if (ctx.chat.type === "private" || ctx.msg.left_chat_member.id !== ctx.me.id) return;
  await removed(ctx, ctx.chat, "left");
});

type SharedChat = Exclude<Chat, Chat.PrivateChat>;

/** The bot may post in `chat` now: whoever added it gets a category picker in private (or the group a note). */
async function added(ctx: BotContext, chat: SharedChat, by: User, status: string): Promise<void> {
  const id = chatId(chat.id);
  const { channels, logger } = ctx.services;
  const record = await channels.get(id);
  const linked = record?.active ? subscribedSlugs(record) : [];
  // The picker goes to the admin's private chat: in the language they read there.
  const language = languageOf(await ctx.services.subscriptions.record(chatId(by.id)), by.language_code);
  try {
    await ctx.api.sendMessage(by.id, messagesFor(language).addedToChat(chat.title), {
      reply_markup: linkKeyboard(channels.categories, id, linked, language),
    });
  } catch (error) {
    if (!(error instanceof GrammyError && error.error_code === 403)) throw error;
    // They never started the bot: a group can be told how to continue; a channel cannot.
    if (chat.type !== "channel") await ctx.api.sendMessage(chat.id, ctx.t.addedToGroupNote(ctx.me.username));
  }
  logger.info({ platform: ctx.platform, chat: id, by: by.id, status }, "bot added to a chat");
}

/** The bot can no longer post in `chat`: its links go off, and the admin who linked it is told once. */
async function removed(ctx: BotContext, chat: SharedChat, status: string): Promise<void> {
  const id = chatId(chat.id);
  const { channels, logger } = ctx.services;
  const lost = await channels.lose(id);
  logger.info({ platform: ctx.platform, chat: id, status, hadLinks: lost !== undefined }, "bot removed or demoted in a chat");
  if (lost) await tellAdmin(ctx.api, id, lost, "lost", logger);
}

/** The group became a supergroup (Telegram says so in the old group): its links move along. */
membership.on("message:migrate_to_chat_id", async (ctx) => {
  const from = chatId(ctx.chat.id);
  const to = chatId(ctx.msg.migrate_to_chat_id);
  const before = await ctx.services.channels.migrate(from, to);
  ctx.services.logger.info({ from, to }, "group was upgraded to a supergroup; links moved");
  if (before?.active) await tellAdmin(ctx.api, to, before, "moved", ctx.services.logger);
});
