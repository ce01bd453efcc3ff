import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { validSlugs } from "../replies.js";

/**
 * /help, and a pointer to it for anything else a reader types in private; and an answer to any
 * button no feature knows (a keyboard from an older version, forged data), or it would spin.
 */
export const help = new Composer<BotContext>();
const inPrivate = help.chatType("private");

const sendHelp = (ctx: BotContext) => ctx.reply(ctx.t.help(validSlugs(ctx.services.subscriptions.categories, ctx.language)));

inPrivate.command("help", sendHelp);
inPrivate.on("message", sendHelp);
help.on("callback_query", (ctx) => ctx.answerCallbackQuery());
