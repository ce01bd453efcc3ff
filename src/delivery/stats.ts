import type { Redis } from "ioredis";
import type { Keys } from "../store/keys.js";

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
  | "expired_article";

const FLUSH_INTERVAL_MS = 250;

/**
 * Counts are summed in memory and written to Redis a few times a second (and on stop), so that
 * counting costs a send nothing at thousands of messages per second.
 */
export class DeliveryStats {
  private pending = new Map<DeliveryEvent, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  count(event: DeliveryEvent, by = 1): void {
    if (by === 0) return;
    this.pending.set(event, (this.pending.get(event) ?? 0) + by);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const counts = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    for (const [event, by] of counts) pipeline.hincrby(this.keys.counters, event, by);
    await pipeline.exec();
  }

  async read(): Promise<Partial<Record<DeliveryEvent, number>>> {
    const raw = await this.redis.hgetall(this.keys.counters);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
