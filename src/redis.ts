import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection } from "node:net";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Cluster, Command, Redis, type ChainableCommander, type ClusterOptions, type RedisOptions } from "ioredis";
import type { RedisNode } from "./config/common.js";
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
 * The shard hashes and category member sets in Redis's compact encodings (listpack, intset) as
 * they grow: readers' records up to 256 bytes instead of Redis's default 64 (a reader with
 * preferences and ten muted words writes about 190; one record over the limit turns its whole
 * shard's hash into a hashtable, costing every reader in that shard some 50 bytes more), and up to
 * 1,024 chats per shard instead of Redis's default 512, so that the 16,384 shards hold about 14
 * million chats at some 28 bytes each instead of about 8 million (past that, about 146 bytes each).
 * Measured with `npm run bench -- listpack` and `-- scale10m`; README "Scaling out" has the figures.
 * deploy/docker-compose.yml runs Redis so too.
 */
export const COMPACT_SETTINGS: Readonly<Record<string, number>> = {
  "hash-max-listpack-value": 256,
  "hash-max-listpack-entries": 1024,
  "set-max-intset-entries": 1024,
};

/** COMPACT_SETTINGS as redis-server's command-line arguments. */
export const LISTPACK_ARGS: readonly string[] = Object.entries(COMPACT_SETTINGS).flatMap(([name, value]) => [`--${name}`, String(value)]);

/**
 * The compact-encoding settings of a Redis (CONFIG GET's name → value) below COMPACT_SETTINGS, as
 * `name value` pairs to set; a setting the answer lacks is left out.
 */
export function compactSettingsBelow(config: Readonly<Record<string, string>>): string[] {
  return Object.entries(COMPACT_SETTINGS)
    .filter(([name, wanted]) => config[name] !== undefined && Number(config[name]) < wanted)
    .map(([name, wanted]) => `${name} ${wanted}`);
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

type PipelineCall = { readonly name: string; readonly args: unknown[] };
type PipelineResult = [Error | null, unknown];

/**
 * Errors of a command whose node went away, whose slot moved (a failover, a resharding: MOVED,
 * ASK) or is moving, or of a group that ioredis found spans nodes (its table of slots changed
 * since the group was made): worth sending again once the table of slots is fresh.
 */
const NODE_LOST = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN) |Connection is closed|ECONNREFUSED|ECONNRESET|same slots allocation group/;
/** 50 × 200 ms: longer than a failover with a few seconds' cluster-node-timeout. */
const NODE_LOST_ATTEMPTS = 50;
const NODE_LOST_DELAY_MS = 200;

/** What a cluster's cross-slot pipelines look up on every call, worked out once per client. */
interface ClusterCommands {
  readonly builtins: ReadonlySet<string>;
  /** The scripts defined on the client (defineCommand), by name: their number of keys, when fixed. */
  readonly scripts: Record<string, { numberOfKeys: number | null } | undefined>;
}

/**
 * The hash slot a call's first key lives in (null: no key), as ioredis computes it. A script call
 * names its first key right after the number of keys: its slot is computed from it directly.
 */
function slotOf(commands: ClusterCommands, { name, args }: PipelineCall): number | null {
  const script = commands.scripts[name];
  if (script === undefined) return new Command(name, [...args] as string[]).getSlot();
  const withCount = typeof script.numberOfKeys === "number" ? [script.numberOfKeys, ...args] : args;
  const first = Number(withCount[0]) > 0 ? withCount[1] : undefined;
  if (typeof first === "string") return keySlot(first);
  return new Command("evalsha", ["0", ...withCount] as string[]).getSlot();
}

/** Waits until the cluster client knows the cluster (its table of slots); throws if it was closed instead. */
async function untilReady(cluster: Cluster): Promise<void> {
  if (cluster.status === "ready") return;
  // A lazy client connects on its first command; this waits before any, so it connects itself.
  if (cluster.status === "wait") return cluster.connect();
  await new Promise<void>((resolve, reject) => {
    const ready = () => {
      cluster.off("end", closed);
      resolve();
    };
    const closed = () => {
      cluster.off("ready", ready);
      reject(new Error("the connection to the Redis Cluster was closed before it was ready"));
    };
    cluster.once("ready", ready);
    cluster.once("end", closed);
  });
}

/**
 * A pipeline whose commands may name keys in different hash slots. ioredis sends a cluster pipeline
 * to one node and refuses one whose keys live on several (Bulletin batches claims, commits and
 * reads of chats in different shards). This one records the calls and, on exec, sends one
 * ioredis pipeline per group of nodes serving the slots, all at once, and answers in call
 * order: a batch still costs one round trip per node. A pipeline was never atomic, so nothing
 * is lost by splitting it; scripts and MULTI, which are atomic, keep to one hash tag each.
 */
function crossSlotPipeline(cluster: Cluster, commands: ClusterCommands, single: () => ChainableCommander): ChainableCommander {
  const calls: PipelineCall[] = [];
  // Only Redis's commands and the defined scripts are recorded: valueOf, then and the like are not.
  const isCommand = (name: string) => commands.builtins.has(name) || Object.hasOwn(commands.scripts, name);
  const results: (PipelineResult | undefined)[] = [];
  /** Sends `indexes`' calls, one ioredis pipeline per node group; those lost with a node go again (below). */
  const send = async (indexes: readonly number[], attempt: number): Promise<void> => {
    const groups = new Map<string, number[]>();
    for (const index of indexes) {
      const slot = slotOf(commands, calls[index]!);
      const group = slot === null ? "any" : (cluster.slots[slot]?.join(",") ?? "any");
      const members = groups.get(group);
      if (members) members.push(index);
      else groups.set(group, [index]);
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const pipeline = single() as unknown as Record<string, (...args: unknown[]) => unknown> & ChainableCommander;
        for (const index of group) pipeline[calls[index]!.name]!.apply(pipeline, calls[index]!.args);
        try {
          const replies = (await pipeline.exec()) ?? [];
          group.forEach((index, i) => (results[index] = replies[i] ?? [new Error("no reply from Redis"), null]));
        } catch (error) {
          for (const index of group) results[index] = [error as Error, null];
        }
      }),
    );
    // ioredis follows MOVED and retries a single command lost with its node, but not every command
    // of a pipeline: those are sent again, to wherever their slots are now.
    const lost = indexes.filter((index) => NODE_LOST.test(results[index]?.[0]?.message ?? ""));
    if (lost.length === 0 || attempt >= NODE_LOST_ATTEMPTS) return;
    await sleep(NODE_LOST_DELAY_MS);
    await new Promise<void>((resolve) => cluster.refreshSlotsCache(() => resolve()));
    await send(lost, attempt + 1);
  };
  const run = async (): Promise<PipelineResult[]> => {
    // Grouped by the client's table of slots, which a client that is still connecting has not
    // learnt: every call would land in one group, which ioredis refuses for keys of several nodes.
    await untilReady(cluster);
    results.length = 0;
    await send(
      calls.map((_, index) => index),
      0,
    );
    // An Error is made only for a call that had no reply: making one per call cost a stack trace each.
    return calls.map((_, index) => results[index] ?? [new Error("no reply from Redis"), null]);
  };
  // ioredis's auto-pipelining passes a callback; other callers await the promise.
  const exec = (callback?: (error: Error | null, results: PipelineResult[]) => void): Promise<PipelineResult[]> => {
    const done = run();
    if (callback)
      done.then(
        (results) => callback(null, results),
        (error: Error) => callback(error, []),
      );
    return done;
  };
  const pipeline: ChainableCommander = new Proxy({} as ChainableCommander, {
    // What a caller sets on the pipeline (BullMQ adds runCommand and its own hset) comes first.
    get(target, property) {
      if (Object.hasOwn(target, property)) return Reflect.get(target, property) as unknown;
      if (property === "exec") return exec;
      if (property === "length") return calls.length;
      if (typeof property !== "string" || !isCommand(property)) return Reflect.get(target, property) as unknown;
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
    // Commands of one tick for one node go out in one write (through the pipeline below).
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
  const single = cluster.pipeline.bind(cluster);
  const commands: ClusterCommands = {
    builtins: new Set(cluster.getBuiltinCommands()),
    scripts: (cluster as unknown as { scriptsSet: ClusterCommands["scripts"] }).scriptsSet,
  };
  // Writable and configurable: BullMQ wraps the client in a Proxy that hands out its own pipeline.
  Object.defineProperty(cluster, "pipeline", {
    value: () => crossSlotPipeline(cluster, commands, () => single()),
    writable: true,
    configurable: true,
  });
  return cluster as unknown as Redis;
}

/**
 * Sends `pipeline` and answers its replies, or throws when any of its commands failed: ioredis
 * answers each command's error among the results instead of throwing, and a caller that only
 * awaits exec() carries on as if every write were done.
 */
export async function execAll(pipeline: ChainableCommander, what: string): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.flatMap(([error]) => (error ? [error] : []));
  if (failed[0]) {
    throw new Error(`${what}: ${failed.length} of ${results.length} Redis commands failed, the first with: ${failed[0].message}`, {
      cause: failed[0],
    });
  }
  return results.map(([, value]) => value);
}

/** Hash tags' slots, worked out once: a delivery process looks up a few per message, and shards are few. */
const slotsOfTags = new Map<string, number>();
const MAX_TAGS_KEPT = 65_536;

/**
 * The hash slot `key` lives in on a cluster: its hash tag's (the text between the first `{` and the
 * next `}`, when not empty), else the whole key's, computed as ioredis routes the key.
 */
export function keySlot(key: string): number {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  if (close <= open + 1) return new Command("get", [key]).getSlot() ?? 0;
  const tag = key.slice(open + 1, close);
  let slot = slotsOfTags.get(tag);
  if (slot === undefined) {
    slot = new Command("get", [tag]).getSlot() ?? 0;
    if (slotsOfTags.size < MAX_TAGS_KEPT) slotsOfTags.set(tag, slot);
  }
  return slot;
}

/**
 * Which node serves `slot` as far as a cluster client knows (its master and replicas, as ioredis
 * names them); undefined on a single Redis or before the client has learnt the table of slots.
 */
export function nodeOfSlot(redis: Redis, slot: number): string | undefined {
  if (!isCluster(redis)) return undefined;
  return (redis as unknown as Cluster).slots[slot]?.join(",");
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
  // The cluster's table of masters is known once it has answered.
  await redis.ping();
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

/** Why a TCP connection to `node` fails (refused, unknown host, no answer), or undefined when it opens. */
function socketProblem(node: RedisNode, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: node.host, port: node.port, timeout: timeoutMs });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.once("connect", () => done(undefined));
    socket.once("timeout", () => done(`no answer within ${timeoutMs} ms`));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code === "ECONNREFUSED" ? "connection refused" : error.message));
  });
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
      // ioredis's connect() says only "Connection is closed"; a plain socket says why.
      const cause = await socketProblem(node, timeoutMs);
      if (cause !== undefined) return { node, error: cause };
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

/**
 * Waits (at most `timeoutMs`) until the writes this process made to the masters of `keys` reached
 * at least one replica of each, and answers how many masters fell short. Redis Cluster replicates
 * asynchronously: a master lost right after a write takes the write with it, so what a reader was
 * told is done (a subscription) waits for its copy first. WAIT counts the writes of its own
 * connection, and the cluster client keeps one connection per node, the one that wrote. On one
 * Redis this does nothing: its durability is its append-only file.
 */
export async function waitForReplicas(redis: Redis, keys: readonly string[], timeoutMs = 1000): Promise<number> {
  if (!isCluster(redis) || keys.length === 0) return 0;
  const cluster = redis as unknown as Cluster;
  const owners = new Set(keys.map((key) => cluster.slots[keySlot(key)]?.[0]).filter((o) => o !== undefined));
  const nodes = cluster.nodes("master").filter((node) => owners.has(`${String(node.options.host)}:${String(node.options.port)}`));
  const acknowledged = await Promise.all(nodes.map((node) => node.wait(1, timeoutMs)));
  return acknowledged.filter((count) => count < 1).length + (owners.size - nodes.length);
}
