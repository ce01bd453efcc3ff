import { Composer } from "grammy";
import { messagesFor } from "../../i18n/index.js";
import { chatId } from "../../ids.js";
import { SHARE_CALLBACK, shareChoices, sharedArticleOf } from "../../sharing/share.js";
import type { BotContext } from "../context.js";
import { languageOf } from "../language.js";

/**
 * Sharing (issue 15): inline mode (`@bot words` in any chat lists recent articles to post there)
 * and the "Share…" button under delivered articles, which turns into one button per network.
 */
export const sharing = new Composer<BotContext>();

/** Short: new articles arrive all the time, and Telegram caches answers per query text. */
const INLINE_CACHE_SECONDS = 30;

// Bale has no inline mode (docs/bale.md): its bot does not answer inline queries at all.
sharing
  .filter((ctx) => ctx.platform === "telegram")
  .on("inline_query", async (ctx) => {
    const service = ctx.services.sharing;
    if (!service) return;
    const { query, offset, from } = ctx.inlineQuery;
    try {
      const reader = await ctx.services.subscriptions.record(chatId(from.id));
      const language = languageOf(reader, from.language_code);
      const answer = await service.answer(reader, query, offset, language);
      await ctx.answerInlineQuery(answer.results, {
        cache_time: INLINE_CACHE_SECONDS,
        is_personal: answer.personal,
        next_offset: answer.nextOffset,
      });
    } catch (error) {
      // Whatever was typed, the reader sees results or none, never an error: a failed search answers none.
      ctx.services.logger.warn({ err: error, length: query.length }, "inline query failed; answered with no results");
      await ctx.answerInlineQuery([], { cache_time: 0, is_personal: true }).catch(() => undefined);
    }
  });

sharing.callbackQuery(SHARE_CALLBACK, async (ctx) => {
  const service = ctx.services.sharing;
  const message = ctx.callbackQuery.message;
  // An inaccessible message (too old) has date 0 and no content.
  const article = message && message.date !== 0 ? sharedArticleOf(message) : undefined;
  if (!service || !article || service.networks.length === 0) {
    await ctx.answerCallbackQuery({ text: ctx.t.sharing.notAnArticle });
    return;
  }
  await ctx.answerCallbackQuery();
  const messages = messagesFor(ctx.language);
  await ctx.editMessageReplyMarkup({
    // No inline mode on Bale: there the Telegram choice is the t.me/share/url web link.
    reply_markup: shareChoices(article, messages, {
      networks: service.networks,
      inlineMode: ctx.platform === "telegram" && ctx.me.supports_inline_queries,
    }),
  });
});
