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

export class DeliveryStats {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  count(event: DeliveryEvent, by = 1): void {
    // Counting must never hold up or fail a delivery: fire and forget, errors only logged by ioredis.
    this.redis.hincrby(this.keys.counters, event, by).catch(() => undefined);
  }

  async read(): Promise<Partial<Record<DeliveryEvent, number>>> {
    const raw = await this.redis.hgetall(this.keys.counters);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
