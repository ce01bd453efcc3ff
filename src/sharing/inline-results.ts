import type { InlineQueryResultArticle } from "grammy/types";
import type { Categories } from "../config/categories.js";
import { cutText, formatArticle, hashtagWords, normalizeSummary, normalizeTitle } from "../format/index.js";
import type { Language } from "../i18n/index.js";
import { messagesFor } from "../i18n/index.js";
import type { StoredArticle } from "../ingest/article.js";

/** How much of a title and a summary the result list shows (Telegram cuts them further on screen). */
const TITLE_UNITS = 200;
const DESCRIPTION_UNITS = 200;

/**
 * Articles as inline results: title, summary, thumbnail and link, and the message a pick posts,
 * formatted like a delivered article (as text: an inline article result carries no photo; the link
 * preview shows the article's picture instead).
 */
export function inlineResults(articles: readonly StoredArticle[], categories: Categories, language: Language): InlineQueryResultArticle[] {
  const messages = messagesFor(language);
  return articles.map((article) => {
    const message = formatArticle(article, messages, {
      photo: false,
      hashtagWords: hashtagWords(categories, article.categories, language),
    });
    const summary = normalizeSummary(article.summary ?? "").replace(/\s+/g, " ");
    const result: InlineQueryResultArticle = {
      type: "article",
      id: String(article.seq),
      title: cutText(normalizeTitle(article.title) || article.url, TITLE_UNITS),
      url: article.url,
      input_message_content: {
        message_text: message.html,
        parse_mode: "HTML",
        link_preview_options: { url: article.url, ...(article.imageUrl ? { prefer_large_media: true } : {}) },
      },
    };
    if (summary !== "") result.description = cutText(summary, DESCRIPTION_UNITS);
    if (article.imageUrl) result.thumbnail_url = article.imageUrl;
    return result;
  });
}
