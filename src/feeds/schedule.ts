import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Categories } from "../config/categories.js";
import type { Logger } from "../log.js";
import { FEED_JOB_NAME, SCHEDULER_PREFIX, feedJobOptions, schedulerIdOf, type FeedJob } from "../queues.js";
import { feedIdOf, feedKeys } from "../store/keys.js";

/**
 * One job per distinct feed URL in the file. A URL listed under several categories is polled once
 * and its items go to all of them; its interval is the shortest asked for, `sendNewest` the largest.
 */
export function plannedFeeds(categories: Categories, feedInterval: number): FeedJob[] {
  const byId = new Map<string, FeedJob>();
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
 * or category list takes effect), and the schedulers of feeds no longer in the file removed with
 * their pending job. Also records the feeds in the index the CLI and metrics read.
 */
export async function syncFeedSchedulers(
  queue: Queue<FeedJob>,
  redis: Redis,
  prefix: string,
  feeds: readonly FeedJob[],
  logger: Logger,
): Promise<SyncReport> {
  const wanted = new Map(feeds.map((feed) => [schedulerIdOf(feed.feedId), feed]));
  const existing = await queue.getJobSchedulers(0, -1);
  const removed: string[] = [];
  for (const scheduler of existing) {
    const id = scheduler.key;
    if (!id.startsWith(SCHEDULER_PREFIX) || wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    removed.push(id);
    const url = (scheduler.template?.data as Partial<FeedJob> | undefined)?.url;
    logger.info({ scheduler: id, url }, "feed no longer in the categories file: its polling stopped");
  }
  for (const [id, feed] of wanted) {
    await queue.upsertJobScheduler(id, { every: feed.interval * 1000 }, { name: FEED_JOB_NAME, data: feed, opts: feedJobOptions });
  }

  const index = feedKeys(prefix).index;
  const indexed = await redis.hkeys(index);
  const stale = indexed.filter((feedId) => !wanted.has(schedulerIdOf(feedId)));
  const multi = redis.multi();
  if (stale.length > 0) multi.hdel(index, ...stale);
  if (feeds.length > 0) {
    multi.hset(index, Object.fromEntries(feeds.map((f) => [f.feedId, JSON.stringify(f)])));
  }
  await multi.exec();
  return { scheduled: wanted.size, removed };
}
