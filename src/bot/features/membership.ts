import { Composer, GrammyError } from "grammy";
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
 * demoted → the chat's links go off and the admin who linked it is told once.
 */
export const membership = new Composer<BotContext>();

membership.on("my_chat_member", async (ctx) => {
  const update = ctx.myChatMember;
  const chat = update.chat;
  if (chat.type === "private") return;
  const id = chatId(chat.id);
  const couldPost = botCannotPost(chat.type, update.old_chat_member) === undefined;
  const canPost = botCannotPost(chat.type, update.new_chat_member) === undefined;
  const { channels, logger } = ctx.services;
  if (canPost && !couldPost) {
    const record = await channels.get(id);
    const linked = record?.active ? subscribedSlugs(record) : [];
    // The picker goes to the admin's private chat: in the language they read there.
    const language = languageOf(await ctx.services.subscriptions.record(chatId(update.from.id)), update.from.language_code);
    try {
      await ctx.api.sendMessage(update.from.id, messagesFor(language).addedToChat(chat.title), {
        reply_markup: linkKeyboard(channels.categories, id, linked, language),
      });
    } catch (error) {
      if (!(error instanceof GrammyError && error.error_code === 403)) throw error;
      // They never started the bot: a group can be told how to continue; a channel cannot.
      if (chat.type !== "channel") await ctx.api.sendMessage(chat.id, ctx.t.addedToGroupNote(ctx.me.username));
    }
    logger.info({ chat: id, by: update.from.id, status: update.new_chat_member.status }, "bot added to a chat");
    return;
  }
  if (couldPost && !canPost) {
    const lost = await channels.lose(id);
    logger.info({ chat: id, status: update.new_chat_member.status, hadLinks: lost !== undefined }, "bot removed or demoted in a chat");
    if (lost) await tellAdmin(ctx.api, id, lost, "lost", logger);
  }
});

/** The group became a supergroup (Telegram says so in the old group): its links move along. */
membership.on("message:migrate_to_chat_id", async (ctx) => {
  const from = chatId(ctx.chat.id);
  const to = chatId(ctx.msg.migrate_to_chat_id);
  const before = await ctx.services.channels.migrate(from, to);
  ctx.services.logger.info({ from, to }, "group was upgraded to a supergroup; links moved");
  if (before?.active) await tellAdmin(ctx.api, to, before, "moved", ctx.services.logger);
});
