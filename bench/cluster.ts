/**
 * `npm run bench -- cluster`: one delivery process fanning one article out to the same readers on
 * one Redis and on a Redis Cluster of 3 masters (tests/support/cluster.ts), against a fake Bot API
 * without latency or limits; and how the cluster's Redis CPU spread over its masters. The single
 * Redis is a redis-server of the step's own, set up as each cluster node is (append-only file on):
 * like is compared with like, and no other client of the shared Redis slows either run. Twice:
 * every Redis with a replica (as a deployment that survives a failover runs), then none with one.
 * On two shared cores a replica takes CPU from the delivery process that on a real deployment it
 * would not, so a replicated cluster is compared with a replicated single Redis, not a bare one.
 */
import { Redis } from "ioredis";
import { createRuntime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/env.js";
import { categorySlug, chatId } from "../src/ids.js";
import { createLogger } from "../src/log.js";
import { connectCluster, connectRedis, type Redis as Client } from "../src/redis.js";
import { ChatStore } from "../src/store/chats.js";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { startCluster, startStandalone } from "../tests/support/cluster.js";
import { spawnBulletin } from "../tests/support/processes.js";
import { clusterNodesOf, dropClusterPrefix, dropPrefix, uniquePrefix } from "../tests/support/stack.js";
import { percentile } from "./stats.js";

const READERS = 20_000;
const CONCURRENCY = 64;

async function cpuMs(port: number, host = "127.0.0.1"): Promise<number> {
  const redis = new Redis({ host, port });
  try {
    const info = await redis.info("cpu");
    return (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])) * 1000;
  } finally {
    redis.disconnect();
  }
}

interface Run {
  readonly rate: number;
  /** Redis CPU (ms) per master port while sending. */
  readonly cpu: Map<number, number>;
}

async function fanOut(redisEnv: Record<string, string>, client: Client, ports: readonly number[], categoriesFile: string): Promise<Run> {
  const telegram = await FakeTelegram.start({ limits: { perSecond: null, paidPerSecond: null }, recordMessages: false });
  const prefix = uniquePrefix("bench-cluster");
  const env = {
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    KEY_PREFIX: prefix,
    CATEGORIES_FILE: categoriesFile,
    ROLES: "workers",
    HTTP_PORT: "0",
    LOG_LEVEL: "warn",
    ...redisEnv,
  };
  const store = new ChatStore(client, prefix);
  const records = Array.from({ length: READERS }, (_, i) => ({
    id: chatId(3_000_000 + i),
    record: {
      kind: "private" as const,
      language: "en",
      active: true,
      subscriptions: [{ slug: categorySlug("world"), since: 0 }],
      cursor: 0,
      sentAhead: [],
    },
  }));
  await store.importChats(records);
  const worker = await spawnBulletin(env, { sendRate: 1_000_000, inFlight: { min: CONCURRENCY, max: CONCURRENCY } });
  try {
    const runtime = await createRuntime(loadConfig(env), createLogger("warn"));
    await runtime.ingestor.ingest({ url: `https://news.example.com/${prefix}`, title: "Cluster", categories: ["world"] }, "cli");
    await runtime.close();
    const deadline = Date.now() + 180_000;
    while (telegram.accepted < 1) {
      if (Date.now() > deadline) throw new Error("bench cluster: no message was sent within 180 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    const before = new Map(await Promise.all(ports.map(async (p) => [p, await cpuMs(p)] as const)));
    while (telegram.accepted < READERS) {
      if (Date.now() > deadline) throw new Error("bench cluster: the fan-out did not finish within 180 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = new Map(await Promise.all(ports.map(async (p) => [p, await cpuMs(p)] as const)));
    const times = telegram.sendTimestamps();
    const rate = (times.length - 1) / ((times[times.length - 1]! - times[0]!) / 1000);
    return { rate, cpu: new Map(ports.map((p) => [p, after.get(p)! - before.get(p)!])) };
  } finally {
    await worker.stop();
    await telegram.close();
    if ("REDIS_CLUSTER_NODES" in redisEnv) await dropClusterPrefix(prefix, redisEnv.REDIS_CLUSTER_NODES);
    else await dropPrefix(prefix, redisEnv.REDIS_URL);
  }
}

/** Pairs of runs (one Redis, then the cluster), alternating: on two shared cores one run of either swings by a third. */
const PAIRS = 3;

const median = (values: readonly number[]): number => percentile(values, 50);

interface Comparison {
  readonly pairs: readonly { readonly single: Run; readonly cluster: Run }[];
  readonly masters: readonly number[];
}

/** PAIRS alternating runs on one Redis and on 3 masters, each Redis with `replicas` replicas. */
async function compare(replicas: 0 | 1, categoriesFile: string, log: (line: string) => void): Promise<Comparison> {
  const standalone = await startStandalone({ replica: replicas === 1 });
  const redisUrl = `redis://127.0.0.1:${standalone.port}`;
  const single = connectRedis(redisUrl);
  const cluster = await startCluster(3, replicas);
  const client = connectCluster(clusterNodesOf(cluster.seeds));
  const setup = replicas === 1 ? "each Redis with a replica" : "no replicas";
  try {
    const masters = await cluster.masters();
    const pairs: { single: Run; cluster: Run }[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const singleRun = await fanOut({ REDIS_URL: redisUrl }, single, [standalone.port], categoriesFile);
      const clusterRun = await fanOut({ REDIS_CLUSTER_NODES: cluster.seeds }, client, masters, categoriesFile);
      log(`cluster (${setup}): pair ${i + 1}: one Redis ${singleRun.rate.toFixed(0)} msg/s, cluster ${clusterRun.rate.toFixed(0)} msg/s`);
      pairs.push({ single: singleRun, cluster: clusterRun });
    }
    return { pairs, masters };
  } finally {
    client.disconnect();
    single.disconnect();
    standalone.stop();
    await cluster.stop();
  }
}

const cpuOf = (run: Run) => [...run.cpu.values()].reduce((a, b) => a + b, 0);

/**
 * Results, medians of each comparison's pairs: the single and cluster rates and their ratio per
 * pair, with replicas (`cluster_…`) and without (`cluster_unreplicated_…`); from the replicated
 * runs, Redis CPU per message and each master's share of the cluster's Redis CPU.
 */
export async function clusterStep(categoriesFile: string, log: (line: string) => void): Promise<Record<string, number>> {
  log(
    `cluster: ${READERS} readers, one delivery process, ${CONCURRENCY} in flight, fake API without latency; one Redis, then 3 masters, all with an append-only file; ${PAIRS} pairs of runs, alternating, each Redis with a replica, then without`,
  );
  const replicated = await compare(1, categoriesFile, log);
  const unreplicated = await compare(0, categoriesFile, log);
  const { pairs, masters } = replicated;
  const total = pairs.reduce((sum, pair) => sum + cpuOf(pair.cluster), 0);
  const results: Record<string, number> = {
    cluster_single_msgs_per_s: median(pairs.map((p) => p.single.rate)),
    cluster_msgs_per_s: median(pairs.map((p) => p.cluster.rate)),
    cluster_ratio: median(pairs.map((p) => p.cluster.rate / p.single.rate)),
    cluster_unreplicated_single_msgs_per_s: median(unreplicated.pairs.map((p) => p.single.rate)),
    cluster_unreplicated_msgs_per_s: median(unreplicated.pairs.map((p) => p.cluster.rate)),
    cluster_unreplicated_ratio: median(unreplicated.pairs.map((p) => p.cluster.rate / p.single.rate)),
    cluster_single_redis_cpu_us_per_msg: median(pairs.map((p) => (cpuOf(p.single) * 1000) / READERS)),
    cluster_redis_cpu_us_per_msg: median(pairs.map((p) => (cpuOf(p.cluster) * 1000) / READERS)),
  };
  masters.forEach((port, i) => {
    const mine = pairs.reduce((sum, pair) => sum + (pair.cluster.cpu.get(port) ?? 0), 0);
    results[`cluster_master${i + 1}_cpu_share`] = total > 0 ? mine / total : 0;
  });
  return results;
}
