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
 * 10 in 10 s: more than anyone tapping through the menus needs, and about what the chat's pace of
 * one message a second lets the bot answer anyway.
 */
export const FLOOD_LIMIT: FloodLimit = { updates: 10, windowMs: 10_000 };

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
 */
export const floodGuard: Middleware<BotContext> = async (ctx, next) => {
  const user = ctx.from?.id;
  if (user === undefined || !counted(ctx)) return next();
  const { verdict, leftMs } = await ctx.services.flood.count(user);
  if (verdict === "answer") return next();
  const notice = ctx.t.slowDown(Math.max(1, Math.ceil(leftMs / 1000)));
  if (ctx.callbackQuery) {
    // A press is always answered (else its button spins), with the notice only the first time.
    await ctx.answerCallbackQuery(verdict === "notice" ? { text: notice } : {});
  } else if (verdict === "notice" && ctx.chat?.type === "private") {
    await ctx.reply(notice);
  }
};
