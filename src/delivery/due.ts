import type { Redis } from "ioredis";
import type { Logger } from "../log.js";
import { setTimeout as sleep } from "node:timers/promises";
import type { Keys } from "../store/keys.js";
import { takeDue } from "../store/scripts/take-due.js";
import { epochMinute, type Clock } from "../time.js";
import type { Deliverer, ShardRead } from "./deliverer.js";
import { execAll } from "../redis.js";

/** Shards taken from together, and the most due readers taken from each at a time. */
const SHARDS_PER_BATCH = 16;
const READERS_PER_SHARD = 16;
/** Batches a look works on side by side. */
const LANES = 4;
/**
 * How long a taken reader is left alone (minutes): their digest is sent well before (a batch
 * holds at most 256 readers), and a process that dies meanwhile leaves them to be taken again then.
 */
const LEASE_MINUTES = 10;

const MINUTE_MS = 60_000;
/** A look this long into a minute finds what fell due at its start on every process's clock. */
const MINUTE_SLACK_MS = 200;

export interface DueSchedulerDeps {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly deliverer: Deliverer;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Held readers' digests without a timer per reader: every delivery process runs one loop that,
 * every few seconds, looks in the due index of every shard that ever had a held reader
 * (`dueShards`) for readers whose `nextDue` has come, takes them a few at a time (leased, so that
 * the loops of several processes never take the same reader) and visits them. The visit sends
 * their digest through the shared budget, like any delivery, and stores the next due minute.
 * A loop and not a BullMQ job scheduler: an always-delayed job would sit in the delivery queue's
 * counts (the dashboard, /stats, the sandbox's "jobs queued") and mean nothing there.
 */
export class DueScheduler {
  private readonly logger: Logger;
  /** Digests on their way: a stopping process waits for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: DueSchedulerDeps) {
    this.logger = deps.logger.child({ component: "due" });
  }

  /** Scans at the start of every minute and every `intervalMs` until `stopping`, then waits for the digests still in flight. */
  async run(stopping: () => boolean, intervalMs: number): Promise<void> {
    while (!stopping()) {
      try {
        await this.scan(stopping);
      } catch (error) {
        this.logger.error({ err: error }, "looking for due digests failed; trying again");
      }
      // Digests fall due at whole minutes: look again as the next one begins, or after `intervalMs` if sooner.
      const toNextMinute = MINUTE_MS - (this.deps.clock.now() % MINUTE_MS) + MINUTE_SLACK_MS;
      await sleepUnless(stopping, Math.min(intervalMs, toNextMinute));
    }
    await Promise.all(this.inFlight);
  }

  /**
   * One look: takes and visits every reader due now, a batch of shards at a time (the send pool
   * holds the pace), and stops between batches when the process stops. It does not wait for the
   * last sends: the readers it took are leased, so the next look does not take them again.
   */
  async scan(stopping: () => boolean): Promise<void> {
    const now = epochMinute(this.deps.clock.now());
    const shards = await this.dueShards(now);
    // A few lanes side by side, each a shard in LANES: while one reads and plans its next batch, the
    // others' sends keep the pool full (one lane alone would leave a gap at every batch).
    const readers = await Promise.all(
      Array.from({ length: LANES }, (_, lane) =>
        this.scanLane(
          shards.filter((_, i) => i % LANES === lane),
          now,
          stopping,
        ),
      ),
    );
    const total = readers.reduce((a, b) => a + b, 0);
    if (total > 0) this.logger.debug({ readers: total }, "due digests visited");
  }

  /** Takes and visits the due readers of `shards`, a batch at a time, until none is left; answers how many. */
  private async scanLane(shards: readonly number[], now: number, stopping: () => boolean): Promise<number> {
    let readers = 0;
    let left = shards;
    while (left.length > 0 && !stopping()) {
      const more: number[] = [];
      for (let i = 0; i < left.length && !stopping(); i += SHARDS_PER_BATCH) {
        const batch = left.slice(i, i + SHARDS_PER_BATCH);
        const groups = await this.take(batch, now);
        groups.forEach((group, k) => {
          readers += group.records.size;
          if (group.records.size >= READERS_PER_SHARD) more.push(batch[k]!);
        });
        await this.deps.deliverer.visit(groups, this.track);
      }
      left = more;
    }
    return readers;
  }

  private readonly track = (send: Promise<void>): void => {
    this.inFlight.add(send);
    void send.finally(() => this.inFlight.delete(send));
  };

  /** The shards whose due index holds a reader due at minute `now`, ascending. */
  private async dueShards(now: number): Promise<number[]> {
    const known = (await this.deps.redis.smembers(this.deps.keys.dueShards)).map(Number).sort((a, b) => a - b);
    if (known.length === 0) return [];
    const pipeline = this.deps.redis.pipeline();
    for (const shard of known) pipeline.zcount(this.deps.keys.due(shard), "-inf", now);
    const counts = await execAll(pipeline, "looking in the due index");
    return known.filter((_, i) => Number(counts[i] ?? 0) > 0);
  }

  /** Takes (and leases) the due readers of these shards with their records: one script call per shard, one round trip. */
  private async take(shards: readonly number[], now: number): Promise<ShardRead[]> {
    takeDue.ensure(this.deps.redis);
    const pipeline = this.deps.redis.pipeline();
    for (const shard of shards) {
      takeDue.queue(
        this.deps.redis,
        pipeline,
        [this.deps.keys.due(shard), this.deps.keys.chats(shard)],
        [now, now + LEASE_MINUTES, READERS_PER_SHARD],
      );
    }
    const replies = await execAll(pipeline, "taking due readers");
    return shards.map((shard, k) => ({ shard, records: takeDue.decode(replies[k]) }));
  }
}

/** Waits `ms`, or less when `stopping` turns true meanwhile (looked at every 100 ms). */
async function sleepUnless(stopping: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!stopping() && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
}
