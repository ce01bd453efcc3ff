import type { Redis } from "ioredis";
import { articleId, type CategorySlug, type Platform } from "../ids.js";
import type { Logger } from "../log.js";
import { JOB_NAMES, PRIORITY, type ChunkJob, type Queues } from "../queues.js";
import type { Keys, Lane } from "../store/keys.js";
import type { ArticleCache } from "./articles.js";
import type { Deliverer, ShardRead } from "./deliverer.js";
import { readShards } from "../store/scripts/read-shards.js";
import type { RoundStart, Rounds } from "./rounds.js";
import type { Timings } from "./timings.js";

/** Chats a chunk reads together: enough to keep the send pool busy, few enough that a slice ending early wasted little. */
const CHATS_PER_READ = 1024;
/** Sparse shards (a small category): read many at once, in one script call (one per slot on a cluster). */
const MAX_SHARDS_PER_READ = 128;

/**
 * How many shards a chunk reads next, from the chats per shard it has read so far: one at first,
 * then as many as hold about CHATS_PER_READ chats (16 shards of 61 at a million readers, one of 610
 * at ten million). A time slice mostly ends inside a read, and its continuation reads that shard
 * again: a fixed 16 crowded shards would read some 10,000 chats to send a few hundred.
 */
export function shardsPerRead(chatsRead: number, shardsRead: number): number {
  if (shardsRead === 0) return 1;
  const perShard = Math.max(1, chatsRead / shardsRead);
  return Math.min(MAX_SHARDS_PER_READ, Math.max(1, Math.floor(CHATS_PER_READ / perShard)));
}

/** One platform's subscribers as fan-out reaches them: that platform's keys and deliverer. */
export interface PlatformDelivery {
  readonly platform: Platform;
  readonly keys: Keys;
  readonly deliverer: Deliverer;
}

export interface FanoutDeps {
  readonly redis: Redis;
  /** The shared keys (articles, rounds). */
  readonly keys: Keys;
  readonly rounds: Rounds;
  readonly articles: ArticleCache;
  /**
   * The platforms delivered to, Telegram first: a chunk visits each shard's Telegram subscribers,
   * then its Bale ones, so one round of a category reaches both.
   */
  readonly platforms: readonly PlatformDelivery[];
  readonly queues: Pick<Queues, "delivery">;
  readonly timings: Timings;
  readonly logger: Logger;
  /** A chunk job hands its remaining shards to a new job after this long, so big rounds never hog a worker. */
  readonly sliceMs?: number;
}

/**
 * A chunk job's id and priority. The id counts slices, not shards: a slice can end inside the shard
 * it began with (a crowded shard, a low SEND_RATE), and a continuation named after that shard would
 * share the running job's id, which BullMQ ignores, and the round would stall. A job retried after a
 * crash adds the same ids again, which BullMQ ignores as it should.
 */
function chunkJobOptions(job: ChunkJob): { jobId: string; priority: number } {
  const first = `chunk-${job.slug}-${job.lane}-${job.round}-${job.chunk}`;
  return {
    jobId: job.slice === 0 ? first : `${first}-slice-${job.slice}`,
    priority: job.lane === "breaking" ? PRIORITY.breakingChunk(job.chunk) : PRIORITY.normalChunk(job.chunk),
  };
}

/** Turns accepted articles into delivery rounds, and runs the rounds' chunks. */
export class Fanout {
  private readonly logger: Logger;
  private readonly sliceMs: number;

  constructor(private readonly deps: FanoutDeps) {
    this.logger = deps.logger.child({ component: "fanout" });
    this.sliceMs = deps.sliceMs ?? 1000;
  }

  /** An article was accepted: every category it belongs to gets (or joins) a round. */
  async article(id: string): Promise<void> {
    const started = performance.now();
    const article = await this.deps.articles.get(articleId(id));
    if (!article) {
      this.logger.warn({ id }, "article to fan out is gone (expired); nothing to do");
      return;
    }
    // A duplicate pushed while the first fan-out was finishing can queue a second job (ingest's
    // ensureFannedOut): the rounds are started already.
    if ((await this.deps.redis.hget(this.deps.keys.article(article.id), "fanned")) !== null) {
      this.logger.debug({ id }, "article fanned out already");
      return;
    }
    const lane: Lane = article.priority === "breaking" ? "breaking" : "normal";
    for (const slug of article.categories) {
      const decision = await this.deps.rounds.touch(slug, lane, id);
      if (decision.kind === "start") await this.enqueueRound(slug, lane, decision.start);
      this.logger.debug({ id, slug, lane, decision: decision.kind }, "fan-out");
    }
    await this.deps.redis.hset(this.deps.keys.article(article.id), "fanned", "1");
    this.deps.timings.observe("fanout", (performance.now() - started) / 1000);
  }

  private async enqueueRound(slug: CategorySlug, lane: Lane, start: RoundStart): Promise<void> {
    await this.deps.queues.delivery.addBulk(
      start.chunks.map((shards, chunk) => {
        const data = { slug, lane, round: start.round, chunk, shards, slice: 0 };
        return { name: JOB_NAMES.chunk, data, opts: chunkJobOptions(data) };
      }),
    );
    this.logger.debug({ slug, lane, round: start.round, chunks: start.chunks.length }, "round started");
  }

  /**
   * Visits the subscribers in a chunk's shards. After `sliceMs` (or when the process is stopping)
   * it stops starting sends and the shards not yet served go to a continuation job, so that other
   * categories' chunks get their turn and a stopping process only finishes what is in flight.
   */
  async chunk(job: ChunkJob, stopping: () => boolean): Promise<void> {
    const slug = job.slug as CategorySlug;
    const started = Date.now();
    const sends: Promise<void>[] = [];
    // At least one send per job, so that a continuation always makes progress.
    const shouldStop = () => sends.length > 0 && (stopping() || Date.now() - started > this.sliceMs);
    let chatsRead = 0;
    for (let i = 0; i < job.shards.length;) {
      const shards = job.shards.slice(i, i + shardsPerRead(chatsRead, i));
      const reads = await this.readShards(slug, shards);
      chatsRead += reads.flat().reduce((sum, group) => sum + group.records.size, 0);
      // Served: the shards every platform finished (a continuation visits the rest again; visits are idempotent).
      let served = shards.length;
      for (const [k, { deliverer }] of this.deps.platforms.entries()) {
        served = Math.min(served, await deliverer.visit(reads[k]!, (send) => sends.push(send), shouldStop));
      }
      if (served < shards.length || (shouldStop() && i + shards.length < job.shards.length)) {
        await Promise.all(sends);
        await this.continueLater(job, job.shards.slice(i + served));
        return;
      }
      i += shards.length;
    }
    await Promise.all(sends);
    const next = await this.deps.rounds.finish(slug, job.lane, job.round, job.chunk);
    if (next.kind === "start") await this.enqueueRound(slug, job.lane, next.start);
  }

  /**
   * The subscribers of `slug` in these shards with their records, per platform (in `platforms`'
   * order): one script call for them all (one per shard on a cluster), one round trip.
   */
  private async readShards(slug: CategorySlug, shards: readonly number[]): Promise<ShardRead[][]> {
    const calls = this.deps.platforms.flatMap(({ keys }) =>
      shards.map((shard) => ({ keys: [keys.subscribers(slug, shard), keys.chats(shard)] as const, args: [] as const })),
    );
    const records = await readShards.runAll(this.deps.redis, calls);
    return this.deps.platforms.map((_, p) => shards.map((shard, k) => ({ shard, records: records[p * shards.length + k]! })));
  }

  private async continueLater(job: ChunkJob, rest: readonly number[]): Promise<void> {
    const next: ChunkJob = { ...job, shards: [...rest], slice: job.slice + 1 };
    this.logger.debug(
      { slug: job.slug, round: job.round, chunk: job.chunk, slice: next.slice, from: rest[0], shards: rest.length },
      "time slice used up; the chunk continues in a new job",
    );
    await this.deps.queues.delivery.add(JOB_NAMES.chunk, next, chunkJobOptions(next));
  }
}
