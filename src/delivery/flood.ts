import type { ChatId } from "../ids.js";

/**
 * Telegram answers 429 both for the bot's global limit and for one chat's own flood limit (a group's
 * 20 posts a minute), with nothing in the answer to tell them apart. One chat's limit concerns that
 * chat alone; when several chats are refused within a short window the limit is the bot's.
 */
export interface FloodRule {
  /** How far back 429s of other chats count. */
  readonly windowMs: number;
  /** From how many chats refused within the window (this one included) the 429 is global. */
  readonly chats: number;
}

export const FLOOD_RULE: FloodRule = { windowMs: 2000, chats: 3 };

/** Who waits out a 429: the one chat it was for, or every sender. */
export type FloodScope = "chat" | "global";

/**
 * Pure: the scope of a 429 for `chat` (undefined: a call for no chat, which only the global limit
 * can refuse), given how many chats were refused within the rule's window, this one included.
 */
export function floodScope(chat: ChatId | undefined, chatsRefusedRecently: number, rule: FloodRule = FLOOD_RULE): FloodScope {
  if (chat === undefined) return "global";
  return chatsRefusedRecently >= rule.chats ? "global" : "chat";
}
