import { Api } from "grammy";
import { Worker, type Job } from "bullmq";
import { autoRetry } from "@grammyjs/auto-retry";
import { commandList, createBot } from "../bot/bot.js";
import { ChannelService } from "../channels/service.js";
import { paceReplies } from "../bot/pacing.js";
import type { Role } from "../config/env.js";
import { ArticleCache } from "../delivery/articles.js";
import { SendBudget } from "../delivery/budget.js";
import { Deliverer, DEFAULT_PACING, type PacingOptions } from "../delivery/deliverer.js";
import { Fanout } from "../delivery/fanout.js";
import { AdaptivePool } from "../delivery/pool.js";
import { Rounds } from "../delivery/rounds.js";
import { DeliveryStats } from "../delivery/stats.js";
import { Timings } from "../delivery/timings.js";
import { startFeeds } from "../feeds/role.js";
import { buildHttpServer } from "../http/server.js";
import { chatId } from "../ids.js";
import { checkReadiness, trackBotConnection } from "../ops/health.js";
import { BulletinMetrics } from "../ops/metrics.js";
import { adminCommands } from "../ops/admin-commands.js";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import { sandboxDeps } from "../sandbox/mode.js";
import { registerSandbox } from "../sandbox/routes.js";
import { openOperatorQueues } from "../ops/queues.js";
import type { BotContext } from "../bot/context.js";
import { JOB_NAMES, QUEUE_NAMES, chunkJobSchema, fanoutJobSchema, visitJobSchema } from "../queues.js";
import { SubscriptionService } from "../subscriptions/service.js";
import type { Runtime } from "./runtime.js";

/** Knobs tests and benchmarks turn; production runs with the defaults. */
export interface Tuning {
  readonly pacing?: PacingOptions;
  /** BullMQ: how soon a job of a dead worker is taken over (ms). */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly deliveryConcurrency?: number;
  readonly sliceMs?: number;
  /** Benchmarks only: a send budget above Telegram's limits, to measure Bulletin's own ceiling. */
  readonly sendRate?: number;
  /** Fixed bounds for the number of sends in flight (benchmarks compare at equal concurrency). */
  readonly inFlight?: { readonly min: number; readonly max: number };
}

export interface RunningRole {
  readonly role: Role;
  /** Where the HTTP role listens. */
  readonly url?: string;
  /** Stop taking work, finish what is in flight. */
  stop(): Promise<void>;
}

export async function startRole(role: Role, runtime: Runtime, tuning: Tuning = {}, sandbox?: FakeTelegram): Promise<RunningRole> {
  switch (role) {
    case "bot":
      return startBot(runtime, tuning);
    case "workers":
      return startWorkers(runtime, tuning);
    case "http":
      return startHttp(runtime, sandbox);
    case "feeds":
      return startFeedsRole(runtime);
  }
}

function telegramApi(runtime: Runtime): Api {
  return new Api(runtime.config.botToken, { apiRoot: runtime.config.telegramApiRoot });
}

async function startBot(runtime: Runtime, tuning: Tuning): Promise<RunningRole> {
  const logger = runtime.logger.child({ component: "bot" });
  const subscriptions = new SubscriptionService(runtime.store, runtime.categories);
  const channels = new ChannelService(runtime.store, runtime.redis, runtime.keys, runtime.categories);
  const { config } = runtime;
  const operatorQueues = config.adminChatIds ? openOperatorQueues(runtime.redis, config.keyPrefix, runtime.queues) : undefined;
  const operators =
    config.adminChatIds && operatorQueues
      ? adminCommands<BotContext>({
          adminChatIds: config.adminChatIds,
          redis: runtime.redis,
          prefix: config.keyPrefix,
          keys: runtime.keys,
          store: runtime.store,
          categories: runtime.categories,
          queues: operatorQueues,
          feedInterval: config.feedInterval,
          ingestor: runtime.ingestor,
          logger,
        })
      : undefined;
  const bot = createBot(config.botToken, { subscriptions, channels, logger }, { client: { apiRoot: config.telegramApiRoot } }, operators);
  // /readyz: every getMe/getUpdates answer (or failure) says whether the bot is connected.
  runtime.botStatus.starting();
  bot.api.config.use(trackBotConnection(runtime.botStatus));
  // Replies wait out a 429 instead of failing, and count towards the chat's pace.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  bot.api.config.use(paceReplies(runtime.redis, runtime.keys, tuning.pacing ?? DEFAULT_PACING));
  await bot.init();
  await bot.api.setMyCommands(commandList());
  const polling = bot.start({
    allowed_updates: ["message", "callback_query", "my_chat_member"],
    onStart: (me) => logger.info({ username: me.username }, `bot @${me.username} is polling for updates`),
  });
  polling.catch((error: unknown) => logger.error({ err: error }, "polling stopped with an error"));
  return {
    role: "bot",
    async stop() {
      runtime.botStatus.stopped();
      await bot.stop();
      await polling.catch(() => undefined);
      await operatorQueues?.close();
    },
  };
}

async function startWorkers(runtime: Runtime, tuning: Tuning): Promise<RunningRole> {
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
    queues,
    stats,
    timings,
    logger,
    paidBroadcast: config.paidBroadcast,
    pacing: tuning.pacing ?? DEFAULT_PACING,
  });
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
    prefix: config.keyPrefix,
    lockDuration: tuning.lockDurationMs ?? 30_000,
    stalledInterval: tuning.stalledIntervalMs ?? 30_000,
  };
  const fanoutWorker = new Worker(
    QUEUE_NAMES.fanout,
    async (job: Job) => fanout.article(fanoutJobSchema.parse(job.data).articleId),
    { ...workerOptions, connection: runtime.connect(), concurrency: 4 },
  );
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
    worker.on("failed", (job, error) => logger.error({ queue: worker.name, job: job?.id, err: error.message }, "job failed; BullMQ retries it"));
    worker.on("error", (error) => logger.error({ queue: worker.name, err: error.message }, "worker error"));
  }
  await Promise.all([fanoutWorker.waitUntilReady(), deliveryWorker.waitUntilReady()]);
  logger.info({ sendRate: config.sendRate, paidBroadcast: config.paidBroadcast }, "fan-out and delivery workers are running");
  return {
    role: "workers",
    async stop() {
      stopping = true;
      await Promise.all([fanoutWorker.close(), deliveryWorker.close()]);
      await Promise.all([stats.flush(), timings.flush()]);
    },
  };
}

async function startHttp(runtime: Runtime, sandbox?: FakeTelegram): Promise<RunningRole> {
  const { config } = runtime;
  const queues = openOperatorQueues(runtime.redis, config.keyPrefix, runtime.queues);
  const app = buildHttpServer({
    ingestor: runtime.ingestor,
    ingestToken: config.ingestToken,
    logger: runtime.logger,
    operators: {
      readiness: () => checkReadiness({ redis: runtime.redis, queues: queues.all, bot: runtime.botStatus }),
      metrics: new BulletinMetrics({
        redis: runtime.redis,
        prefix: config.keyPrefix,
        keys: runtime.keys,
        store: runtime.store,
        categories: runtime.categories,
        queues: queues.all,
        feedInterval: config.feedInterval,
      }),
      metricsToken: config.metricsToken,
      dashboard: { queues: queues.all, credentials: config.admin },
    },
  });
  if (sandbox) registerSandbox(app, sandboxDeps(runtime, sandbox));
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  runtime.logger.info({ address }, `HTTP server listening on ${address}`);
  if (!config.ingestToken && !sandbox) runtime.logger.warn("INGEST_TOKEN is not set: POST /api/articles refuses every request");
  return {
    role: "http",
    url: address,
    async stop() {
      await app.close();
      await queues.close();
    },
  };
}

async function startFeedsRole(runtime: Runtime): Promise<RunningRole> {
  const { config } = runtime;
  const feeds = await startFeeds({
    connection: runtime.connect(),
    prefix: config.keyPrefix,
    redis: runtime.redis,
    categories: runtime.categories,
    ingestor: runtime.ingestor,
    feedInterval: config.feedInterval,
    logger: runtime.logger,
  });
  return { role: "feeds", stop: () => feeds.close() };
}
