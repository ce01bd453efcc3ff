import { createHash } from "node:crypto";
import type { ArticleId, CategorySlug, ChatId, Platform, UserId } from "../ids.js";

/**
 * The Redis key layout, in one place.
 *
 * Chats are spread over SHARDS buckets so that ten million readers cost a few dozen bytes each:
 * a bucket's hash of chat records and each category's bucket set stay small enough for Redis's
 * compact encodings (listpack, intset) up to 1,024 chats a shard with the settings Bulletin runs
 * Redis with (COMPACT_SETTINGS in src/redis.ts), about 14 million chats.
 * Keys a script changes together share a hash tag (`{…}`), so the layout works on Redis Cluster:
 * a chat's record and its category memberships live under the tag of the chat's shard, and the
 * article log, dedupe marks and round bookkeeping under the tag `{articles}`.
 *
 * Chats are per platform (issue 15): `keys(prefix, platform)` names the chat families of one
 * platform. Telegram's names are the ones every release before Bale wrote (an upgrade renames
 * nothing); Bale's carry a `b:` segment before the shard's tag (`chats:b:{7}`, `subs:world:b:{7}`,
 * `due:b:{7}`, `pace:{7}:b:<id>`), so a shard's sets of both platforms share one slot and one
 * script can read them together. Members stay plain numbers: subscriber sets stay intsets.
 * Articles, dedupe, rounds and counters are shared by both platforms.
 */
export const SHARDS = 16_384;

export function shardOf(id: ChatId): number {
  return ((id % SHARDS) + SHARDS) % SHARDS;
}

export type Lane = "breaking" | "normal";

/** The segment a platform's chat keys carry: none for Telegram (the names of old), `b:` for Bale. */
const PLATFORM_SEGMENT: Record<Platform, string> = { telegram: "", bale: "b:" };

/** The send budget's hash tag per platform: each platform has its own rate and its own 429 pauses. */
const BUDGET_TAG: Record<Platform, string> = { telegram: "{budget}", bale: "{budget:b}" };

/** The key layout; the chat families (chats, subscribers, due, pace, linkedBy, budget…) are `platform`'s. */
export function keys(prefix: string, platform: Platform = "telegram") {
  const articles = `${prefix}:{articles}`;
  const on = PLATFORM_SEGMENT[platform];
  const budget = `${prefix}:${BUDGET_TAG[platform]}`;
  return {
    /** Whose chats the chat families below name. */
    platform,
    /** HASH chatId → encoded ChatRecord (kind, language, status, subscriptions, delivery cursor). */
    chats: (shard: number) => `${prefix}:chats:${on}{${shard}}`,
    /** SET of chat ids subscribed to `slug` in one shard. */
    subscribers: (slug: CategorySlug, shard: number) => `${prefix}:subs:${slug}:${on}{${shard}}`,
    /**
     * ZSET chat id → epoch minute (the record's `prefs.nextDue`): the readers whose held articles go
     * out as one digest from that minute. Under the shard's tag, so a script changes it with the record.
     */
    due: (shard: number) => `${prefix}:due:${on}{${shard}}`,
    /** SET of shard numbers that ever held a due entry on either platform (grows only; a hint for the scheduler). */
    dueShards: `${articles}:dueshards`,
    /** SET of shard numbers that ever held a subscriber of `slug` on either platform (grows only; a hint for fan-out). */
    subscriberShards: (slug: CategorySlug) => `${articles}:shards:${slug}`,
    /** Global article sequence: every article gets the next number; chat cursors compare against it. */
    sequence: `${articles}:seq`,
    /** STRING: the stored article (JSON). */
    article: (id: ArticleId) => `${articles}:article:${id}`,
    /** STRING → article id: dedupe by the publisher's id and by URL. */
    dedupeById: (id: string) => `${articles}:dedupe:id:${id}`,
    dedupeByUrl: (urlHash: string) => `${articles}:dedupe:url:${urlHash}`,
    /** ZSET seq → article id: the recent articles of one category. */
    log: (slug: CategorySlug) => `${articles}:log:${slug}`,
    /** HASH: the state of the delivery round of one category and lane. */
    round: (slug: CategorySlug, lane: Lane) => `${articles}:round:${slug}:${lane}`,
    /** SET of chunk numbers of the current round not yet finished. */
    roundChunks: (slug: CategorySlug, lane: Lane) => `${articles}:round:${slug}:${lane}:chunks`,
    /** Per-chat pacing and in-flight guard: present while a chat may not be sent to. */
    pace: (chat: ChatId) => `${prefix}:pace:{${shardOf(chat)}}:${on}${chat}`,
    /** The platform's send budget (GCRA) and its pause after a 429, shared by every process. */
    budget: {
      theoreticalArrival: `${budget}:tat`,
      pausedUntil: `${budget}:pause`,
      /** Pub/sub channel: a 429's pause announced to every process at once. */
      pauseChannel: `${budget}:paused`,
      paidWindow: `${budget}:window`,
      paidMessages: `${budget}:paid`,
      /** ZSET chat id → time of its latest 429: several chats refused at once mean a global limit. */
      recentRateLimits: `${budget}:recent429`,
    },
    /**
     * STRING, expiring: the bot handled this update (bot/updates.ts), so a repeat (after a crash, a
     * webhook post replayed or retried) is skipped. Update ids count per bot: a new token on the same
     * prefix starts marks of its own. Under the journal's hash tag: both change in one step.
     */
    handledUpdate: (botId: number, updateId: number) => `${prefix}:{updates:${on}${botId}}:done:${updateId}`,
    /**
     * HASH update id → {"at": ms, "update": …} (JSON): received from the platform and not yet handled
     * (bot/updates.ts); in webhook mode also the claim that keeps a post from being handled twice.
     */
    pendingUpdates: (botId: number) => `${prefix}:{updates:${on}${botId}}:pending`,
    /**
     * The journal as the release before Bale named it (HASH update id → update JSON, Telegram's
     * only): read once at start and moved into `pendingUpdates`, so an upgrade loses no update.
     */
    previousPendingUpdates: (botId: number) => `${prefix}:updates:${botId}:pending`,
    /**
     * STRING counter with the flood window as its TTL: a user's commands and button presses in the
     * current window (bot/flood.ts).
     */
    flood: (user: UserId) => `${prefix}:flood:${on}${user}`,
    /** SET of the channel and group ids a user linked: what `/channels` lists (a Bale user is not a Telegram one). */
    linkedBy: (user: UserId) => `${prefix}:linked:${on}${user}`,
    /** HASH: one duration histogram's buckets, sum and count (see delivery/timings.ts). */
    timings: (name: string) => `${prefix}:timings:${name}`,
    /** HASH second → messages sent, one key per minute (kept 3 minutes): the recent send rate. */
    sendsInMinute: (unixMinute: number) => `${prefix}:sends:${unixMinute}`,
    /** Counters operators read (sent, blocked, …). */
    counters: `${prefix}:stats`,
    /**
     * Inline search (src/sharing/search-index.ts), under the tag `{inline}`: per day of arrival
     * (epoch day), one HASH of normalized word → its articles' seqs (packed, 4 bytes each) and
     * "#<seq>" → article id, expiring when the day leaves the search window; and the mark of the
     * one-time indexing of the articles accepted before the index existed.
     */
    inline: {
      day: (day: number) => `${prefix}:{inline}:d:${day}`,
      backfill: `${prefix}:{inline}:backfill`,
      /** Every inline key matches this (what the bench measures). */
      pattern: `${prefix}:{inline}:*`,
    },
  };
}

export type Keys = ReturnType<typeof keys>;

/** A feed's stable id: a hash of its URL (as written in the categories file, normalised by URL). */
export type FeedId = string;

export function feedIdOf(url: string): FeedId {
  let normalised = url.trim();
  try {
    normalised = new URL(normalised).href;
  } catch {
    // keep the text as written: an invalid URL still gets an id, and fails when fetched
  }
  return createHash("sha256").update(normalised).digest("hex").slice(0, 20);
}

/**
 * The Redis keys of the feeds role. Every key lives under the `{feeds}` hash tag, so the layout
 * works on Redis Cluster. Per-feed state expires when a feed has not been polled for
 * FEED_STATE_TTL_MS (a feed removed from the file leaves nothing behind).
 */
export function feedKeys(prefix: string) {
  const feeds = `${prefix}:{feeds}`;
  return {
    /** HASH feedId → JSON {url, categories, interval, sendNewest}: the feeds of the file as last started. */
    index: `${feeds}:index`,
    /** HASH: the feed's health and HTTP validators (see FeedHealth in src/feeds/health.ts). */
    health: (feed: FeedId) => `${feeds}:health:${feed}`,
    /** ZSET item key → last time it was in the feed: what this feed has already seen (bounded). */
    seen: (feed: FeedId) => `${feeds}:seen:${feed}`,
    /** STRING with a token, `SET NX PX`: present while one worker polls the feed. */
    lock: (feed: FeedId) => `${feeds}:lock:${feed}`,
  };
}

export type FeedKeys = ReturnType<typeof feedKeys>;
