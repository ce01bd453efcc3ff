import { Composer } from "grammy";
import type { ChatMember } from "grammy/types";
import { isAdmin } from "../../channels/rights.js";
import { chatId, userId } from "../../ids.js";
import { subscribedSlugs } from "../../store/chat-record.js";
import { PLATFORM_TRAITS } from "../../platforms/platform.js";
import type { BotContext } from "../context.js";
import { categoryLines, titles, validSlugs } from "../replies.js";

/**
 * Commands inside a group or supergroup: only its administrators (anonymous ones included) choose
 * what it receives. Sent inside a forum topic, /subscribe posts that category to the topic. Bale's
 * groups are all of type "group" (no supergroups, no topics), answered the same way.
 */
export const groups = new Composer<BotContext>();
const inGroup = groups.chatType(["group", "supergroup"]);

async function isGroupAdmin(ctx: BotContext): Promise<boolean> {
  const chat = ctx.chat!;
  // An anonymous admin writes as the group itself.
  if (ctx.msg?.sender_chat?.id === chat.id) return true;
  if (!ctx.from) return false;
  let member: ChatMember | undefined;
  try {
    member = await ctx.api.getChatMember(chat.id, ctx.from.id);
  } catch {
    return false;
  }
  return isAdmin(member);
}

const adminCommand = (name: string, run: (ctx: BotContext) => Promise<unknown>) =>
  inGroup.command(name, async (ctx) => {
    if (!(await isGroupAdmin(ctx))) {
      await ctx.reply(ctx.t.groupAdminsOnly, { reply_parameters: { message_id: ctx.msg.message_id } });
      return;
    }
    await run(ctx);
  });

const chatRef = (ctx: BotContext) => {
  const chat = ctx.chat as { id: number; type: "group" | "supergroup"; title: string };
  return { id: chatId(chat.id), type: chat.type, title: chat.title };
};

/** Bale has no forum topics (docs/bale.md): there a group is linked whole. */
const topicOf = (ctx: BotContext) =>
  PLATFORM_TRAITS[ctx.platform].topics && ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined;

adminCommand("subscribe", async (ctx) => {
  const { channels, subscriptions } = ctx.services;
  const { known, unknown } = subscriptions.split(
    String(ctx.match ?? "")
      .split(/[\s,]+/)
      .filter(Boolean),
  );
  if (known.length === 0) {
    await ctx.reply(ctx.t.subscribeUsage(validSlugs(channels.categories, ctx.language)));
    return;
  }
  const admin = ctx.msg?.sender_chat ? undefined : ctx.from && userId(ctx.from.id);
  const { added, already } = await channels.link(chatRef(ctx), admin, ctx.language, known, topicOf(ctx));
  const { title } = chatRef(ctx);
  const lines = categoryLines(
    ctx,
    channels.categories,
    [
      [added, (list) => ctx.t.linked(title, list)],
      [already, (list) => ctx.t.alreadyLinked(title, list)],
    ],
    unknown,
  );
  await ctx.reply(lines.join("\n"));
});

adminCommand("unsubscribe", async (ctx) => {
  const { channels, subscriptions } = ctx.services;
  const { known } = subscriptions.split(
    String(ctx.match ?? "")
      .split(/[\s,]+/)
      .filter(Boolean),
  );
  const removed = await channels.unlink(chatRef(ctx).id, known.length > 0 ? known : undefined);
  await ctx.reply(
    removed.length > 0
      ? ctx.t.unlinked(chatRef(ctx).title, titles(channels.categories, removed, ctx.language))
      : ctx.t.nothingLinked(chatRef(ctx).title),
  );
});

adminCommand("stop", async (ctx) => {
  const removed = await ctx.services.channels.unlink(chatRef(ctx).id);
  await ctx.reply(
    removed.length > 0
      ? ctx.t.unlinked(chatRef(ctx).title, titles(ctx.services.channels.categories, removed, ctx.language))
      : ctx.t.nothingLinked(chatRef(ctx).title),
  );
});

inGroup.command("mysubs", async (ctx) => {
  const record = await ctx.services.channels.get(chatRef(ctx).id);
  const linked = record?.active ? subscribedSlugs(record) : [];
  await ctx.reply(
    linked.length > 0 ? ctx.t.groupSubscriptions(titles(ctx.services.channels.categories, linked, ctx.language)) : ctx.t.groupNothing,
  );
});
