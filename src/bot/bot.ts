import { sequentialize } from "@grammyjs/runner";
import { Bot, type BotConfig } from "grammy";
import type { Platform } from "../ids.js";
import type { BotContext, BotServices } from "./context.js";
import { admin } from "./features/admin.js";
import { channels } from "./features/channels.js";
import { countUpdate, floodNotice } from "./flood.js";
import { groups } from "./features/groups.js";
import { help } from "./features/help.js";
import { language } from "./features/language.js";
import { membership } from "./features/membership.js";
import { settings } from "./features/settings.js";
import { sharing } from "./features/sharing.js";
import { subscriptions } from "./features/subscriptions.js";
import { languageOfUpdate } from "./language.js";
import { orderingKeys } from "./order.js";
import { onceEach } from "./updates.js";

/**
 * The bot's table of contents: each update once (a restart may receive it again), the flood count,
 * each chat's updates in order, the language of each update, the flood notice, then one composer
 * per feature. One bot per platform (`platform`), the same features on each.
 */
export function createBot(
  token: string,
  services: BotServices,
  config: BotConfig<BotContext> = {},
  platform: Platform = "telegram",
): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, config);
  bot.use((ctx, next) => {
    Object.assign(ctx, { services, platform });
    return next();
  });
  bot.use(onceEach(services.updates));
  bot.use(countUpdate);
  // Updates run concurrently (the runner, app/roles/bot.ts); one chat's wait for the one before.
  bot.use(sequentialize((ctx: BotContext) => orderingKeys(ctx.update)));
  bot.use(languageOfUpdate);
  bot.use(floodNotice);
  // Operators' commands first: in their chats they win over the readers' features.
  bot.use(admin);
  bot.use(subscriptions);
  bot.use(language);
  // Before channels: /settings alone is the reader's menu, /settings @channel a channel's settings.
  bot.use(settings);
  bot.use(channels);
  bot.use(groups);
  bot.use(membership);
  bot.use(sharing);
  bot.use(help);
  bot.catch((error) => {
    services.logger.error({ err: error.error, update: error.ctx.update.update_id }, "a bot handler failed");
  });
  return bot;
}
