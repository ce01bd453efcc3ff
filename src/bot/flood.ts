import type { Middleware } from "grammy";
import type { Redis } from "ioredis";
import { userId } from "../ids.js";
import type { Keys } from "../store/keys.js";
import { countFlood, type FloodCount } from "../store/scripts/count-flood.js";
import type { BotContext } from "./context.js";

/** How many commands and button presses one user gets answered in a window. */
export interface FloodLimit {
  readonly updates: number;
  readonly windowMs: number;
}

/**
 * 20 in 10 s: a brisk walk through the settings menu is about 15 taps, hammering is dozens; and a
 * reader's answers go out at one a second anyway, so a flood never gets more than that back.
 */
export const FLOOD_LIMIT: FloodLimit = { updates: 20, windowMs: 10_000 };

/** Counts each user's updates in Redis (count-flood-1.lua), so every bot process shares the count. */
export class FloodGuard {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly limit: FloodLimit = FLOOD_LIMIT,
  ) {}

  count(user: number): Promise<FloodCount> {
    return countFlood.run(this.redis, [this.keys.flood(userId(user))], [this.limit.windowMs, this.limit.updates]);
  }
}

/**
 * What a user can hammer: any message in their private chat, commands in groups (not the group's
 * chatter), and button presses.
 */
function counted(ctx: BotContext): boolean {
  if (ctx.callbackQuery) return true;
  const message = ctx.message;
  if (!message) return false;
  return ctx.chat?.type === "private" || message.entities?.[0]?.type === "bot_command";
}

/**
 * Slows a user who sends too much, politely and alone: over the limit they get one notice (in a
 * private chat, or on the button they pressed), then nothing until their window passes. Other
 * users are counted apart and never wait for them.
 *
 * Mounted before each chat's queue (bot.ts): updates are counted as they arrive, not as slowly as
 * the chat's paced answers let them through, and what comes after the notice never joins the queue.
 */
export const countUpdate: Middleware<BotContext> = async (ctx, next) => {
  const user = ctx.from?.id;
  if (user === undefined || !counted(ctx)) return next();
  const { verdict, leftMs } = await ctx.services.flood.count(user);
  if (verdict === "ignore") {
    // A press is always answered, else its button keeps spinning.
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    return;
  }
  if (verdict === "notice") ctx.floodQuietUntil = Date.now() + leftMs;
  await next();
};

/** In the chat's turn, after the answers before it: the update over the limit gets the notice instead. */
export const floodNotice: Middleware<BotContext> = async (ctx, next) => {
  if (ctx.floodQuietUntil === undefined) return next();
  const notice = ctx.t.slowDown(Math.max(1, Math.ceil((ctx.floodQuietUntil - Date.now()) / 1000)));
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: notice });
  else if (ctx.chat?.type === "private") await ctx.reply(notice);
};
