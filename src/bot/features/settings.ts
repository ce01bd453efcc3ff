import { Composer, GrammyError } from "grammy";
import { cutText } from "../../format/html.js";
import { formatClock } from "../../i18n/index.js";
import { chatId } from "../../ids.js";
import {
  mutedEntries,
  parseDigest,
  parseQuiet,
  parseZone,
  planMute,
  planUnmute,
  type MutePlan,
  type UnmutePlan,
} from "../../preferences/parse.js";
import type { PrefsChange } from "../../preferences/service.js";
import { MAX_MUTED_WORDS, MAX_MUTED_WORD_LENGTH } from "../../preferences/words.js";
import { prefsOf, type ReaderPrefs } from "../../store/chat-record.js";
import { epochMinute } from "../../time.js";
import type { BotContext } from "../context.js";
import {
  SETTINGS_PREFIX,
  describeDigest,
  describeQuiet,
  localTime,
  menuKeyboard,
  menuText,
  parseMenuData,
  summaryText,
  wordList,
  type Screen,
  type SettingsView,
} from "../settings-menu.js";

/**
 * A reader's own way of receiving the news, in their private chat: /settings (an inline menu),
 * /digest, /quiet, /timezone, /mute, /unmute and /filters. What they type is read by pure parsers
 * (preferences/parse.ts) and stored only when it is right; a refusal says why, in their language.
 * /settings followed by a chat is a channel's settings (features/channels.ts).
 */
export const settings = new Composer<BotContext>();
const inPrivate = settings.chatType("private");

/** How much of what a reader typed a refusal repeats. */
const ECHO_UNITS = 32;
const echo = (typed: string): string => cutText(typed, ECHO_UNITS);

function viewOf(ctx: BotContext, prefs: ReaderPrefs): SettingsView {
  const service = ctx.services.preferences;
  return {
    t: ctx.t,
    language: ctx.language,
    prefs,
    zone: service.timezoneOf(prefs),
    defaultZone: service.defaultTimezone,
    now: epochMinute(ctx.services.clock.now()),
  };
}

/** The reader's preferences as read with the update (the defaults for a reader Bulletin does not know). */
const currentView = (ctx: BotContext): SettingsView => viewOf(ctx, prefsOf(ctx.chatRecord));

/** Preferences live in a reader's record: one who never followed a category has none to change. */
const knownReader = (ctx: BotContext): boolean => ctx.chatRecord?.kind === "private";

/** Stores `change` and answers the view of what is stored, or undefined when the reader is not known. */
async function store(ctx: BotContext, change: PrefsChange): Promise<SettingsView | undefined> {
  const prefs = await ctx.services.preferences.update(chatId(ctx.chat!.id), change);
  return prefs && viewOf(ctx, prefs);
}

async function digestReply(ctx: BotContext, text: string): Promise<string> {
  const parsed = parseDigest(text);
  const { prefs } = ctx.t;
  if (parsed.kind === "usage") return prefs.digestUsage;
  if (parsed.kind === "missing-time") return prefs.digestNeedsTime;
  if (parsed.kind === "bad-time") return prefs.badTime(echo(parsed.typed));
  const view = await store(ctx, { digest: parsed.mode });
  return view ? prefs.digestSet(describeDigest(view)) : prefs.needStart;
}

async function quietReply(ctx: BotContext, text: string): Promise<string> {
  const parsed = parseQuiet(text);
  const { prefs } = ctx.t;
  if (parsed.kind === "usage") return prefs.quietUsage;
  if (parsed.kind === "bad-time") return prefs.badTime(echo(parsed.typed));
  if (parsed.kind === "zero-length") return prefs.quietZero(formatClock(parsed.at, ctx.language));
  const view = await store(ctx, { quiet: parsed.kind === "ok" ? parsed.quiet : undefined });
  if (!view) return prefs.needStart;
  return parsed.kind === "ok" ? prefs.quietSet(describeQuiet(view)) : prefs.quietOff;
}

async function timezoneReply(ctx: BotContext, text: string): Promise<string> {
  const parsed = parseZone(text);
  const { prefs } = ctx.t;
  if (parsed.kind === "usage") {
    const { zone, now } = currentView(ctx);
    return prefs.timezoneUsage(zone, localTime(zone, now, ctx.language));
  }
  if (parsed.kind === "unknown") {
    const typed = echo(parsed.typed);
    return parsed.suggestion ? prefs.unknownZoneSuggestion(typed, parsed.suggestion) : prefs.unknownZone(typed);
  }
  const view = await store(ctx, { timezone: parsed.zone });
  return view ? prefs.timezoneSet(view.zone, localTime(view.zone, view.now, ctx.language)) : prefs.needStart;
}

/** A plan's refusal in the reader's words, or undefined when it can be stored. */
function muteRefusal(ctx: BotContext, plan: MutePlan): string | undefined {
  const { prefs } = ctx.t;
  if (plan.kind === "usage") return prefs.muteUsage(MAX_MUTED_WORDS, MAX_MUTED_WORD_LENGTH);
  if (plan.kind === "too-long") return prefs.muteTooLong(echo(plan.entry), MAX_MUTED_WORD_LENGTH);
  if (plan.kind === "not-a-word") return prefs.muteNotAWord(echo(plan.entry));
  if (plan.kind === "too-many") return prefs.muteTooMany(plan.have, plan.room, MAX_MUTED_WORDS);
  return undefined;
}

/**
 * Plans the change on the stored list inside the atomic update, so two presses at once cannot
 * pass the bound; answers the plan that was stored (or refused).
 */
async function changeMuted<Plan extends MutePlan | UnmutePlan>(
  ctx: BotContext,
  plan: (muted: readonly string[]) => Plan,
): Promise<Plan | undefined> {
  let planned: Plan | undefined;
  const stored = await ctx.services.preferences.update(chatId(ctx.chat!.id), (current) => {
    planned = plan(current.muted);
    return planned.kind === "ok" ? { ...current, muted: planned.muted } : current;
  });
  return stored && planned;
}

async function muteReply(ctx: BotContext, text: string): Promise<string> {
  const entries = mutedEntries(text);
  const refusal = muteRefusal(ctx, planMute(prefsOf(ctx.chatRecord).muted, entries));
  if (refusal !== undefined) return refusal;
  const plan = await changeMuted(ctx, (muted) => planMute(muted, entries));
  if (!plan) return ctx.t.prefs.needStart;
  if (plan.kind !== "ok") return muteRefusal(ctx, plan) ?? ctx.t.prefs.needStart;
  const list = (words: readonly string[]) => wordList(words, ctx.language);
  const lines = [
    plan.added.length > 0 && ctx.t.prefs.muted(list(plan.added)),
    plan.already.length > 0 && ctx.t.prefs.alreadyMuted(list(plan.already)),
  ];
  return lines.filter((line) => line !== false).join("\n");
}

async function unmuteReply(ctx: BotContext, text: string): Promise<string> {
  const entries = mutedEntries(text);
  if (entries.length === 0) return ctx.t.prefs.unmuteUsage;
  const plan = await changeMuted(ctx, (muted) => planUnmute(muted, entries));
  if (!plan || plan.kind !== "ok") return ctx.t.prefs.needStart;
  const list = (words: readonly string[]) => wordList(words, ctx.language);
  const lines = [
    plan.removed.length > 0 && ctx.t.prefs.unmuted(list(plan.removed)),
    plan.notMuted.length > 0 && ctx.t.prefs.notMuted(list(plan.notMuted)),
  ];
  return lines.filter((line) => line !== false).join("\n");
}

inPrivate.command("digest", async (ctx) => ctx.reply(await digestReply(ctx, ctx.match)));
inPrivate.command("quiet", async (ctx) => ctx.reply(await quietReply(ctx, ctx.match)));
inPrivate.command("timezone", async (ctx) => ctx.reply(await timezoneReply(ctx, ctx.match)));
inPrivate.command("mute", async (ctx) => ctx.reply(await muteReply(ctx, ctx.match)));
inPrivate.command("unmute", async (ctx) => ctx.reply(await unmuteReply(ctx, ctx.match)));
inPrivate.command("filters", async (ctx) => ctx.reply(`${summaryText(currentView(ctx))}\n\n${ctx.t.prefs.filtersHint}`));

inPrivate.command("settings", async (ctx, next) => {
  if (ctx.match.trim() !== "") return next();
  if (!knownReader(ctx)) return ctx.reply(ctx.t.prefs.needStart);
  const view = currentView(ctx);
  return ctx.reply(menuText(view, "main"), { reply_markup: menuKeyboard(view, "main") });
});

/** Telegram refuses an edit that changes nothing (a button pressed twice): that is no failure here. */
const unchanged = (error: unknown): boolean => error instanceof GrammyError && error.description.includes("message is not modified");

async function showScreen(ctx: BotContext, view: SettingsView, screen: Screen): Promise<void> {
  await ctx.editMessageText(menuText(view, screen), { reply_markup: menuKeyboard(view, screen) }).catch((error: unknown) => {
    if (!unchanged(error)) throw error;
  });
}

inPrivate.callbackQuery(new RegExp(`^${SETTINGS_PREFIX}`), async (ctx) => {
  const action = parseMenuData(ctx.callbackQuery.data, ctx.services.preferences.defaultTimezone);
  if (!action) return ctx.answerCallbackQuery({ text: ctx.t.prefs.menu.stale });
  if (!knownReader(ctx)) return ctx.answerCallbackQuery({ text: ctx.t.prefs.needStart });
  const view = action.kind === "set" ? await store(ctx, action.change) : currentView(ctx);
  if (!view) return ctx.answerCallbackQuery({ text: ctx.t.prefs.needStart });
  await ctx.answerCallbackQuery(action.kind === "set" ? { text: ctx.t.prefs.menu.saved } : {});
  await showScreen(ctx, view, action.screen);
});
