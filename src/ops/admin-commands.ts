import { Composer, type Context } from "grammy";
import type { Categories } from "../config/categories.js";
import { escapeHtml } from "../format/html.js";
import type { Ingestor } from "../ingest/ingest.js";
import type { Logger } from "../log.js";
import type { Redis } from "../redis.js";
import type { ChatStore } from "../store/chats.js";
import type { Keys } from "../store/keys.js";
import type { BulletinQueueName, OperatorQueues } from "../queues.js";
import { DELIVERY_EVENTS, readCounters, readFeeds, readQueueDepths, readSubscribers } from "./stats.js";

export interface AdminCommandsDeps {
  /** ADMIN_CHAT_IDS: the only chats these commands answer in. */
  readonly adminChatIds: readonly number[];
  readonly redis: Redis;
  readonly prefix: string;
  readonly keys: Keys;
  readonly store: ChatStore;
  readonly categories: Categories;
  readonly queues: OperatorQueues;
  readonly feedInterval: number;
  /** /announce stores its service message through the same ingest as articles. */
  readonly ingestor: Pick<Ingestor, "announce">;
  readonly logger: Logger;
}

/** What /pause and /resume act on: fan-out and delivery (feeds go on collecting articles). */
const SENDING_QUEUES: readonly BulletinQueueName[] = ["fanout", "delivery"];

const n = (value: number) => value.toLocaleString("en-US");

/**
 * The operators' commands in Telegram: /stats, /pause, /resume and /announce, for the chats in ADMIN_CHAT_IDS
 * only. In any other chat the update passes on untouched, so the bot answers these commands as it
 * answers any text it does not know: nobody else learns they exist. Mount it before the features
 * that answer unknown commands (`bot.use(adminCommands(…))`); it is not in the command menu.
 */
export function adminCommands<C extends Context>(deps: AdminCommandsDeps): Composer<C> {
  const admins = new Set(deps.adminChatIds);
  const logger = deps.logger.child({ component: "admin-commands" });
  const composer = new Composer<C>();
  const admin = composer.filter((ctx) => ctx.chat !== undefined && admins.has(ctx.chat.id));

  admin.command("stats", async (ctx) => {
    const [subscribers, depths, counters, feeds] = await Promise.all([
      readSubscribers(deps.store, deps.categories),
      readQueueDepths(deps.queues.all),
      readCounters(deps.redis, deps.keys),
      readFeeds(deps.redis, deps.prefix, deps.categories, deps.feedInterval),
    ]);
    const { delivery } = counters;
    const failed = Object.entries(DELIVERY_EVENTS)
      .filter(([, meaning]) => meaning.failed)
      .map(([event, meaning]) => [meaning.failed!, delivery[event as keyof typeof delivery]] as const)
      .filter(([, count]) => count > 0);
    const lines = [
      "<b>Subscribers</b>",
      ...subscribers.map((s) => `${escapeHtml(s.category)}: ${n(s.subscribers)}`),
      "",
      "<b>Queues</b> (waiting / active / delayed / failed)",
      ...depths.map(
        (d) =>
          `${d.queue}${d.paused ? " ⏸ paused" : ""}: ${n(d.jobs.waiting + d.jobs.prioritized)} / ${n(d.jobs.active)} / ${n(d.jobs.delayed)} / ${n(d.jobs.failed)}`,
      ),
      "",
      "<b>Delivery</b>",
      `sent: ${n(delivery.sent)} single, ${n(delivery.sent_digest)} digests; ${n(delivery.articles_delivered)} articles`,
      `failed: ${failed.length === 0 ? "none" : failed.map(([reason, count]) => `${reason} ${n(count)}`).join(", ")}`,
      ...(counters.paidMessages > 0 ? [`paid messages: ${n(counters.paidMessages)}`] : []),
      "",
      `<b>Feeds</b>: ${n(feeds.byState.ok)} ok, ${n(feeds.byState.failing)} failing, ${n(feeds.byState.new)} never polled`,
    ];
    logger.info({ chat: ctx.chat.id, user: ctx.from?.id }, "admin: /stats");
    await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
  });

  admin.command("pause", async (ctx) => {
    for (const name of SENDING_QUEUES) await deps.queues.byName(name).pause();
    logger.warn({ chat: ctx.chat.id, user: ctx.from?.id }, "admin: delivery paused");
    await ctx.reply(`⏸ Paused ${SENDING_QUEUES.join(" and ")}: nothing is sent until /resume. Sends in flight finish; articles keep arriving and wait.`);
  });

  admin.command("resume", async (ctx) => {
    for (const name of SENDING_QUEUES) await deps.queues.byName(name).resume();
    logger.warn({ chat: ctx.chat.id, user: ctx.from?.id }, "admin: delivery resumed");
    await ctx.reply(`▶️ Resumed ${SENDING_QUEUES.join(" and ")}: delivery goes on where it stopped.`);
  });

  admin.command("announce", async (ctx) => {
    const text = typeof ctx.match === "string" ? ctx.match.trim() : "";
    if (text === "") {
      await ctx.reply("Usage: /announce <text> — a service message to every reader, sent through the same rate-limited delivery.");
      return;
    }
    const { id } = await deps.ingestor.announce(text);
    logger.warn({ chat: ctx.chat.id, user: ctx.from?.id, id }, "admin: announcement queued");
    await ctx.reply(`📢 Announcement ${id} queued: every reader gets it once, at the pace Telegram allows.`);
  });

  return composer;
}

