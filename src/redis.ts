import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Cluster, Redis, type ChainableCommander, type ClusterOptions, type RedisOptions } from "ioredis";
import { DEFAULT_REDIS_URL, type RedisNode } from "./config/env.js";
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

/** Where Bulletin's data lives: one Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisTarget = { readonly url: string } | { readonly cluster: readonly RedisNode[] };

export const nodeName = (node: RedisNode): string =>
  node.host.includes(":") ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;

/** The target for logs and messages (no password). */
export function describeTarget(target: RedisTarget): string {
  return "url" in target ? redactRedisUrl(target.url) : `the cluster at ${target.cluster.map(nodeName).join(",")}`;
}

/** A new connection to `target`: a plain Redis client, or ioredis's Cluster client (see connectCluster). */
export function connectTarget(target: RedisTarget, options: RedisOptions = {}): Redis {
  return "url" in target ? connectRedis(target.url, options) : connectCluster(target.cluster, options);
}

type CommandFunction = (...args: unknown[]) => Promise<unknown>;

/**
 * A pipeline whose commands may name keys in different hash slots. ioredis sends a cluster pipeline
 * to one node and refuses one whose keys live on several (Bulletin batches claims, commits and
 * reads of chats in different shards). This one sends each command on its own; the client's
 * auto-pipelining puts the commands of one tick for one node in one write, so a batch still costs
 * one round trip per node. A pipeline was never atomic, so nothing is lost: scripts and MULTI,
 * which are, keep to one hash tag each.
 */
function crossSlotPipeline(cluster: Cluster): ChainableCommander {
  const calls: { readonly name: string; readonly args: unknown[] }[] = [];
  const commands = cluster as unknown as Record<string, CommandFunction>;
  const exec = () =>
    Promise.all(
      calls.map(({ name, args }) =>
        commands[name]!.apply(cluster, args).then(
          (reply): [Error | null, unknown] => [null, reply],
          (error: Error): [Error | null, unknown] => [error, null],
        ),
      ),
    );
  const pipeline: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_target, property) {
      if (property === "exec") return exec;
      if (property === "length") return calls.length;
      if (typeof property !== "string" || property === "then" || typeof commands[property] !== "function") return undefined;
      return (...args: unknown[]) => {
        calls.push({ name: property, args });
        return pipeline;
      };
    },
  });
  return pipeline;
}

/**
 * A connection to a Redis Cluster through ioredis's Cluster client. It answers every command
 * Bulletin sends (the same Commander as a plain client, scripts defined with defineCommand, MULTI
 * within one slot, pub/sub, status, duplicate for BullMQ's blocking connections), so it is handed
 * out under the Redis type; `pipeline()` is replaced by crossSlotPipeline. MOVED and ASK (a
 * resharding) are followed and the commands retried; during a failover commands wait and are
 * retried until the replica has taken over.
 */
export function connectCluster(nodes: readonly RedisNode[], options: RedisOptions = {}): Redis {
  const clusterOptions: ClusterOptions = {
    enableAutoPipelining: true,
    enableReadyCheck: true,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 100,
    maxRedirections: 64,
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    ...(options.lazyConnect === undefined ? {} : { lazyConnect: options.lazyConnect }),
    redisOptions: { maxRetriesPerRequest: null, ...options },
  };
  const cluster = new Cluster(
    nodes.map((n) => ({ host: n.host, port: n.port })),
    clusterOptions,
  );
  Object.defineProperty(cluster, "pipeline", { value: () => crossSlotPipeline(cluster) });
  return cluster as unknown as Redis;
}

export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
}

/** Each master of a cluster (the client itself on a single Redis): per-node commands such as SCAN, INFO and CONFIG. */
export function masters(redis: Redis): Redis[] {
  return isCluster(redis) ? (redis as unknown as Cluster).nodes("master") : [redis];
}

/** Every key matching `pattern`, on every master: a cluster's SCAN sees one node only. */
export async function scanKeys(redis: Redis, pattern: string, count = 1000): Promise<string[]> {
  const found: string[] = [];
  for (const node of masters(redis)) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
      cursor = next;
      found.push(...keys);
    } while (cursor !== "0");
  }
  return found;
}

/**
 * Problems found by asking each seed node of a cluster at start, one line each (empty: the
 * cluster is usable). A node that does not answer while another reports `cluster_state:ok` is
 * not a problem here (a failover may have replaced it): `unreachable` lists it for a warning.
 */
export async function probeCluster(nodes: readonly RedisNode[], timeoutMs = 2000): Promise<{ problems: string[]; unreachable: string[] }> {
  const answers = await Promise.all(
    nodes.map(async (node) => {
      const probe = new Redis({
        host: node.host,
        port: node.port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: timeoutMs,
      });
      probe.on("error", () => undefined);
      try {
        await probe.connect();
        const info = await probe.cluster("INFO");
        const state = /cluster_state:(\w+)/.exec(String(info))?.[1] ?? "unknown";
        return { node, state };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          node,
          error: /cluster support disabled/i.test(message) ? "is a Redis without cluster mode (cluster-enabled no)" : message,
        };
      } finally {
        probe.disconnect();
      }
    }),
  );
  const ok = answers.some((a) => a.state === "ok");
  const problems: string[] = [];
  const unreachable: string[] = [];
  for (const answer of answers) {
    const name = nodeName(answer.node);
    if (answer.error !== undefined) {
      if (ok && !answer.error.includes("cluster mode")) unreachable.push(`${name}: ${answer.error}`);
      else
        problems.push(
          `REDIS_CLUSTER_NODES: ${name} ${answer.error.includes("cluster mode") ? answer.error : `does not answer (${answer.error})`}`,
        );
    } else if (answer.state !== "ok" && !ok) {
      problems.push(
        `REDIS_CLUSTER_NODES: ${name} answers but its cluster_state is ${answer.state} (are all slots assigned? redis-cli --cluster check ${name})`,
      );
    }
  }
  return { problems, unreachable };
}
