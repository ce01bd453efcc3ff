/**
 * Private chats between two users, which the bot is not in and never hears of: what they write to
 * each other, and the inline results they pick there ("via @bot"). Telegram shows each of them
 * the chat under the other's id; the fake keeps one transcript per pair.
 */
import type { MessageEntity, User } from "grammy/types";
import type { EventHub } from "./events.js";
import type { SentMessage } from "./types.js";
import { nowSeconds, type World } from "./world.js";

/** What a user's message in a direct chat carries beyond who sent it. */
export type DirectContent = Pick<SentMessage, "text" | "html" | "entities" | "parse_mode" | "link_preview_options" | "reply_markup"> & {
  readonly via?: User;
};

export class DirectChats {
  private readonly chats = new Map<string, { lastMessageId: number; sent: SentMessage[] }>();

  constructor(
    private readonly world: World,
    private readonly events: EventHub,
  ) {}

  /** Whether `chatId`, as `user` sees it, is their private chat with another user the fake knows. */
  isDirect(user: User, chatId: number): boolean {
    return chatId > 0 && chatId !== user.id && chatId !== this.world.botUser.id && this.world.knowsUser(chatId);
  }

  /** `from` writes to user `to` (or posts an inline result there, `via` the bot); both see it. */
  post(from: User, to: number, content: DirectContent): SentMessage {
    if (!this.isDirect(from, to)) throw new Error(`FakeTelegram: user ${to} is not a user ${from.id} can write to (addUser first)`);
    this.world.rememberUser(from);
    const key = pairKey(from.id, to);
    const chat = this.chats.get(key) ?? { lastMessageId: 0, sent: [] };
    this.chats.set(key, chat);
    const { via, ...rest } = content;
    const message: SentMessage = {
      ...rest,
      message_id: ++chat.lastMessageId,
      chat_id: to,
      method: via ? "inline" : "user",
      date: nowSeconds(),
      sentAt: Date.now(),
      edits: 0,
      sender: from,
    };
    chat.sent.push(message);
    if (this.events.listening) this.events.emit({ type: "direct", from: from.id, to, message: { ...message } });
    return message;
  }

  /** The messages of the private chat between users `a` and `b`, oldest first. */
  between(a: number, b: number): SentMessage[] {
    return [...(this.chats.get(pairKey(a, b))?.sent ?? [])];
  }
}

const pairKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** A plain text message's content. */
export function plainText(text: string): DirectContent {
  const entities: MessageEntity[] = [];
  return { text, html: text, entities };
}
