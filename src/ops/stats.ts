import type { JobType, Queue } from "bullmq";
import { z } from "zod";
import type { Categories } from "../config/categories.js";
import { counterField, type DeliveryEvent } from "../delivery/stats.js";
import { listFeedHealth, type FeedHealth } from "../feeds/health.js";
import { plannedFeeds } from "../feeds/schedule.js";
import { PLATFORMS, type Platform } from "../ids.js";
import type { ArticleSource } from "../ingest/article.js";
import { execAll, type Redis } from "../redis.js";
import { decodeChatRecord, type ChatKind } from "../store/chat-record.js";
import type { ChatStore } from "../store/chats.js";
import { SHARDS, type Keys } from "../store/keys.js";

/**
 * What operators read about a running Bulletin, from Redis alone: so every process's work counts,
 * whichever process asks (the `stats` command, `/metrics`).
 */

/** Every delivery event, with what it means for a message (a compile error when stats.ts gains one). */
export const DELIVERY_EVENTS: Record<DeliveryEvent, { readonly sent?: "single" | "digest"; readonly failed?: string }> = {
  sent: { sent: "single" },
  sent_digest: { sent: "digest" },
  articles_delivered: {},
  chat_gone_blocked: { failed: "blocked" },
  chat_gone_deactivated: { failed: "deactivated" },
  chat_gone_kicked: { failed: "kicked" },
  chat_gone_not_found: { failed: "chat_not_found" },
  chat_gone_forbidden: { failed: "forbidden" },
  chat_migrated: { failed: "migrated" },
  rate_limited: { failed: "rate_limited" },
  transient_error: { failed: "network" },
  bad_request: { failed: "bad_request" },
  photo_fallback: { failed: "photo_refused" },
  expired_article: {},
  corrupt_record: {},
};

export const FAILURE_REASONS: readonly string[] = [...new Set(Object.values(DELIVERY_EVENTS).flatMap((e) => (e.failed ? [e.failed] : [])))];

export const INGEST_SOURCES = ["http", "feed", "cli", "admin"] as const satisfies readonly ArticleSource[];
export const INGEST_OUTCOMES = ["accepted", "duplicate", "invalid", "unknown_category"] as const;
export type IngestOutcomeName = (typeof INGEST_OUTCOMES)[number];

export interface Counters {
  /** Telegram's delivery counters (the fields of every release before Bale). */
  readonly delivery: Readonly<Record<DeliveryEvent, number>>;
  /** Each platform's delivery counters (`telegram` is `delivery`). */
  readonly platforms: Readonly<Record<Platform, Readonly<Record<DeliveryEvent, number>>>>;
  /** source → outcome → count. */
  readonly ingested: Readonly<Record<ArticleSource, Readonly<Record<IngestOutcomeName, number>>>>;
  /** Messages above Telegram's free 30/s (PAID_BROADCAST), each costing Stars. */
  readonly paidMessages: number;
}

const countSchema = z.coerce.number().int().nonnegative().catch(0);
const hashSchema = z.record(z.string(), z.string());
const INGEST_FIELD = /^ingested:(http|feed|cli):(accepted|duplicate|invalid|unknown_category)$/;

/** The shared counters hash (delivery events, ingest outcomes) and the paid-message counter. */
export async function readCounters(redis: Redis, keys: Keys): Promise<Counters> {
  const [hash, paid] = await Promise.all([redis.hgetall(keys.counters), redis.get(keys.budget.paidMessages)]);
  const fields = hashSchema.parse(hash);
  const deliveryOn = (platform: Platform) =>
    Object.fromEntries(
      Object.keys(DELIVERY_EVENTS).map((event) => [event, countSchema.parse(fields[counterField(event as DeliveryEvent, platform)] ?? 0)]),
    ) as Record<DeliveryEvent, number>;
  const platforms = Object.fromEntries(PLATFORMS.map((platform) => [platform, deliveryOn(platform)])) as Record<
    Platform,
    Record<DeliveryEvent, number>
  >;
  const delivery = platforms.telegram;
  const zeros = () => Object.fromEntries(INGEST_OUTCOMES.map((o) => [o, 0])) as Record<IngestOutcomeName, number>;
  const ingested: Record<ArticleSource, Record<IngestOutcomeName, number>> = { http: zeros(), feed: zeros(), cli: zeros(), admin: zeros() };
  for (const [field, value] of Object.entries(fields)) {
    const match = INGEST_FIELD.exec(field);
    if (match) ingested[match[1] as ArticleSource][match[2] as IngestOutcomeName] = countSchema.parse(value);
  }
  return { delivery, platforms, ingested, paidMessages: countSchema.parse(paid ?? 0) };
}

/** A Bot API method a platform refused that Bulletin does without (bot/bale.ts), and how often. */
export interface Degradation {
  readonly platform: string;
  readonly method: string;
  readonly count: number;
}

const DEGRADATION_FIELD = /^degraded:([a-z]+):([A-Za-z]+)$/;

/** The degradations counted in the shared counters hash (`degraded:<platform>:<method>`). */
export async function readDegradations(redis: Redis, keys: Keys): Promise<Degradation[]> {
  const fields = hashSchema.parse(await redis.hgetall(keys.counters));
  return Object.entries(fields).flatMap(([field, value]) => {
    const match = DEGRADATION_FIELD.exec(field);
    return match ? [{ platform: match[1] ?? "", method: match[2] ?? "", count: countSchema.parse(value) }] : [];
  });
}

/** The job states operators watch (a paused queue keeps its jobs in `waiting`). */
export const JOB_STATES = [
  "waiting",
  "prioritized",
  "active",
  "delayed",
  "waiting-children",
  "failed",
  "completed",
] as const satisfies readonly JobType[];
export type JobState = (typeof JOB_STATES)[number];

export interface QueueDepth {
  readonly queue: string;
  readonly paused: boolean;
  readonly jobs: Readonly<Record<JobState, number>>;
}

export async function readQueueDepths(queues: readonly Queue<unknown>[]): Promise<QueueDepth[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const [counts, paused] = await Promise.all([queue.getJobCounts(...JOB_STATES), queue.isPaused()]);
      const jobs = Object.fromEntries(JOB_STATES.map((state) => [state, counts[state] ?? 0])) as Record<JobState, number>;
      return { queue: queue.name, paused, jobs };
    }),
  );
}

export interface CategorySubscribers {
  readonly category: string;
  /** Telegram's chats following the category. */
  readonly subscribers: number;
  /** Bale's (issue 15). */
  readonly bale: number;
}

/** Active subscribers per category on each platform (a pipelined count over the category's shards). */
export async function readSubscribers(store: ChatStore, categories: Categories): Promise<CategorySubscribers[]> {
  const telegram = store.on("telegram");
  const bale = store.on("bale");
  return Promise.all(
    categories.list.map(async (c) => {
      const [onTelegram, onBale] = await Promise.all([telegram.countSubscribers(c.slug), bale.countSubscribers(c.slug)]);
      return { category: c.slug, subscribers: onTelegram, bale: onBale };
    }),
  );
}

export type FeedState = "ok" | "failing" | "new";

export function feedState(health: FeedHealth): FeedState {
  if (!health.lastPollAt) return "new";
  return health.consecutiveFailures > 0 ? "failing" : "ok";
}

export interface FeedsSummary {
  readonly byState: Readonly<Record<FeedState, number>>;
  readonly feeds: readonly (FeedHealth & { readonly state: FeedState; readonly categories: readonly string[] })[];
}

/** The feeds of the categories file and their health. */
export async function readFeeds(redis: Redis, prefix: string, categories: Categories, feedInterval: number): Promise<FeedsSummary> {
  const planned = plannedFeeds(categories, feedInterval);
  const healths = await listFeedHealth(
    redis,
    prefix,
    planned.map((f) => f.url),
  );
  const byState: Record<FeedState, number> = { ok: 0, failing: 0, new: 0 };
  const feeds = healths.map((health, i) => {
    const state = feedState(health);
    byState[state]++;
    return { ...health, state, categories: planned[i]?.categories ?? [] };
  });
  return { byState, feeds };
}

export interface ChatCounts {
  /** Active chats (Bulletin may send to them) by kind. */
  readonly active: Readonly<Record<ChatKind, number>>;
  /** Chats that blocked the bot, were deleted or left: kept, never sent to. */
  readonly inactive: Readonly<Record<ChatKind, number>>;
  /** Records that could not be read. */
  readonly corrupt: number;
}

const CHAT_KINDS: readonly ChatKind[] = ["private", "group", "supergroup", "channel"];
const SHARDS_PER_READ = 512;

/**
 * Chats by kind: reads every record once (all 16,384 shard hashes, 512 per round trip). Seconds
 * for a million chats: for the `stats` command, not for a scrape every 15 s.
 */
export async function countChats(store: ChatStore): Promise<ChatCounts> {
  const zero = () => Object.fromEntries(CHAT_KINDS.map((k) => [k, 0])) as Record<ChatKind, number>;
  const active = zero();
  const inactive = zero();
  let corrupt = 0;
  for (let first = 0; first < SHARDS; first += SHARDS_PER_READ) {
    const pipeline = store.redis.pipeline();
    for (let shard = first; shard < Math.min(SHARDS, first + SHARDS_PER_READ); shard++) pipeline.hvals(store.keys.chats(shard));
    for (const values of await execAll(pipeline, "reading chat records")) {
      for (const encoded of values as string[]) {
        try {
          const record = decodeChatRecord(encoded);
          (record.active ? active : inactive)[record.kind]++;
        } catch {
          corrupt++;
        }
      }
    }
  }
  return { active, inactive, corrupt };
}
