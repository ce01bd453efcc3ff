import { sequentialize } from "@grammyjs/runner";
import { Bot, type BotConfig } from "grammy";
import type { BotContext, BotServices } from "./context.js";
import { admin } from "./features/admin.js";
import { channels } from "./features/channels.js";
import { groups } from "./features/groups.js";
import { help } from "./features/help.js";
import { language } from "./features/language.js";
import { membership } from "./features/membership.js";
import { settings } from "./features/settings.js";
import { subscriptions } from "./features/subscriptions.js";
import { languageOfUpdate } from "./language.js";
import { orderingKeys } from "./order.js";

/**
 * The bot's table of contents: updates of one chat one after another, the language of each
 * update, then one composer per feature.
 */
export function createBot(token: string, services: BotServices, config: BotConfig<BotContext> = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, config);
  // Updates run concurrently (runner, webhook requests); a chat's own stay in order.
  bot.use(sequentialize((ctx: BotContext) => orderingKeys(ctx.update)));
  bot.use((ctx, next) => {
    Object.assign(ctx, { services });
    return next();
  });
  bot.use(languageOfUpdate);
  // Operators' commands first: in their chats they win over the readers' features.
  bot.use(admin);
  bot.use(subscriptions);
  bot.use(language);
  // Before channels: /settings alone is the reader's menu, /settings @channel a channel's settings.
  bot.use(settings);
  bot.use(channels);
  bot.use(groups);
  bot.use(membership);
  bot.use(help);
  bot.catch((error) => {
    services.logger.error({ err: error.error, update: error.ctx.update.update_id }, "a bot handler failed");
  });
  return bot;
}
