import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis, type RedisOptions } from "ioredis";
import { DEFAULT_REDIS_URL } from "./config/env.js";
import type { Logger } from "./log.js";

export type { Redis };

/** A Redis URL fit for logs and messages: its user and password hidden. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

/**
 * A connection for Bulletin's own commands. BullMQ workers need `maxRetriesPerRequest: null`
 * (blocking commands must wait out a reconnect instead of failing), so every connection uses it:
 * a Redis restart pauses Bulletin instead of losing work.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface ResolvedRedis {
  readonly url: string;
  /** The redis-server Bulletin started itself, if it had to. */
  readonly child?: ChildProcess;
}

/**
 * Readers' records stay in a shard hash's compact encoding up to 256 bytes instead of Redis's
 * default 64: a reader with preferences (a digest, quiet hours, ten muted words) writes about 190,
 * and one such record over the limit would turn its whole shard's hash into a hashtable, costing
 * every reader in that shard some 50 bytes more. deploy/docker-compose.yml runs Redis so too.
 */
export const LISTPACK_ARGS: readonly string[] = ["--hash-max-listpack-value", "256"];

/**
 * With no REDIS_URL, Bulletin uses the local default and, when nothing answers there and
 * `redis-server` is installed, starts one with its data under ./data (append-only file on,
 * `noeviction` as BullMQ requires), so that `npm start` works on a fresh machine.
 */
export async function resolveRedis(
  configured: string | undefined,
  logger: Logger,
  local: { readonly url: string; readonly dataDir: string } = { url: DEFAULT_REDIS_URL, dataDir: "data" },
): Promise<ResolvedRedis> {
  if (configured) return { url: configured };
  const { url } = local;
  if (await answers(url)) return { url };
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    logger.warn({ url }, "nothing answers at the default Redis address and redis-server is not installed; set REDIS_URL");
    return { url };
  }
  const dir = resolve(local.dataDir);
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    "redis-server",
    [
      "--bind",
      "127.0.0.1",
      "--port",
      new URL(url).port || "6379",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--maxmemory-policy",
      "noeviction",
      ...LISTPACK_ARGS,
      "--save",
      "",
    ],
    { stdio: "ignore" },
  );
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await answers(url)) {
      logger.info({ url, dir, pid: child.pid }, "started a local redis-server (append-only file on) because nothing answered");
      return { url, child };
    }
    await sleep(100);
  }
  child.kill();
  logger.warn({ url }, "started redis-server but it did not answer within 5 s");
  return { url };
}
