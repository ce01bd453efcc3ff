import { Worker, type Job } from "bullmq";
import { Api } from "grammy";
import { ArticleCache } from "../../delivery/articles.js";
import { SendBudget } from "../../delivery/budget.js";
import { DEFAULT_PACING, Deliverer } from "../../delivery/deliverer.js";
import { DueScheduler } from "../../delivery/due.js";
import { Fanout } from "../../delivery/fanout.js";
import { SEND_TIMEOUT_MS } from "../../delivery/lease.js";
import { AdaptivePool } from "../../delivery/pool.js";
import { Rounds } from "../../delivery/rounds.js";
import { DeliveryStats } from "../../delivery/stats.js";
import { Timings } from "../../delivery/timings.js";
import { chatId } from "../../ids.js";
import { JOB_NAMES, QUEUE_NAMES, chunkJobSchema, fanoutJobSchema, visitJobSchema } from "../../queues.js";
import type { Runtime } from "../runtime.js";
import type { RunningRole, Tuning } from "./index.js";

/** How often held readers' digests are looked for: digest times are whole minutes. */
const DUE_SCAN_MS = 15_000;

function telegramApi(runtime: Runtime): Api {
  return new Api(runtime.config.botToken, { apiRoot: runtime.config.telegramApiRoot, timeoutSeconds: SEND_TIMEOUT_MS / 1000 });
}

/** The workers role: fan-out and delivery, sharing one send budget with every other process. */
export async function startWorkers(runtime: Runtime, tuning: Tuning): Promise<RunningRole> {
  const { config, keys, store, queues } = runtime;
  const logger = runtime.logger.child({ component: "workers" });
  const deliveryRedis = runtime.connect();
  const sendRate = tuning.sendRate ?? config.sendRate;
  const articles = new ArticleCache(deliveryRedis, keys);
  const stats = new DeliveryStats(deliveryRedis, keys);
  const timings = new Timings(deliveryRedis, keys);
  const budget = new SendBudget(deliveryRedis, keys, { rate: sendRate, countPaid: config.paidBroadcast }, logger);
  await budget.listen(runtime.connect());
  const deliverer = new Deliverer({
    redis: deliveryRedis,
    keys,
    store,
    api: telegramApi(runtime),
    budget,
    pool: new AdaptivePool(sendRate, tuning.inFlight),
    articles,
    categories: runtime.categories,
    queues,
    stats,
    timings,
    logger,
    paidBroadcast: config.paidBroadcast,
    shareButtons: config.shareButtons && config.shareNetworks.length > 0,
    pacing: tuning.pacing ?? DEFAULT_PACING,
    clock: runtime.clock,
    defaultTimezone: config.defaultTimezone,
  });
  const due = new DueScheduler({ redis: deliveryRedis, keys, deliverer, clock: runtime.clock, logger });
  const fanout = new Fanout({
    redis: deliveryRedis,
    keys,
    rounds: new Rounds(deliveryRedis, keys),
    articles,
    deliverer,
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
      if (job.name === JOB_NAMES.visit) return deliverer.visitChat(chatId(visitJobSchema.parse(job.data).chatId));
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
  const dueLoop = due.run(() => stopping, tuning.dueScanMs ?? DUE_SCAN_MS);
  logger.info({ sendRate: config.sendRate, paidBroadcast: config.paidBroadcast }, "fan-out and delivery workers are running");
  return {
    role: "workers",
    async stop() {
      stopping = true;
      await Promise.all([fanoutWorker.close(), deliveryWorker.close(), dueLoop]);
      await Promise.all([stats.flush(), timings.flush()]);
    },
    // The jobs still active stay so in Redis: once this process is gone their locks lapse and BullMQ's
    // stalled check hands them to another worker, which sends what was not sent (a chat's cursor
    // moves only after Telegram accepted, so only the sends left hanging may repeat).
    async abort() {
      stopping = true;
      await Promise.all([stats.flush(), timings.flush()]);
    },
  };
}
