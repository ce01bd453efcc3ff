import { createHash } from "node:crypto";

/** A feed's stable id: a hash of its URL (as written in the categories file, normalised by URL). */
export type FeedId = string;

export function feedIdOf(url: string): FeedId {
  let normalised = url.trim();
  try {
    normalised = new URL(normalised).href;
  } catch {
    // keep the text as written: an invalid URL still gets an id, and fails when fetched
  }
  return createHash("sha256").update(normalised).digest("hex").slice(0, 20);
}

/**
 * The Redis keys of the feeds role, next to `keys()` of src/store/keys.ts. Every key lives under
 * the `{feeds}` hash tag, so the layout works on Redis Cluster. Per-feed state expires when a feed
 * has not been polled for FEED_STATE_TTL_MS (a feed removed from the file leaves nothing behind).
 */
export function feedKeys(prefix: string) {
  const feeds = `${prefix}:{feeds}`;
  return {
    /** HASH feedId → JSON {url, categories, interval, sendNewest}: the feeds of the file as last started. */
    index: `${feeds}:index`,
    /** HASH: the feed's health and HTTP validators (see FeedHealth in health.ts). */
    health: (feed: FeedId) => `${feeds}:health:${feed}`,
    /** ZSET item key → last time it was in the feed: what this feed has already seen (bounded). */
    seen: (feed: FeedId) => `${feeds}:seen:${feed}`,
    /** STRING with a token, `SET NX PX`: present while one worker polls the feed. */
    lock: (feed: FeedId) => `${feeds}:lock:${feed}`,
  };
}

export type FeedKeys = ReturnType<typeof feedKeys>;
