/**
 * `npm run bench`: Bulletin's delivery measured against its targets, each figure side by side with
 * its baseline in the same run. Starts its own fake Bot API (in this process) and uses its own Redis
 * key prefixes; Bulletin runs in child processes exactly as `ROLES=workers npm start` would.
 * Prints a table and writes bench/results.json.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { categorySlug, chatId, type ChatId } from "../src/ids.js";
import { minuteOfDay } from "../src/preferences/schedule.js";
import { normalizeMutedWord } from "../src/preferences/words.js";
import type { ReaderPrefs } from "../src/store/chat-record.js";
import { ChatStore } from "../src/store/chats.js";
import { keys as keyLayout, SHARDS } from "../src/store/keys.js";
import { openQueues } from "../src/queues.js";
import { FakeTelegram, type FakeTelegramOptions } from "@bulletin/fake-bot-api";
import { spawnBulletin, type BulletinProcess } from "../tests/support/processes.js";
import { BURST_TARGETS, burst } from "./burst.js";
import { clusterStep } from "./cluster.js";
import { ownRedis } from "./own-redis.js";
import { LISTPACK_TARGETS, listpack } from "./listpack.js";
import { SCALE10M_TARGETS, scale10m } from "./scale10m.js";
import { dropPrefix, uniquePrefix } from "../tests/support/stack.js";
import { percentile } from "./stats.js";

const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const CATEGORIES_FILE = fileURLToPath(new URL("./categories.json", import.meta.url));
const INGEST_TOKEN = "bench-ingest-token-0123456789";
const results: Record<string, number> = {};
const redis = new Redis(REDIS_URL);

/** Between steps, when node runs with --expose-gc (npm run bench does). */
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

const log = (text: string) => process.stderr.write(`${text}\n`);

/** CPU time (ms, user + system) a process has used so far, on Linux; undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (process.platform !== "linux" || pid === undefined) return undefined;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function redisCpuMs(): Promise<number> {
  const info = await redis.info("cpu");
  return (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])) * 1000;
}

async function usedMemory(): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Sends per second between `from` and `to` (ms), from the fake's accepted-send timestamps. */
function rateBetween(times: readonly number[], from: number, to: number): number {
  return times.filter((t) => t >= from && t < to).length / ((to - from) / 1000);
}

/** The steady part of a run: without its first and last second (start-up and tail). */
function sustainedRate(times: readonly number[]): number {
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? 0;
  return last - first > 3000 ? rateBetween(times, first + 1000, last - 1000) : (times.length - 1) / ((last - first) / 1000);
}

interface Scenario {
  readonly name: string;
  readonly telegram: FakeTelegramOptions;
  readonly env?: Record<string, string>;
}

/** One measurement's world: a fake Telegram, a key prefix, readers, Bulletin processes. */
class Bench {
  readonly processes: BulletinProcess[] = [];
  readonly store: ChatStore;
  private constructor(
    readonly telegram: FakeTelegram,
    readonly prefix: string,
    readonly env: Record<string, string>,
  ) {
    this.store = new ChatStore(redis, prefix);
  }

  static async open(scenario: Scenario): Promise<Bench> {
    const telegram = await FakeTelegram.start(scenario.telegram);
    const prefix = uniquePrefix(`bench-${scenario.name}`);
    return new Bench(telegram, prefix, {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      REDIS_URL,
      KEY_PREFIX: prefix,
      CATEGORIES_FILE,
      INGEST_TOKEN,
      ROLES: "workers",
      HTTP_PORT: "0",
      LOG_LEVEL: "warn",
      ...scenario.env,
    });
  }

  /** Loads readers through the store's bulk API (not the bot), in batches to keep memory flat; `prefsOf` gives some their preferences. */
  async readers(
    slug: string,
    firstId: number,
    count: number,
    prefsOf: (i: number) => ReaderPrefs | undefined = () => undefined,
  ): Promise<ChatId[]> {
    const ids: ChatId[] = [];
    for (let start = 0; start < count; start += 50_000) {
      const batch = [];
      for (let i = start; i < Math.min(count, start + 50_000); i++) {
        const id = chatId(firstId + i);
        ids.push(id);
        const prefs = prefsOf(i);
        batch.push({
          id,
          record: {
            kind: "private" as const,
            language: "en",
            active: true,
            subscriptions: [{ slug: categorySlug(slug), since: 0 }],
            cursor: 0,
            sentAhead: [],
            ...(prefs ? { prefs } : {}),
          },
        });
      }
      await this.store.importChats(batch);
    }
    return ids;
  }

  async start(count = 1, extraEnv: Record<string, string> = {}, tuning: object = {}): Promise<BulletinProcess[]> {
    const started = await Promise.all(Array.from({ length: count }, () => spawnBulletin({ ...this.env, ...extraEnv }, tuning)));
    this.processes.push(...started);
    return started;
  }

  async publish(url: string, body: Record<string, unknown>): Promise<number> {
    const response = await fetch(`${url}/api/articles`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${INGEST_TOKEN}` },
      body: JSON.stringify(body),
    });
    return response.status;
  }

  /** Publishes through Redis directly when no HTTP role runs: the same Ingestor the API uses. */
  async ingest(body: Record<string, unknown>): Promise<void> {
    const { createRuntime } = await import("../src/app/runtime.js");
    const { loadConfig } = await import("../src/config/env.js");
    const { createLogger } = await import("../src/log.js");
    const runtime = await createRuntime(loadConfig(this.env), createLogger("warn"));
    const outcome = await runtime.ingestor.ingest(body, "cli");
    await runtime.close();
    if (outcome.status !== "accepted") throw new Error(`bench: ingest answered ${outcome.status}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    await this.telegram.close();
    await dropPrefix(this.prefix, REDIS_URL);
  }
}

/** Runs the bare grammY loop; answers the CPU it used per message (µs) while sending, when it can tell. */
async function rawSender(
  telegram: FakeTelegram,
  firstId: number,
  count: number,
  concurrency: number,
  article: object,
  transport: "grammy" | "bulletin" = "grammy",
): Promise<number | undefined> {
  const script = fileURLToPath(new URL("./raw-sender.ts", import.meta.url));
  const args = [telegram.apiRoot, telegram.token, String(firstId), String(count), String(concurrency), JSON.stringify(article), transport];
  // CHILD_NODE_ARGS profiles the baseline the same way as Bulletin's processes.
  const nodeArgs = (process.env.CHILD_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once("exit", resolve));
  const cpuMs = Number(/cpu_ms (\S+)/.exec(out)?.[1]);
  return Number.isFinite(cpuMs) ? (cpuMs * 1000) / count : undefined;
}

const CEILING_ARTICLE = {
  url: "https://news.example.com/ceiling",
  title: "Ceiling",
  summary: "One article to twenty thousand readers.",
  categories: ["world"],
};

// 1. Ceiling: Bulletin's own overhead, at equal concurrency, against a bare grammY loop. Both run
// three times, alternating, and the medians are compared: on two shared cores one run of either
// can lose a tenth of its speed to whatever else the machine does at that moment.
interface CeilingRun {
  readonly bulletin: number;
  readonly raw: number;
  /** CPU per message (µs) while sending: Bulletin's process, Redis, the bare loop's process. */
  readonly bulletinCpu?: number;
  readonly redisCpu: number;
  readonly rawCpu?: number;
  /** The bare loop's CPU per message on the transport delivery uses (src/telegram/transport.ts). */
  readonly leanCpu?: number;
}

async function ceilingOnce(): Promise<CeilingRun> {
  const READERS = 20_000;
  const CONCURRENCY = 64;
  const rate = (times: readonly number[]) => (times.length - 1) / ((times[times.length - 1]! - times[0]!) / 1000);
  const bench = await Bench.open({
    name: "ceiling",
    telegram: { limits: { perSecond: null, paidPerSecond: null }, recordMessages: false },
  });
  let bulletin: number;
  let bulletinCpu: number | undefined;
  let redisCpu: number;
  try {
    await bench.readers("world", 1_000_000, READERS);
    const [worker] = await bench.start(1, {}, { sendRate: 1_000_000, inFlight: { min: CONCURRENCY, max: CONCURRENCY } });
    await bench.ingest(CEILING_ARTICLE);
    await waitFor(() => bench.telegram.accepted >= 1, 60_000, "the first ceiling send");
    const [cpuBefore, redisBefore, sentBefore] = [processCpuMs(worker!.child.pid), await redisCpuMs(), bench.telegram.accepted];
    await waitFor(() => bench.telegram.accepted >= READERS, 180_000, "the ceiling fan-out");
    const [cpuAfter, redisAfter, sent] = [processCpuMs(worker!.child.pid), await redisCpuMs(), bench.telegram.accepted - sentBefore];
    bulletin = rate(bench.telegram.sendTimestamps());
    bulletinCpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / sent;
    redisCpu = ((redisAfter - redisBefore) * 1000) / sent;
  } finally {
    await bench.close();
  }
  const raw = await FakeTelegram.start({ limits: { perSecond: null, paidPerSecond: null }, recordMessages: false });
  let rawRun: Pick<CeilingRun, "raw" | "rawCpu">;
  try {
    const rawCpu = await rawSender(raw, 1_000_000, READERS, CONCURRENCY, CEILING_ARTICLE);
    rawRun = { raw: rate(raw.sendTimestamps()), rawCpu };
  } finally {
    await raw.close();
  }
  // The same bare loop on delivery's transport: what Bulletin's own bookkeeping costs, like for like.
  const lean = await FakeTelegram.start({ limits: { perSecond: null, paidPerSecond: null }, recordMessages: false });
  try {
    const leanCpu = await rawSender(lean, 1_000_000, READERS, CONCURRENCY, CEILING_ARTICLE, "bulletin");
    return { bulletin, bulletinCpu, redisCpu, ...rawRun, leanCpu };
  } finally {
    await lean.close();
  }
}

async function ceiling(): Promise<void> {
  log("ceiling: 20000 readers, fake API without latency or limits, 64 sends in flight, 3 runs each");
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await ceilingOnce());
  results.ceiling_msgs_per_s = percentile(
    runs.map((r) => r.bulletin),
    50,
  );
  results.ceiling_raw_msgs_per_s = percentile(
    runs.map((r) => r.raw),
    50,
  );
  results.ceiling_ratio = results.ceiling_msgs_per_s / results.ceiling_raw_msgs_per_s;
  // Less noisy than the rates: the CPU each side spends per message (the senders' main threads are
  // what limits both rates here).
  const median = (values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length === values.length ? percentile(known, 50) : undefined;
  };
  const cpu = {
    ceiling_cpu_us_per_msg: median(runs.map((r) => r.bulletinCpu)),
    ceiling_redis_cpu_us_per_msg: median(runs.map((r) => r.redisCpu)),
    ceiling_raw_cpu_us_per_msg: median(runs.map((r) => r.rawCpu)),
    ceiling_lean_cpu_us_per_msg: median(runs.map((r) => r.leanCpu)),
  };
  for (const [key, value] of Object.entries(cpu)) if (value !== undefined) results[key] = value;
  if (cpu.ceiling_cpu_us_per_msg !== undefined && cpu.ceiling_raw_cpu_us_per_msg !== undefined) {
    results.ceiling_cpu_ratio = cpu.ceiling_cpu_us_per_msg / cpu.ceiling_raw_cpu_us_per_msg;
  }
  if (cpu.ceiling_cpu_us_per_msg !== undefined && cpu.ceiling_lean_cpu_us_per_msg !== undefined) {
    results.ceiling_lean_cpu_ratio = cpu.ceiling_cpu_us_per_msg / cpu.ceiling_lean_cpu_us_per_msg;
  }
}

// 2. Paid broadcast at Telegram's real latency.
async function paid(): Promise<void> {
  const READERS = 12_000;
  log(`paid: ${READERS} readers, 60 ms latency, SEND_RATE=1000, fake enforcing 1000/s`);
  const bench = await Bench.open({
    name: "paid",
    telegram: { latencyMs: 60, limits: { perSecond: 30, paidPerSecond: 1000 }, recordMessages: false },
    env: { SEND_RATE: "1000", PAID_BROADCAST: "true" },
  });
  try {
    await bench.readers("world", 2_000_000, READERS);
    await bench.start(1);
    // The fake Telegram lives in this process: its GC pauses bunch the sends it times (a 429 where
    // none was sent too fast), so the readers' setup garbage goes before the step, not during it.
    collectGarbage();
    // How long the fake stood still at worst: sends that reached it meanwhile are timed together
    // when it moves on, and more than 20 ms of them (the budget's 2 %) make a second too full.
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    await bench.ingest({ url: "https://news.example.com/paid", title: "Paid", categories: ["world"] });
    await waitFor(() => bench.telegram.accepted >= READERS, 120_000, "the paid fan-out");
    stalls.disable();
    results.paid_fake_longest_stall_ms = stalls.max / 1e6;
    results.paid_msgs_per_s = sustainedRate(bench.telegram.sendTimestamps());
    results.paid_max_window = bench.telegram.maxSendsInWindow(1000);
    results.paid_429 = bench.telegram.rejected429;
    results.paid_stars_messages = Number((await redis.get(keyLayout(bench.prefix).budget.paidMessages)) ?? 0);
  } finally {
    await bench.close();
  }
}

// 3. One budget held by three delivery processes.
async function budget(): Promise<void> {
  const READERS = 600;
  log(`budget: ${READERS} readers, SEND_RATE=30, three delivery processes, fake enforcing 30/s`);
  const bench = await Bench.open({ name: "budget", telegram: { latencyMs: 30, limits: { perSecond: 30 }, recordMessages: false } });
  try {
    await bench.readers("world", 3_000_000, READERS);
    await bench.start(3);
    await bench.ingest({ url: "https://news.example.com/budget", title: "Budget", categories: ["world"] });
    await waitFor(() => bench.telegram.accepted >= READERS, 120_000, "the budget fan-out");
    results.budget_max_window = bench.telegram.maxSendsInWindow(1000);
    results.budget_sustained_per_s = sustainedRate(bench.telegram.sendTimestamps());
    results.budget_429 = bench.telegram.rejected429;
  } finally {
    await bench.close();
  }
}

// 4. A million readers: memory per reader, planning one article's fan-out, memory while it is queued.
async function scale(): Promise<void> {
  const READERS = 1_000_000;
  log(`scale: ${READERS} readers loaded through the store's bulk API`);
  const bench = await Bench.open({
    name: "scale",
    telegram: { latencyMs: 30, limits: { perSecond: null, paidPerSecond: 1000 }, recordMessages: false },
  });
  const queues = openQueues(redis, bench.prefix);
  try {
    const before = await usedMemory();
    await bench.readers("big", 10_000_000, READERS);
    results.bytes_per_reader = ((await usedMemory()) - before) / READERS;

    const started = Date.now();
    let seen = 0;
    const pipeline = redis.pipeline();
    const k = keyLayout(bench.prefix);
    for (let shard = 0; shard < SHARDS; shard++) pipeline.smembers(k.subscribers(categorySlug("big"), shard));
    for (const [, members] of (await pipeline.exec()) ?? []) seen += (members as string[]).length;
    results.enumerate_1m_s = (Date.now() - started) / 1000;
    if (seen !== READERS) throw new Error(`bench: enumerated ${seen} readers, expected ${READERS}`);

    // Hold delivery so the planned fan-out stays queued while it is measured.
    await queues.delivery.pause();
    // Telegram's fastest (paid broadcasts): the process's memory while it works through a million-reader round.
    const [worker] = await bench.start(1, { REPORT_RSS: "1", SEND_RATE: "1000", PAID_BROADCAST: "true" });
    const queuedBefore = await usedMemory();
    const t0 = Date.now();
    await bench.ingest({ url: "https://news.example.com/scale", title: "Scale", categories: ["big"] });
    await waitFor(
      async () =>
        (await redis.hget(k.round(categorySlug("big"), "normal"), "round")) !== null &&
        (await queues.delivery.getJobCountByTypes("prioritized", "wait")) > 0 &&
        (await queues.fanout.getJobCountByTypes("wait", "active")) === 0,
      60_000,
      "the fan-out plan",
    );
    results.plan_1m_s = (Date.now() - t0) / 1000;
    results.fanout_extra_mb = ((await usedMemory()) - queuedBefore) / 1e6;
    await queues.delivery.resume();
    // Let the process run the first chunks of the round, then read its memory.
    await waitFor(() => bench.telegram.accepted >= 15_000, 120_000, "the first 15,000 sends of the big round");
    await sleep(1000);
    results.rss_mb = worker!.peakRss() / 1e6;
    await queues.delivery.pause();
  } finally {
    await queues.close();
    await bench.close();
  }
}

// 5. Backlog: articles faster than they can be sent become digests, memory stays flat.
async function backlog(): Promise<void> {
  const READERS = 10_000;
  const ARTICLES = 60;
  const INTERVAL_MS = 2000;
  log(`backlog: ${READERS} readers, SEND_RATE=300, one article every 2 s for 2 minutes`);
  const bench = await Bench.open({
    name: "backlog",
    telegram: { latencyMs: 20, limits: { perSecond: null, paidPerSecond: 1000, privateChat: true } },
    env: { SEND_RATE: "300", PAID_BROADCAST: "true", ROLES: "workers,http" },
  });
  try {
    const readers = await bench.readers("backlog", 4_000_000, READERS);
    const [worker] = await bench.start(1);
    const published: number[] = [];
    const memory: { at: number; bytes: number }[] = [];
    const sampler = setInterval(() => void usedMemory().then((bytes) => memory.push({ at: Date.now(), bytes })), 2000);
    let firstRoundDone = 0;
    const watcher = setInterval(() => {
      if (!firstRoundDone && readers.every((id) => bench.telegram.messagesTo(id).length > 0)) firstRoundDone = Date.now();
    }, 500);
    for (let n = 0; n < ARTICLES; n++) {
      published.push(Date.now());
      const status = await bench.publish(worker!.url, {
        url: `https://news.example.com/backlog/${n}`,
        title: `Backlog ${String(n).padStart(3, "0")}`,
        categories: ["backlog"],
      });
      if (status !== 202) throw new Error(`bench: publish answered ${status}`);
      await sleep(Math.max(0, published[n]! + INTERVAL_MS - Date.now()));
    }
    const received = (id: ChatId) => {
      const got = new Map<number, number>();
      for (const message of bench.telegram.messagesTo(id)) {
        for (const match of (message.text ?? message.caption ?? "").matchAll(/Backlog (\d{3})/g)) {
          const n = Number(match[1]);
          if (!got.has(n)) got.set(n, message.sentAt);
        }
      }
      return got;
    };
    await waitFor(() => readers.every((id) => received(id).size === ARTICLES), 300_000, "every reader to have every article");
    clearInterval(sampler);
    clearInterval(watcher);
    const latencies: number[] = [];
    let maxPerRound = 0;
    for (const id of readers) {
      for (const [n, at] of received(id)) latencies.push((at - published[n]!) / 1000);
      const times = bench.telegram.messagesTo(id).map((m) => m.sentAt);
      for (let i = 0; i < times.length; i++) {
        maxPerRound = Math.max(maxPerRound, times.filter((t) => t >= times[i]! && t < times[i]! + INTERVAL_MS).length);
      }
    }
    const afterFirst = memory.filter((m) => m.at >= firstRoundDone);
    const baseline = afterFirst[0]?.bytes ?? 0;
    results.backlog_memory_growth_mb = (afterFirst.reduce((a, m) => Math.max(a, m.bytes), 0) - baseline) / 1e6;
    results.backlog_max_msgs_per_reader_per_round = maxPerRound;
    results.backlog_p50_s = percentile(latencies, 50);
    results.backlog_p95_s = percentile(latencies, 95);
    results.backlog_max_s = latencies.reduce((a, b) => Math.max(a, b), 0);
    results.backlog_messages = bench.telegram.accepted;
  } finally {
    await bench.close();
  }
}

// 6. Latency on an idle system: ingest to first send.
async function latency(): Promise<void> {
  const ARTICLES = 50;
  const CATEGORIES = 25;
  log(`latency: ${ARTICLES} articles to 10 readers each, idle system`);
  const bench = await Bench.open({ name: "latency", telegram: { limits: { perSecond: null } }, env: { ROLES: "workers,http" } });
  try {
    const groups: ChatId[][] = [];
    for (let c = 0; c < CATEGORIES; c++) groups.push(await bench.readers(`lat${c}`, 5_000_000 + c * 100, 10));
    const [worker] = await bench.start(1);
    const samples: number[] = [];
    for (let n = 0; n < ARTICLES; n++) {
      const group = groups[n % CATEGORIES]!;
      const before = new Map(group.map((id) => [id, bench.telegram.messagesTo(id).length]));
      const t0 = Date.now();
      await bench.publish(worker!.url, {
        url: `https://news.example.com/latency/${n}`,
        title: `Latency ${n}`,
        categories: [`lat${n % CATEGORIES}`],
      });
      await waitFor(() => group.every((id) => bench.telegram.messagesTo(id).length > before.get(id)!), 10_000, "the latency article");
      const first = Math.min(...group.map((id) => bench.telegram.messagesTo(id).at(-1)!.sentAt));
      samples.push(first - t0);
    }
    results.latency_p50_ms = percentile(samples, 50);
    results.latency_p95_ms = percentile(samples, 95);
  } finally {
    await bench.close();
  }
}

// 7. Import: 100,000 subscribers from a CSV file through `npm run cli -- subscribers import`.
async function importRows(): Promise<void> {
  const ROWS = 100_000;
  log(`import: ${ROWS} CSV rows through the subscribers import command`);
  const { runSubscribersCommand } = await import("../src/cli/commands/subscribers.js");
  const { createLogger } = await import("../src/log.js");
  const dir = mkdtempSync(join(tmpdir(), "bulletin-bench-import-"));
  const file = join(dir, "readers.csv");
  const slugs = ["world", "big", "backlog", "world;big"];
  const lines = ["chat_id,categories,language"];
  for (let i = 0; i < ROWS; i++) lines.push(`${20_000_000 + i},${slugs[i % 4]},${i % 3 === 0 ? "fa" : "en"}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  const prefix = uniquePrefix("bench-import");
  let out = "";
  try {
    const started = performance.now();
    const code = await runSubscribersCommand(["import", file, "--json"], {
      io: { stdout: (text) => void (out += text), stderr: (text) => void process.stderr.write(text) },
      redis,
      prefix,
      categoriesFile: CATEGORIES_FILE,
      feedInterval: 60,
      logger: createLogger("silent"),
    });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`bench: import exited with ${code}`);
    const report = JSON.parse(out) as { added: number };
    if (report.added !== ROWS) throw new Error(`bench: imported ${report.added} of ${ROWS} rows`);
    results.import_rows_per_s = ROWS / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropPrefix(prefix, REDIS_URL);
  }
}

// 12. Inline: search over a window of 100,000 articles (issue 15).
async function inline(): Promise<void> {
  const { benchInline } = await import("./inline.js");
  const prefix = uniquePrefix("bench-inline");
  try {
    const figures = await benchInline(redis, prefix, CATEGORIES_FILE, log);
    results.inline_p50_ms = figures.p50Ms;
    results.inline_p95_ms = figures.p95Ms;
    results.inline_max_ms = figures.maxMs;
    results.inline_index_mb = figures.indexMb;
    results.inline_index_keys = figures.indexKeys;
    results.inline_bytes_per_article = figures.bytesPerArticle;
    results.inline_write_ms_per_article = figures.writeMsPerArticle;
    for (const [kind, { p95, results: count }] of Object.entries(figures.byKind)) {
      log(`inline: ${kind.padEnd(24)} p95 ${p95.toFixed(2)} ms, ${count.toFixed(1)} results on average`);
    }
  } finally {
    await dropPrefix(prefix, REDIS_URL);
  }
}

// 9. Replies first: readers asking /mysubs while a 5,000-reader broadcast runs at SEND_RATE=30,
// the bot and delivery in processes of their own sharing one budget; at 0 ms and 60 ms latency.
const REPLY_READERS = Number(process.env.BENCH_REPLY_READERS ?? 10);
const REPLY_INTERVAL_MS = 2000;
const REPLY_ROUNDS = 15;

async function repliesAt(latencyMs: number): Promise<void> {
  const READERS = 5000;
  // Messages are not recorded (a heap full of them would bunch the fake's arrival times when
  // collected): the askers' replies and the 429s are taken from the fake's events as they happen.
  const bench = await Bench.open({
    name: `replies-${latencyMs}`,
    telegram: { latencyMs, limits: { perSecond: 30, privateChat: true }, recordMessages: false },
    env: { SEND_RATE: "30" },
  });
  try {
    const readers = await bench.readers("world", 6_000_000, READERS);
    // Askers spread over the readers: each also gets the broadcast's article, at its turn.
    const step = Math.floor(READERS / Math.max(1, REPLY_READERS));
    const askers = Array.from({ length: REPLY_READERS }, (_, i) =>
      bench.telegram.addUser({ id: readers[i * step]!, first_name: `Reader ${i}`, language_code: "en" }),
    );
    const asked = new Map<number, number[]>(askers.map((a) => [a.id, []]));
    const answered = new Map<number, number[]>(askers.map((a) => [a.id, []]));
    const rejected: string[] = [];
    bench.telegram.onEvent((event) => {
      if (event.type === "message" && event.message.text === "You follow: World.") answered.get(event.chatId)?.push(event.message.sentAt);
      if (event.type === "rejected" && event.status === 429) rejected.push(`${event.method} to ${event.chatId} at ${Date.now()}`);
    });
    await bench.start(1);
    await bench.start(1, { ROLES: "bot" });
    await bench.ingest({ url: `https://news.example.com/replies/${latencyMs}`, title: "Replies", categories: ["world"] });
    await waitFor(() => bench.telegram.accepted >= 60, 60_000, "the broadcast to be under way");
    const broadcastFrom = Date.now();
    for (let round = 0; round < REPLY_ROUNDS; round++) {
      const roundStart = Date.now();
      for (const [i, asker] of askers.entries()) {
        // Spread over the interval, as readers do not all type at the same instant.
        await sleep(Math.max(0, roundStart + (i * REPLY_INTERVAL_MS) / askers.length - Date.now()));
        asked.get(asker.id)!.push(Date.now());
        bench.telegram.userSends(asker, "/mysubs");
      }
      await sleep(Math.max(0, roundStart + REPLY_INTERVAL_MS - Date.now()));
    }
    await waitFor(() => askers.every((a) => answered.get(a.id)!.length === REPLY_ROUNDS), 30_000, "every /mysubs answered");
    const broadcastTo = Date.now();
    // One chat's updates are answered in order: the k-th reply answers the k-th /mysubs.
    const latencies = askers.flatMap((a) => answered.get(a.id)!.map((at, k) => at - asked.get(a.id)![k]!));
    const times = bench.telegram.sendTimestamps();
    const suffix = `${latencyMs}ms`;
    results[`replies_p50_ms_${suffix}`] = percentile(latencies, 50);
    results[`replies_p95_ms_${suffix}`] = percentile(latencies, 95);
    results[`replies_max_ms_${suffix}`] = latencies.reduce((a, b) => Math.max(a, b), 0);
    results[`replies_429_${suffix}`] = bench.telegram.rejected429;
    results[`replies_max_window_${suffix}`] = bench.telegram.maxSendsInWindow(1000);
    results[`replies_total_per_s_${suffix}`] = rateBetween(times, broadcastFrom, broadcastTo);
    log(
      `  ${suffix}: ${latencies.length} replies, ${bench.telegram.accepted - latencies.length} of ${READERS} articles sent meanwhile, ` +
        `p95 ${results[`replies_p95_ms_${suffix}`]} ms, ${bench.telegram.rejected429} × 429${rejected.length > 0 ? ` (${rejected.join("; ")})` : ""}`,
    );
  } finally {
    await bench.close();
  }
}

async function replies(): Promise<void> {
  log(
    `replies: 5000-reader broadcast at SEND_RATE=30 (fake enforcing 30/s and 1/s per chat), ` +
      `${REPLY_READERS} readers sending /mysubs every ${REPLY_INTERVAL_MS / 1000} s for ${(REPLY_ROUNDS * REPLY_INTERVAL_MS) / 1000} s`,
  );
  for (const latencyMs of [0, 60]) await repliesAt(latencyMs);
}

/** The fake Bot API's latency for the digest step (BENCH_LATENCY_MS; Telegram's is about 60 ms). */
const BENCH_LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 0);

// 8. Daily digests: 100,000 readers due at the same minute, one digest each, at SEND_RATE.
async function digest(): Promise<void> {
  const READERS = 100_000;
  const ARTICLES = 5;
  const zone = "Asia/Tehran";
  log(
    `digest: ${READERS} readers with a daily digest at the same minute, ${ARTICLES} articles, SEND_RATE=1000 (paid), fake enforcing 1000/s, latency ${BENCH_LATENCY_MS} ms`,
  );
  const bench = await Bench.open({
    name: "digest",
    telegram: { latencyMs: BENCH_LATENCY_MS, limits: { perSecond: 30, paidPerSecond: 1000 }, recordMessages: false },
    env: { SEND_RATE: "1000", PAID_BROADCAST: "true" },
  });
  const digests = new Map<number, number>();
  const times: number[] = [];
  let others = 0;
  const stopListening = bench.telegram.onEvent((event) => {
    if (event.type !== "message") return;
    if (!event.message.text?.startsWith(`📰 ${ARTICLES} new articles`)) {
      others++;
      return;
    }
    digests.set(event.chatId, (digests.get(event.chatId) ?? 0) + 1);
    times.push(event.message.sentAt);
  });
  try {
    // The day's articles came before the digest minute; the readers' cursors are before them.
    for (let n = 0; n < ARTICLES; n++) {
      await bench.ingest({ url: `https://news.example.com/digest/${n}`, title: `Digest article ${n}`, categories: ["world"] });
    }
    // Due at the start of a minute at least 20 s away, so that loading the readers and starting Bulletin fit before it.
    const dueMinute = Math.floor((Date.now() + 20_000) / 60_000) + 1;
    const prefs: ReaderPrefs = { digest: { kind: "daily", at: minuteOfDay(zone, dueMinute) }, muted: [], nextDue: dueMinute };
    await bench.readers("world", 6_000_000, READERS, () => prefs);
    const [worker] = await bench.start(1);
    const dueAt = dueMinute * 60_000;
    await sleep(Math.max(0, dueAt - Date.now()));
    // What the due loop works from: the shards that hold held readers, and who of them is due.
    const planStarted = performance.now();
    const k = keyLayout(bench.prefix);
    const shards = (await redis.smembers(k.dueShards)).map(Number);
    const pipeline = redis.pipeline();
    // Every reader here is due at this minute; those the due loop already took are leased a few minutes on.
    for (const shard of shards) pipeline.zrangebyscore(k.due(shard), "-inf", "+inf");
    let due = 0;
    for (const [, ids] of (await pipeline.exec()) ?? []) due += (ids as string[]).length;
    results.digest_plan_s = (performance.now() - planStarted) / 1000;
    const cpuBefore = processCpuMs(worker!.child.pid);
    await waitFor(() => digests.size >= READERS, 600_000, "every reader's digest");
    const cpuAfter = processCpuMs(worker!.child.pid);
    await sleep(2000);
    if (due < READERS * 0.9 && times.length === 0) throw new Error(`bench: only ${due} readers were due`);
    results.digest_due_readers = due;
    results.digest_readers_not_one = [...digests.values()].filter((n) => n !== 1).length + (READERS - digests.size);
    results.digest_other_messages = others;
    results.digest_first_s = ((times[0] ?? NaN) - dueAt) / 1000;
    results.digest_all_sent_s = ((times.at(-1) ?? NaN) - dueAt) / 1000;
    results.digest_msgs_per_s = sustainedRate(times);
    if (cpuBefore !== undefined && cpuAfter !== undefined) results.digest_cpu_us_per_digest = ((cpuAfter - cpuBefore) * 1000) / READERS;
    results.digest_429 = bench.telegram.rejected429;
  } finally {
    stopListening();
    await bench.close();
  }
}

/** Ten muted words of a reader who set everything: Persian and English, as readers type them. */
const TEN_MUTED = [
  "فوتبال",
  "بازیگر",
  "انتخابات",
  "قیمت دلار",
  "کرونا",
  "celebrity",
  "football",
  "crypto",
  "horoscope",
  "royal family",
].map(normalizeMutedWord);

/**
 * A reader who set everything: a daily digest, a time zone, quiet hours, Persian articles only, 10
 * muted words, their language chosen, a digest held. (Choosing every language is the default and
 * writes nothing.)
 */
const FULL_PREFS: ReaderPrefs = {
  digest: { kind: "daily", at: 8 * 60 },
  timezone: "Europe/London",
  quiet: { from: 22 * 60, to: 7 * 60 },
  languages: ["fa"],
  muted: TEN_MUTED,
  languageChosen: true,
  nextDue: 29_500_000,
};

/** The ceiling step's Bulletin side alone, with `prefsOf` giving some readers preferences: msgs/s. */
async function bulletinCeiling(name: string, prefsOf?: (i: number) => ReaderPrefs | undefined): Promise<number> {
  const READERS = 20_000;
  const CONCURRENCY = 64;
  const bench = await Bench.open({ name, telegram: { limits: { perSecond: null, paidPerSecond: null }, recordMessages: false } });
  try {
    await bench.readers("world", 1_000_000, READERS, prefsOf);
    await bench.start(1, {}, { sendRate: 1_000_000, inFlight: { min: CONCURRENCY, max: CONCURRENCY } });
    await bench.ingest(CEILING_ARTICLE);
    await waitFor(() => bench.telegram.accepted >= READERS, 180_000, `the ${name} fan-out`);
    const times = bench.telegram.sendTimestamps();
    return (times.length - 1) / ((times[times.length - 1]! - times[0]!) / 1000);
  } finally {
    await bench.close();
  }
}

// 11. Readers' filters: what preferences cost in Redis, and the fan-out ceiling with 20 % of readers
// holding 10 muted words each, against the same ceiling without them (3 runs each, alternating, medians).
async function filters(): Promise<void> {
  log(
    "filters: Redis bytes of 1,000,000 default readers and of 100,000 of them with settings + 10 muted words (a Redis of its own, run as deployments run it); the ceiling with 20 % of readers muting 10 words",
  );
  const bytes = await ownRedis();
  try {
    const DEFAULT = 1_000_000;
    const FULL = 100_000;
    const store = new ChatStore(bytes.redis, "bench-bytes");
    const load = async (count: number, step: number, prefs?: ReaderPrefs, offset = 0) => {
      for (let start = 0; start < count; start += 50_000) {
        const batch = [];
        for (let i = start; i < Math.min(count, start + 50_000); i++) {
          const record = {
            kind: "private" as const,
            language: "en",
            active: true,
            subscriptions: [{ slug: categorySlug("world"), since: 0 }],
            cursor: 0,
            sentAhead: [],
            ...(prefs ? { prefs } : {}),
          };
          batch.push({ id: chatId(40_000_000 + offset + i * step), record });
        }
        await store.importChats(batch);
      }
    };
    const memory = async () => Number(/used_memory:(\d+)/.exec(await bytes.redis.info("memory"))?.[1] ?? 0);
    let before = await memory();
    await load(DEFAULT, 1);
    results.filters_bytes_per_default_reader = ((await memory()) - before) / DEFAULT;
    // Every tenth of the same readers sets everything: their records grow and they join the due index.
    before = await memory();
    await load(FULL, 10, FULL_PREFS);
    results.filters_extra_bytes = ((await memory()) - before) / FULL;
    // The first of them also paid for what exists once per shard (16,384 due index keys, the set of
    // due shards): the next 100,000 show what one more such reader costs.
    before = await memory();
    await load(FULL, 10, FULL_PREFS, 5);
    results.filters_extra_bytes_marginal = ((await memory()) - before) / FULL - results.filters_bytes_per_default_reader;
  } finally {
    await bytes.stop();
  }
  const plain: number[] = [];
  const muted: number[] = [];
  const someMute = (i: number): ReaderPrefs | undefined => (i % 5 === 0 ? { digest: { kind: "instant" }, muted: TEN_MUTED } : undefined);
  for (let run = 0; run < 3; run++) {
    plain.push(await bulletinCeiling("ceiling-plain"));
    muted.push(await bulletinCeiling("ceiling-muted", someMute));
  }
  results.filters_ceiling_plain_msgs_per_s = percentile(plain, 50);
  results.filters_ceiling_muted_msgs_per_s = percentile(muted, 50);
  results.filters_ceiling_ratio = results.filters_ceiling_muted_msgs_per_s / results.filters_ceiling_plain_msgs_per_s;
}
const TARGETS: [key: string, label: string, ok: (v: number) => boolean | undefined, target: string][] = [
  ["ceiling_msgs_per_s", "1. ceiling: Bulletin msgs/s", () => undefined, ""],
  ["ceiling_raw_msgs_per_s", "1. ceiling: bare grammY loop msgs/s", () => undefined, ""],
  ["ceiling_ratio", "1. ceiling: ratio", (v) => v >= 0.7, "≥ 0.7"],
  ["ceiling_cpu_us_per_msg", "1. ceiling: Bulletin process CPU µs per msg", () => undefined, ""],
  ["ceiling_redis_cpu_us_per_msg", "1. ceiling: Redis CPU µs per msg", () => undefined, ""],
  ["ceiling_raw_cpu_us_per_msg", "1. ceiling: bare loop CPU µs per msg", () => undefined, ""],
  ["ceiling_cpu_ratio", "1. ceiling: Bulletin's CPU per msg ÷ the bare loop's", (v) => v <= 1.2, "≤ 1.2"],
  ["ceiling_lean_cpu_us_per_msg", "1. ceiling: bare loop on delivery's transport, CPU µs per msg", () => undefined, ""],
  ["ceiling_lean_cpu_ratio", "1. ceiling: Bulletin's CPU per msg ÷ that loop's (its own bookkeeping)", () => undefined, ""],
  ["paid_msgs_per_s", "2. paid: sustained msgs/s", (v) => v >= 970, "≥ 970"],
  ["paid_429", "2. paid: 429s", (v) => v === 0, "0"],
  ["paid_max_window", "2. paid: most sends the fake timed in one second", () => undefined, ""],
  ["paid_stars_messages", "2. paid: messages above 30/s (Stars)", () => undefined, ""],
  ["paid_fake_longest_stall_ms", "2. paid: the fake Telegram's longest stall (ms; this process's event loop)", () => undefined, ""],
  ["budget_max_window", "3. budget: max sends in 1 s", (v) => v <= 30, "≤ 30"],
  ["budget_sustained_per_s", "3. budget: sustained msgs/s", (v) => v >= 28.5, "≥ 28.5"],
  ["budget_429", "3. budget: 429s", (v) => v === 0, "0"],
  ["bytes_per_reader", "4. scale: Redis bytes per reader", (v) => v <= 60, "≤ 60"],
  ["enumerate_1m_s", "4. scale: enumerate 1M subscribers (s)", () => undefined, ""],
  ["plan_1m_s", "4. scale: plan one article's fan-out (s)", (v) => v <= 10, "≤ 10"],
  ["fanout_extra_mb", "4. scale: Redis MB while it is queued", (v) => v <= 50, "≤ 50"],
  ["rss_mb", "4. scale: delivery process RSS (MB)", (v) => v <= 300, "≤ 300"],
  ["backlog_memory_growth_mb", "5. backlog: Redis growth after round 1 (MB)", (v) => v <= 5, "flat (≤ 5)"],
  ["backlog_max_msgs_per_reader_per_round", "5. backlog: max msgs per reader per 2 s", (v) => v <= 1, "≤ 1"],
  ["backlog_p50_s", "5. backlog: publish→receipt p50 (s)", () => undefined, ""],
  ["backlog_p95_s", "5. backlog: publish→receipt p95 (s)", () => undefined, ""],
  ["backlog_max_s", "5. backlog: publish→receipt max (s)", () => undefined, ""],
  ["backlog_messages", "5. backlog: messages sent in all", () => undefined, ""],
  ["latency_p50_ms", "6. latency: ingest→first send p50 (ms)", (v) => v <= 150, "≤ 150"],
  ["latency_p95_ms", "6. latency: ingest→first send p95 (ms)", () => undefined, ""],
  ["import_rows_per_s", "7. import: subscriber rows per second", () => undefined, ""],
  ["digest_due_readers", "8. digest: readers due at the minute", (v) => v === 100_000, "100000"],
  ["digest_plan_s", "8. digest: find every due reader (s)", (v) => v <= 5, "≤ 5"],
  ["digest_readers_not_one", "8. digest: readers without exactly one digest", (v) => v === 0, "0"],
  ["digest_other_messages", "8. digest: other messages sent", (v) => v === 0, "0"],
  ["digest_first_s", "8. digest: due minute → first digest (s)", () => undefined, ""],
  ["digest_all_sent_s", "8. digest: due minute → last digest (s)", () => undefined, ""],
  ["digest_msgs_per_s", "8. digest: sustained digests/s (SEND_RATE 1000)", (v) => v >= 970, "≥ 970"],
  ["digest_cpu_us_per_digest", "8. digest: delivery process CPU µs per digest", () => undefined, ""],
  ["digest_429", "8. digest: 429s", (v) => v === 0, "0"],
  ["replies_p50_ms_0ms", "9. replies (0 ms latency): /mysubs answer p50 (ms)", () => undefined, ""],
  ["replies_p95_ms_0ms", "9. replies (0 ms latency): /mysubs answer p95 (ms)", (v) => v <= 1500, "≤ 1500"],
  ["replies_max_ms_0ms", "9. replies (0 ms latency): /mysubs answer max (ms)", () => undefined, ""],
  ["replies_429_0ms", "9. replies (0 ms latency): 429s", (v) => v === 0, "0"],
  ["replies_max_window_0ms", "9. replies (0 ms latency): max sends in 1 s", (v) => v <= 30, "≤ 30"],
  ["replies_total_per_s_0ms", "9. replies (0 ms latency): all sends per s", () => undefined, ""],
  ["replies_p50_ms_60ms", "9. replies (60 ms latency): /mysubs answer p50 (ms)", () => undefined, ""],
  ["replies_p95_ms_60ms", "9. replies (60 ms latency): /mysubs answer p95 (ms)", (v) => v <= 1500, "≤ 1500"],
  ["replies_max_ms_60ms", "9. replies (60 ms latency): /mysubs answer max (ms)", () => undefined, ""],
  ["replies_429_60ms", "9. replies (60 ms latency): 429s", (v) => v === 0, "0"],
  ["replies_max_window_60ms", "9. replies (60 ms latency): max sends in 1 s", (v) => v <= 30, "≤ 30"],
  ["replies_total_per_s_60ms", "9. replies (60 ms latency): all sends per s", () => undefined, ""],
  ...BURST_TARGETS,
  ["filters_bytes_per_default_reader", "11. filters: Redis bytes per default reader", (v) => v <= 60, "≤ 60"],
  ["filters_extra_bytes", "11. filters: extra bytes of a reader with settings + 10 muted words", (v) => v <= 200, "≤ 200"],
  ["filters_extra_bytes_marginal", "11. filters: the same, once the due index exists (100,000 more)", (v) => v <= 200, "≤ 200"],
  ["filters_ceiling_plain_msgs_per_s", "11. filters: ceiling msgs/s without filters", () => undefined, ""],
  ["filters_ceiling_muted_msgs_per_s", "11. filters: ceiling msgs/s, 20 % muting 10 words", () => undefined, ""],
  ["filters_ceiling_ratio", "11. filters: ratio", (v) => v >= 0.9, "≥ 0.9"],
  ["inline_p50_ms", "12. inline: query p50 over 100,000 articles (ms)", () => undefined, ""],
  ["inline_p95_ms", "12. inline: query p95 over 100,000 articles (ms)", (v) => v <= 50, "≤ 50"],
  ["inline_max_ms", "12. inline: query max (ms)", () => undefined, ""],
  ["inline_index_mb", "12. inline: index Redis memory (MB)", () => undefined, ""],
  ["inline_bytes_per_article", "12. inline: index bytes per article", () => undefined, ""],
  ["inline_index_keys", "12. inline: index keys", () => undefined, ""],
  ["inline_write_ms_per_article", "12. inline: store + index write per article, 500 in flight (ms)", () => undefined, ""],
  ["cluster_single_msgs_per_s", "13. cluster: one Redis with a replica, one delivery process (msg/s, median of 3)", () => undefined, ""],
  ["cluster_msgs_per_s", "13. cluster: 3 masters with a replica each, one delivery process (msg/s, median of 3)", () => undefined, ""],
  ["cluster_ratio", "13. cluster: 3 masters ÷ one Redis, with replicas (median of 3 alternating pairs)", (v) => v >= 0.8, "≥ 0.8"],
  ["cluster_unreplicated_single_msgs_per_s", "13. cluster: one Redis, no replica (msg/s, median of 3)", () => undefined, ""],
  ["cluster_unreplicated_msgs_per_s", "13. cluster: 3 masters, no replicas (msg/s, median of 3)", () => undefined, ""],
  [
    "cluster_unreplicated_ratio",
    "13. cluster: 3 masters ÷ one Redis, no replicas (median of 3 alternating pairs)",
    (v) => v >= 0.8,
    "≥ 0.8",
  ],
  ["cluster_single_redis_cpu_us_per_msg", "13. cluster: Redis CPU per message, one Redis with a replica (µs)", () => undefined, ""],
  ["cluster_redis_cpu_us_per_msg", "13. cluster: Redis CPU per message, all masters with replicas (µs)", () => undefined, ""],
  ["cluster_master1_cpu_share", "13. cluster: master 1's share of the masters' CPU", () => undefined, ""],
  ["cluster_master2_cpu_share", "13. cluster: master 2's share of the masters' CPU", () => undefined, ""],
  ["cluster_master3_cpu_share", "13. cluster: master 3's share of the masters' CPU", () => undefined, ""],
  ...SCALE10M_TARGETS,
  ...LISTPACK_TARGETS,
];

// 10. A burst of new readers (bench/burst.ts), in long polling and in webhook mode.
async function burstStep(): Promise<void> {
  Object.assign(results, await burst({ redis, redisUrl: REDIS_URL, categoriesFile: CATEGORIES_FILE, log, percentile }));
}

// The steps that hold Telegram's limits run first, on a fresh heap: the fake Bot API lives in this
// process, and a garbage collection of the earlier steps' leftovers would bunch its arrival times.
// 13. Redis Cluster (issue 17): the same fan-out on one Redis and on 3 masters.
async function cluster(): Promise<void> {
  Object.assign(results, await clusterStep(CATEGORIES_FILE, log));
}

// 14. Ten million readers (issue 17, bench/scale10m.ts): not in the default run (several minutes and
// about 1 GB of memory in a redis-server of its own); `npm run bench -- scale10m`.
async function scale10mStep(): Promise<void> {
  Object.assign(results, await scale10m(CATEGORIES_FILE, log));
}

const steps: Record<string, () => Promise<void>> = {
  paid,
  budget,
  digest,
  replies,
  latency,
  burst: burstStep,
  ceiling,
  filters,
  scale,
  backlog,
  import: importRows,
  inline,
  cluster,
};
// 15. What a shard costs as it fills (bench/listpack.ts): the figures behind the Redis settings scale10m runs with.
async function listpackStep(): Promise<void> {
  Object.assign(results, await listpack(log));
}

const optional: Record<string, () => Promise<void>> = { scale10m: scale10mStep, listpack: listpackStep };
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(steps);
const began = Date.now();
try {
  for (const name of chosen) {
    const step = steps[name] ?? optional[name];
    if (!step) throw new Error(`bench: unknown step ${name}; steps: ${[...Object.keys(steps), ...Object.keys(optional)].join(", ")}`);
    collectGarbage();
    await step();
  }
} finally {
  redis.disconnect();
}
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? "unknown",
  memory_gb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  redis: execFileSync("redis-server", ["--version"]).toString().trim(),
};
const rows = TARGETS.filter(([key]) => key in results).map(([key, label, ok, target]) => {
  const value = results[key]!;
  const verdict = ok(value);
  return `| ${label} | ${Number.isInteger(value) ? value : value.toFixed(2)} | ${target} | ${verdict === undefined ? "" : verdict ? "met" : "NOT MET"} |`;
});
process.stdout.write(
  [
    `Bulletin benchmark (${((Date.now() - began) / 1000).toFixed(0)} s, ${machine.cpus} × ${machine.cpu}, ${machine.node})`,
    "",
    "| figure | value | target | |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n"),
);
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify({ ...results, machine }, null, 2)}\n`);
