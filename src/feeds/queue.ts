import { Queue, type ConnectionOptions, type JobSchedulerTemplateOptions } from "bullmq";
import { z } from "zod";
import type { FeedId } from "./keys.js";

/** The feeds queue: one Job Scheduler per feed URL makes a `poll` job every interval. */
export const FEEDS_QUEUE_NAME = "feeds";
export const FEED_JOB_NAME = "poll";

/** Every scheduler this role owns has an id with this prefix; others in the queue are left alone. */
export const SCHEDULER_PREFIX = "feed-";

export const schedulerIdOf = (feed: FeedId): string => `${SCHEDULER_PREFIX}${feed}`;

/** One poll of one feed: everything a worker needs, so that any worker process can run it. */
export const feedJobSchema = z.object({
  feedId: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  /** Every category that lists this URL: an item is ingested once, into all of them. */
  categories: z.array(z.string().min(1)).min(1),
  /** Seconds between polls (the feed's own `interval`, else FEED_INTERVAL). */
  interval: z.number().int().positive(),
  /** How many of the current items the first poll sends (0: none, only record them as seen). */
  sendNewest: z.number().int().min(0),
});
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
