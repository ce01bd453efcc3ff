import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { deepLink } from "../deep-links.js";
import { validSlugs } from "../replies.js";

/**
 * /help, and a pointer to it for anything else a reader types in private; and an answer to any
 * button no feature knows (a keyboard from an older version, forged data), or it would spin.
 */
export const help = new Composer<BotContext>();
const inPrivate = help.chatType("private");

/** The help ends with the deep link of this platform's bot (t.me or ble.ir), on the first category. */
const sendHelp = (ctx: BotContext) => {
  const { categories } = ctx.services.subscriptions;
  const invite = deepLink(ctx.platform, ctx.me.username, categories.slugs[0] ?? "");
  return ctx.reply(ctx.t.help(validSlugs(categories, ctx.language), invite));
};

inPrivate.command("help", sendHelp);
inPrivate.on("message", sendHelp);
help.on("callback_query", (ctx) => ctx.answerCallbackQuery());
