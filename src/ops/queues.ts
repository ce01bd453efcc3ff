import type { Queue } from "bullmq";
import { FEEDS_QUEUE_NAME, openFeedsQueue } from "../feeds/queue.js";
import { QUEUE_NAMES, openQueues, type Queues } from "../queues.js";
import type { Redis } from "../redis.js";

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
