import { Composer } from "grammy";
import { escapeHtml } from "../../format/html.js";
import type { OperatorService } from "../../ops/service.js";
import { DELIVERY_EVENTS } from "../../ops/stats.js";
import type { BotContext, BotServices } from "../context.js";

/**
 * The operators' commands in Telegram: /stats, /pause, /resume and /announce, for the operators of
 * ADMIN_USER_IDS only, in their private chat, in their own words (operatorMayAct). Anything else
 * passes on untouched, so the bot answers these commands as it
 * answers any text it does not know: nobody else learns they exist. Mounted before the features
 * that answer unknown commands; it is not in the command menu.
 */
export const admin = new Composer<BotContext>();

type AdminContext = BotContext & { readonly services: BotServices & { readonly operators: OperatorService } };

const inAdminChat = admin.filter(
  (ctx): ctx is AdminContext =>
    ctx.chat !== undefined && ctx.message !== undefined && ctx.services.operators?.isOperatorCommand(ctx.message) === true,
);

const loggerOf = (ctx: BotContext) => ctx.services.logger.child({ component: "admin-commands" });

inAdminChat.command("stats", async (ctx) => {
  const { subscribers, queues, counters, feeds } = await ctx.services.operators.overview();
  const t = ctx.t.admin;
  const { delivery } = counters;
  const failed = Object.entries(DELIVERY_EVENTS)
    .filter(([, meaning]) => meaning.failed)
    .map(([event, meaning]) => [meaning.failed!, delivery[event as keyof typeof delivery]] as const)
    .filter(([, count]) => count > 0);
  const lines = [
    t.subscribersHeader,
    ...subscribers.map((s) => t.subscribers(escapeHtml(s.category), s.subscribers)),
    "",
    t.queuesHeader,
    ...queues.map((d) => t.queue(d.queue, d.paused, d.jobs.waiting + d.jobs.prioritized, d.jobs.active, d.jobs.delayed, d.jobs.failed)),
    "",
    t.deliveryHeader,
    t.sent(delivery.sent, delivery.sent_digest, delivery.articles_delivered),
    t.failed(failed.map(([reason, count]) => t.failure(reason, count))),
    ...(counters.paidMessages > 0 ? [t.paidMessages(counters.paidMessages)] : []),
    "",
    t.feeds(feeds.byState.ok, feeds.byState.failing, feeds.byState.new),
  ];
  loggerOf(ctx).info({ chat: ctx.chat.id, user: ctx.from?.id }, "admin: /stats");
  await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
});

inAdminChat.command("pause", async (ctx) => {
  const paused = await ctx.services.operators.pauseSending();
  loggerOf(ctx).warn({ chat: ctx.chat.id, user: ctx.from?.id }, "admin: delivery paused");
  await ctx.reply(ctx.t.admin.paused(paused));
});

inAdminChat.command("resume", async (ctx) => {
  const resumed = await ctx.services.operators.resumeSending();
  loggerOf(ctx).warn({ chat: ctx.chat.id, user: ctx.from?.id }, "admin: delivery resumed");
  await ctx.reply(ctx.t.admin.resumed(resumed));
});

inAdminChat.command("announce", async (ctx) => {
  const text = typeof ctx.match === "string" ? ctx.match.trim() : "";
  if (text === "") {
    await ctx.reply(ctx.t.admin.announceUsage);
    return;
  }
  const { id } = await ctx.services.operators.announce(text);
  loggerOf(ctx).warn({ chat: ctx.chat.id, user: ctx.from?.id, id }, "admin: announcement queued");
  await ctx.reply(ctx.t.admin.announced(id));
});
