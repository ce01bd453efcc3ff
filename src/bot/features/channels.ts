import { Composer } from "grammy";
import { checkRights, parseChatReference, refusal, resolveChat } from "../../channels/telegram.js";
import { USER_RIGHTS } from "../../channels/rights.js";
import type { LinkableChat } from "../../channels/service.js";
import { chatId, userId } from "../../ids.js";
import { settingsOf, subscribedSlugs } from "../../store/chat-record.js";
import { PLATFORM_TRAITS } from "../../platforms/platform.js";
import type { BotContext } from "../context.js";
import { LINK_PREFIX, linkKeyboard } from "../keyboards.js";
import { categoryLines, titles, validSlugs } from "../replies.js";

/** Channel and group admins, in their private chat with the bot: link, unlink, list, settings. */
export const channels = new Composer<BotContext>();
const inPrivate = channels.chatType("private");

/** Resolves the chat and checks, now, that the asking user administers it (and the bot can post). */
async function steerableChat(ctx: BotContext, reference: string | number, needBot: boolean): Promise<LinkableChat | undefined> {
  const chat = await resolveChat(ctx.api, reference);
  if (!chat) {
    await ctx.reply(ctx.t.chatNotFound(String(reference)));
    return undefined;
  }
  const verdict = await checkRights(ctx.api, chat, userId(ctx.from!.id), ctx.me.id, ctx.platform);
  const blocking = verdict.ok ? [] : verdict.missing.filter((m) => needBot || USER_RIGHTS.has(m));
  if (blocking.length > 0) {
    await ctx.reply(refusal({ ok: false, missing: blocking }, chat.title, ctx.t));
    return undefined;
  }
  return chat;
}

function parseTopic(words: string[]): { words: string[]; topic: number | undefined } {
  const topicWord = words.find((w) => /^topic[=:]\d+$/.test(w));
  return { words: words.filter((w) => w !== topicWord), topic: topicWord ? Number(topicWord.split(/[=:]/)[1]) : undefined };
}

inPrivate.command("link", async (ctx) => {
  const [reference = "", ...rest] = ctx.match.split(/\s+/).filter(Boolean);
  const target = parseChatReference(reference);
  const { categories } = ctx.services.channels;
  const { words, topic: asked } = parseTopic(rest);
  // Bale has no forum topics (docs/bale.md): a topic named there is left out, the chat is linked whole.
  const topic = PLATFORM_TRAITS[ctx.platform].topics ? asked : undefined;
  const { known, unknown } = ctx.services.subscriptions.split(words);
  if (target === undefined || (known.length === 0 && unknown.length === 0)) {
    await ctx.reply(ctx.t.linkUsage(validSlugs(categories, ctx.language)));
    return;
  }
  if (unknown.length > 0) {
    await ctx.reply(ctx.t.unknownCategories(unknown, validSlugs(categories, ctx.language)));
    return;
  }
  const chat = await steerableChat(ctx, target, true);
  if (!chat) return;
  const { added, already } = await ctx.services.channels.link(chat, userId(ctx.from.id), ctx.language, known, topic);
  const lines = categoryLines(ctx, categories, [
    [added, (list) => ctx.t.linked(chat.title, list)],
    [already, (list) => ctx.t.alreadyLinked(chat.title, list)],
  ]);
  await ctx.reply(lines.join("\n"));
});

inPrivate.command("unlink", async (ctx) => {
  const [reference = "", ...words] = ctx.match.split(/\s+/).filter(Boolean);
  const target = parseChatReference(reference);
  if (target === undefined) {
    await ctx.reply(ctx.t.unlinkUsage);
    return;
  }
  const { known, unknown } = ctx.services.subscriptions.split(words);
  const { categories } = ctx.services.channels;
  if (unknown.length > 0) {
    await ctx.reply(ctx.t.unknownCategories(unknown, validSlugs(categories, ctx.language)));
    return;
  }
  const chat = await steerableChat(ctx, target, false);
  if (!chat) return;
  const removed = await ctx.services.channels.unlink(chat.id, known.length > 0 ? known : undefined);
  await ctx.reply(
    removed.length > 0 ? ctx.t.unlinked(chat.title, titles(categories, removed, ctx.language)) : ctx.t.nothingLinked(chat.title),
  );
});

inPrivate.command("channels", async (ctx) => {
  const linked = await ctx.services.channels.linkedChats(userId(ctx.from.id));
  if (linked.length === 0) {
    await ctx.reply(ctx.t.noChannels);
    return;
  }
  const { categories } = ctx.services.channels;
  const lines = linked.map(({ chat, record }) =>
    ctx.t.channelLine(settingsOf(record).title ?? String(chat), titles(categories, subscribedSlugs(record), ctx.language)),
  );
  await ctx.reply([ctx.t.channelsHeader, ...lines].join("\n"));
});

inPrivate.command("settings", async (ctx) => {
  const [reference = "", option = "", ...value] = ctx.match.split(/\s+/).filter(Boolean);
  const target = parseChatReference(reference);
  if (target === undefined) {
    await ctx.reply(ctx.t.settingsUsage);
    return;
  }
  const chat = await steerableChat(ctx, target, false);
  if (!chat) return;
  const on = value[0]?.toLowerCase() !== "off";
  const change =
    option === "photo"
      ? { photo: on }
      : option === "preview"
        ? { linkPreview: on }
        : option === "hashtags"
          ? { hashtags: on }
          : option === "signature"
            ? { signature: value.join(" ").toLowerCase() === "off" ? "" : value.join(" ") }
            : undefined;
  const settings = change ? await ctx.services.channels.configure(chat.id, change) : settingsOf(await ctx.services.channels.get(chat.id));
  if (!settings) {
    await ctx.reply(ctx.t.nothingLinked(chat.title));
    return;
  }
  const shown = ctx.t.settingsShown(chat.title, settings.photo, settings.linkPreview, settings.hashtags, settings.signature);
  await ctx.reply(option && !change ? `${ctx.t.settingsUsage}\n\n${shown}` : shown);
});

inPrivate.callbackQuery(new RegExp(`^${LINK_PREFIX}(-?\\d+):(.+)$`), async (ctx) => {
  const target = chatId(Number(ctx.match[1]));
  const slug = ctx.match[2] ?? "";
  const service = ctx.services.channels;
  if (!service.categories.has(slug)) {
    await ctx.answerCallbackQuery();
    return;
  }
  const chat = await resolveChat(ctx.api, target);
  if (!chat) {
    await ctx.answerCallbackQuery({ text: ctx.t.chatNotFound(String(target)), show_alert: true });
    return;
  }
  const verdict = await checkRights(ctx.api, chat, userId(ctx.from.id), ctx.me.id, ctx.platform);
  if (!verdict.ok) {
    await ctx.answerCallbackQuery({ text: refusal(verdict, chat.title, ctx.t), show_alert: true });
    return;
  }
  const linkedNow = subscribedSlugs(await service.get(chat.id)).includes(slug);
  if (linkedNow) await service.unlink(chat.id, [slug]);
  else await service.link(chat, userId(ctx.from.id), ctx.language, [slug]);
  const title = service.categories.title(slug, ctx.language);
  await ctx.answerCallbackQuery({ text: linkedNow ? ctx.t.toggledOff(title) : ctx.t.toggledOn(title) });
  const record = await service.get(chat.id);
  await ctx.editMessageReplyMarkup({
    reply_markup: linkKeyboard(service.categories, chat.id, record?.active ? subscribedSlugs(record) : [], ctx.language),
  });
});
