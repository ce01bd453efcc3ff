import type { Config } from "../config/env.js";
import type { Platform } from "../ids.js";
import { classifySendError, type SendFailure } from "../telegram/errors.js";
import { classifyBaleSendError } from "./bale-errors.js";

/**
 * What delivery does differently per platform (issue 15, docs/bale.md): everything else (plans,
 * claims, budget, rounds) is the same code with the platform's keys, bot and budget.
 */
export interface PlatformTraits {
  readonly platform: Platform;
  /** A failed send → what delivery does about it. */
  readonly classifySendError: (error: unknown) => SendFailure;
  /** The variable holding the bot's token, named when the platform refuses it. */
  readonly tokenVariable: string;
  /** Forum topics (Telegram's supergroups); Bale has none: a group is one chat. */
  readonly topics: boolean;
}

export const PLATFORM_TRAITS: Readonly<Record<Platform, PlatformTraits>> = {
  telegram: { platform: "telegram", classifySendError, tokenVariable: "BOT_TOKEN", topics: true },
  bale: { platform: "bale", classifySendError: classifyBaleSendError, tokenVariable: "BALE_BOT_TOKEN", topics: false },
};

/** One platform's bot as delivery uses it. */
export interface PlatformBot {
  readonly platform: Platform;
  readonly token: string;
  readonly apiRoot: string;
  /** Messages a second, all processes together: the platform's own budget. */
  readonly sendRate: number;
  /** Paid broadcasts: Telegram's only. */
  readonly paidBroadcast: boolean;
}

/** The platforms this deployment delivers to: Telegram always, Bale when BALE_BOT_TOKEN is set. */
export function platformBots(config: Config, telegramSendRate = config.sendRate): PlatformBot[] {
  const telegram: PlatformBot = {
    platform: "telegram",
    token: config.botToken,
    apiRoot: config.telegramApiRoot,
    sendRate: telegramSendRate,
    paidBroadcast: config.paidBroadcast,
  };
  if (!config.bale) return [telegram];
  const { botToken, apiRoot, sendRate } = config.bale;
  return [telegram, { platform: "bale", token: botToken, apiRoot, sendRate, paidBroadcast: false }];
}

const FIRST_BACKOFF_SECONDS = 2;
const LONGEST_BACKOFF_SECONDS = 60;

/**
 * How long to pause after a 429 that did not say (Bale answers some without retry_after): 2 s,
 * doubling while 429s continue, at most 60 s; a send that goes through starts again at 2 s.
 */
export class RateBackoff {
  private next = FIRST_BACKOFF_SECONDS;

  /** The pause for this 429, in seconds. */
  pause(): number {
    const seconds = this.next;
    this.next = Math.min(LONGEST_BACKOFF_SECONDS, this.next * 2);
    return seconds;
  }

  /** A send went through: the next 429 starts the backoff again. */
  reset(): void {
    this.next = FIRST_BACKOFF_SECONDS;
  }
}
