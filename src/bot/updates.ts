import type { Redis } from "ioredis";
import type { MiddlewareFn } from "grammy";
import type { Keys } from "../store/keys.js";
import type { BotContext } from "./context.js";

/** Telegram keeps an unconfirmed update for 24 hours: a mark need not outlive it. */
const MARK_SECONDS = 24 * 60 * 60;

/**
 * The updates this bot has handled. Long polling confirms a batch of updates only with the next
 * getUpdates, so a bot process that dies mid-batch gets the whole batch again after its restart:
 * without these marks a reader's /subscribe, /stop or button press would be applied (and answered)
 * twice. Only the update being handled at the moment of the crash can still repeat.
 */
export class HandledUpdates {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async seen(botId: number, updateId: number): Promise<boolean> {
    return (await this.redis.exists(this.keys.handledUpdate(botId, updateId))) === 1;
  }

  async mark(botId: number, updateId: number): Promise<void> {
    await this.redis.set(this.keys.handledUpdate(botId, updateId), "1", "EX", MARK_SECONDS);
  }
}

/** Skips an update handled before; marks each one once its handlers are done (or failed: never retried). */
export function onceEach(handled: HandledUpdates): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const id = ctx.update.update_id;
    if (await handled.seen(ctx.me.id, id)) {
      ctx.services.logger.info({ update: id }, "update handled before the last restart; skipped");
      return;
    }
    try {
      await next();
    } finally {
      await handled.mark(ctx.me.id, id);
    }
  };
}
