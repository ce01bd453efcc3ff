import { Worker, type ConnectionOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { Categories } from "../../config/categories.js";
import { fetchPolicyOf, type FetchFeedOptions } from "../../feeds/fetch.js";
import { FeedPoller, type ArticleIngestor, type PollOutcome } from "../../feeds/poller.js";
import { plannedFeeds, readIndexedFeed, syncFeedSchedulers, type Feed } from "../../feeds/schedule.js";
import type { Logger } from "../../log.js";
import { FEEDS_QUEUE_NAME, feedJobSchema, openFeedsQueue, type FeedJob } from "../../queues.js";
import type { Runtime } from "../runtime.js";
import type { RunningRole } from "./index.js";

/** Polls running at once in one process; a slow feed (up to the fetch timeout) holds one slot. */
export const DEFAULT_CONCURRENCY = 8;

export interface FeedsDeps {
  /** BullMQ's connection (options or an ioredis instance). */
  readonly connection: ConnectionOptions;
  /** KEY_PREFIX: of the feeds' keys (and of the feeds queue unless queuePrefix says otherwise). */
  readonly prefix: string;
  /** BullMQ's prefix on a Redis Cluster (`{KEY_PREFIX}`); default: prefix. */
  readonly queuePrefix?: string;
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
  readonly feeds: readonly Feed[];
  close(): Promise<void>;
}

/**
 * Starts the feeds role: schedules every feed of the categories file (removing the schedulers of
 * feeds no longer there) and runs a worker that polls them. Any number of processes may run it:
 * each poll takes the feed's lock, so one feed is never polled twice at once.
 */
export async function startFeeds(deps: FeedsDeps): Promise<FeedsRole> {
  const logger = deps.logger.child({ component: "feeds" });
  const feeds = plannedFeeds(deps.categories, deps.feedInterval);
  const queuePrefix = deps.queuePrefix ?? deps.prefix;
  const queue = openFeedsQueue(deps.connection, queuePrefix);
  queue.on("error", (error) => logger.error({ err: error }, "feeds queue error"));
  const poller = new FeedPoller({
    redis: deps.redis,
    prefix: deps.prefix,
    ingestor: deps.ingestor,
    logger: deps.logger,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

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
        // The job names the feed; what to fetch and where its items go come from the index only.
        const { feedId } = parsed.data;
        const indexed = await readIndexedFeed(deps.redis, deps.prefix, feedId);
        if (indexed.status === "unknown") {
          // A job queued before its feed left the file (removing a scheduler keeps a waiting job), or
          // one made by hand. It completes without a poll, so it is not retried.
          logger.warn({ job: job.id, feedId }, "poll of a feed not in the categories file refused");
          return undefined;
        }
        if (indexed.status === "invalid") {
          logger.error({ job: job.id, feedId, problem: indexed.problem }, "the feeds index holds an invalid feed: poll refused");
          return undefined;
        }
        return poller.poll(indexed.feed);
      },
      { connection: deps.connection, prefix: queuePrefix, concurrency: deps.concurrency ?? DEFAULT_CONCURRENCY },
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

/** The feeds role of a Bulletin process, on its runtime. */
export async function startFeedsRole(runtime: Runtime): Promise<RunningRole> {
  const { config } = runtime;
  const feeds = await startFeeds({
    connection: runtime.connect(),
    prefix: config.keyPrefix,
    queuePrefix: runtime.queuePrefix,
    redis: runtime.redis,
    categories: runtime.categories,
    ingestor: runtime.ingestor,
    feedInterval: config.feedInterval,
    logger: runtime.logger,
    fetch: fetchPolicyOf(config.feedAllowPrivate, runtime.redisUrl),
  });
  return { role: "feeds", stop: () => feeds.close() };
}
