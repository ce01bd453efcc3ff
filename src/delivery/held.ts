import type { Redis } from "ioredis";
import type { ChatId } from "../ids.js";
import { encodeChatRecord, type ChatRecord } from "../store/chat-record.js";
import type { ChatStore } from "../store/chats.js";
import { shardOf, type Keys } from "../store/keys.js";
import { BatchedScript, type BatchOf } from "../store/script-for-many.js";
import { compareAndSetChat } from "../store/scripts/compare-and-set-chat.js";
import { commitDues } from "../store/scripts/commit-dues.js";
import { applyDelivered, withNextDue } from "./plan.js";

/**
 * The writes of held readers (digests, quiet hours): a reader's record and their entry in the due
 * index change together, in one script, so the due scheduler (due.ts) always finds the readers
 * whose held articles are due, and only them.
 */
export class HeldReaders {
  /** Commits made in the same tick go in one script call: a digest minute commits thousands a second. */
  private readonly commits: BatchOf<typeof commitDues>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly store: ChatStore,
  ) {
    this.commits = new BatchedScript(redis, commitDues);
  }

  /**
   * Holds the reader's pending articles until `nextDue` (the cursor stays where it is; undefined
   * holds nothing any more). Answers false when the record changed since `encoded` was read: the
   * caller looks again.
   */
  async hold(chat: ChatId, encoded: string, record: ChatRecord, nextDue: number | undefined): Promise<boolean> {
    const shard = shardOf(chat);
    if (nextDue !== undefined) await this.redis.sadd(this.keys.dueShards, shard);
    return compareAndSetChat.run(
      this.redis,
      [this.keys.chats(shard), this.keys.due(shard)],
      [String(chat), encoded, encodeChatRecord(withNextDue(record, nextDue)), 0, nextDue ?? ""],
    );
  }

  /**
   * A due digest went out (`seqs`, or only passed-over articles): the cursor moves and the next
   * digest is due at `nextDue`. If the record changed in flight, the delivery is applied to it as it
   * is now, and the next due minute only when the reader's schedule did not change meanwhile.
   */
  async commit(chat: ChatId, encoded: string, record: ChatRecord, seqs: readonly number[], nextDue: number | undefined, paceMs: number) {
    const shard = shardOf(chat);
    const after = withNextDue(applyDelivered(record, seqs, false), nextDue);
    const applied = await this.commits.run(
      [this.keys.chats(shard), this.keys.pace(chat), this.keys.due(shard)],
      [String(chat), encoded, encodeChatRecord(after), paceMs, nextDue ?? ""],
    );
    if (applied) return;
    const planned = record.prefs?.nextDue;
    await this.store.update(chat, (current) => {
      if (!current) return current;
      const delivered = applyDelivered(current, seqs, false);
      return current.prefs?.nextDue === planned ? withNextDue(delivered, nextDue) : delivered;
    });
  }
}
