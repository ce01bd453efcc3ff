import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Categories } from "../config/categories.js";
import type { Queue } from "bullmq";
import { PLATFORMS } from "../ids.js";
import type { Redis } from "../redis.js";
import type { ChatStore } from "../store/chats.js";
import type { Keys } from "../store/keys.js";
import { TIMINGS, readTimings, renderHistogram } from "../delivery/timings.js";
import {
  DELIVERY_EVENTS,
  FAILURE_REASONS,
  INGEST_OUTCOMES,
  INGEST_SOURCES,
  JOB_STATES,
  readCounters,
  readDegradations,
  readFeeds,
  readQueueDepths,
  readSubscribers,
  type Counters,
  type CategorySubscribers,
  type Degradation,
  type FeedsSummary,
  type QueueDepth,
} from "./stats.js";

export interface MetricsDeps {
  readonly redis: Redis;
  readonly prefix: string;
  readonly keys: Keys;
  readonly store: ChatStore;
  readonly categories: Categories;
  readonly queues: readonly Queue<unknown>[];
  readonly feedInterval: number;
  /** Process metrics (CPU, memory, event loop lag) of this process too. Default true. */
  readonly processMetrics?: boolean;
}

interface Snapshot {
  readonly counters: Counters;
  readonly queues: readonly QueueDepth[];
  readonly subscribers: readonly CategorySubscribers[];
  readonly feeds: FeedsSummary;
  readonly degradations: readonly Degradation[];
}

/**
 * Bulletin's Prometheus metrics, on a registry of its own. Everything Bulletin counts lives in
 * Redis (the shared counters hash, the queues, the subscriber sets, the feeds' health), so each
 * scrape reads it there: any HTTP process reports the work of every process, and a restart loses
 * no count. Counters are the hash's totals (monotonic as long as Redis keeps them).
 */
export class BulletinMetrics {
  readonly registry = new Registry();
  private readonly sent: Counter<"kind" | "platform">;
  private readonly failed: Counter<"reason" | "platform">;
  private readonly articlesDelivered: Counter<"platform">;
  private readonly articlesExpired: Counter<"platform">;
  private readonly corruptRecords: Counter;
  private readonly telegram429: Counter<"platform">;
  private readonly paid: Counter;
  private readonly degradations: Counter<"platform" | "method">;
  private readonly ingested: Counter<"source" | "outcome">;
  private readonly queueJobs: Gauge<"queue" | "state">;
  private readonly queuePaused: Gauge<"queue">;
  private readonly subscribers: Gauge<"category" | "platform">;
  private readonly feeds: Gauge<"health">;
  private readonly collectSeconds: Histogram;

  constructor(private readonly deps: MetricsDeps) {
    const registers = [this.registry];
    this.sent = new Counter({
      name: "bulletin_messages_sent_total",
      help: "Messages the platform (telegram, bale) accepted, by kind (single: one article; digest: several in one message).",
      labelNames: ["kind", "platform"],
      registers,
    });
    this.failed = new Counter({
      name: "bulletin_messages_failed_total",
      help: "Send attempts the platform (telegram, bale) refused, by reason (rate_limited and network are retried; blocked, deactivated, kicked, chat_not_found and forbidden end a chat; photo_refused is sent again as text; migrated goes to the new supergroup).",
      labelNames: ["reason", "platform"],
      registers,
    });
    this.articlesDelivered = new Counter({
      name: "bulletin_articles_delivered_total",
      help: "Articles delivered to a chat, by platform (a digest carries several).",
      labelNames: ["platform"],
      registers,
    });
    this.articlesExpired = new Counter({
      name: "bulletin_articles_expired_total",
      help: "Articles skipped for a chat because they expired before it was reached, by the chat's platform.",
      labelNames: ["platform"],
      registers,
    });
    this.corruptRecords = new Counter({
      name: "bulletin_corrupt_records_total",
      help: "Chat records that could not be decoded when their chat was visited; the chat is skipped (its id is logged), the others are delivered.",
      registers,
    });
    this.telegram429 = new Counter({
      name: "bulletin_telegram_429_total",
      help: "429 Too Many Requests answers received, by platform (several chats refused at once pause every sender to that platform).",
      labelNames: ["platform"],
      registers,
    });
    this.paid = new Counter({
      name: "bulletin_paid_messages_total",
      help: "Messages sent above Telegram's free 30 per second (PAID_BROADCAST); each costs Stars.",
      registers,
    });
    this.degradations = new Counter({
      name: "bulletin_degradations_total",
      help: "Bot API calls a platform refused that Bulletin does without (on Bale: the command menu, inline answers), by platform and method; each is logged once per process.",
      labelNames: ["platform", "method"],
      registers,
    });
    this.ingested = new Counter({
      name: "bulletin_articles_ingested_total",
      help: "Articles offered to Bulletin, by source (http, feed, cli) and outcome (accepted, duplicate, invalid, unknown_category).",
      labelNames: ["source", "outcome"],
      registers,
    });
    this.queueJobs = new Gauge({
      name: "bulletin_queue_jobs",
      help: "Jobs in each Bulletin queue by state, at scrape time.",
      labelNames: ["queue", "state"],
      registers,
    });
    this.queuePaused = new Gauge({
      name: "bulletin_queue_paused",
      help: "1 while the queue is paused (no worker takes its jobs).",
      labelNames: ["queue"],
      registers,
    });
    this.subscribers = new Gauge({
      name: "bulletin_subscribers",
      help: "Active chats subscribed to each category, by platform.",
      labelNames: ["category", "platform"],
      registers,
    });
    this.feeds = new Gauge({
      name: "bulletin_feeds",
      help: "Feeds of the categories file by health (ok: the last poll succeeded; failing: it failed; new: never polled).",
      labelNames: ["health"],
      registers,
    });
    this.collectSeconds = new Histogram({
      name: "bulletin_metrics_collect_seconds",
      help: "Time to read the metrics from Redis for one scrape.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    if (deps.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Reads Redis and renders the Prometheus text exposition. Throws when Redis cannot be read. */
  async render(): Promise<string> {
    const stopTimer = this.collectSeconds.startTimer();
    const [snapshot, timings] = await Promise.all([this.read(), readTimings(this.deps.redis, this.deps.keys)]);
    stopTimer();
    this.apply(snapshot);
    // Durations are histograms summed in Redis by every process: rendered from their buckets.
    const histograms = [...timings].map(([name, totals]) => renderHistogram(TIMINGS[name].metric, TIMINGS[name].help, totals));
    return `${await this.registry.metrics()}${histograms.join("")}`;
  }

  private async read(): Promise<Snapshot> {
    const { redis, keys, store, categories, queues, prefix, feedInterval } = this.deps;
    const [counters, depths, subscribers, feeds, degradations] = await Promise.all([
      readCounters(redis, keys),
      readQueueDepths(queues),
      readSubscribers(store, categories),
      readFeeds(redis, prefix, categories, feedInterval),
      readDegradations(redis, keys),
    ]);
    return { counters, queues: depths, subscribers, feeds, degradations };
  }

  /** Sets every metric from one snapshot, synchronously, so concurrent scrapes never mix two. */
  private apply(snapshot: Snapshot): void {
    const { platforms, ingested, paidMessages } = snapshot.counters;
    for (const metric of [
      this.sent,
      this.failed,
      this.articlesDelivered,
      this.articlesExpired,
      this.corruptRecords,
      this.telegram429,
      this.paid,
      this.ingested,
      this.degradations,
    ]) {
      metric.reset();
    }
    for (const metric of [this.queueJobs, this.queuePaused, this.subscribers, this.feeds]) metric.reset();

    for (const platform of PLATFORMS) {
      const counts = platforms[platform];
      this.sent.inc({ kind: "single", platform }, 0);
      this.sent.inc({ kind: "digest", platform }, 0);
      for (const reason of FAILURE_REASONS) this.failed.inc({ reason, platform }, 0);
      for (const [event, meaning] of Object.entries(DELIVERY_EVENTS)) {
        const count = counts[event as keyof typeof DELIVERY_EVENTS];
        if (meaning.sent) this.sent.inc({ kind: meaning.sent, platform }, count);
        if (meaning.failed) this.failed.inc({ reason: meaning.failed, platform }, count);
      }
      this.articlesDelivered.inc({ platform }, counts.articles_delivered);
      this.articlesExpired.inc({ platform }, counts.expired_article);
      this.telegram429.inc({ platform }, counts.rate_limited);
    }
    this.corruptRecords.inc(PLATFORMS.reduce((sum, platform) => sum + platforms[platform].corrupt_record, 0));
    this.paid.inc(paidMessages);
    for (const { platform, method, count } of snapshot.degradations) this.degradations.inc({ platform, method }, count);
    for (const source of INGEST_SOURCES) {
      for (const outcome of INGEST_OUTCOMES) this.ingested.inc({ source, outcome }, ingested[source][outcome]);
    }

    for (const depth of snapshot.queues) {
      for (const state of JOB_STATES) this.queueJobs.set({ queue: depth.queue, state }, depth.jobs[state]);
      this.queuePaused.set({ queue: depth.queue }, depth.paused ? 1 : 0);
    }
    for (const { category, subscribers, bale } of snapshot.subscribers) {
      this.subscribers.set({ category, platform: "telegram" }, subscribers);
      this.subscribers.set({ category, platform: "bale" }, bale);
    }
    for (const [health, count] of Object.entries(snapshot.feeds.byState)) this.feeds.set({ health }, count);
  }
}
