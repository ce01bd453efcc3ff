import type { Redis } from "ioredis";
import type { MiddlewareFn, Transformer } from "grammy";
import type { Update } from "grammy/types";
import type { Keys } from "../store/keys.js";
import { claimUpdate, type UpdateClaim } from "../store/scripts/claim-update.js";
import type { BotContext } from "./context.js";
import { execAll } from "../redis.js";

/** Telegram keeps an unconfirmed update for 24 hours: a mark need not outlive it. */
const MARK_SECONDS = 24 * 60 * 60;

/** A journal entry: the update, and when it was journaled (a webhook post's claim expires). */
interface JournalEntry {
  readonly at: number;
  readonly update: Update;
}

const entryOf = (update: Update): string => JSON.stringify({ at: Date.now(), update } satisfies JournalEntry);

/**
 * Each update handled once, none lost, across a crash of the bot process.
 *
 * Long polling confirms updates to Telegram with the next getUpdates, and the runner asks for the
 * next batch while the last one is still being handled: an update is confirmed before it is
 * handled. So every batch is written to a journal in Redis before getUpdates returns it
 * (`journalUpdates`), and an update leaves the journal, marked handled, once its handlers are done
 * (`onceEach`). A restarted bot first handles what the journal still holds (`leftovers`), and skips
 * an update marked handled (Telegram may send again what was not confirmed). Only the update being
 * handled at the moment of the crash can be answered twice.
 *
 * In webhook mode the journal is also the one guard against handling a post twice (`claim`): an
 * update enters it only if it is neither handled nor in hand, and Telegram's repost of an update
 * whose process died takes over its entry after the lease.
 */
export class HandledUpdates {
  /** The ids of the updates `leftovers` handed back. */
  private readonly replays = new Set<number>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async seen(botId: number, updateId: number): Promise<boolean> {
    return (await this.redis.exists(this.keys.handledUpdate(botId, updateId))) === 1;
  }

  /** Keeps `updates` until each is handled. */
  async journal(botId: number, updates: readonly Update[]): Promise<void> {
    if (updates.length === 0) return;
    await this.redis.hset(this.keys.pendingUpdates(botId), ...updates.flatMap((u) => [String(u.update_id), entryOf(u)]));
  }

  /**
   * A webhook post: journals the update unless it was handled ("done") or is journaled less than
   * `leaseMs` ago and not finished ("held": in hand, here or in another process); "claimed": the
   * caller handles it, and `finish` (onceEach) takes it out of the journal.
   */
  claim(botId: number, update: Update, leaseMs: number): Promise<UpdateClaim> {
    return claimUpdate.run(
      this.redis,
      [this.keys.pendingUpdates(botId), this.keys.handledUpdate(botId, update.update_id)],
      [update.update_id, entryOf(update), Date.now(), leaseMs],
    );
  }

  /** The update is handled: out of the journal and marked, in one step. */
  async finish(botId: number, updateId: number): Promise<void> {
    await execAll(
      this.redis
        .multi()
        .set(this.keys.handledUpdate(botId, updateId), "1", "EX", MARK_SECONDS)
        .hdel(this.keys.pendingUpdates(botId), String(updateId)),
      "marking an update handled",
    );
  }

  /** The journal's updates, oldest first: those a previous process received and did not finish. */
  async leftovers(botId: number): Promise<Update[]> {
    await this.adoptPreviousJournal(botId);
    const entries = await this.redis.hvals(this.keys.pendingUpdates(botId));
    const updates = entries.map((entry) => (JSON.parse(entry) as JournalEntry).update).sort((a, b) => a.update_id - b.update_id);
    for (const update of updates) this.replays.add(update.update_id);
    return updates;
  }

  /**
   * The release before Bale kept its journal under another name, entries being bare updates: they
   * join the journal before it is read (written first, then the old key dropped: a crash between
   * the two only leaves an update to be skipped as handled or answered once more).
   */
  private async adoptPreviousJournal(botId: number): Promise<void> {
    const previous = this.keys.previousPendingUpdates(botId);
    const entries = await this.redis.hgetall(previous);
    const fields = Object.entries(entries).flatMap(([id, raw]) => [id, entryOf(JSON.parse(raw) as Update)]);
    if (fields.length === 0) return;
    await this.redis.hset(this.keys.pendingUpdates(botId), ...fields);
    await this.redis.del(previous);
  }

  /** Whether the update came back from the journal: its effect may be applied already. */
  isReplay(updateId: number): boolean {
    return this.replays.has(updateId);
  }
}

/** An API transformer: getUpdates' answer is journaled before the runner sees (and confirms) it. */
export function journalUpdates(handled: HandledUpdates, botId: number): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (method === "getUpdates" && result.ok) await handled.journal(botId, result.result as Update[]);
    return result;
  };
}

/** Skips an update handled before; finishes each one once its handlers are done (or failed: never retried). */
export function onceEach(handled: HandledUpdates): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const id = ctx.update.update_id;
    if (await handled.seen(ctx.me.id, id)) {
      ctx.services.logger.info({ update: id }, "update handled before the last restart; skipped");
      await handled.finish(ctx.me.id, id);
      return;
    }
    if (handled.isReplay(id)) ctx.replayed = true;
    try {
      await next();
    } finally {
      await handled.finish(ctx.me.id, id);
    }
  };
}
