import type { ChildProcess } from "node:child_process";
import type { Categories } from "../config/categories.js";
import { loadCategories } from "../config/categories.js";
import type { Config } from "../config/env.js";
import { ConfigError } from "../config/errors.js";
import { Ingestor } from "../ingest/ingest.js";
import { PreferencesService } from "../preferences/service.js";
import type { Logger } from "../log.js";
import { WebhookReceiver } from "../bot/webhook.js";
import { BotStatus } from "../ops/health.js";
import { openQueues, queuePrefixOf, type Queues } from "../queues.js";
import {
  COMPACT_SETTINGS,
  compactSettingsBelow,
  connectTarget,
  describeTarget,
  masters,
  nodeName,
  probeCluster,
  resolveRedis,
  type Redis,
  type RedisTarget,
} from "../redis.js";
import { clearSandboxData } from "../sandbox/start.js";
import { SearchIndex } from "../sharing/search-index.js";
import { ChatStore } from "../store/chats.js";
import { keys as keyLayout, type Keys } from "../store/keys.js";
import { SYSTEM_CLOCK, type Clock } from "../time.js";

/** What every role shares in one process: config, Redis, queues, the store and ingest. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  /** The single Redis's URL; on a cluster, its first seed node's (what feeds may never fetch). */
  readonly redisUrl: string;
  /** One Redis or a cluster: what `connect` connects to. */
  readonly redisTarget: RedisTarget;
  readonly redis: Redis;
  /** BullMQ's key prefix: KEY_PREFIX, in braces on a cluster (see queuePrefixOf). */
  readonly queuePrefix: string;
  readonly categories: Categories;
  readonly keys: Keys;
  readonly store: ChatStore;
  /** What time it is for digests and quiet hours (the system's, or a story's). */
  readonly clock: Clock;
  /** Readers' preferences (digests, time zone, quiet hours, muted words, languages). */
  readonly preferences: PreferencesService;
  readonly queues: Queues;
  readonly ingestor: Ingestor;
  /** The bot role's link to Telegram in this process, for /readyz ("absent" when it does not run here). */
  readonly botStatus: BotStatus;
  /** The Bale bot's link to Bale (BALE_BOT_TOKEN) in this process, for /readyz ("absent" when it does not run here). */
  readonly baleBotStatus: BotStatus;
  /** Webhook mode: the http role's route hands updates to the bot role through this. */
  readonly webhook: WebhookReceiver;
  /** A new connection to the same Redis (BullMQ workers block on theirs). */
  connect(): Redis;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** A sandbox run: its keys are deleted before anything else, so that each run starts empty. */
  readonly emptySandbox?: boolean;
  /** Stories move time themselves; default: the system's clock. */
  readonly clock?: Clock;
}

export async function createRuntime(
  config: Config,
  logger: Logger,
  categories?: Categories,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const loaded = categories ?? loadCategories(config.categoriesFile);
  const cluster = config.redisClusterNodes;
  if (cluster) await ensureClusterUsable(cluster, logger);
  const resolved = cluster ? undefined : await resolveRedis(config.redisUrl, logger.child({ component: "redis" }));
  const target: RedisTarget = cluster ? { cluster } : { url: resolved!.url };
  const connections: Redis[] = [];
  const connect = () => {
    const connection = connectTarget(target);
    connection.on("error", (error: Error) => logger.warn({ err: error.message }, "redis connection error"));
    connections.push(connection);
    return connection;
  };
  const redis = connect();
  await ensureAnswers(redis, target);
  await ensureNoEviction(redis, target, logger);
  // The sandbox's built-in Bot API forgets its readers and channels when it stops: their data goes too.
  if (options.emptySandbox) {
    const removed = await clearSandboxData(redis, config.keyPrefix);
    logger.info({ removed }, `sandbox: keys under ${config.keyPrefix}; each run starts empty (${removed} left by the last run deleted)`);
  }
  const keys = keyLayout(config.keyPrefix);
  const queuePrefix = queuePrefixOf(config.keyPrefix, cluster !== undefined);
  const queues = openQueues(redis, queuePrefix);
  const ingestor = new Ingestor({
    redis,
    keys,
    categories: loaded,
    queues,
    logger,
    index: new SearchIndex(redis, keys, config.inlineWindowDays),
  });
  const store = new ChatStore(redis, config.keyPrefix);
  const clock = options.clock ?? SYSTEM_CLOCK;
  return {
    config,
    logger,
    redisUrl: resolved?.url ?? `redis://${nodeName(cluster![0]!)}`,
    redisTarget: target,
    redis,
    queuePrefix,
    categories: loaded,
    keys,
    store,
    clock,
    preferences: new PreferencesService(store, clock, config.defaultTimezone),
    queues,
    ingestor,
    botStatus: new BotStatus(),
    baleBotStatus: new BotStatus(),
    webhook: new WebhookReceiver(),
    connect,
    async close() {
      await queues.close();
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      stopChild(resolved?.child);
    },
  };
}

const REDIS_START_TIMEOUT_MS = 10_000;

/** A cluster none of whose seed nodes can serve stops start-up, one line per node; a node missing from a working cluster is a warning. */
async function ensureClusterUsable(nodes: NonNullable<Config["redisClusterNodes"]>, logger: Logger): Promise<void> {
  const { problems, unreachable } = await probeCluster(nodes);
  if (problems.length > 0) throw new ConfigError(problems);
  for (const line of unreachable) logger.warn({ node: line }, "a Redis Cluster seed node does not answer; the cluster answers without it");
}

async function ensureAnswers(redis: Redis, target: RedisTarget): Promise<void> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer")), REDIS_START_TIMEOUT_MS).unref());
  try {
    await Promise.race([redis.ping(), timeout]);
  } catch (error) {
    redis.disconnect();
    throw new ConfigError([
      `${"url" in target ? "REDIS_URL" : "REDIS_CLUSTER_NODES"}: nothing answers at ${describeTarget(target)} within ${REDIS_START_TIMEOUT_MS / 1000} s (${(error as Error).message})`,
    ]);
  }
}

/**
 * BullMQ needs maxmemory-policy noeviction: a Redis that evicts keys under memory pressure drops
 * queued jobs, cursors and subscriptions without a word. A managed Redis that forbids CONFIG is
 * trusted (with a warning), since its policy cannot be read.
 */
async function ensureNoEviction(redis: Redis, target: RedisTarget, logger: Logger): Promise<void> {
  for (const node of masters(redis)) {
    const where = "url" in target ? describeTarget(target) : `${String(node.options.host)}:${String(node.options.port)}`;
    await ensureNodeNoEviction(redis, node, where, "url" in target ? "REDIS_URL" : "REDIS_CLUSTER_NODES", logger);
  }
}

async function ensureNodeNoEviction(redis: Redis, node: Redis, where: string, variable: string, logger: Logger): Promise<void> {
  let policy: string | undefined;
  try {
    const answer = (await node.config("GET", "maxmemory-policy")) as unknown;
    policy = Array.isArray(answer) && typeof answer[1] === "string" ? answer[1] : undefined;
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "cannot read Redis's maxmemory-policy (CONFIG GET refused); it must be noeviction",
    );
    return;
  }
  if (policy === undefined || policy === "noeviction") {
    await adviseCompactSettings(node, where, logger);
    return;
  }
  redis.disconnect();
  throw new ConfigError([
    `${variable}: maxmemory-policy is ${policy} at ${where}; Bulletin needs noeviction (evicted keys lose queued work and readers): set maxmemory-policy noeviction in its configuration`,
  ]);
}

/**
 * A Redis with Redis's default limits keeps readers compact up to about 8 million (README "Scaling
 * out"); past that each costs about five times the memory. Said once at start, with what to set.
 */
async function adviseCompactSettings(node: Redis, where: string, logger: Logger): Promise<void> {
  const answer = (await node.config("GET", ...Object.keys(COMPACT_SETTINGS))) as unknown;
  if (!Array.isArray(answer)) return;
  const config: Record<string, string> = {};
  for (let i = 0; i + 1 < answer.length; i += 2) config[String(answer[i])] = String(answer[i + 1]);
  const below = compactSettingsBelow(config);
  if (below.length === 0) return;
  logger.warn(
    { where, set: below },
    `Redis at ${where} keeps readers' shards compact to fewer chats than Bulletin plans for: set ${below.join(", ")} (CONFIG SET and its configuration file; README "Scaling out")`,
  );
}

function stopChild(child: ChildProcess | undefined): void {
  // redis-server saves its append-only file on SIGTERM.
  child?.kill("SIGTERM");
}
