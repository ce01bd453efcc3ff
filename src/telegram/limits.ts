/**
 * Telegram's limits for a bot, in one place: configuration checks SEND_RATE against them, the send
 * budget counts paid messages by them, and delivery and the bot's replies pace each chat by them.
 */

/** Messages a second a bot may send for free; above it needs paid broadcasts (each message costs Stars). */
export const FREE_SEND_RATE = 30;
/** Messages a second a bot may send with paid broadcasts (`allow_paid_broadcast`). */
export const PAID_SEND_RATE = 1000;

/** How far apart two messages to one chat must be. */
export interface ChatPacing {
  /** Minimum time between two messages to one private chat (Telegram: 1 per second). */
  readonly privateMs: number;
  /** Minimum time between two posts to one group or channel (Telegram: 20 per minute). */
  readonly groupMs: number;
}

export const CHAT_PACING: ChatPacing = { privateMs: 1000, groupMs: 3000 };
