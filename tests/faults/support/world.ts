import { Redis } from "ioredis";
import { inject } from "vitest";
import { FakeTelegram, type FakeTelegramOptions } from "@bulletin/fake-bot-api";
import { createRuntime } from "../../../src/app/runtime.js";
import { loadConfig } from "../../../src/config/env.js";
import { categorySlug, chatId, type ChatId } from "../../../src/ids.js";
import { createLogger } from "../../../src/log.js";
import { openQueues } from "../../../src/queues.js";
import { ChatStore } from "../../../src/store/chats.js";
import { spawnBulletin, type BulletinProcess } from "../../support/processes.js";
import { CATEGORIES_FILE, INGEST_TOKEN, REDIS_URL, dropPrefix, uniquePrefix } from "../../support/stack.js";
import { record, type Row } from "./report.js";

/** BullMQ takes a dead process's chunk over within about two seconds. */
export const TAKEOVER_TUNING = { lockDurationMs: 2000, stalledIntervalMs: 1000 };

export interface WorldOptions {
  readonly name: string;
  /** Default: the shared test Redis. */
  readonly redisUrl?: string;
  readonly telegram?: FakeTelegramOptions;
  readonly env?: Record<string, string>;
}

/** How a fan-out ended for its readers, as Telegram saw it. */
export interface Outcome {
  readonly delivered: number;
  readonly duplicates: number;
  readonly lost: number;
  /** The readers who got it more than once. */
  readonly repeated: readonly ChatId[];
}

/** A fake Telegram, a key prefix, Bulletin processes started as `npm start` would start them. */
export class World {
  readonly processes: BulletinProcess[] = [];
  readonly redis: Redis;
  readonly store: ChatStore;
  readonly env: Record<string, string>;

  private constructor(
    readonly telegram: FakeTelegram,
    readonly prefix: string,
    readonly redisUrl: string,
    extraEnv: Record<string, string>,
  ) {
    this.env = {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      REDIS_URL: redisUrl,
      KEY_PREFIX: prefix,
      CATEGORIES_FILE,
      INGEST_TOKEN,
      ROLES: "workers",
      HTTP_PORT: "0",
      LOG_LEVEL: "warn",
      ...extraEnv,
    };
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.redis.on("error", () => undefined);
    this.store = new ChatStore(this.redis, prefix);
  }

  static async open(options: WorldOptions): Promise<World> {
    const telegram = await FakeTelegram.start(options.telegram);
    return new World(telegram, uniquePrefix(`faults-${options.name}`), options.redisUrl ?? REDIS_URL, options.env ?? {});
  }

  /** `count` private readers of `slug`, loaded through the store's bulk API. */
  async readers(count: number, firstId: number, slug = "world"): Promise<ChatId[]> {
    const ids = Array.from({ length: count }, (_, i) => chatId(firstId + i));
    await this.store.importChats(
      ids.map((id) => ({
        id,
        record: {
          kind: "private" as const,
          language: "en",
          active: true,
          subscriptions: [{ slug: categorySlug(slug), since: 0 }],
          cursor: 0,
          sentAhead: [],
        },
      })),
    );
    return ids;
  }

  async start(tuning: object = TAKEOVER_TUNING, env: Record<string, string> = {}): Promise<BulletinProcess> {
    const started = await spawnBulletin({ ...this.env, ...env }, tuning);
    this.processes.push(started);
    return started;
  }

  /** Publishes through the same ingest as POST /api/articles, from a short-lived runtime. */
  async publish(body: Record<string, unknown>): Promise<void> {
    const runtime = await createRuntime(loadConfig(this.env), createLogger("silent"));
    try {
      const outcome = await runtime.ingestor.ingest(body, "cli");
      if (outcome.status !== "accepted") throw new Error(`ingest answered ${outcome.status}`);
    } finally {
      await runtime.close();
    }
  }

  /** Messages each reader got: one is delivered, more are duplicates, none is lost. */
  outcome(ids: readonly ChatId[]): Outcome {
    let delivered = 0;
    let duplicates = 0;
    const repeated: ChatId[] = [];
    for (const id of ids) {
      const count = this.telegram.messagesTo(id).length;
      if (count >= 1) delivered++;
      if (count > 1) {
        duplicates += count - 1;
        repeated.push(id);
      }
    }
    return { delivered, duplicates, lost: ids.length - delivered, repeated };
  }

  async waitForAll(ids: readonly ChatId[], timeoutMs: number, message: string): Promise<void> {
    await this.telegram.waitFor(() => this.outcome(ids).lost === 0, { timeoutMs, intervalMs: 200, message });
  }

  /**
   * Waits until no fan-out or delivery job is left (delayed visits included: a dead process's claim
   * runs out, and its chats are visited again, up to 30 s later), so that every repeat is counted.
   */
  async settled(timeoutMs: number): Promise<void> {
    const queues = openQueues(this.redis, this.prefix);
    try {
      let idleChecks = 0;
      await this.telegram.waitFor(
        async () => {
          const counts = await Promise.all(
            [queues.fanout, queues.delivery].map((q) => q.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children")),
          );
          const busy = counts.some((c) => Object.values(c).some((n) => n > 0));
          idleChecks = busy ? 0 : idleChecks + 1;
          return idleChecks >= 3;
        },
        { timeoutMs, intervalMs: 500, message: "the queues to empty" },
      );
    } finally {
      await queues.fanout.close();
      await queues.delivery.close();
    }
  }

  async close(): Promise<void> {
    for (const p of this.processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(this.processes.map((p) => p.exited));
    await this.telegram.close();
    await dropPrefix(this.prefix, this.redisUrl).catch(() => undefined);
    this.redis.disconnect();
  }
}

/** Adds the scenario's row to the suite's table. */
export function report(row: Row): void {
  record(inject("faultsResults"), row);
}

export function seconds(since: number): number {
  return (Date.now() - since) / 1000;
}
