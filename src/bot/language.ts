import type { NextFunction } from "grammy";
import { messagesFor, supportedLanguage, type Language } from "../i18n/index.js";
import { chatId } from "../ids.js";
import type { ChatRecord } from "../store/chat-record.js";
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
  ctx.language = languageOf(undefined, code);
  if (ctx.chat?.type === "private") {
    const { subscriptions } = ctx.services;
    const chat = chatId(ctx.chat.id);
    let record = await subscriptions.record(chat);
    const language = languageOf(record, code);
    if (record && supportedLanguage(record.language) !== language) record = await subscriptions.followTelegramLanguage(chat, language);
    ctx.chatRecord = record;
    ctx.language = language;
  }
  ctx.t = messagesFor(ctx.language);
  await next();
}

/**
 * Pure: the language to write to a reader in, from their private chat's record and their Telegram
 * `language_code`: the one they chose with /language, else Telegram's (when Telegram says), else
 * the one stored.
 */
export function languageOf(record: ChatRecord | undefined, telegramCode: string | undefined): Language {
  if (record?.prefs?.languageChosen || (record && telegramCode === undefined)) return supportedLanguage(record.language);
  return supportedLanguage(telegramCode);
}
