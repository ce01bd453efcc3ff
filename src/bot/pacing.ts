import { setTimeout as sleep } from "node:timers/promises";
import type { Transformer } from "grammy";
import type { Redis } from "ioredis";
import type { SendBudget } from "../delivery/budget.js";
import type { PacingOptions } from "../delivery/deliverer.js";
import { chatId } from "../ids.js";
import type { Keys } from "../store/keys.js";

/** The methods Telegram counts against its limits (the fake Bot API counts the same). */
const SENDING_METHODS = new Set(["sendMessage", "sendPhoto"]);
/** How often a reply looks again at a chat held by a send in flight (its key lasts the whole lease). */
const PACE_POLL_MS = 50;

export interface ReplyPacingDeps {
  readonly redis: Redis;
  readonly keys: Keys;
  /** The send budget shared with delivery, in its replies lane. */
  readonly budget: SendBudget;
  readonly pacing: PacingOptions;
  /** PAID_BROADCAST: replies are sent as paid too, else one amid a broadcast above 30/s would be refused. */
  readonly paidBroadcast: boolean;
}

/**
 * The bot's own messages (replies, notices) go through Telegram's limits like delivery's do:
 * - the chat's pace: a reply claims the chat's pace key (delivery's in-flight guard too), so it
 *   waits while an article or an earlier reply went to the chat less than the chat's interval ago,
 *   and no article follows it within the interval;
 * - the send budget shared with delivery, in the replies lane (delivery/budget.ts): a reply takes
 *   the next free slot ahead of the broadcast, and both together stay within SEND_RATE.
 * A 429 is scoped as delivery's are (delivery/flood.ts): the chat's own flood limit (a group's 20 a
 * minute) holds that chat's pace key for its retry_after, so only that chat waits; several chats
 * refused at once pause every sender. Installed below auto-retry, so each retry waits its turn again.
 */
export function paceReplies({ redis, keys, budget, pacing, paidBroadcast }: ReplyPacingDeps): Transformer {
  return async (prev, method, payload, signal) => {
    let holdMs = 0;
    const target = (payload as { chat_id?: unknown }).chat_id;
    if (!SENDING_METHODS.has(method) || typeof target !== "number") return prev(method, payload, signal);
    const key = keys.pace(chatId(target));
    const paceMs = target > 0 ? pacing.privateMs : pacing.groupMs;
    await claimPace(redis, key, paceMs, pacing.leaseMs);
    try {
      await budget.take();
      const result = await prev(method, paidBroadcast ? { ...payload, allow_paid_broadcast: true } : payload, signal);
      if (result.ok) await budget.sent();
      else if (result.error_code === 429) {
        const retryAfter = result.parameters?.retry_after ?? 1;
        if ((await budget.rateLimited(chatId(target), retryAfter)) === "chat") holdMs = retryAfter * 1000;
      }
      return result;
    } finally {
      // Even a send that failed may have reached the chat: it keeps its pace either way (and a chat
      // over its own flood limit keeps it until Telegram takes its messages again).
      await redis.pexpire(key, Math.max(paceMs, holdMs));
    }
  };
}

/**
 * Waits until the chat's pace key is free, then holds it for the send (its pace plus `leaseMs`).
 * A key longer than the pace belongs to a send in flight, which shortens it when done: looked at
 * again every PACE_POLL_MS.
 */
async function claimPace(redis: Redis, key: string, paceMs: number, leaseMs: number): Promise<void> {
  for (;;) {
    if ((await redis.set(key, "r", "PX", paceMs + leaseMs, "NX")) !== null) return;
    const left = await redis.pttl(key);
    await sleep(left > paceMs ? PACE_POLL_MS : Math.max(left, 1));
  }
}
