import type { NextFunction } from "grammy";
import { DEFAULT_LANGUAGE, messagesFor, supportedLanguage, type Language } from "../i18n/index.js";
import { chatId } from "../ids.js";
import type { BotContext } from "./context.js";

/**
 * The language of an update, before any feature answers it. In a private chat the reader's record
 * is read once (`ctx.chatRecord`): the language they chose with /language wins; a reader who never
 * chose follows their Telegram language, and their record follows along, so that what is
 * delivered to them is in it too (a reader stored as English before Persian existed included).
 * In groups and channels the sender's Telegram language answers; what a chat receives is in the
 * language stored when it was linked.
 */
export async function languageOfUpdate(ctx: BotContext, next: NextFunction): Promise<void> {
  const code = ctx.from?.language_code;
  // Telegram does not always say: then the stored language stands.
  const fromTelegram: Language | undefined = code === undefined ? undefined : supportedLanguage(code);
  ctx.language = fromTelegram ?? DEFAULT_LANGUAGE;
  if (ctx.chat?.type === "private") {
    const { subscriptions } = ctx.services;
    const chat = chatId(ctx.chat.id);
    let record = await subscriptions.record(chat);
    if (record && !record.prefs?.languageChosen && fromTelegram !== undefined && supportedLanguage(record.language) !== fromTelegram) {
      record = await subscriptions.followTelegramLanguage(chat, fromTelegram);
    }
    ctx.chatRecord = record;
    if (record && (record.prefs?.languageChosen || fromTelegram === undefined)) ctx.language = supportedLanguage(record.language);
  }
  ctx.t = messagesFor(ctx.language);
  await next();
}
