import type { ArticleId } from "../ids.js";
import type { StoredArticle } from "../ingest/article.js";
import type { DelivererDeps } from "./deliverer.js";

/** Bounds the memory of what this process knows: an article forgotten costs one more Redis check, not a second observation. */
const FIRST_DELIVERY_KNOWN_MAX = 10_000;

/**
 * How long each article took to reach a chat, and the first chat it reached across all processes:
 * the first process to mark the article observes the time since its ingest (each process asks
 * Redis once per article).
 */
export class DeliveryTimes {
  /** Articles whose first delivery this process has seen recorded. */
  private readonly firstDeliveryKnown = new Set<ArticleId>();

  constructor(private readonly deps: Pick<DelivererDeps, "redis" | "keys" | "timings">) {}

  /** `articles` were just accepted by Telegram for one chat. */
  async record(articles: readonly StoredArticle[]): Promise<void> {
    const delivered = Date.now();
    for (const article of articles) this.deps.timings.observe("ingest_to_delivery", Math.max(0, delivered - article.receivedAt) / 1000);
    const fresh = articles.filter((a) => !this.firstDeliveryKnown.has(a.id));
    if (fresh.length === 0) return;
    if (this.firstDeliveryKnown.size > FIRST_DELIVERY_KNOWN_MAX) this.firstDeliveryKnown.clear();
    const now = Date.now();
    for (const article of fresh) {
      this.firstDeliveryKnown.add(article.id);
      if ((await this.deps.redis.hsetnx(this.deps.keys.article(article.id), "firstDeliveredAt", now)) === 1) {
        this.deps.timings.observe("ingest_to_first_delivery", Math.max(0, now - article.receivedAt) / 1000);
      }
    }
  }
}
