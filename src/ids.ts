/**
 * Branded ids: a Telegram chat id and a user id are both numbers, and mixing them up
 * (subscribing a user id that is not a chat, or checking rights of a chat id) is a silent bug.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ChatId = Brand<number, "ChatId">;
export type UserId = Brand<number, "UserId">;
export type CategorySlug = Brand<string, "CategorySlug">;
export type ArticleId = Brand<string, "ArticleId">;

export const chatId = (n: number): ChatId => n as ChatId;
export const userId = (n: number): UserId => n as UserId;
export const categorySlug = (s: string): CategorySlug => s as CategorySlug;
export const articleId = (s: string): ArticleId => s as ArticleId;

export const SLUG_PATTERN = /^[a-z0-9_-]{1,32}$/;

/**
 * The messengers Bulletin delivers to (issue 15). A chat id means something only on its platform:
 * Telegram's chat 123 and Bale's chat 123 are two readers.
 */
export const PLATFORMS = ["telegram", "bale"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A chat on its platform. */
export interface ChatRef {
  readonly platform: Platform;
  readonly id: ChatId;
}

export const chatRef = (platform: Platform, id: ChatId): ChatRef => ({ platform, id });

/** The mark before a Bale chat's id in its string form; Telegram's ids have none. */
const BALE_MARK = "b:";

/**
 * A chat in one string, for queue jobs and logs that hold chats of both platforms: `123` and
 * `-100123` are Telegram, `b:123` is Bale. No mark means Telegram, so every id stored or queued
 * before Bale existed reads as the Telegram chat it was.
 */
export function formatChatRef(ref: ChatRef): string {
  return ref.platform === "bale" ? `${BALE_MARK}${ref.id}` : String(ref.id);
}

/** The chat a string (or a bare number from an older job) names, or undefined when it names none. */
export function parseChatRef(value: string | number): ChatRef | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? { platform: "telegram", id: chatId(value) } : undefined;
  const bale = value.startsWith(BALE_MARK);
  const digits = bale ? value.slice(BALE_MARK.length) : value;
  if (!/^-?\d{1,20}$/.test(digits)) return undefined;
  const id = Number(digits);
  if (!Number.isSafeInteger(id)) return undefined;
  return { platform: bale ? "bale" : "telegram", id: chatId(id) };
}

export const sameChat = (a: ChatRef, b: ChatRef): boolean => a.platform === b.platform && a.id === b.id;
