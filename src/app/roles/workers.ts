import { Worker, type Job } from "bullmq";
import { Api } from "grammy";
import { ArticleCache } from "../../delivery/articles.js";
import { SendBudget } from "../../delivery/budget.js";
import { DEFAULT_PACING, Deliverer } from "../../delivery/deliverer.js";
import { DueScheduler } from "../../delivery/due.js";
import { Fanout, type PlatformDelivery } from "../../delivery/fanout.js";
import { SEND_TIMEOUT_MS } from "../../delivery/lease.js";
import { AdaptivePool } from "../../delivery/pool.js";
import { Rounds } from "../../delivery/rounds.js";
import { DeliveryStats } from "../../delivery/stats.js";
import { Timings } from "../../delivery/timings.js";
import { chatId } from "../../ids.js";
import { platformBots } from "../../platforms/platform.js";
import { JOB_NAMES, QUEUE_NAMES, chunkJobSchema, fanoutJobSchema, visitJobSchema } from "../../queues.js";
import { keys as keyLayout } from "../../store/keys.js";
import { deliveryApiOptions } from "../../telegram/transport.js";
import type { Runtime } from "../runtime.js";
import type { RunningRole, Tuning } from "./index.js";

/** How often held readers' digests are looked for: digest times are whole minutes. */
const DUE_SCAN_MS = 15_000;

/** One platform's delivery in this process: its bot, budget, counters, deliverer and due loop. */
interface PlatformWorkers extends PlatformDelivery {
  readonly budget: SendBudget;
  readonly stats: DeliveryStats;
  readonly due: DueScheduler;
}

/**
 * The workers role: fan-out and delivery. Each platform (Telegram, and Bale when BALE_BOT_TOKEN is
 * set) has its own bot, its own send budget shared with every other process, and its own due loop;
 * the articles, rounds and timings are shared.
 */
export async function startWorkers(runtime: Runtime, tuning: Tuning): Promise<RunningRole> {
  const { config, keys, queues } = runtime;
  const logger = runtime.logger.child({ component: "workers" });
  const deliveryRedis = runtime.connect();
  const articles = new ArticleCache(deliveryRedis, keys);
  const timings = new Timings(deliveryRedis, keys, logger);
  const platforms: PlatformWorkers[] = [];
  for (const bot of platformBots(config, tuning.sendRate ?? config.sendRate)) {
    const platformKeys = keyLayout(config.keyPrefix, bot.platform);
    const platformLogger = bot.platform === "telegram" ? logger : logger.child({ platform: bot.platform });
    const stats = new DeliveryStats(deliveryRedis, platformKeys, platformLogger, bot.platform);
    const budget = new SendBudget(deliveryRedis, platformKeys, { rate: bot.sendRate, countPaid: bot.paidBroadcast }, platformLogger);
    await budget.listen(runtime.connect());
    const deliverer = new Deliverer({
      platform: bot.platform,
      redis: deliveryRedis,
      keys: platformKeys,
      store: runtime.store.on(bot.platform),
      api: new Api(bot.token, deliveryApiOptions(bot.apiRoot, SEND_TIMEOUT_MS / 1000)),
      budget,
      pool: new AdaptivePool(bot.sendRate, tuning.inFlight),
      articles,
      categories: runtime.categories,
      queues,
      stats,
      timings,
      logger: platformLogger,
      paidBroadcast: bot.paidBroadcast,
      shareButtons: config.shareButtons && config.shareNetworks.length > 0,
      shareNetworks: config.shareNetworks,
      pacing: tuning.pacing ?? DEFAULT_PACING,
      clock: runtime.clock,
      defaultTimezone: config.defaultTimezone,
    });
    const due = new DueScheduler({ redis: deliveryRedis, keys: platformKeys, deliverer, clock: runtime.clock, logger: platformLogger });
    platforms.push({ platform: bot.platform, keys: platformKeys, deliverer, budget, stats, due });
  }
  const deliverers = new Map(platforms.map((p) => [p.platform, p.deliverer]));
  const fanout = new Fanout({
    redis: deliveryRedis,
    keys,
    rounds: new Rounds(deliveryRedis, keys),
    articles,
    platforms,
    queues,
    timings,
    logger,
    sliceMs: tuning.sliceMs,
  });
  let stopping = false;
  const workerOptions = {
    prefix: runtime.queuePrefix,
    lockDuration: tuning.lockDurationMs ?? 30_000,
    stalledInterval: tuning.stalledIntervalMs ?? 30_000,
  };
  const fanoutWorker = new Worker(QUEUE_NAMES.fanout, async (job: Job) => fanout.article(fanoutJobSchema.parse(job.data).articleId), {
    ...workerOptions,
    connection: runtime.connect(),
    concurrency: 4,
  });
  const deliveryWorker = new Worker(
    QUEUE_NAMES.delivery,
    async (job: Job) => {
      if (job.name === JOB_NAMES.chunk) return fanout.chunk(chunkJobSchema.parse(job.data), () => stopping);
      if (job.name === JOB_NAMES.visit) {
        const visit = visitJobSchema.parse(job.data);
        const deliverer = deliverers.get(visit.platform);
        // Queued while Bale was on: nothing is lost, the chat's cursor did not move; the next round visits it.
        if (!deliverer)
          return logger.warn({ chat: visit.chatId, platform: visit.platform }, "a visit to a chat of a platform that is off; skipped");
        return deliverer.visitChat(chatId(visit.chatId));
      }
      throw new Error(`unknown delivery job ${job.name}`);
    },
    { ...workerOptions, connection: runtime.connect(), concurrency: tuning.deliveryConcurrency ?? 8 },
  );
  for (const worker of [fanoutWorker, deliveryWorker]) {
    worker.on("failed", (job, error) =>
      logger.error({ queue: worker.name, job: job?.id, err: error.message }, "job failed; BullMQ retries it"),
    );
    worker.on("error", (error) => logger.error({ queue: worker.name, err: error.message }, "worker error"));
  }
  await Promise.all([fanoutWorker.waitUntilReady(), deliveryWorker.waitUntilReady()]);
  const dueLoops = platforms.map(({ due }) => due.run(() => stopping, tuning.dueScanMs ?? DUE_SCAN_MS));
  logger.info(
    {
      sendRate: config.sendRate,
      paidBroadcast: config.paidBroadcast,
      baleSendRate: config.bale?.sendRate,
      platforms: [...deliverers.keys()],
    },
    "fan-out and delivery workers are running",
  );
  const flushAll = () => Promise.all([...platforms.map((p) => p.stats.flush()), timings.flush()]);
  return {
    role: "workers",
    async stop() {
      stopping = true;
      await Promise.all([fanoutWorker.close(), deliveryWorker.close(), ...dueLoops]);
      await flushAll();
    },
    // The jobs still active stay so in Redis: once this process is gone their locks lapse and BullMQ's
    // stalled check hands them to another worker, which sends what was not sent (a chat's cursor
    // moves only after Telegram accepted, so only the sends left hanging may repeat).
    async abort() {
      stopping = true;
      await flushAll();
    },
  };
}
