import { autoRetry } from "@grammyjs/auto-retry";
import { run } from "@grammyjs/runner";
import type { Bot } from "grammy";
import { baleApi, Degradations, paceEmptyPolls } from "../../bot/bale.js";
import { createBot } from "../../bot/bot.js";
import { deepLink } from "../../bot/deep-links.js";
import { FLOOD_LIMIT, FloodGuard } from "../../bot/flood.js";
import { publishCommands } from "../../bot/commands.js";
import type { BotContext } from "../../bot/context.js";
import { paceReplies } from "../../bot/pacing.js";
import { identify } from "../../bot/tokens.js";
import { HandledUpdates, journalUpdates } from "../../bot/updates.js";
import { ChannelService } from "../../channels/service.js";
import { ArticleCache } from "../../delivery/articles.js";
import { SendBudget } from "../../delivery/budget.js";
import { DEFAULT_PACING } from "../../delivery/deliverer.js";
import type { Platform } from "../../ids.js";
import { type BotStatus, trackBotConnection } from "../../ops/health.js";
import { OperatorService } from "../../ops/service.js";
import { PLATFORM_TRAITS, platformBots, type PlatformBot } from "../../platforms/platform.js";
import { PreferencesService } from "../../preferences/service.js";
import { openOperatorQueues, type OperatorQueues } from "../../queues.js";
import { SearchIndex } from "../../sharing/search-index.js";
import { SharingService } from "../../sharing/service.js";
import { keys as keyLayout, type Keys } from "../../store/keys.js";
import { SubscriptionService } from "../../subscriptions/service.js";
import type { Logger } from "../../log.js";
import type { Runtime } from "../runtime.js";
import type { RunningRole, Tuning } from "./index.js";

const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "inline_query"] as const;
/** Telegram posts up to this many webhook requests at once (its maximum): each chat's wait their turn in the bot. */
const WEBHOOK_MAX_CONNECTIONS = 100;
/** Bale may answer getUpdates at once, long poll or not (docs/bale.md): an empty answer is asked again after this. */
const BALE_EMPTY_POLL_MS = 1000;

/** One platform's bot as configured (platforms/platform.ts), with its link status for /readyz. */
interface ConfiguredBot extends PlatformBot {
  readonly status: BotStatus;
}

/**
 * The bot role: readers' commands and buttons, on Telegram and, with BALE_BOT_TOKEN, on Bale: one
 * grammY bot per platform, the same features, each with the services of its platform's chats.
 * Updates are handled concurrently, a chat's own in order (createBot sequentializes them): fetched
 * with grammY's runner (long polling, one process per token), or, on Telegram, posted to
 * WEBHOOK_URL and handed over by the http role. Bale is always polled.
 */
export async function startBot(runtime: Runtime, tuning: Tuning): Promise<RunningRole> {
  const { config } = runtime;
  const status: Record<Platform, BotStatus> = { telegram: runtime.botStatus, bale: runtime.baleBotStatus };
  const bots: ConfiguredBot[] = platformBots(config, tuning.sendRate ?? config.sendRate).map((bot) => ({
    ...bot,
    status: status[bot.platform],
  }));
  const operatorQueues = config.adminUserIds ? openOperatorQueues(runtime.redis, runtime.queuePrefix, runtime.queues) : undefined;
  const stops: (() => Promise<void>)[] = [];
  try {
    // Every token is checked (getMe at its own root) before either bot starts answering.
    const prepared: Prepared[] = [];
    for (const bot of bots) prepared.push(await prepareBot(runtime, tuning, bot, bots.length > 1, operatorQueues));
    for (const bot of prepared) stops.push(await startPlatformBot(runtime, tuning, bot));
  } catch (error) {
    await Promise.all(stops.map((stop) => stop()));
    await operatorQueues?.close();
    throw error;
  }
  // The index is the platforms' one: the window's earlier articles are indexed once per role.
  const stopIndexing = indexThePast(
    new SearchIndex(runtime.redis, runtime.keys, config.inlineWindowDays),
    runtime,
    runtime.logger.child({ component: "bot" }),
  );
  return {
    role: "bot",
    async stop() {
      await stopIndexing();
      await Promise.all(stops.map((stop) => stop()));
      await operatorQueues?.close();
    },
  };
}

/** A platform's bot, built and identified, not yet answering. */
interface Prepared {
  readonly bot: Bot<BotContext>;
  readonly configured: ConfiguredBot;
  readonly keys: Keys;
  readonly updates: HandledUpdates;
  readonly logger: Logger;
}

/** One platform's bot with its own services, its API as the platform takes it, and its identity checked. */
async function prepareBot(
  runtime: Runtime,
  tuning: Tuning,
  configured: ConfiguredBot,
  bothConfigured: boolean,
  operatorQueues: OperatorQueues | undefined,
): Promise<Prepared> {
  const { config } = runtime;
  const { platform, status } = configured;
  const logger = runtime.logger.child({ component: "bot", platform });
  // This platform's chats: a Bale chat 123 is not Telegram's (store/keys.ts).
  const keys = keyLayout(config.keyPrefix, platform);
  const store = runtime.store.on(platform);
  const updates = new HandledUpdates(runtime.redis, keys);
  const bot = createBot(
    configured.token,
    {
      subscriptions: new SubscriptionService(store, runtime.categories),
      channels: new ChannelService(store, runtime.redis, keys, runtime.categories),
      // ADMIN_USER_IDS are Telegram users: a Bale user with the same number is someone else.
      operators: platform === "telegram" ? operatorsOf(runtime, operatorQueues) : undefined,
      logger,
      preferences: new PreferencesService(store, runtime.clock, config.defaultTimezone),
      clock: runtime.clock,
      sharing: new SharingService({
        index: new SearchIndex(runtime.redis, runtime.keys, config.inlineWindowDays),
        articles: new ArticleCache(runtime.redis, runtime.keys),
        categories: runtime.categories,
        networks: config.shareNetworks,
      }),
      updates,
      flood: new FloodGuard(runtime.redis, keys, tuning.flood ?? FLOOD_LIMIT),
    },
    { client: { apiRoot: configured.apiRoot } },
    platform,
  );
  // /readyz: every getMe/getUpdates answer (or failure) says whether the bot is connected.
  status.starting();
  bot.api.config.use(trackBotConnection(status));
  // Bale: every call as Bale takes it (its Markdown, no Telegram-only options); what it lacks degrades.
  if (platform === "bale") {
    bot.api.config.use(baleApi(new Degradations(runtime.redis, runtime.keys, logger)));
    bot.api.config.use(paceEmptyPolls(BALE_EMPTY_POLL_MS));
  }
  // One getMe at the platform's own root, before auto-retry, which retries network errors forever
  // (as bot.init() does): an unreachable root or a refused (or swapped) token stops start-up with one line.
  bot.botInfo = await identify(bot.api, configured, bothConfigured);
  return { bot, configured, keys, updates, logger };
}

/** One platform's bot, started: answers how to stop it. */
async function startPlatformBot(runtime: Runtime, tuning: Tuning, prepared: Prepared): Promise<() => Promise<void>> {
  const { config } = runtime;
  const { bot, configured, keys, updates, logger } = prepared;
  const { platform, status, sendRate, paidBroadcast } = configured;
  // Replies take their slot from the platform's send budget ahead of delivery's, and keep the
  // chat's pace; installed before auto-retry (grammY runs the last installed first), so every retry does too.
  const budget = new SendBudget(
    runtime.connect(),
    keys,
    { rate: sendRate, countPaid: paidBroadcast, lane: "replies", onCredit: PLATFORM_TRAITS[platform].answersOnCredit },
    logger,
  );
  await budget.listen(runtime.connect());
  bot.api.config.use(paceReplies({ redis: runtime.redis, keys, budget, pacing: tuning.pacing ?? DEFAULT_PACING, paidBroadcast }));
  // Replies wait out a 429 instead of failing.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  await publishCommands(bot.api);
  const stopReceiving =
    platform === "telegram" && config.webhook
      ? await receiveByWebhook(bot, runtime, logger, updates)
      : await receiveByPolling(bot, status, logger, updates, platform);
  return async () => {
    status.stopped();
    await stopReceiving();
  };
}

function operatorsOf(runtime: Runtime, queues: OperatorQueues | undefined): OperatorService | undefined {
  const { config } = runtime;
  if (!config.adminUserIds || !queues) return undefined;
  return new OperatorService({
    adminUserIds: config.adminUserIds,
    redis: runtime.redis,
    prefix: config.keyPrefix,
    keys: runtime.keys,
    store: runtime.store,
    categories: runtime.categories,
    queues,
    feedInterval: config.feedInterval,
    ingestor: runtime.ingestor,
  });
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
  status: BotStatus,
  logger: Logger,
  updates: HandledUpdates,
  platform: Platform,
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
  status.receivingIn("polling", true);
  const { username } = bot.botInfo;
  logger.info(
    { username, deepLink: deepLink(platform, username, "<category>") },
    `${platform} bot @${username} is polling for updates; readers start at ${deepLink(platform, username, "<category>")}`,
  );
  // 401 (token revoked) and 409 (another process polls with this token) stop the runner, as they stopped bot.start().
  runner.task()?.catch((error: unknown) => {
    status.receivingIn("polling", false);
    logger.error({ err: error }, "polling stopped with an error");
  });
  return async () => {
    status.receivingIn("polling", false);
    if (runner.isRunning()) await runner.stop().catch(() => undefined);
    await replayed;
  };
}

/**
 * Webhook mode: Telegram gets the URL and secret; the http role's route hands each update over,
 * journaled first (bot/webhook.ts), so a replayed post is handled once. The webhook stays set when
 * this process stops: Telegram keeps the updates until it (or another process behind the same URL)
 * answers.
 */
async function receiveByWebhook(
  bot: Bot<BotContext>,
  runtime: Runtime,
  logger: Logger,
  updates: HandledUpdates,
): Promise<() => Promise<void>> {
  const webhook = runtime.config.webhook!;
  runtime.webhook.attach({
    claim: (update, leaseMs) => updates.claim(bot.botInfo.id, update, leaseMs),
    handle: (update) => bot.handleUpdate(update),
  });
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
