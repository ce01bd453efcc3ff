import type { Redis } from "ioredis";
import { FakeTelegram, type FakeTelegramLimits } from "@bulletin/fake-bot-api";
import { SANDBOX_KEY_PREFIX, isSandboxKeyPrefix } from "../config/common.js";
import { execAll, scanKeys } from "../redis.js";
import type { SandboxClock } from "./clock.js";
import { FREE_SEND_RATE, PAID_SEND_RATE } from "../telegram/limits.js";

/**
 * The sandbox's Telegram: Bulletin's own Bot API server (@bulletin/fake-bot-api) on loopback, with a
 * fixed token that only it accepts. Nothing the sandbox does reaches Telegram or a real deployment.
 */

/** The token of the sandbox's bot; the built-in Bot API accepts it and nothing else does. */
export const SANDBOX_TOKEN = "1000000001:bulletin-sandbox-local-only-token";
export const SANDBOX_BOT_USERNAME = "bulletin_sandbox_bot";

/** Telegram's limits: 30 sends a second for the bot, 1 a second per private chat, 20 a minute per group or channel. */
export const TELEGRAM_LIMITS: Partial<FakeTelegramLimits> = { perSecond: FREE_SEND_RATE, privateChat: true, groupChat: true };
/** No limits at all (paid broadcasts included). */
export const NO_LIMITS: Partial<FakeTelegramLimits> = { perSecond: null, paidPerSecond: null, privateChat: false, groupChat: false };

export function setTelegramLimits(telegram: FakeTelegram, enabled: boolean): void {
  telegram.setLimits(enabled ? { ...TELEGRAM_LIMITS, paidPerSecond: PAID_SEND_RATE } : NO_LIMITS);
}

/** Whether the server enforces any limit now. */
export function telegramLimitsOn(telegram: FakeTelegram): boolean {
  const limits = telegram.currentLimits();
  return limits.perSecond !== null || limits.privateChat !== false || limits.groupChat !== false;
}

export interface SandboxTelegramOptions {
  /** Telegram's limits from the start (default true); the page turns them on and off. */
  readonly limits?: boolean;
  /** Delay of every answer in ms, like a real round trip (default 0). */
  readonly latencyMs?: number;
  /** A bug of the built-in server (it answers 500); default one line on stderr. */
  readonly onInternalError?: (error: unknown) => void;
}

/** What Bulletin started as a sandbox runs on: the built-in Bot API, and the clock the page moves. */
export interface Sandbox {
  readonly telegram: FakeTelegram;
  /** The built-in Bale (bale.ts), when the sandbox runs Bulletin's Bale bot too. */
  readonly bale?: FakeTelegram;
  readonly clock: SandboxClock;
}

export interface SandboxTelegram {
  readonly telegram: FakeTelegram;
  /** TELEGRAM_API_ROOT for every role: http://127.0.0.1:<port>. */
  readonly apiRoot: string;
  /** BOT_TOKEN for every role. */
  readonly token: string;
}

/** Starts the built-in Bot API server on 127.0.0.1 (a free port). */
export async function startSandboxTelegram(options: SandboxTelegramOptions = {}): Promise<SandboxTelegram> {
  const telegram = await FakeTelegram.start({
    token: SANDBOX_TOKEN,
    botUsername: SANDBOX_BOT_USERNAME,
    botFirstName: "Bulletin Sandbox",
    latencyMs: options.latencyMs ?? 0,
    // Only the page's readers and channels exist: anything else is "chat not found", as in Telegram.
    strictChats: true,
    // As after @BotFather /setinline: readers type `@bot words` in any chat, and the share button opens the chat picker.
    inlineMode: true,
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
  });
  setTelegramLimits(telegram, options.limits ?? true);
  return { telegram, apiRoot: telegram.apiRoot, token: telegram.token };
}

/**
 * Deletes a sandbox's keys (`<prefix>:*`: its chats, articles, dedupe marks, budget and BullMQ
 * queues) so that each run starts empty: the built-in Bot API forgets its readers and channels when
 * it stops, so their subscriptions must go too. Refuses any prefix that is not a sandbox's (a
 * deployment's KEY_PREFIX cannot be one, config/rules.ts), so it can never touch a deployment's data.
 */
export async function clearSandboxData(redis: Redis, prefix: string): Promise<number> {
  if (!isSandboxKeyPrefix(prefix)) {
    throw new Error(`clearSandboxData: "${prefix}" is not a sandbox key prefix (${SANDBOX_KEY_PREFIX}…)`);
  }
  // On a cluster, every master is scanned, and BullMQ's keys live under `{prefix}`.
  const found = [...(await scanKeys(redis, `${prefix}:*`)), ...(await scanKeys(redis, `{${prefix}}:*`))];
  const pipeline = redis.pipeline();
  for (const key of found) pipeline.unlink(key);
  const counts = found.length > 0 ? await execAll(pipeline, "clearing the sandbox's keys") : [];
  const removed = counts.reduce((sum: number, count) => sum + (typeof count === "number" ? count : 0), 0);
  return removed;
}
