import { Queue, type ConnectionOptions, type DefaultJobOptions, type JobSchedulerTemplateOptions } from "bullmq";
import { z } from "zod";
import type { Redis } from "./redis.js";
import { PLATFORMS } from "./ids.js";
import { SHARDS, type FeedId } from "./store/keys.js";

/**
 * Bulletin's BullMQ queues, their names, job payloads (zod) and job options: the one definition
 * every producer, worker and operator command imports.
 */
/**
 * BullMQ's key prefix. Its scripts take several keys of one queue at once, so on a Redis Cluster
 * the prefix is a hash tag (`{bulletin}`) and all of a queue's keys share a slot. On one Redis it
 * stays KEY_PREFIX as it always was, so existing deployments keep their queued jobs.
 */
export function queuePrefixOf(keyPrefix: string, cluster: boolean): string {
  return cluster ? `{${keyPrefix}}` : keyPrefix;
}

export const QUEUE_NAMES = { fanout: "fanout", delivery: "delivery" } as const;

export const fanoutJobSchema = z.object({ articleId: z.string().min(1) });
export type FanoutJob = z.infer<typeof fanoutJobSchema>;

const laneSchema = z.enum(["breaking", "normal"]);

/** One slice of a delivery round: visit every subscriber of `slug` in these shards. */
export const chunkJobSchema = z.object({
  slug: z.string().min(1),
  lane: laneSchema,
  round: z.number().int().positive(),
  chunk: z.number().int().nonnegative(),
  shards: z.array(
    z
      .number()
      .int()
      .min(0)
      .max(SHARDS - 1),
  ),
  /** How many time slices of this chunk ran before this job (continuations count up). */
  slice: z.number().int().nonnegative().default(0),
});
export type ChunkJob = z.infer<typeof chunkJobSchema>;

/**
 * A second look at one chat that had to wait (pacing, a retry). Without `platform` the chat is
 * Telegram's: every visit job queued before Bale existed, and every Telegram one since.
 */
export const visitJobSchema = z.object({ chatId: z.number().int(), platform: z.enum(PLATFORMS).default("telegram") });
export type VisitJob = z.input<typeof visitJobSchema>;

export const JOB_NAMES = { article: "article", chunk: "chunk", visit: "visit" } as const;

/**
 * BullMQ priorities (lower runs first). Breaking rounds go ahead of everything, retries of single
 * chats next, then normal rounds by chunk number, so that the first chunk of a small category's
 * round overtakes the 200th chunk of a large one.
 */
export const PRIORITY = {
  breakingChunk: (chunk: number) => 1 + chunk,
  visit: 900,
  normalChunk: (chunk: number) => 1000 + chunk,
} as const;

const defaultJobOptions: DefaultJobOptions = {
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
  attempts: 10,
  backoff: { type: "exponential", delay: 1000 },
};

export interface Queues {
  readonly fanout: Queue<FanoutJob>;
  readonly delivery: Queue<ChunkJob | VisitJob>;
  close(): Promise<void>;
}

export function openQueues(connection: ConnectionOptions, prefix: string): Queues {
  const fanout = new Queue<FanoutJob>(QUEUE_NAMES.fanout, { connection, prefix, defaultJobOptions });
  const delivery = new Queue<ChunkJob | VisitJob>(QUEUE_NAMES.delivery, { connection, prefix, defaultJobOptions });
  return {
    fanout,
    delivery,
    async close() {
      await Promise.all([fanout.close(), delivery.close()]);
    },
  };
}

/** The feeds queue: one Job Scheduler per feed URL makes a `poll` job every interval. */
export const FEEDS_QUEUE_NAME = "feeds";
export const FEED_JOB_NAME = "poll";

/** Every scheduler the feeds role owns has an id with this prefix; others in the queue are left alone. */
export const SCHEDULER_PREFIX = "feed-";

export const schedulerIdOf = (feed: FeedId): string => `${SCHEDULER_PREFIX}${feed}`;

/**
 * One poll of one feed, named by its id only: the worker reads the URL, categories and options from
 * the feeds index (src/feeds/schedule.ts), which only the categories file writes. Job data can be
 * edited in the queue dashboard; a URL or categories taken from it would let an edit aim the poller
 * anywhere and publish into any category. Other fields in a job are ignored.
 */
export const feedJobSchema = z.object({ feedId: z.string().min(1) });
export type FeedJob = z.infer<typeof feedJobSchema>;

/**
 * A poll never throws (failures are recorded in the feed's health and backed off there), so a job
 * runs once; BullMQ keeps a few failed ones only if the worker itself broke.
 */
export const feedJobOptions: JobSchedulerTemplateOptions = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { count: 100 },
};

export function openFeedsQueue(connection: ConnectionOptions, prefix: string): Queue<FeedJob> {
  return new Queue<FeedJob>(FEEDS_QUEUE_NAME, { connection, prefix });
}

/** Every BullMQ queue Bulletin uses, by name: what operators see, pause and clean. */
export const BULLETIN_QUEUE_NAMES = [QUEUE_NAMES.fanout, QUEUE_NAMES.delivery, FEEDS_QUEUE_NAME] as const;
export type BulletinQueueName = (typeof BULLETIN_QUEUE_NAMES)[number];

export function isBulletinQueueName(name: string): name is BulletinQueueName {
  return (BULLETIN_QUEUE_NAMES as readonly string[]).includes(name);
}

export interface OperatorQueues {
  /** In BULLETIN_QUEUE_NAMES order. */
  readonly all: readonly Queue<unknown>[];
  byName(name: BulletinQueueName): Queue<unknown>;
  /** Closes the queues this object opened (never the shared connection). */
  close(): Promise<void>;
}

/**
 * Handles on every Bulletin queue over `connection` (shared: BullMQ does not close a connection it
 * was given). `existing` reuses a process's fan-out and delivery queues instead of opening others.
 */
export function openOperatorQueues(connection: Redis, prefix: string, existing?: Pick<Queues, "fanout" | "delivery">): OperatorQueues {
  const own = existing ? undefined : openQueues(connection, prefix);
  const core = existing ?? own!;
  const feeds = openFeedsQueue(connection, prefix);
  const byName: Record<BulletinQueueName, Queue<unknown>> = {
    fanout: core.fanout as Queue<unknown>,
    delivery: core.delivery as Queue<unknown>,
    feeds: feeds as Queue<unknown>,
  };
  return {
    all: BULLETIN_QUEUE_NAMES.map((name) => byName[name]),
    byName: (name) => byName[name],
    async close() {
      await Promise.all([feeds.close(), own?.close()]);
    },
  };
}
