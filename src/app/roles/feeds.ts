import { Worker, type ConnectionOptions, type Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Categories } from "../../config/categories.js";
import type { Logger } from "../../log.js";
import type { FetchFeedOptions } from "../../feeds/fetch.js";
import { feedIdOf, feedKeys } from "../../store/keys.js";
import { FeedPoller, type ArticleIngestor, type PollOutcome } from "../../feeds/poller.js";
import {
  FEED_JOB_NAME,
  FEEDS_QUEUE_NAME,
  SCHEDULER_PREFIX,
  feedJobOptions,
  feedJobSchema,
  openFeedsQueue,
  schedulerIdOf,
  type FeedJob,
} from "../../queues.js";

/** Polls running at once in one process; a slow feed (up to the fetch timeout) holds one slot. */
export const DEFAULT_CONCURRENCY = 8;

export interface FeedsDeps {
  /** BullMQ's connection (options or an ioredis instance). */
  readonly connection: ConnectionOptions;
  /** KEY_PREFIX: of the feeds queue and of the feeds' keys. */
  readonly prefix: string;
  /** For the role's own commands (locks, health, seen items). */
  readonly redis: Redis;
  readonly categories: Categories;
  readonly ingestor: ArticleIngestor;
  /** FEED_INTERVAL, in seconds: for feeds without their own `interval`. */
  readonly feedInterval: number;
  readonly logger: Logger;
  readonly concurrency?: number;
  readonly fetch?: Omit<FetchFeedOptions, "etag" | "lastModified" | "signal">;
}

export interface FeedsRole {
  /** The feeds as scheduled from the categories file. */
  readonly feeds: readonly FeedJob[];
  close(): Promise<void>;
}

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

/**
 * Starts the feeds role: schedules every feed of the categories file (removing the schedulers of
 * feeds no longer there) and runs a worker that polls them. Any number of processes may run it:
 * each poll takes the feed's lock, so one feed is never polled twice at once.
 */
export async function startFeeds(deps: FeedsDeps): Promise<FeedsRole> {
  const logger = deps.logger.child({ component: "feeds" });
  const feeds = plannedFeeds(deps.categories, deps.feedInterval);
  const queue = openFeedsQueue(deps.connection, deps.prefix);
  queue.on("error", (error) => logger.error({ err: error }, "feeds queue error"));
  const poller = new FeedPoller({
    redis: deps.redis,
    prefix: deps.prefix,
    ingestor: deps.ingestor,
    logger: deps.logger,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

  const index = feedKeys(deps.prefix).index;
  let worker: Worker<FeedJob, PollOutcome | undefined> | undefined;
  try {
    const report = await syncFeedSchedulers(queue, deps.redis, deps.prefix, feeds, logger);
    logger.info({ feeds: report.scheduled, removed: report.removed.length }, "feeds scheduled");

    worker = new Worker<FeedJob, PollOutcome | undefined>(
      FEEDS_QUEUE_NAME,
      async (job) => {
        const parsed = feedJobSchema.safeParse(job.data);
        if (!parsed.success) {
          logger.error({ job: job.id, issues: parsed.error.issues }, "malformed feed job ignored");
          return undefined;
        }
        // A job queued before its feed left the file (removing a scheduler keeps a waiting job).
        if ((await deps.redis.hexists(index, parsed.data.feedId)) === 0) {
          logger.info({ url: parsed.data.url }, "poll of a feed no longer in the categories file ignored");
          return undefined;
        }
        return poller.poll(parsed.data);
      },
      { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY },
    );
    worker.on("error", (error) => logger.error({ err: error }, "feeds worker error"));
    worker.on("failed", (job, error) => logger.error({ job: job?.id, err: error }, "feed job failed"));
    await worker.waitUntilReady();
  } catch (error) {
    await worker?.close();
    await queue.close();
    throw error;
  }

  const running = worker;
  return {
    feeds,
    async close() {
      poller.abort();
      await running.close();
      await queue.close();
    },
  };
}
