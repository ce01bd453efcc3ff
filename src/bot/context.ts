import type { Context } from "grammy";
import type { Messages } from "../i18n/index.js";
import type { Logger } from "../log.js";
import type { ChannelService } from "../channels/service.js";
import type { OperatorService } from "../ops/service.js";
import type { SubscriptionService } from "../subscriptions/service.js";

/** What every handler can reach: the reader's messages in their language and the services. */
export interface BotServices {
  readonly subscriptions: SubscriptionService;
  readonly channels: ChannelService;
  /** The operators' commands (ADMIN_CHAT_IDS); absent when no admin chat is configured. */
  readonly operators?: OperatorService;
  readonly logger: Logger;
}

export type BotContext = Context & {
  readonly services: BotServices;
  /** The reader's messages, chosen from their Telegram language. */
  t: Messages;
  /** The reader's language as stored with their chat. */
  language: string;
};
