import type { Api } from "grammy";
import type { Categories } from "../config/categories.js";
import type { ShareNetwork } from "../config/env.js";
import type { BaleArticleMessage } from "../format/bale.js";
import { formatArticle, formatDigest, type ArticleMessage } from "../format/index.js";
import type { Platform } from "../ids.js";
import { messagesFor, type Messages } from "../i18n/index.js";
import type { StoredArticle } from "../ingest/article.js";
import { shareKeyboard } from "../sharing/share.js";
import { DEFAULT_SETTINGS, settingsOf } from "../store/chat-record.js";
import { dueDigest, type DueDigest } from "./due-digest.js";
import type { DeliveryPlan, DuePlan } from "./plan.js";
import { renderBaleVisit } from "./render-bale.js";
import { cachedFormat, digestRendered, dueRendered } from "./render-common.js";
import { topicsLeft } from "./topics.js";
import type { Visit } from "./visits.js";

/** A visit's one message, ready to send, and what the chat's record records once it is accepted. */
export interface Rendered {
  /** Undefined when nothing is left to send (every topic has the article): only the record moves on. */
  readonly send: ((api: Api) => Promise<unknown>) | undefined;
  /** The articles the message carries. */
  readonly articles: readonly StoredArticle[];
  readonly seqs: readonly number[];
  readonly outOfOrder: boolean;
  readonly digest: boolean;
  /** A forum post while other topics still wait for the article: only this topic is recorded as done. */
  readonly topic?: { readonly seq: number; readonly thread: number | undefined };
  /** A held reader's digest that completes what was due: the next one is due then (undefined: nothing held). */
  readonly reschedule?: { readonly nextDue: number | undefined };
}

/**
 * What rendering reads besides the visit. The caches make rendering cheap, not different: the same
 * visit renders the same message with them or without.
 */
export interface RenderContext {
  /** Whose message it is: Telegram HTML, or Bale Markdown (render-bale.ts). */
  readonly platform: Platform;
  /** For the hashtags: each category's title in the chat's language. */
  readonly categories: Categories;
  readonly paidBroadcast: boolean;
  /** SHARE_BUTTONS (issue 15): a "Share…" button under single articles sent to private chats. */
  readonly shareButtons: boolean;
  /** SHARE_NETWORKS: on Bale the share button is a row of their links (Bale has no inline mode). */
  readonly shareNetworks: readonly ShareNetwork[];
  /** An article formatted once per language (and channel settings), not once per reader. */
  readonly formats: Map<string, ArticleMessage>;
  readonly baleFormats: Map<string, BaleArticleMessage>;
  /** Held readers' digests: thousands of readers due at one minute share a few. */
  readonly dueDigests: Map<string, DueDigest>;
}

export function renderContext(
  options: Pick<RenderContext, "categories" | "paidBroadcast" | "shareButtons"> &
    Partial<Pick<RenderContext, "platform" | "shareNetworks">>,
): RenderContext {
  return { platform: "telegram", shareNetworks: [], ...options, formats: new Map(), baleFormats: new Map(), dueDigests: new Map() };
}

/** The options every message of a visit is sent with. */
type Common = { readonly parse_mode: "HTML"; readonly allow_paid_broadcast?: true };

/**
 * The visit's message: one article, a digest of several, or a held reader's digest; undefined when
 * there is nothing to send (only expired or passed-over articles). `withPhoto: false` renders an
 * article as text, for when Telegram refused its photo.
 */
export function renderVisit(visit: Visit, context: RenderContext, withPhoto = true): Rendered | undefined {
  if (context.platform === "bale") return renderBaleVisit(visit, context, withPhoto);
  const { plan } = visit;
  const messages = messagesFor(visit.record.language);
  const common: Common = { parse_mode: "HTML", ...(context.paidBroadcast ? { allow_paid_broadcast: true as const } : {}) };
  if (plan.type === "skip") return undefined;
  if (plan.type === "due") return renderDue(visit, plan, common, context);
  if (plan.type === "single") return renderSingle(visit, plan, common, messages, context, withPhoto);
  return renderDigest(visit, plan, common, messages);
}

function renderSingle(
  visit: Visit,
  plan: Extract<DeliveryPlan, { type: "single" }>,
  common: Common,
  messages: Messages,
  context: RenderContext,
  withPhoto: boolean,
): Rendered {
  const { chat, record } = visit;
  const article: StoredArticle = plan.item.article;
  // Readers get the defaults; a channel or group gets what its admins chose.
  const settings = record.kind === "private" ? DEFAULT_SETTINGS : settingsOf(record);
  const message = cachedFormat(
    context.formats,
    formatArticle,
    article,
    record.language,
    withPhoto && settings.photo,
    settings,
    context.categories,
  );
  const { seq } = plan.item;
  const seqs = [...plan.skipped, seq];
  // One post per visit: in a forum, the first topic still waiting for the article; the others
  // follow at the chat's pace, each with its own slot.
  const left = topicsLeft(record, seq, article);
  if (left.length === 0) return { send: undefined, articles: [], seqs, outOfOrder: plan.outOfOrder, digest: false };
  const [thread, ...others] = left;
  const share = context.shareButtons && record.kind === "private" && !article.announcement;
  const where = {
    ...common,
    ...(thread === undefined ? {} : { message_thread_id: thread }),
    ...(share ? { reply_markup: shareKeyboard(messages) } : {}),
  };
  const send = async (api: Api) => {
    if (message.kind === "photo") return api.sendPhoto(chat, message.photoUrl, { ...where, caption: message.html });
    const link_preview_options = message.linkPreview && settings.linkPreview ? { url: article.url } : { is_disabled: true };
    return api.sendMessage(chat, message.html, { ...where, link_preview_options });
  };
  const topic = others.length > 0 ? { topic: { seq, thread } } : {};
  return { send, articles: [article], seqs: others.length > 0 ? [] : seqs, outOfOrder: plan.outOfOrder, digest: false, ...topic };
}

/** Headlines, newest first, as many as fit one message: the rest follow in the next visit. */
function renderDigest(visit: Visit, plan: Extract<DeliveryPlan, { type: "digest" }>, common: Common, messages: Messages): Rendered {
  const digest = formatDigest(
    plan.items.map((i) => i.article),
    messages,
  );
  const send = (api: Api) => api.sendMessage(visit.chat, digest.html, { ...common, link_preview_options: { is_disabled: true } });
  return digestRendered(plan, digest.included, send);
}

/** A held reader's digest, grouped by category; undefined when nothing is left to send (only passed-over articles). */
function renderDue(visit: Visit, plan: DuePlan, common: Common, context: RenderContext): Rendered | undefined {
  if (plan.items.length === 0) return undefined;
  const due = dueDigest(visit.record, plan, context.categories, context.dueDigests);
  const send = (api: Api) => api.sendMessage(visit.chat, due.text, { ...common, link_preview_options: { is_disabled: true } });
  return dueRendered(visit, plan, due, send);
}
