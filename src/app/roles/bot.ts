import { autoRetry } from "@grammyjs/auto-retry";
import { createBot } from "../../bot/bot.js";
import { publishCommands } from "../../bot/commands.js";
import { paceReplies } from "../../bot/pacing.js";
import { ChannelService } from "../../channels/service.js";
import { ArticleCache } from "../../delivery/articles.js";
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
  const sharing = new SharingService({
    index: new SearchIndex(runtime.redis, runtime.keys, config.inlineWindowDays),
    articles: new ArticleCache(runtime.redis, runtime.keys),
    categories: runtime.categories,
    networks: config.shareNetworks,
  });
  const bot = createBot(
    config.botToken,
    { subscriptions, channels, operators, logger, preferences: runtime.preferences, clock: runtime.clock, sharing },
    { client: { apiRoot: config.telegramApiRoot } },
  );
  // /readyz: every getMe/getUpdates answer (or failure) says whether the bot is connected.
  runtime.botStatus.starting();
  bot.api.config.use(trackBotConnection(runtime.botStatus));
  // One getMe, before auto-retry, which retries network errors forever (as bot.init() does): an
  // unreachable TELEGRAM_API_ROOT or a refused token stops start-up with one line instead of hanging.
  bot.botInfo = await bot.api.getMe();
  // Replies wait out a 429 instead of failing, and count towards the chat's pace.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  bot.api.config.use(paceReplies(runtime.redis, runtime.keys, tuning.pacing ?? DEFAULT_PACING));
  await publishCommands(bot.api);
  const polling = bot.start({
    allowed_updates: ["message", "callback_query", "my_chat_member", "inline_query"],
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
