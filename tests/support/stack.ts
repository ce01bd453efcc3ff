import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { startBulletin, type Bulletin } from "../../src/app/app.js";
import type { Tuning } from "../../src/app/roles/index.js";
import type { RedisNode, Role } from "../../src/config/common.js";
import { loadConfig, parseRedisNode } from "../../src/config/env.js";
import { createLogger } from "../../src/log.js";
import { connectCluster, scanKeys } from "../../src/redis.js";
import { FakeTelegram, type FakeTelegramOptions } from "@bulletin/fake-bot-api";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const INGEST_TOKEN = "test-ingest-token-0123456789";
export const CATEGORIES_FILE = fileURLToPath(new URL("../fixtures/categories.json", import.meta.url));

/** The Bale bot of stacks started with `bale`: another bot than the fake Telegram's (id 123456789). */
export const BALE_TOKEN = "987654321:bale-fake-token-for-tests-only_xxxxx";

/** A key prefix of its own for every test, so tests never see each other's data. */
export function uniquePrefix(name: string): string {
  return `test-${name}-${randomBytes(4).toString("hex")}`;
}

/** The nodes of REDIS_CLUSTER_NODES-style text (tests give well-formed lists). */
export function clusterNodesOf(seeds: string): RedisNode[] {
  return seeds.split(",").map((entry) => {
    const node = parseRedisNode(entry);
    if (typeof node === "string") throw new Error(node);
    return node;
  });
}

/** Deletes every key under `prefix` on every master of a cluster (BullMQ's `{prefix}` too). */
export async function dropClusterPrefix(prefix: string, seeds: string): Promise<void> {
  const redis = connectCluster(clusterNodesOf(seeds));
  try {
    const found = [...(await scanKeys(redis, `${prefix}:*`)), ...(await scanKeys(redis, `{${prefix}}:*`))];
    await Promise.all(found.map((key) => redis.unlink(key)));
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` (BullMQ's and Bulletin's). */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (found.length > 0) await redis.unlink(...found);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** The environment of a Bulletin delivery process (tests/support/processes.ts) against `telegram`. */
export function workerEnv(telegram: FakeTelegram, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    REDIS_URL,
    KEY_PREFIX: prefix,
    CATEGORIES_FILE,
    ROLES: "workers",
    LOG_LEVEL: "warn",
    ...extra,
  };
}

export interface Stack {
  readonly telegram: FakeTelegram;
  /** The Bale-flavoured fake of a stack started with `bale` (BALE_BOT_TOKEN set to its bot). */
  readonly bale?: FakeTelegram;
  readonly bulletin: Bulletin;
  readonly prefix: string;
  readonly httpUrl: string;
  /** POST /api/articles with the right token (or the given headers). */
  publish(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export interface StackOptions {
  readonly name: string;
  /** A key prefix the test already wrote under (an upgrade's old data); default: a fresh one. */
  readonly prefix?: string;
  readonly telegram?: FakeTelegramOptions;
  /** Bale beside Telegram: a Bale-flavoured fake with these options (a bot of its own), its token in BALE_BOT_TOKEN. */
  readonly bale?: Omit<FakeTelegramOptions, "flavour">;
  readonly env?: Record<string, string>;
  readonly roles?: readonly Role[];
  readonly tuning?: Tuning;
  /** REDIS_CLUSTER_NODES of a cluster to run on (tests/support/cluster.ts) instead of REDIS_URL. */
  readonly clusterSeeds?: string;
}

/**
 * Fast pacing so stories finish quickly, and a flood limit no story's quick taps reach; the real
 * intervals and limit are tested where they matter.
 */
export const FAST_TUNING: Tuning = {
  pacing: { privateMs: 300, groupMs: 300, leaseMs: 5000, retryDelayMs: 300 },
  // Stories poll /metrics until counts arrive: each scrape reads Redis afresh.
  metricsCache: { ttlMs: 0 },
  flood: { updates: 1000, windowMs: 10_000 },
};

/** Fake Telegram + Bulletin (all roles, one process) on a fresh key prefix. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const telegram = await FakeTelegram.start(options.telegram);
  const bale = options.bale ? await FakeTelegram.start({ token: BALE_TOKEN, ...options.bale, flavour: "bale" }) : undefined;
  const prefix = options.prefix ?? uniquePrefix(options.name);
  const config = loadConfig({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    ...(bale ? { BALE_BOT_TOKEN: bale.token, BALE_API_ROOT: bale.apiRoot } : {}),
    ...(options.clusterSeeds ? { REDIS_CLUSTER_NODES: options.clusterSeeds } : { REDIS_URL }),
    KEY_PREFIX: prefix,
    HTTP_PORT: "0",
    INGEST_TOKEN,
    CATEGORIES_FILE,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...options.env,
  });
  const bulletin = await startBulletin(config, createLogger(config.logLevel), {
    roles: options.roles,
    tuning: options.tuning ?? FAST_TUNING,
  });
  const httpUrl = bulletin.httpUrl ?? "";
  return {
    telegram,
    ...(bale ? { bale } : {}),
    bulletin,
    prefix,
    httpUrl,
    async publish(body, headers = { authorization: `Bearer ${INGEST_TOKEN}` }) {
      const response = await fetch(`${httpUrl}/api/articles`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async stop() {
      await bulletin.stop();
      await telegram.close();
      await bale?.close();
      await (options.clusterSeeds ? dropClusterPrefix(prefix, options.clusterSeeds) : dropPrefix(prefix));
    },
  };
}

let articleCounter = 0;

/** A valid article for `categories`, unique per call. */
export function article(categories: string[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  articleCounter++;
  return {
    url: `https://news.example.com/a/${Date.now()}-${articleCounter}`,
    title: `Article ${articleCounter}`,
    summary: `Summary of article ${articleCounter}.`,
    categories,
    ...overrides,
  };
}
