import type { Context } from "grammy";
import type { Language, Messages } from "../i18n/index.js";
import type { Platform } from "../ids.js";
import type { Logger } from "../log.js";
import type { ChannelService } from "../channels/service.js";
import type { OperatorService } from "../ops/service.js";
import type { PreferencesService } from "../preferences/service.js";
import type { ChatRecord } from "../store/chat-record.js";
import type { SharingService } from "../sharing/service.js";
import type { FloodGuard } from "./flood.js";
import type { SubscriptionService } from "../subscriptions/service.js";
import type { Clock } from "../time.js";
import type { HandledUpdates } from "./updates.js";

/**
 * What every handler can reach: the reader's messages in their language and the services. Each
 * platform's bot has its own services, built on that platform's chats and keys (a Bale chat 123 is
 * not Telegram's): every store call a handler makes is on its platform.
 */
export interface BotServices {
  readonly subscriptions: SubscriptionService;
  readonly channels: ChannelService;
  /** Readers' digests, quiet hours, time zone, article languages and muted words (/settings and its commands). */
  readonly preferences: PreferencesService;
  /** What time it is for readers' schedules (the local time /timezone shows). */
  readonly clock: Clock;
  /** The operators' commands (ADMIN_USER_IDS); absent when no operator is configured. */
  readonly operators?: OperatorService;
  /** Each user's count of commands and button presses (bot/flood.ts). */
  readonly flood: FloodGuard;
  readonly logger: Logger;
  /** Inline mode and the share button's choices (issue 15). */
  readonly sharing?: SharingService;
  /** Updates already handled: one received again after a crash is skipped. */
  readonly updates: HandledUpdates;
}

export type BotContext = Context & {
  readonly services: BotServices;
  /** Which messenger this update came from: the bot of that platform answers it. */
  readonly platform: Platform;
  /** The messages in `language`. */
  t: Messages;
  /**
   * The language to answer in: in a private chat the one the reader chose with /language, else
   * their Telegram language; in a group the sender's Telegram language (bot/language.ts).
   */
  language: Language;
  /** The update was received by a bot process that died before finishing it (bot/updates.ts). */
  replayed?: boolean;
  /** A private chat's record, read once per update (undefined for a new reader and in other chats). */
  chatRecord?: ChatRecord;
  /** Set when this update went over the user's flood limit: until when (ms) the bot stays quiet to them. */
  floodQuietUntil?: number;
};
