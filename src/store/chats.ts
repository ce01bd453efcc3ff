import type { Redis } from "ioredis";
import { execAll, waitForReplicas } from "../redis.js";
import type { CategorySlug, ChatId, Platform } from "../ids.js";
import { keys as keyLayout, shardOf, type Keys } from "./keys.js";
import { decodeChatRecord, encodeChatRecord, subscribedSlugs, type ChatRecord } from "./chat-record.js";
import { compareAndSetChat } from "./scripts/compare-and-set-chat.js";

export type ChatUpdate = (current: ChatRecord | undefined) => ChatRecord | undefined;

export interface ChatChange {
  readonly before: ChatRecord | undefined;
  readonly after: ChatRecord | undefined;
}

const MAX_CONFLICT_RETRIES = 20;

export interface BulkChat {
  readonly id: ChatId;
  readonly record: ChatRecord;
}

/** One shard's part of an import batch: HSET's field-value list, SADD's members per category, ZADD's score-member list. */
interface ShardBatch {
  readonly records: string[];
  readonly members: Map<CategorySlug, string[]>;
  readonly due: (number | string)[];
}

/**
 * The chats of one platform (Telegram unless told otherwise: every caller from before Bale means
 * Telegram). The services built on a store (subscriptions, channels) work on that platform's chats.
 */
export class ChatStore {
  readonly keys: Keys;

  constructor(
    readonly redis: Redis,
    private readonly prefix: string,
    readonly platform: Platform = "telegram",
  ) {
    this.keys = keyLayout(prefix, platform);
  }

  /** The store of another platform's chats, on the same Redis and prefix. */
  on(platform: Platform): ChatStore {
    return platform === this.platform ? this : new ChatStore(this.redis, this.prefix, platform);
  }

  async get(id: ChatId): Promise<ChatRecord | undefined> {
    const encoded = await this.redis.hget(this.keys.chats(shardOf(id)), String(id));
    return encoded ? decodeChatRecord(encoded) : undefined;
  }

  /** The records of several chats of one shard, in one read. */
  async getShard(shard: number, ids: readonly ChatId[]): Promise<Map<ChatId, ChatRecord>> {
    const found = new Map<ChatId, ChatRecord>();
    if (ids.length === 0) return found;
    const encoded = await this.redis.hmget(this.keys.chats(shard), ...ids.map(String));
    ids.forEach((id, i) => {
      const value = encoded[i];
      if (value) found.set(id, decodeChatRecord(value));
    });
    return found;
  }

  /** The newest article's sequence number: a new subscriber's starting point. */
  async currentSequence(): Promise<number> {
    return Number((await this.redis.get(this.keys.sequence)) ?? 0);
  }

  /**
   * Applies `update` to a chat's record atomically (retrying when another process changed the
   * record in between) and keeps the category member sets in step with its subscriptions, and the
   * due index with its `prefs.nextDue`.
   */
  async update(id: ChatId, update: ChatUpdate): Promise<ChatChange> {
    const shard = shardOf(id);
    const hashKey = this.keys.chats(shard);
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const encodedBefore = (await this.redis.hget(hashKey, String(id))) ?? "";
      const before = encodedBefore ? decodeChatRecord(encodedBefore) : undefined;
      const after = update(before);
      if (!after) return { before, after: before };
      const encodedAfter = encodeChatRecord(after);
      if (encodedAfter === encodedBefore) return { before, after };
      const had = new Set(before?.active ? subscribedSlugs(before) : []);
      const wants = new Set(after.active ? subscribedSlugs(after) : []);
      const adds = [...wants].filter((slug) => !had.has(slug));
      const removes = [...had].filter((slug) => !wants.has(slug));
      if (adds.length > 0) await this.markShards(adds, shard);
      const nextDue = after.prefs?.nextDue;
      if (nextDue !== undefined && before?.prefs?.nextDue === undefined) await this.redis.sadd(this.keys.dueShards, shard);
      const applied = await compareAndSetChat.run(
        this.redis,
        [
          hashKey,
          this.keys.due(shard),
          ...adds.map((s) => this.keys.subscribers(s, shard)),
          ...removes.map((s) => this.keys.subscribers(s, shard)),
        ],
        [String(id), encodedBefore, encodedAfter, adds.length, nextDue ?? ""],
      );
      if (!applied) continue;
      // On a cluster, a change of subscriptions reaches a replica before the reader is told (see waitForReplicas).
      if (adds.length > 0 || removes.length > 0) {
        await waitForReplicas(this.redis, [hashKey, ...adds.map((slug) => this.keys.subscriberShards(slug))]);
      }
      return { before, after };
    }
    throw new Error(`${this.platform} chat ${id}: record kept changing under ${MAX_CONFLICT_RETRIES} attempts`);
  }

  /**
   * A group became a supergroup: its subscriptions, cursor and settings move to the new id (joined
   * with any it already had) and the old id goes inactive. Answers the old record.
   */
  async migrate(from: ChatId, to: ChatId): Promise<ChatRecord | undefined> {
    const { before } = await this.update(from, (r) => r && { ...r, active: false, subscriptions: [] });
    if (before?.active) {
      await this.update(to, (existing) => {
        const subscriptions = [...(existing?.active ? existing.subscriptions : []), ...before.subscriptions].filter(
          (s, i, all) => all.findIndex((o) => o.slug === s.slug) === i,
        );
        return { ...before, kind: "supergroup", active: true, subscriptions };
      });
    }
    return before;
  }

  /** Records that `shard` holds subscribers of these categories (before they are added: a superset is safe). */
  private async markShards(slugs: readonly CategorySlug[], shard: number): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const slug of slugs) pipeline.sadd(this.keys.subscriberShards(slug), shard);
    // Unmarked, the shard's new subscribers would never be visited: a failure must not go unnoticed.
    await execAll(pipeline, "marking the shard's categories");
  }

  /** The shards that may hold subscribers of `slug`, ascending. */
  async shardsOf(slug: CategorySlug): Promise<number[]> {
    const members = await this.redis.smembers(this.keys.subscriberShards(slug));
    return members.map(Number).sort((a, b) => a - b);
  }

  /** The subscribers of `slug` in one shard. */
  async subscribersIn(slug: CategorySlug, shard: number): Promise<ChatId[]> {
    const members = await this.redis.smembers(this.keys.subscribers(slug, shard));
    return members.map((m) => Number(m) as ChatId);
  }

  /** How many chats follow each category (a scan of the shards; for stats, not hot paths). */
  async countSubscribers(slug: CategorySlug): Promise<number> {
    const shards = await this.shardsOf(slug);
    const pipeline = this.redis.pipeline();
    for (const shard of shards) pipeline.scard(this.keys.subscribers(slug, shard));
    const counts = await execAll(pipeline, "counting subscribers");
    return counts.reduce((sum: number, count) => sum + Number(count ?? 0), 0);
  }

  /**
   * Loads many new chats at once (imports, benchmarks). Each batch is grouped by shard: one HSET of
   * all its records, one SADD per category and one ZADD of due entries per shard, all pipelined, so
   * a batch much larger than the shard count costs few commands per shard (10 million readers load
   * at the rate `npm run bench -- scale10m` prints). Existing records of the same ids are overwritten.
   */
  async importChats(chats: readonly BulkChat[], batchSize = 100_000): Promise<void> {
    const shardMarks = new Map<CategorySlug, Set<number>>();
    const dueShards = new Set<number>();
    // Bulk loads repeat one record object for many chats: it is encoded once.
    let last: { record: ChatRecord; encoded: string } | undefined;
    for (let start = 0; start < chats.length; start += batchSize) {
      const byShard = new Map<number, ShardBatch>();
      for (let i = start; i < Math.min(chats.length, start + batchSize); i++) {
        const { id, record } = chats[i]!;
        const shard = shardOf(id);
        const member = String(id);
        let batch = byShard.get(shard);
        if (!batch) byShard.set(shard, (batch = { records: [], members: new Map(), due: [] }));
        if (last?.record !== record) last = { record, encoded: encodeChatRecord(record) };
        batch.records.push(member, last.encoded);
        const nextDue = record.prefs?.nextDue;
        if (nextDue !== undefined) {
          batch.due.push(nextDue, member);
          dueShards.add(shard);
        }
        if (!record.active) continue;
        for (const slug of subscribedSlugs(record)) {
          let members = batch.members.get(slug);
          if (!members) batch.members.set(slug, (members = []));
          members.push(member);
          let marks = shardMarks.get(slug);
          if (!marks) shardMarks.set(slug, (marks = new Set()));
          marks.add(shard);
        }
      }
      const pipeline = this.redis.pipeline();
      for (const [shard, batch] of byShard) {
        pipeline.hset(this.keys.chats(shard), ...batch.records);
        for (const [slug, members] of batch.members) pipeline.sadd(this.keys.subscribers(slug, shard), ...members);
        if (batch.due.length > 0) pipeline.zadd(this.keys.due(shard), ...batch.due);
      }
      await execAll(pipeline, "importing chats");
    }
    for (const [slug, shards] of shardMarks) {
      await this.redis.sadd(this.keys.subscriberShards(slug), ...[...shards].map(String));
    }
    if (dueShards.size > 0) await this.redis.sadd(this.keys.dueShards, ...[...dueShards].map(String));
  }
}
