import { Queue, type ConnectionOptions, type DefaultJobOptions } from "bullmq";
import { z } from "zod";
import { SHARDS } from "./store/keys.js";

/** Queue names and job payloads: the one definition every producer and worker imports. */
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
  shards: z.array(z.number().int().min(0).max(SHARDS - 1)),
  /** How many time slices of this chunk ran before this job (continuations count up). */
  slice: z.number().int().nonnegative().default(0),
});
export type ChunkJob = z.infer<typeof chunkJobSchema>;

/** A second look at one chat that had to wait (pacing, a retry). */
export const visitJobSchema = z.object({ chatId: z.number().int() });
export type VisitJob = z.infer<typeof visitJobSchema>;

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
