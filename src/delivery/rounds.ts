import type { Redis } from "ioredis";
import type { CategorySlug } from "../ids.js";
import type { Keys, Lane } from "../store/keys.js";
import { finishChunk, touchRound, type RoundReply } from "../store/scripts/rounds.js";

/**
 * Delivery happens in rounds: a round of a category visits every subscriber once, shard by shard,
 * in at most MAX_CHUNKS chunk jobs. An article arriving while a round runs only marks the category
 * dirty; when the round ends, one more round starts and carries every article that came meanwhile.
 * So the work queued in Redis is bounded by the number of subscribers' shards, never by articles ×
 * readers, and a reader gets at most one message per round (a digest when several are waiting).
 * The round scripts get MAX_CHUNKS with each call, so they count a round's chunks as this file splits them.
 */
export const MAX_CHUNKS = 256;

/** Splits ascending shard numbers into at most `maxChunks` contiguous chunks of near-equal size. */
export function splitIntoChunks(shards: readonly number[], maxChunks = MAX_CHUNKS): number[][] {
  if (shards.length === 0) return [];
  const size = Math.ceil(shards.length / maxChunks);
  const chunks: number[][] = [];
  for (let start = 0; start < shards.length; start += size) chunks.push(shards.slice(start, start + size));
  return chunks;
}

export interface RoundStart {
  readonly round: number;
  readonly chunks: number[][];
}

export type RoundDecision =
  { readonly kind: "start"; readonly start: RoundStart } | { readonly kind: "joined" | "empty" | "pending" | "done" | "stale" };

function decide(reply: RoundReply<Exclude<RoundDecision["kind"], "start">>): RoundDecision {
  return reply.kind === "start" ? { kind: "start", start: { round: reply.round, chunks: splitIntoChunks(reply.shards) } } : reply;
}

/**
 * Both operations are idempotent for their caller: a fan-out job or chunk job that is retried
 * after a crash gets the same decision again, so a round is never lost nor started twice.
 */
export class Rounds {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private roundKeys(slug: CategorySlug, lane: Lane): [round: string, pendingChunks: string, shardIndex: string] {
    return [this.keys.round(slug, lane), this.keys.roundChunks(slug, lane), this.keys.subscriberShards(slug)];
  }

  /** A new article for `slug`: start a round, or mark the running one for another pass. */
  async touch(slug: CategorySlug, lane: Lane, article: string): Promise<RoundDecision> {
    return decide(await touchRound.run(this.redis, this.roundKeys(slug, lane), [article, MAX_CHUNKS]));
  }

  /** A chunk visited all its shards: finish the round when it was the last, maybe start the next. */
  async finish(slug: CategorySlug, lane: Lane, round: number, chunk: number): Promise<RoundDecision> {
    return decide(await finishChunk.run(this.redis, this.roundKeys(slug, lane), [round, chunk, MAX_CHUNKS]));
  }
}
