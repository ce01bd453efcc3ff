import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Categories } from "../config/categories.js";
import type { Logger } from "../log.js";
import { FEED_JOB_NAME, SCHEDULER_PREFIX, feedJobOptions, schedulerIdOf, type FeedJob } from "../queues.js";
import { feedIdOf, feedKeys, type FeedId } from "../store/keys.js";
import { execAll } from "../redis.js";

/** One feed as the categories file defines it: what a poll needs. Stored as JSON in the feeds index. */
export const feedSchema = z.object({
  feedId: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  /** Every category that lists this URL: an item is ingested once, into all of them. */
  categories: z.array(z.string().min(1)).min(1),
  /** Seconds between polls (the feed's own `interval`, else FEED_INTERVAL). */
  interval: z.number().int().positive(),
  /** How many of the current items the first poll sends (0: none, only record them as seen). */
  sendNewest: z.number().int().min(0),
});
export type Feed = z.infer<typeof feedSchema>;

/**
 * One feed per distinct URL in the file. A URL listed under several categories is polled once and
 * its items go to all of them; its interval is the shortest asked for, `sendNewest` the largest.
 */
export function plannedFeeds(categories: Categories, feedInterval: number): Feed[] {
  const byId = new Map<string, Feed>();
  for (const category of categories.list) {
    for (const source of category.feeds) {
      const feedId = feedIdOf(source.url);
      const interval = source.interval ?? feedInterval;
      const sendNewest = source.sendNewest ?? 0;
      const known = byId.get(feedId);
      if (known) {
        byId.set(feedId, {
          ...known,
          categories: known.categories.includes(category.slug) ? known.categories : [...known.categories, category.slug],
          interval: Math.min(known.interval, interval),
          sendNewest: Math.max(known.sendNewest, sendNewest),
        });
      } else {
        byId.set(feedId, { feedId, url: source.url, categories: [category.slug], interval, sendNewest });
      }
    }
  }
  return [...byId.values()];
}

export interface SyncReport {
  readonly scheduled: number;
  readonly removed: readonly string[];
}

/**
 * Makes the queue's Job Schedulers match the file: one per feed (upserted, so a changed interval
 * takes effect), and the schedulers of feeds no longer in the file removed with their pending job.
 * The feeds themselves go to the index, which polls, the CLI and metrics read; a job holds only
 * the feed's id.
 */
export async function syncFeedSchedulers(
  queue: Queue<FeedJob>,
  redis: Redis,
  prefix: string,
  feeds: readonly Feed[],
  logger: Logger,
): Promise<SyncReport> {
  const index = feedKeys(prefix).index;
  const wanted = new Map(feeds.map((feed) => [schedulerIdOf(feed.feedId), feed]));
  const existing = await queue.getJobSchedulers(0, -1);
  const removed: string[] = [];
  for (const scheduler of existing) {
    const id = scheduler.key;
    if (!id.startsWith(SCHEDULER_PREFIX) || wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed.push(id);
    const feedId = id.slice(SCHEDULER_PREFIX.length);
    const indexed = await readIndexedFeed(redis, prefix, feedId);
    const url = indexed.status === "found" ? indexed.feed.url : undefined;
    logger.info({ scheduler: id, url }, "feed no longer in the categories file: its polling stopped");
  }

  const indexed = await redis.hkeys(index);
  const stale = indexed.filter((feedId) => !wanted.has(schedulerIdOf(feedId)));
  const multi = redis.multi();
  if (stale.length > 0) multi.hdel(index, ...stale);
  if (feeds.length > 0) {
    multi.hset(index, Object.fromEntries(feeds.map((f) => [f.feedId, JSON.stringify(f)])));
  }
  await execAll(multi, "updating the feed index");
  // The index first: a job the new schedulers make finds its feed there.
  for (const [id, feed] of wanted) {
    const data: FeedJob = { feedId: feed.feedId };
    await queue.upsertJobScheduler(id, { every: feed.interval * 1000 }, { name: FEED_JOB_NAME, data, opts: feedJobOptions });
  }
  return { scheduled: wanted.size, removed };
}

export type IndexedFeed =
  | { readonly status: "found"; readonly feed: Feed }
  | { readonly status: "unknown" }
  | { readonly status: "invalid"; readonly problem: string };

/** A feed of the index by its id: what a poll job's id stands for. */
export async function readIndexedFeed(redis: Redis, prefix: string, feedId: FeedId): Promise<IndexedFeed> {
  const json = await redis.hget(feedKeys(prefix).index, feedId);
  if (json === null) return { status: "unknown" };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { status: "invalid", problem: "not JSON" };
  }
  const parsed = feedSchema.safeParse(raw);
  if (!parsed.success)
    return { status: "invalid", problem: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  if (parsed.data.feedId !== feedId) return { status: "invalid", problem: `recorded under ${feedId} but names ${parsed.data.feedId}` };
  return { status: "found", feed: parsed.data };
}
