import type { InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import type { ShareNetwork } from "../config/env.js";
import { cutText, normalizeTitle } from "../format/index.js";
import type { Messages } from "../i18n/index.js";

/**
 * The share button under an article delivered to a private chat: one "Share…" button (so the
 * article stays uncluttered) which, pressed, becomes a button per network. The choices are built
 * from the message itself (its bold title and its "Read more" link), so they work for any article
 * the reader still has, however old.
 */

/** The share button's callback data. */
export const SHARE_CALLBACK = "share";

/** Telegram's longest inline query, in characters. */
export const INLINE_QUERY_LIMIT = 256;

export function shareKeyboard(messages: Messages): InlineKeyboardMarkup {
  return { inline_keyboard: [[{ text: messages.sharing.share, callback_data: SHARE_CALLBACK }]] };
}

export interface SharedArticle {
  readonly title: string;
  readonly url: string;
}

/** The article a delivered message carries: its first bold text (the title) and its last link ("Read more"). */
export function sharedArticleOf(message: Pick<Message, "text" | "caption" | "entities" | "caption_entities">): SharedArticle | undefined {
  const text = message.text ?? message.caption ?? "";
  const entities: readonly MessageEntity[] = message.entities ?? message.caption_entities ?? [];
  const link = entities.filter((e): e is MessageEntity.TextLinkMessageEntity => e.type === "text_link").pop();
  if (!link || !/^https?:\/\//i.test(link.url)) return undefined;
  const bold = entities.find((e) => e.type === "bold");
  const title = bold ? normalizeTitle(text.slice(bold.offset, bold.offset + bold.length)) : "";
  return { title: title || link.url, url: link.url };
}

/** What a reader's contacts see typed for them in inline mode: the title, within Telegram's 256 characters. */
export function inlineQueryOf(article: SharedArticle): string {
  return cutText(article.title, INLINE_QUERY_LIMIT - 1);
}

export interface ShareOptions {
  readonly networks: readonly ShareNetwork[];
  /** The bot answers inline queries (@BotFather /setinline): Telegram's button opens the chat picker with the article. */
  readonly inlineMode: boolean;
}

/** The networks' buttons, in SHARE_NETWORKS order, on one row. */
export function shareChoices(article: SharedArticle, messages: Messages, options: ShareOptions): InlineKeyboardMarkup {
  const url = encodeURIComponent(article.url);
  const text = encodeURIComponent(article.title);
  const names = messages.sharing.networks;
  const button = (network: ShareNetwork): InlineKeyboardButton => {
    switch (network) {
      case "telegram":
        return options.inlineMode
          ? {
              text: names.telegram,
              switch_inline_query_chosen_chat: {
                query: inlineQueryOf(article),
                allow_user_chats: true,
                allow_group_chats: true,
                allow_channel_chats: true,
              },
            }
          : { text: names.telegram, url: `https://t.me/share/url?url=${url}&text=${text}` };
      case "x":
        return { text: names.x, url: `https://x.com/intent/post?url=${url}&text=${text}` };
      case "facebook":
        return { text: names.facebook, url: `https://www.facebook.com/sharer/sharer.php?u=${url}` };
    }
  };
  return { inline_keyboard: [options.networks.map(button)] };
}
