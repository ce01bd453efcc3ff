import type { Message } from "grammy/types";
import type { SentMessage } from "@bulletin/fake-bot-api";
import type { Button, ChatEntry } from "./page/protocol.js";

/** A chat's messages as the page draws them: the bot's, and what readers wrote. */

/** The bot's message as the page draws it. */
export function botEntry(message: Readonly<SentMessage>): ChatEntry {
  const photo = message.photo?.at(-1);
  const entry: ChatEntry = {
    key: `b${message.message_id}`,
    from: "bot",
    messageId: message.message_id,
    text: message.text ?? message.caption ?? "",
    entities: message.entities,
    edited: message.edits > 0,
    date: message.date,
    ...(message.message_thread_id === undefined ? {} : { threadId: message.message_thread_id }),
    ...(photo && message.photoSource !== undefined
      ? { photo: { source: message.photoSource, width: photo.width, height: photo.height } }
      : {}),
    ...(message.reply_markup ? { buttons: buttonsOf(message) } : {}),
  };
  const preview = previewUrl(message);
  return preview === undefined ? entry : { ...entry, preview };
}

/**
 * A reader's own message that Telegram sent for them, not the bot: an inline result they picked
 * ("via @bot"), or a text to another reader. `author` names them where several people write.
 */
export function senderEntry(message: Readonly<SentMessage>, via: string | undefined, author?: string): ChatEntry {
  return {
    key: `u${message.message_id}`,
    from: "user",
    messageId: message.message_id,
    text: message.text ?? "",
    entities: message.entities,
    edited: message.edits > 0,
    date: message.date,
    ...(author === undefined ? {} : { author }),
    ...(via === undefined ? {} : { via }),
    ...(message.message_thread_id === undefined ? {} : { threadId: message.message_thread_id }),
    ...(message.reply_markup ? { buttons: buttonsOf(message) } : {}),
    ...(message.link_preview_options?.url && message.link_preview_options.is_disabled !== true
      ? { preview: message.link_preview_options.url }
      : {}),
  };
}

/** What a reader wrote (a text message): in a group, with their name and the forum topic it went to. */
export function userEntry(message: Readonly<Message>, author?: string): ChatEntry | undefined {
  if (message.text === undefined) return undefined;
  return {
    key: `u${message.message_id}`,
    from: "user",
    messageId: message.message_id,
    text: message.text,
    entities: message.entities ?? [],
    edited: false,
    date: message.date,
    ...(author === undefined ? {} : { author }),
    ...(message.is_topic_message && message.message_thread_id !== undefined ? { threadId: message.message_thread_id } : {}),
  };
}

function buttonsOf(message: Readonly<SentMessage>): Button[][] {
  return (message.reply_markup?.inline_keyboard ?? []).map((row) =>
    row.map((button) => {
      if ("callback_data" in button) return { text: button.text, data: button.callback_data };
      if ("url" in button) return { text: button.text, url: button.url };
      if ("switch_inline_query_chosen_chat" in button && button.switch_inline_query_chosen_chat) {
        const chosen = button.switch_inline_query_chosen_chat;
        return {
          text: button.text,
          switchInline: {
            query: chosen.query ?? "",
            users: chosen.allow_user_chats === true,
            groups: chosen.allow_group_chats === true,
            channels: chosen.allow_channel_chats === true,
          },
        };
      }
      return { text: button.text };
    }),
  );
}

/** Telegram previews the link the bot asked for (link_preview_options.url), or the text's first link. */
function previewUrl(message: Readonly<SentMessage>): string | undefined {
  if (message.method !== "sendMessage" || message.text === undefined) return undefined;
  const options = message.link_preview_options;
  if (options?.is_disabled === true) return undefined;
  if (options?.url) return options.url;
  for (const entity of message.entities) {
    if (entity.type === "text_link") return entity.url;
    if (entity.type === "url") return message.text.slice(entity.offset, entity.offset + entity.length);
  }
  return undefined;
}
