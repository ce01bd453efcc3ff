import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { IngestOutcome } from "../ingest/ingest.js";
import type { ArticleSource } from "../ingest/article.js";
import type { Logger } from "../log.js";
import { releaseLock } from "../store/scripts/release-lock.js";
import { fetchFeed, type FetchFeedOptions, type FetchResult } from "./fetch.js";
import { FEED_STATE_TTL_MS, HEALTH_FIELDS as F, readFeedHealth, type FeedHealth } from "./health.js";
import { feedKeys, type FeedKeys } from "../store/keys.js";
import { toArticleInput, type FeedItem, type ParsedFeed, type SkippedItem } from "./parse.js";
import { PARSE_TIME_LIMIT_MS, sharedFeedParser, type FeedParser } from "./parse-thread.js";
import type { Feed } from "./schedule.js";
import { execAll } from "../redis.js";

/** The longest a failing feed waits between two attempts (unless its own interval is longer). */
export const BACKOFF_CAP_MS = 60 * 60 * 1000;
/** Item keys remembered per feed; far above what one document holds (parse.MAX_ITEMS). */
export const SEEN_MAX = 2000;
/** A scheduled poll up to this share of the interval early still counts as due. */
const DUE_TOLERANCE = 0.2;

/** What the poller needs of the Ingestor: the one way an article enters Bulletin. */
export interface ArticleIngestor {
  ingest(raw: unknown, source: ArticleSource): Promise<IngestOutcome>;
}

export interface PollerDeps {
  readonly redis: Redis;
  readonly prefix: string;
  readonly ingestor: ArticleIngestor;
  readonly logger: Logger;
  /** Timeout, size cap, redirects, User-Agent (fetch.ts defaults otherwise). */
  readonly fetch?: Omit<FetchFeedOptions, "etag" | "lastModified" | "signal">;
  /** Where documents are parsed: the process's parser thread unless given. */
  readonly parser?: FeedParser;
  readonly now?: () => number;
}

export type PollOutcome =
  | { readonly status: "locked" }
  | { readonly status: "aborted" }
  | { readonly status: "backing-off"; readonly until: number }
  | { readonly status: "not-modified" }
  | { readonly status: "failed"; readonly error: string; readonly consecutiveFailures: number; readonly nextAttemptAt: number }
  | {
      readonly status: "polled";
      readonly firstPoll: boolean;
      readonly items: number;
      readonly newItems: number;
      /** Article ids that the Ingestor accepted, in the order they were sent (oldest first). */
      readonly accepted: readonly string[];
      readonly duplicates: number;
      readonly rejected: number;
      readonly skipped: readonly SkippedItem[];
    };

/** Failure n waits interval × 2^(n−1) after the failed attempt (so the first failure changes nothing), capped. */
export function backoffDelayMs(consecutiveFailures: number, intervalMs: number): number {
  if (consecutiveFailures <= 1) return 0;
  const cap = Math.max(BACKOFF_CAP_MS, intervalMs);
  return Math.min(intervalMs * 2 ** (consecutiveFailures - 1), cap);
}

/** Newest last: by publication date when every item has one, else by document order reversed. */
export function oldestFirst(items: readonly FeedItem[]): FeedItem[] {
  const dated = items.every((i) => i.publishedAt !== undefined);
  return [...items].sort((a, b) => {
    if (dated) {
      const byDate = (a.publishedAt ?? "").localeCompare(b.publishedAt ?? "");
      if (byDate !== 0) return byDate;
    }
    return b.index - a.index;
  });
}

/** The key a skipped item is remembered by, so that it is logged once and not at every poll. */
function skippedKey(item: SkippedItem): string {
  return `skipped:${item.guid ?? item.title ?? `#${item.index}`}`;
}

/**
 * Polls one feed: lock, conditional fetch, parse, and every new item through the Ingestor
 * (oldest first), then the feed's health. Never throws: a failure is recorded (consecutive
 * failures, last error, back-off) and the next scheduled poll tries again.
 */
export class FeedPoller {
  private readonly logger: Logger;
  private readonly keys: FeedKeys;
  private readonly shutdown = new AbortController();

  constructor(private readonly deps: PollerDeps) {
    this.logger = deps.logger.child({ component: "feeds" });
    this.keys = feedKeys(deps.prefix);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Aborts the fetches in flight (shutdown); their polls record nothing. */
  abort(): void {
    this.shutdown.abort();
  }

  async poll(feed: Feed): Promise<PollOutcome> {
    const log = this.logger.child({ feed: feed.feedId, url: feed.url });
    const lockKey = this.keys.lock(feed.feedId);
    const token = randomUUID();
    const timeoutMs = this.deps.fetch?.timeoutMs ?? 20_000;
    // Held for the fetch, the parse and the ingest; expires on its own if this process dies mid-poll.
    const lockMs = timeoutMs + PARSE_TIME_LIMIT_MS + 60_000;
    try {
      const acquired = await this.deps.redis.set(lockKey, token, "PX", lockMs, "NX");
      if (acquired !== "OK") {
        log.debug("feed is being polled by another worker; skipped");
        return { status: "locked" };
      }
    } catch (error) {
      log.error({ err: error }, "could not take the feed's lock");
      return { status: "locked" };
    }
    try {
      return await this.pollLocked(feed, log);
    } catch (error) {
      // Redis or the Ingestor failed: record it like any failure; the next poll starts over.
      return await this.recordFailure(feed, log, "error", error instanceof Error ? error.message : String(error)).catch(
        (inner: unknown) => {
          log.error({ err: inner, cause: error }, "feed poll failed and its failure could not be recorded");
          return { status: "failed", error: String(error), consecutiveFailures: 0, nextAttemptAt: 0 } as const;
        },
      );
    } finally {
      await releaseLock.run(this.deps.redis, [lockKey], [token]).catch(() => undefined);
    }
  }

  private async pollLocked(feed: Feed, log: Logger): Promise<PollOutcome> {
    const { redis } = this.deps;
    const health = await readFeedHealth(redis, this.deps.prefix, feed.feedId);
    const intervalMs = feed.interval * 1000;
    const now = this.now();
    if (health.nextAttemptAt !== undefined && now < health.nextAttemptAt - intervalMs * DUE_TOLERANCE) {
      log.debug({ until: new Date(health.nextAttemptAt).toISOString() }, "feed is backing off; poll skipped");
      return { status: "backing-off", until: health.nextAttemptAt };
    }

    const fetched = await fetchFeed(feed.url, {
      ...this.deps.fetch,
      signal: this.shutdown.signal,
      ...(health.etag ? { etag: health.etag } : {}),
      ...(health.lastModified ? { lastModified: health.lastModified } : {}),
    });
    if (fetched.kind === "error") {
      if (fetched.reason === "aborted") return { status: "aborted" };
      const status = fetched.reason === "http" && fetched.status ? `HTTP ${fetched.status}` : fetched.reason;
      return this.recordFailure(feed, log, status, fetched.message, fetched.retryAfterMs);
    }
    this.noteRedirects(fetched, health, log);
    if (fetched.kind === "not-modified") {
      await this.recordSuccess(feed, fetched, "304", {
        etag: fetched.etag ?? health.etag,
        lastModified: fetched.lastModified ?? health.lastModified,
      });
      log.debug("feed not modified");
      return { status: "not-modified" };
    }

    const parsed = await (this.deps.parser ?? sharedFeedParser).parse(fetched.body, fetched.contentType, fetched.url);
    if (!parsed.ok) return this.recordFailure(feed, log, "parse", parsed.error);
    const outcome = await this.ingestNew(feed, parsed.feed, health, log);
    await this.recordSuccess(
      feed,
      fetched,
      String(fetched.status),
      { etag: fetched.etag, lastModified: fetched.lastModified },
      { title: parsed.feed.title, items: parsed.feed.items.length, newItems: outcome.newItems, sent: outcome.accepted.length },
    );
    return outcome;
  }

  private async ingestNew(
    feed: Feed,
    document: ParsedFeed,
    health: FeedHealth,
    log: Logger,
  ): Promise<Extract<PollOutcome, { status: "polled" }>> {
    const { redis } = this.deps;
    const seenKey = this.keys.seen(feed.feedId);
    const itemKeys = document.items.map((i) => i.id);
    const skippedKeys = document.skipped.map(skippedKey);
    const allKeys = [...itemKeys, ...skippedKeys];
    const scores = allKeys.length > 0 ? await redis.zmscore(seenKey, ...allKeys) : [];
    const unseen = new Set(allKeys.filter((_, i) => scores[i] === null || scores[i] === undefined));
    const firstPoll = !health.initialized;

    const newSkipped = document.skipped.filter((s) => unseen.has(skippedKey(s)));
    for (const skipped of newSkipped) {
      log.warn({ item: skipped.index, guid: skipped.guid, title: skipped.title, reason: skipped.reason }, "feed item skipped");
    }

    const newItems = document.items.filter((i) => unseen.has(i.id));
    let toSend: FeedItem[];
    if (firstPoll) {
      // A new feed's backlog is recorded, not sent; `sendNewest` sends its newest few.
      toSend = feed.sendNewest > 0 ? oldestFirst(document.items).slice(-feed.sendNewest) : [];
    } else {
      toSend = oldestFirst(newItems);
    }

    const accepted: string[] = [];
    let duplicates = 0;
    let rejected = 0;
    for (const item of toSend) {
      const outcome = await this.ingestItem(item, feed.categories, log);
      if (outcome.status === "accepted") accepted.push(outcome.id);
      else if (outcome.status === "duplicate") duplicates++;
      else if (outcome.status === "invalid") rejected++;
      if (outcome.status !== "unknown-category") await redis.zadd(seenKey, this.now(), item.id);
    }

    // Everything in the document is now seen (its score refreshed, so present items are never
    // trimmed); the set keeps the SEEN_MAX most recently present keys.
    if (allKeys.length > 0) {
      const now = this.now();
      await execAll(
        redis
          .multi()
          .zadd(seenKey, ...allKeys.flatMap((key) => [now, key]))
          .zremrangebyrank(seenKey, 0, -(SEEN_MAX + 1))
          .pexpire(seenKey, FEED_STATE_TTL_MS),
        "recording a feed's items as seen",
      );
    }
    if (firstPoll) {
      log.info({ items: document.items.length, sent: accepted.length, title: document.title }, "new feed: current items recorded as seen");
    } else if (toSend.length > 0) {
      log.info({ newItems: toSend.length, accepted: accepted.length, duplicates, rejected }, "new feed items ingested");
    } else {
      log.debug({ items: document.items.length }, "no new feed items");
    }
    return {
      status: "polled",
      firstPoll,
      items: document.items.length,
      newItems: newItems.length,
      accepted,
      duplicates,
      rejected,
      skipped: newSkipped,
    };
  }

  private async ingestItem(item: FeedItem, categories: readonly string[], log: Logger): Promise<IngestOutcome> {
    let outcome = await this.deps.ingestor.ingest(toArticleInput(item, categories), "feed");
    if (outcome.status === "unknown-category") {
      // This worker's categories file is older or newer than the one that last wrote the feeds index.
      const known = categories.filter((c) => outcome.status === "unknown-category" && outcome.valid.includes(c));
      log.error({ unknown: outcome.unknown }, "feed lists categories this worker does not know");
      if (known.length > 0) outcome = await this.deps.ingestor.ingest(toArticleInput(item, known), "feed");
    }
    if (outcome.status === "invalid") {
      log.warn({ url: item.url, guid: item.guid, issues: outcome.issues }, "feed item rejected by ingest validation");
    }
    return outcome;
  }

  private noteRedirects(fetched: Exclude<FetchResult, { kind: "error" }>, health: FeedHealth, log: Logger): void {
    const moved = fetched.redirects.length > 0 ? fetched.url : undefined;
    if (moved && moved !== health.redirectedTo) {
      const permanent = fetched.redirects.every((r) => r.status === 301 || r.status === 308);
      log.warn({ to: moved, permanent }, permanent ? "feed moved permanently: update its URL in the categories file" : "feed redirects");
    }
  }

  private async recordSuccess(
    feed: Feed,
    fetched: Exclude<FetchResult, { kind: "error" }>,
    status: string,
    validators: { etag?: string | undefined; lastModified?: string | undefined },
    counts?: { title: string; items: number; newItems: number; sent: number },
  ): Promise<void> {
    const key = this.keys.health(feed.feedId);
    const now = this.now();
    const set: Record<string, string | number> = {
      [F.url]: feed.url,
      [F.lastPollAt]: now,
      [F.lastSuccessAt]: now,
      [F.consecutiveFailures]: 0,
      [F.lastStatus]: status,
    };
    const unset: string[] = [F.nextAttemptAt];
    if (validators.etag) set[F.etag] = validators.etag;
    else unset.push(F.etag);
    if (validators.lastModified) set[F.lastModified] = validators.lastModified;
    else unset.push(F.lastModified);
    if (fetched.redirects.length > 0) set[F.redirectedTo] = fetched.url;
    else unset.push(F.redirectedTo);
    if (counts) {
      set[F.title] = counts.title;
      set[F.lastItemCount] = counts.items;
      set[F.initialized] = 1;
    }
    const multi = this.deps.redis
      .multi()
      .hset(key, set)
      .hdel(key, ...unset);
    if (counts) {
      multi.hincrby(key, F.itemsSeen, counts.newItems).hincrby(key, F.itemsSent, counts.sent);
    }
    await execAll(multi.pexpire(key, FEED_STATE_TTL_MS), "recording a feed's health");
  }

  private async recordFailure(
    feed: Feed,
    log: Logger,
    status: string,
    message: string,
    retryAfterMs?: number,
  ): Promise<Extract<PollOutcome, { status: "failed" }>> {
    const key = this.keys.health(feed.feedId);
    const now = this.now();
    const failures = await this.deps.redis.hincrby(key, F.consecutiveFailures, 1);
    const intervalMs = feed.interval * 1000;
    const cap = Math.max(BACKOFF_CAP_MS, intervalMs);
    const delay = Math.min(Math.max(backoffDelayMs(failures, intervalMs), retryAfterMs ?? 0), cap);
    const nextAttemptAt = now + delay;
    await execAll(
      this.deps.redis
        .multi()
        .hset(key, {
          [F.url]: feed.url,
          [F.lastPollAt]: now,
          [F.lastError]: message,
          [F.lastErrorAt]: now,
          [F.lastStatus]: status,
          [F.nextAttemptAt]: nextAttemptAt,
        })
        .pexpire(key, FEED_STATE_TTL_MS),
      "recording a feed's failure",
    );
    const level = failures === 1 || failures % 10 === 0 ? "warn" : "debug";
    log[level]({ failures, status, error: message, retryIn: Math.round(delay / 1000) }, "feed poll failed");
    return { status: "failed", error: message, consecutiveFailures: failures, nextAttemptAt };
  }
}
