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
