import type { Redis } from "ioredis";
import type { Platform } from "../ids.js";
import type { Logger } from "../log.js";
import { execAll } from "../redis.js";
import type { Keys } from "../store/keys.js";
import { FlushTimer } from "./flush-timer.js";

/** Delivery outcomes operators count: one Redis hash of counters shared by all processes. */
export type DeliveryEvent =
  | "sent"
  | "sent_digest"
  | "articles_delivered"
  | "chat_gone_blocked"
  | "chat_gone_deactivated"
  | "chat_gone_kicked"
  | "chat_gone_not_found"
  | "chat_gone_forbidden"
  | "chat_migrated"
  | "rate_limited"
  | "transient_error"
  | "bad_request"
  | "photo_fallback"
  | "expired_article"
  | "corrupt_record";

const FLUSH_INTERVAL_MS = 250;

/**
 * A platform's counter field for `event`: Telegram's as it always was (`sent`), other platforms'
 * with their name after it (`sent:bale`), in the same hash.
 */
export function counterField(event: DeliveryEvent, platform: Platform = "telegram"): string {
  return platform === "telegram" ? event : `${event}:${platform}`;
}

/**
 * Counts are summed in memory and written to Redis a few times a second (and on stop), so that
 * counting costs a send nothing at thousands of messages per second. One per platform; the recent
 * send rate (`sendsInMinute`) counts every platform's messages together.
 */
export class DeliveryStats {
  private pending = new Map<DeliveryEvent, number>();
  /** Messages sent per unix second, for the recent send rate. */
  private sendsBySecond = new Map<number, number>();
  private readonly flushTimer: FlushTimer;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    logger: Logger,
    private readonly platform: Platform = "telegram",
  ) {
    this.flushTimer = new FlushTimer(
      () => this.flush(),
      FLUSH_INTERVAL_MS,
      (error) => logger.warn({ err: error }, "delivery counters not stored: operators' counts miss them"),
    );
  }

  count(event: DeliveryEvent, by = 1): void {
    if (by === 0) return;
    this.pending.set(event, (this.pending.get(event) ?? 0) + by);
    if (event === "sent" || event === "sent_digest") {
      const second = Math.floor(Date.now() / 1000);
      this.sendsBySecond.set(second, (this.sendsBySecond.get(second) ?? 0) + by);
    }
    this.flushTimer.schedule();
  }

  async flush(): Promise<void> {
    this.flushTimer.clear();
    if (this.pending.size === 0) return;
    const counts = this.pending;
    const seconds = this.sendsBySecond;
    this.pending = new Map();
    this.sendsBySecond = new Map();
    const pipeline = this.redis.pipeline();
    for (const [event, by] of counts) pipeline.hincrby(this.keys.counters, counterField(event, this.platform), by);
    for (const [second, by] of seconds) {
      const key = this.keys.sendsInMinute(Math.floor(second / 60));
      pipeline.hincrby(key, String(second), by);
      pipeline.expire(key, 180);
    }
    await execAll(pipeline, "storing delivery counters");
  }
}

/** Messages sent (all processes) in the 60 seconds before `now` (ms). */
export async function sentInLastMinute(redis: Redis, keys: Keys, now: number): Promise<number> {
  const second = Math.floor(now / 1000);
  const minute = Math.floor(second / 60);
  const [current, previous] = await Promise.all([redis.hgetall(keys.sendsInMinute(minute)), redis.hgetall(keys.sendsInMinute(minute - 1))]);
  let sent = 0;
  for (const [at, count] of [...Object.entries(current), ...Object.entries(previous)]) {
    if (Number(at) > second - 60 && Number(at) <= second) sent += Number(count);
  }
  return sent;
}
