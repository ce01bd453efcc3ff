import { Bot, type BotConfig } from "grammy";
import { en, type Messages } from "../i18n/en.js";
import { messagesFor, supportedLanguage } from "../i18n/index.js";
import type { BotContext, BotServices } from "./context.js";
import { admin } from "./features/admin.js";
import { channels } from "./features/channels.js";
import { groups } from "./features/groups.js";
import { help } from "./features/help.js";
import { membership } from "./features/membership.js";
import { subscriptions } from "./features/subscriptions.js";

/** The bot's table of contents: the language of each update, then one composer per feature. */
export function createBot(token: string, services: BotServices, config: BotConfig<BotContext> = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, config);
  bot.use((ctx, next) => {
    Object.assign(ctx, { services });
    ctx.language = supportedLanguage(ctx.from?.language_code);
    ctx.t = messagesFor(ctx.language);
    return next();
  });
  // Operators' commands first: in their chats they win over the readers' features.
  bot.use(admin);
  bot.use(subscriptions);
  bot.use(channels);
  bot.use(groups);
  bot.use(membership);
  bot.use(help);
  bot.catch((error) => {
    services.logger.error({ err: error.error, update: error.ctx.update.update_id }, "a bot handler failed");
  });
  return bot;
}

/** The commands Telegram shows in its menu, in the default language. */
export function commandList(messages: Messages = en): { command: string; description: string }[] {
  return Object.entries(messages.commandDescriptions).map(([command, description]) => ({ command, description }));
}
