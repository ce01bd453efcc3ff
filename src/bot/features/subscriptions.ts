import { Composer } from "grammy";
import { chatId, type CategorySlug } from "../../ids.js";
import type { BotContext } from "../context.js";
import { TOGGLE_PREFIX, categoriesKeyboard } from "../keyboards.js";
import { categoryLines, titles, validSlugs } from "../replies.js";

/** Readers in their private chat: start, pick categories, follow and stop following. */
export const subscriptions = new Composer<BotContext>();
const inPrivate = subscriptions.chatType("private");

const profileOf = (ctx: BotContext) => ({ kind: "private" as const, language: ctx.language });

/** The text above the category picker: what the reader follows now. */
function pickerText(ctx: BotContext, followed: readonly CategorySlug[]): string {
  const { categories } = ctx.services.subscriptions;
  const state = followed.length > 0 ? ctx.t.mySubscriptions(titles(categories, followed, ctx.language)) : ctx.t.noSubscriptions;
  return `${ctx.t.categoriesHeader}\n\n${state}`;
}

async function subscribeTo(ctx: BotContext, words: readonly string[]): Promise<void> {
  const service = ctx.services.subscriptions;
  const chat = chatId(ctx.chat!.id);
  const { known, unknown } = service.split(words);
  const { added, already } = known.length > 0 ? await service.subscribe(chat, known, profileOf(ctx)) : { added: [], already: [] };
  const lines = categoryLines(
    ctx,
    service.categories,
    [
      // A replayed update (bot/updates.ts) may have been applied by the process that died.
      [ctx.replayed ? [...added, ...already] : added, ctx.t.subscribed],
      [ctx.replayed ? [] : already, ctx.t.alreadySubscribed],
    ],
    unknown,
  );
  await ctx.reply(lines.join("\n\n"));
}

inPrivate.command("start", async (ctx) => {
  const payload = ctx.match.trim();
  if (payload) return subscribeTo(ctx, payload.split(/[\s,]+/));
  const followed = await ctx.services.subscriptions.subscriptions(chatId(ctx.chat.id));
  const { categories } = ctx.services.subscriptions;
  await ctx.reply(ctx.t.welcome(ctx.from?.first_name ?? ""), {
    reply_markup: categoriesKeyboard(categories, followed, ctx.language),
  });
});

inPrivate.command("categories", async (ctx) => {
  const followed = await ctx.services.subscriptions.subscriptions(chatId(ctx.chat.id));
  await ctx.reply(pickerText(ctx, followed), {
    reply_markup: categoriesKeyboard(ctx.services.subscriptions.categories, followed, ctx.language),
  });
});

/**
 * What the press asks for, read from the button as the reader saw it: ➕ follow, ✅ stop. So a
 * press handled twice (a double tap on an old picker, an update replayed after a crash) lands on
 * the same state instead of flipping back. Undefined when the button is not found: then it toggles.
 */
function intentOf(ctx: BotContext): boolean | undefined {
  const pressed = ctx.callbackQuery?.message?.reply_markup?.inline_keyboard
    .flat()
    .find((button) => "callback_data" in button && button.callback_data === ctx.callbackQuery?.data);
  if (pressed?.text.startsWith("➕")) return true;
  if (pressed?.text.startsWith("✅")) return false;
  return undefined;
}

inPrivate.callbackQuery(new RegExp(`^${TOGGLE_PREFIX}(.+)$`), async (ctx) => {
  const service = ctx.services.subscriptions;
  const slug = ctx.match[1] ?? "";
  if (!service.categories.has(slug)) {
    await ctx.answerCallbackQuery({ text: ctx.t.unknownCategories([slug], validSlugs(service.categories, ctx.language)) });
    return;
  }
  const chat = chatId(ctx.chat.id);
  const following = await service.toggle(chat, slug, profileOf(ctx), intentOf(ctx));
  const title = service.categories.title(slug, ctx.language);
  await ctx.answerCallbackQuery({ text: following ? ctx.t.toggledOn(title) : ctx.t.toggledOff(title) });
  const followed = await service.subscriptions(chat);
  await ctx.editMessageText(pickerText(ctx, followed), {
    reply_markup: categoriesKeyboard(service.categories, followed, ctx.language),
  });
});

inPrivate.command("subscribe", async (ctx) => {
  const words = ctx.match.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) {
    await ctx.reply(ctx.t.subscribeUsage(validSlugs(ctx.services.subscriptions.categories, ctx.language)));
    return;
  }
  await subscribeTo(ctx, words);
});

inPrivate.command("unsubscribe", async (ctx) => {
  const service = ctx.services.subscriptions;
  const words = ctx.match.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) {
    await ctx.reply(ctx.t.unsubscribeUsage);
    return;
  }
  const { known, unknown } = service.split(words);
  const { removed, notSubscribed } =
    known.length > 0 ? await service.unsubscribe(chatId(ctx.chat.id), known) : { removed: [], notSubscribed: [] };
  const lines = categoryLines(
    ctx,
    service.categories,
    [
      [ctx.replayed ? [...removed, ...notSubscribed] : removed, ctx.t.unsubscribed],
      [ctx.replayed ? [] : notSubscribed, ctx.t.notSubscribed],
    ],
    unknown,
  );
  await ctx.reply(lines.join("\n\n"));
});

inPrivate.command("mysubs", async (ctx) => {
  const service = ctx.services.subscriptions;
  const followed = await service.subscriptions(chatId(ctx.chat.id));
  await ctx.reply(followed.length > 0 ? ctx.t.mySubscriptions(titles(service.categories, followed, ctx.language)) : ctx.t.noSubscriptions);
});

inPrivate.command("stop", async (ctx) => {
  const dropped = await ctx.services.subscriptions.stop(chatId(ctx.chat.id));
  await ctx.reply(dropped.length > 0 ? ctx.t.stopped : ctx.t.stoppedNothing);
});
