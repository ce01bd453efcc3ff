import { Composer } from "grammy";
import { cutText } from "../../format/html.js";
import { isLanguage, messagesFor, parseLanguageChoice, type Language } from "../../i18n/index.js";
import { chatId } from "../../ids.js";
import { showCommandsIn } from "../commands.js";
import type { BotContext } from "../context.js";
import { LANGUAGE_PREFIX, languageKeyboard } from "../keyboards.js";

/** /language: the reader picks English or Persian (buttons, or /language fa), stored with their chat. */
export const language = new Composer<BotContext>();
const inPrivate = language.chatType("private");

/** How much of an unknown language's name the refusal repeats. */
const ECHO_UNITS = 32;

/** Stores the reader's choice and shows their command menu in it; answers the confirmation in the new language. */
async function choose(ctx: BotContext, chosen: Language): Promise<string> {
  const chat = chatId(ctx.chat!.id);
  await ctx.services.subscriptions.chooseLanguage(chat, chosen);
  await showCommandsIn(ctx.api, chat, chosen);
  ctx.language = chosen;
  ctx.t = messagesFor(chosen);
  return ctx.t.languageChanged;
}

inPrivate.command("language", async (ctx) => {
  const word = ctx.match.trim();
  if (word === "") {
    await ctx.reply(ctx.t.languagePrompt, { reply_markup: languageKeyboard() });
    return;
  }
  const chosen = parseLanguageChoice(word);
  if (!chosen) {
    await ctx.reply(ctx.t.unknownLanguage(cutText(word, ECHO_UNITS)));
    return;
  }
  await ctx.reply(await choose(ctx, chosen));
});

inPrivate.callbackQuery(new RegExp(`^${LANGUAGE_PREFIX}`), async (ctx) => {
  const code = ctx.callbackQuery.data.slice(LANGUAGE_PREFIX.length);
  if (!isLanguage(code)) {
    await ctx.answerCallbackQuery({ text: ctx.t.unknownLanguage(cutText(code, ECHO_UNITS)) });
    return;
  }
  const confirmation = await choose(ctx, code);
  await ctx.answerCallbackQuery({ text: confirmation });
  const text = `${ctx.t.languagePrompt}\n\n${confirmation}`;
  // Pressed again: Telegram refuses an edit that changes nothing.
  if (ctx.callbackQuery.message?.text !== text) await ctx.editMessageText(text, { reply_markup: languageKeyboard() });
});
