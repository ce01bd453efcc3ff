/**
 * `npm run bench -- cluster`: one delivery process fanning one article out to the same readers on
 * one Redis and on a Redis Cluster of 3 masters (each with a replica, tests/support/cluster.ts),
 * against a fake Bot API without latency or limits; and how the cluster's Redis CPU spread over its
 * masters. The single Redis is a redis-server of the step's own, set up as each cluster node is
 * (append-only file on): like is compared with like, and no other client of the shared Redis
 * slows either run.
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

/** Results: single and cluster rates, their ratio, and each master's share of the cluster's Redis CPU. */
export async function clusterStep(categoriesFile: string, log: (line: string) => void): Promise<Record<string, number>> {
  log(
    `cluster: ${READERS} readers, one delivery process, ${CONCURRENCY} in flight, fake API without latency; one Redis, then 3 masters + 3 replicas, all with an append-only file`,
  );
  const standalone = await startStandalone();
  const redisUrl = `redis://127.0.0.1:${standalone.port}`;
  const single = connectRedis(redisUrl);
  const singleRun = await fanOut({ REDIS_URL: redisUrl }, single, [standalone.port], categoriesFile).finally(() => {
    single.disconnect();
    standalone.stop();
  });
  const cluster = await startCluster();
  try {
    const client = connectCluster(clusterNodesOf(cluster.seeds));
    const masters = await cluster.masters();
    const clusterRun = await fanOut({ REDIS_CLUSTER_NODES: cluster.seeds }, client, masters, categoriesFile).finally(() =>
      client.disconnect(),
    );
    const total = [...clusterRun.cpu.values()].reduce((a, b) => a + b, 0);
    const results: Record<string, number> = {
      cluster_single_msgs_per_s: singleRun.rate,
      cluster_msgs_per_s: clusterRun.rate,
      cluster_ratio: clusterRun.rate / singleRun.rate,
      cluster_single_redis_cpu_us_per_msg: ([...singleRun.cpu.values()][0]! * 1000) / READERS,
      cluster_redis_cpu_us_per_msg: (total * 1000) / READERS,
    };
    masters.forEach((port, i) => {
      results[`cluster_master${i + 1}_cpu_share`] = total > 0 ? clusterRun.cpu.get(port)! / total : 0;
    });
    return results;
  } finally {
    await cluster.stop();
  }
}
