import { autoRetry } from "@grammyjs/auto-retry";
import { run } from "@grammyjs/runner";
import { createBot } from "../../bot/bot.js";
import { FLOOD_LIMIT, FloodGuard } from "../../bot/flood.js";
import { publishCommands } from "../../bot/commands.js";
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
import type { Runtime } from "../runtime.js";
import type { RunningRole, Tuning } from "./index.js";

/** The bot role: readers' commands and buttons, long polling Telegram (one process per token). */
export async function startBot(runtime: Runtime, tuning: Tuning): Promise<RunningRole> {
  const logger = runtime.logger.child({ component: "bot" });
  const subscriptions = new SubscriptionService(runtime.store, runtime.categories);
  const channels = new ChannelService(runtime.store, runtime.redis, runtime.keys, runtime.categories);
  const { config } = runtime;
  const operatorQueues = config.adminUserIds ? openOperatorQueues(runtime.redis, config.keyPrefix, runtime.queues) : undefined;
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
  const sharing = new SharingService({
    index: new SearchIndex(runtime.redis, runtime.keys, config.inlineWindowDays),
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
  await bot.api.deleteWebhook();
  // What a previous process received and did not finish comes first; then every batch is journaled
  // before the runner confirms it to Telegram by asking for the next.
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
  // Updates are handled concurrently, each chat's in order: a reply waiting for its slot or its
  // chat's pace holds up no other reader.
  const runner = run(bot, {
    runner: { fetch: { allowed_updates: ["message", "callback_query", "my_chat_member", "inline_query"] }, silent: true },
  });
  logger.info({ username: bot.botInfo.username }, `bot @${bot.botInfo.username} is polling for updates`);
  // Only a refused token (401) or a second poller (409) stop it; other failures are retried.
  runner.task()?.catch((error: unknown) => logger.error({ err: error }, "polling stopped with an error"));
  return {
    role: "bot",
    async stop() {
      runtime.botStatus.stopped();
      if (runner.isRunning()) await runner.stop();
      await replayed;
      await operatorQueues?.close();
    },
  };
}
