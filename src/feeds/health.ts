import type { Redis } from "ioredis";
import { feedIdOf, feedKeys, type FeedId } from "../store/keys.js";
import { execAll } from "../redis.js";

/** How long a feed's state (health, seen items) outlives its last poll. */
export const FEED_STATE_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * A feed's health as operators see it (CLI `feeds list`, later the metrics endpoint). Stored as a
 * Redis hash of strings; times are epoch milliseconds.
 */
export interface FeedHealth {
  readonly feedId: FeedId;
  readonly url?: string;
  readonly title?: string;
  readonly lastPollAt?: number;
  readonly lastSuccessAt?: number;
  readonly consecutiveFailures: number;
  readonly lastError?: string;
  readonly lastErrorAt?: number;
  /** Distinct items this feed has shown Bulletin since it was added. */
  readonly itemsSeen: number;
  /** Items that became new articles (not duplicates of another feed's or a push). */
  readonly itemsSent: number;
  /** Items in the document at the last successful poll. */
  readonly lastItemCount?: number;
  /** "200", "304", "HTTP 500", "timeout", "parse", … */
  readonly lastStatus?: string;
  readonly etag?: string;
  readonly lastModified?: string;
  /** While backing off: the scheduled polls before this time are skipped. */
  readonly nextAttemptAt?: number;
  /** Where the feed's redirects ended, when it redirects. */
  readonly redirectedTo?: string;
  /** False until the first successful poll recorded the feed's items. */
  readonly initialized: boolean;
}

/** The hash fields, one name per FeedHealth property. */
export const HEALTH_FIELDS = {
  url: "url",
  title: "title",
  lastPollAt: "lastPollAt",
  lastSuccessAt: "lastSuccessAt",
  consecutiveFailures: "consecutiveFailures",
  lastError: "lastError",
  lastErrorAt: "lastErrorAt",
  itemsSeen: "itemsSeen",
  itemsSent: "itemsSent",
  lastItemCount: "lastItemCount",
  lastStatus: "lastStatus",
  etag: "etag",
  lastModified: "lastModified",
  nextAttemptAt: "nextAttemptAt",
  redirectedTo: "redirectedTo",
  initialized: "initialized",
} as const satisfies Record<Exclude<keyof FeedHealth, "feedId">, string>;

function int(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function text(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

export function healthFromHash(feedId: FeedId, hash: Readonly<Record<string, string>>): FeedHealth {
  const f = HEALTH_FIELDS;
  const optional = {
    url: text(hash[f.url]),
    title: text(hash[f.title]),
    lastPollAt: int(hash[f.lastPollAt]),
    lastSuccessAt: int(hash[f.lastSuccessAt]),
    lastError: text(hash[f.lastError]),
    lastErrorAt: int(hash[f.lastErrorAt]),
    lastItemCount: int(hash[f.lastItemCount]),
    lastStatus: text(hash[f.lastStatus]),
    etag: text(hash[f.etag]),
    lastModified: text(hash[f.lastModified]),
    nextAttemptAt: int(hash[f.nextAttemptAt]),
    redirectedTo: text(hash[f.redirectedTo]),
  };
  return {
    feedId,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    consecutiveFailures: int(hash[f.consecutiveFailures]) ?? 0,
    itemsSeen: int(hash[f.itemsSeen]) ?? 0,
    itemsSent: int(hash[f.itemsSent]) ?? 0,
    initialized: hash[f.initialized] === "1",
  };
}

export async function readFeedHealth(redis: Redis, prefix: string, feedId: FeedId): Promise<FeedHealth> {
  const hash = await redis.hgetall(feedKeys(prefix).health(feedId));
  return healthFromHash(feedId, hash);
}

/** The health of each URL (a feed never polled has zero counts and no times). */
export async function listFeedHealth(redis: Redis, prefix: string, urls: readonly string[]): Promise<FeedHealth[]> {
  if (urls.length === 0) return [];
  const keys = feedKeys(prefix);
  const pipeline = redis.pipeline();
  const ids = urls.map((url) => feedIdOf(url));
  for (const id of ids) pipeline.hgetall(keys.health(id));
  const replies = await execAll(pipeline, "reading feed health");
  return ids.map((id, i) => {
    const hash = replies[i];
    const record = hash && typeof hash === "object" ? (hash as Record<string, string>) : {};
    const health = healthFromHash(id, record);
    return health.url ? health : { ...health, url: urls[i] };
  });
}
