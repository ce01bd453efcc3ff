import { autoRetry } from "@grammyjs/auto-retry";
import { run } from "@grammyjs/runner";
import type { Bot } from "grammy";
import { createBot } from "../../bot/bot.js";
import { FLOOD_LIMIT, FloodGuard } from "../../bot/flood.js";
import { publishCommands } from "../../bot/commands.js";
import type { BotContext } from "../../bot/context.js";
import { paceReplies } from "../../bot/pacing.js";
import { HandledUpdates, journalUpdates } from "../../bot/updates.js";
import { ChannelService } from "../../channels/service.js";
import { ArticleCache } from "../../delivery/articles.js";
import { SendBudget } from "../../delivery/budget.js";
import { DEFAULT_PACING } from "../../delivery/deliverer.js";
import { trackBotConnection } from "../../ops/health.js";
import { OperatorService } from "../../ops/service.js";
import { openOperatorQueues } from "../../queues.js";
import { SearchIndex } from "../../sharing/search-index.js";
import { SharingService } from "../../sharing/service.js";
import { SubscriptionService } from "../../subscriptions/service.js";
import type { Logger } from "../../log.js";
import type { Runtime } from "../runtime.js";
import type { RunningRole, Tuning } from "./index.js";

const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "inline_query"] as const;
/** Telegram posts up to this many webhook requests at once (its maximum): each chat's wait their turn in the bot. */
const WEBHOOK_MAX_CONNECTIONS = 100;

/**
 * The bot role: readers' commands and buttons. Updates are handled concurrently, a chat's own in
 * order (createBot sequentializes them): fetched with grammY's runner (long polling, one process
 * per token), or posted by Telegram to WEBHOOK_URL and handed over by the http role.
 */
export async function startBot(runtime: Runtime, tuning: Tuning): Promise<RunningRole> {
  const logger = runtime.logger.child({ component: "bot" });
  const subscriptions = new SubscriptionService(runtime.store, runtime.categories);
  const channels = new ChannelService(runtime.store, runtime.redis, runtime.keys, runtime.categories);
  const { config } = runtime;
  const operatorQueues = config.adminUserIds ? openOperatorQueues(runtime.redis, runtime.queuePrefix, runtime.queues) : undefined;
  const operators =
    config.adminUserIds && operatorQueues
      ? new OperatorService({
          adminUserIds: config.adminUserIds,
          redis: runtime.redis,
          prefix: config.keyPrefix,
          keys: runtime.keys,
          store: runtime.store,
          categories: runtime.categories,
          queues: operatorQueues,
          feedInterval: config.feedInterval,
          ingestor: runtime.ingestor,
        })
      : undefined;
  const index = new SearchIndex(runtime.redis, runtime.keys, config.inlineWindowDays);
  const sharing = new SharingService({
    index,
    articles: new ArticleCache(runtime.redis, runtime.keys),
    categories: runtime.categories,
    networks: config.shareNetworks,
  });
  const updates = new HandledUpdates(runtime.redis, runtime.keys);
  const bot = createBot(
    config.botToken,
    {
      subscriptions,
      channels,
      operators,
      logger,
      preferences: runtime.preferences,
      clock: runtime.clock,
      sharing,
      updates,
      flood: new FloodGuard(runtime.redis, runtime.keys, tuning.flood ?? FLOOD_LIMIT),
    },
    { client: { apiRoot: config.telegramApiRoot } },
  );
  // /readyz: every getMe/getUpdates answer (or failure) says whether the bot is connected.
  runtime.botStatus.starting();
  bot.api.config.use(trackBotConnection(runtime.botStatus));
  // One getMe, before auto-retry, which retries network errors forever (as bot.init() does): an
  // unreachable TELEGRAM_API_ROOT or a refused token stops start-up with one line instead of hanging.
  bot.botInfo = await bot.api.getMe();
  // Replies take their slot from the send budget ahead of delivery's, and keep the chat's pace;
  // installed before auto-retry (grammY runs the last installed first), so every retry does too.
  const budget = new SendBudget(
    runtime.connect(),
    runtime.keys,
    { rate: tuning.sendRate ?? config.sendRate, countPaid: config.paidBroadcast, lane: "replies" },
    logger,
  );
  await budget.listen(runtime.connect());
  bot.api.config.use(
    paceReplies({
      redis: runtime.redis,
      keys: runtime.keys,
      budget,
      pacing: tuning.pacing ?? DEFAULT_PACING,
      paidBroadcast: config.paidBroadcast,
    }),
  );
  // Replies wait out a 429 instead of failing.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  await publishCommands(bot.api);
  const stopReceiving = config.webhook
    ? await receiveByWebhook(bot, runtime, logger)
    : await receiveByPolling(bot, runtime, logger, updates);
  const stopIndexing = indexThePast(index, runtime, logger);
  return {
    role: "bot",
    async stop() {
      runtime.botStatus.stopped();
      await stopIndexing();
      await stopReceiving();
      await operatorQueues?.close();
    },
  };
}

/**
 * Inline search finds the articles of the window accepted before the index existed (an upgrade):
 * they are indexed once, in the background, while the bot already answers. Answers how to stop it
 * (a later start finishes the work).
 */
function indexThePast(index: SearchIndex, runtime: Runtime, logger: Logger): () => Promise<void> {
  let stopped = false;
  const done = index
    .backfill(runtime.categories.slugs, new ArticleCache(runtime.redis, runtime.keys), { stopped: () => stopped })
    .then((indexed) => {
      if (indexed !== undefined) logger.info({ indexed, stopped }, "inline search: the window's earlier articles indexed");
    })
    .catch((error: unknown) =>
      logger.warn({ err: error }, "inline search: indexing the window's earlier articles failed; the next start tries again"),
    );
  return async () => {
    stopped = true;
    await done;
  };
}

/**
 * Long polling with grammY's runner; answers how to stop it (the updates in hand finish first).
 * What a previous process received and did not finish is handled first; then every batch is
 * journaled before the runner confirms it to Telegram by asking for the next (bot/updates.ts).
 */
async function receiveByPolling(
  bot: Bot<BotContext>,
  runtime: Runtime,
  logger: Logger,
  updates: HandledUpdates,
): Promise<() => Promise<void>> {
  // As bot.start() does: a webhook left by webhook mode would make every getUpdates a 409.
  await bot.api.deleteWebhook();
  const leftovers = await updates.leftovers(bot.botInfo.id);
  if (leftovers.length > 0) logger.info({ updates: leftovers.length }, "handling the updates a previous process left unfinished");
  // Started before the runner, so each of them enters its chat's queue ahead of anything newer.
  const replayed = Promise.all(
    leftovers.map((update) =>
      bot
        .handleUpdate(update)
        .catch((error: unknown) => logger.error({ err: error, update: update.update_id }, "a left-over update failed")),
    ),
  );
  bot.api.config.use(journalUpdates(updates, bot.botInfo.id));
  const runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES, timeout: 30 }, silent: true } });
  runtime.botStatus.receivingIn("polling", true);
  logger.info({ username: bot.botInfo.username }, `bot @${bot.botInfo.username} is polling for updates`);
  // 401 (token revoked) and 409 (another process polls with this token) stop the runner, as they stopped bot.start().
  runner.task()?.catch((error: unknown) => {
    runtime.botStatus.receivingIn("polling", false);
    logger.error({ err: error }, "polling stopped with an error");
  });
  return async () => {
    runtime.botStatus.receivingIn("polling", false);
    if (runner.isRunning()) await runner.stop().catch(() => undefined);
    await replayed;
  };
}

/**
 * Webhook mode: Telegram gets the URL and secret; the http role's route hands each update over.
 * The webhook stays set when this process stops: Telegram keeps the updates until it (or another
 * process behind the same URL) answers.
 */
async function receiveByWebhook(bot: Bot<BotContext>, runtime: Runtime, logger: Logger): Promise<() => Promise<void>> {
  const webhook = runtime.config.webhook!;
  runtime.webhook.attach((update) => bot.handleUpdate(update));
  await bot.api.setWebhook(webhook.url, {
    secret_token: webhook.secret,
    allowed_updates: ALLOWED_UPDATES,
    max_connections: WEBHOOK_MAX_CONNECTIONS,
  });
  runtime.botStatus.receivingIn("webhook", true);
  logger.info(
    { username: bot.botInfo.username, path: webhook.path },
    `bot @${bot.botInfo.username} receives updates at its webhook ${webhook.path}`,
  );
  return async () => {
    runtime.botStatus.receivingIn("webhook", false);
    await runtime.webhook.detach();
  };
}
