/**
 * `npm run bench -- scale10m`: ten million readers on a redis-server of the step's own, configured
 * as deployments run it (src/redis.ts, LISTPACK_ARGS). Loads them through the store's bulk API
 * (ChatStore.importChats), then measures Redis bytes per reader, the time a delivery process takes
 * to plan one article's fan-out to all of them (its round started and every chunk job queued), that
 * process's peak memory through the plan and the first sends of the round (Telegram's paid rate,
 * a fake 30 ms away), and Redis's CPU per message meanwhile.
 */
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { createRuntime } from "../src/app/runtime.js";
import { loadConfig } from "../src/config/env.js";
import { categorySlug, chatId } from "../src/ids.js";
import { createLogger } from "../src/log.js";
import { openQueues } from "../src/queues.js";
import type { ChatRecord } from "../src/store/chat-record.js";
import { ChatStore, type BulkChat } from "../src/store/chats.js";
import { SHARDS } from "../src/store/keys.js";
import { spawnBulletin } from "../tests/support/processes.js";
import { ownRedis } from "./own-redis.js";

const READERS = Number(process.env.BENCH_SCALE10M_READERS ?? 10_000_000);
const FIRST_ID = 10_000_000;
const LOAD_BATCH = 1_000_000;
const SENDS = 15_000;
const PREFIX = "bench-scale10m";
const big = categorySlug("big");

export const SCALE10M_TARGETS: [key: string, label: string, ok: (v: number) => boolean | undefined, target: string][] = [
  ["scale10m_readers", "14. scale10m: readers loaded", () => undefined, ""],
  ["scale10m_load_per_s", "14. scale10m: readers loaded per second (bulk API)", () => undefined, ""],
  ["scale10m_bytes_per_reader", "14. scale10m: Redis bytes per reader", (v) => v <= 40, "≤ 40"],
  ["scale10m_redis_mb", "14. scale10m: Redis used memory (MB)", () => undefined, ""],
  ["scale10m_chats_per_shard", "14. scale10m: chats per shard (largest shard)", () => undefined, ""],
  ["scale10m_not_compact", "14. scale10m: shard keys out of the compact encodings", (v) => v === 0, "0"],
  ["scale10m_plan_s", "14. scale10m: plan the fan-out, ingest → every chunk queued (s)", (v) => v <= 30, "≤ 30"],
  ["scale10m_fanout_job_s", "14. scale10m: the fan-out job itself (s)", () => undefined, ""],
  ["scale10m_chunks", "14. scale10m: chunk jobs queued", () => undefined, ""],
  ["scale10m_plan_rss_mb", "14. scale10m: planning process peak RSS through the plan (MB)", (v) => v <= 300, "≤ 300"],
  ["scale10m_rss_mb", "14. scale10m: the same process's peak RSS through the first sends (MB)", (v) => v <= 300, "≤ 300"],
  ["scale10m_redis_cpu_us_per_msg", "14. scale10m: Redis CPU per message, first sends (µs)", () => undefined, ""],
];

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function scale10m(categoriesFile: string, log: (text: string) => void): Promise<Record<string, number>> {
  log(`scale10m: ${READERS.toLocaleString("en")} readers through the store's bulk API, on a redis-server of its own`);
  const results: Record<string, number> = { scale10m_readers: READERS };
  const own = await ownRedis();
  const { redis } = own;
  const info = async (section: string, field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(await redis.info(section))?.[1]);
  const redisCpuUs = async () => ((await info("cpu", "used_cpu_user")) + (await info("cpu", "used_cpu_sys"))) * 1e6;
  const telegram = await FakeTelegram.start({ latencyMs: 30, limits: { perSecond: null, paidPerSecond: 1000 }, recordMessages: false });
  const queues = openQueues(redis, PREFIX);
  try {
    const store = new ChatStore(redis, PREFIX);
    const record: ChatRecord = {
      kind: "private",
      language: "en",
      active: true,
      subscriptions: [{ slug: big, since: 0 }],
      cursor: 0,
      sentAhead: [],
    };
    const before = await info("memory", "used_memory");
    const loadStarted = performance.now();
    for (let start = 0; start < READERS; start += LOAD_BATCH) {
      const batch: BulkChat[] = [];
      for (let i = start; i < Math.min(READERS, start + LOAD_BATCH); i++) batch.push({ id: chatId(FIRST_ID + i), record });
      await store.importChats(batch, LOAD_BATCH);
      if ((start / LOAD_BATCH) % 2 === 1) log(`scale10m: ${(start + batch.length).toLocaleString("en")} loaded`);
    }
    results.scale10m_load_per_s = READERS / ((performance.now() - loadStarted) / 1000);
    const used = await info("memory", "used_memory");
    results.scale10m_bytes_per_reader = (used - before) / READERS;
    results.scale10m_redis_mb = used / 1e6;
    results.scale10m_chats_per_shard = Math.max(
      ...(await Promise.all(Array.from({ length: 64 }, (_, k) => redis.hlen(store.keys.chats((k * 257) % SHARDS))))),
    );
    // Every shard's hash and member set must have stayed in its compact encoding.
    const pipeline = redis.pipeline();
    for (let shard = 0; shard < SHARDS; shard++) {
      pipeline.object("ENCODING", store.keys.chats(shard));
      pipeline.object("ENCODING", store.keys.subscribers(big, shard));
    }
    const encodings = ((await pipeline.exec()) ?? []).map(([, encoding]) => encoding);
    results.scale10m_not_compact = encodings.filter((e) => e !== "listpack" && e !== "intset").length;

    const env = {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      REDIS_URL: own.url,
      KEY_PREFIX: PREFIX,
      CATEGORIES_FILE: categoriesFile,
      ROLES: "workers",
      HTTP_PORT: "0",
      LOG_LEVEL: "warn",
    };
    // Delivery held, so the planned round stays queued while it is counted.
    await queues.delivery.pause();
    const worker = await spawnBulletin({ ...env, REPORT_RSS: "1", SEND_RATE: "1000", PAID_BROADCAST: "true" });
    const publisher = await createRuntime(loadConfig(env), createLogger("warn"));
    try {
      const t0 = performance.now();
      const outcome = await publisher.ingestor.ingest(
        { url: "https://news.example.com/ten-million", title: "Ten million", categories: ["big"] },
        "cli",
      );
      if (outcome.status !== "accepted") throw new Error(`bench: ingest answered ${outcome.status}`);
      await waitFor(async () => (await redis.hget(store.keys.article(outcome.id), "fanned")) === "1", 120_000, "the 10M fan-out plan");
      results.scale10m_plan_s = (performance.now() - t0) / 1000;
      results.scale10m_chunks = await queues.delivery.getJobCountByTypes("prioritized", "wait");
      await waitFor(async () => Number(await redis.hget(store.keys.timings("fanout"), "count")) >= 1, 5000, "the fan-out timing");
      results.scale10m_fanout_job_s = Number(await redis.hget(store.keys.timings("fanout"), "sum"));
      // A memory report from after the plan (the process prints one every 500 ms).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      results.scale10m_plan_rss_mb = worker.peakRss() / 1e6;

      const cpuBefore = await redisCpuUs();
      const sentBefore = telegram.accepted;
      await queues.delivery.resume();
      await waitFor(() => telegram.accepted >= SENDS, 180_000, `the first ${SENDS} sends of the 10M round`);
      results.scale10m_redis_cpu_us_per_msg = ((await redisCpuUs()) - cpuBefore) / (telegram.accepted - sentBefore);
      // A last memory report from the process (it prints one every 500 ms).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      results.scale10m_rss_mb = worker.peakRss() / 1e6;
      await queues.delivery.pause();
    } finally {
      await publisher.close();
      await worker.stop();
    }
  } finally {
    await queues.close();
    await telegram.close();
    await own.stop();
  }
  return results;
}
