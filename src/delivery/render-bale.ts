import type { Api } from "grammy";
import { formatBaleArticle, type BaleArticleMessage } from "../format/bale.js";
import { formatBaleDigest } from "../format/bale-digest.js";
import { hashtagWords, normalizeTitle } from "../format/index.js";
import { messagesFor, type Messages } from "../i18n/index.js";
import type { StoredArticle } from "../ingest/article.js";
import { shareChoices } from "../sharing/share.js";
import { DEFAULT_SETTINGS, settingsOf, type ChatSettings } from "../store/chat-record.js";
import { dueDigest } from "./due-digest.js";
import type { DeliveryPlan, DuePlan } from "./plan.js";
import type { RenderContext, Rendered } from "./render.js";
import type { Visit } from "./visits.js";

const FORMAT_CACHE_SIZE = 1000;

/**
 * A visit's message on Bale (docs/bale.md): Bale Markdown from the Bale formatters, sent with no
 * `parse_mode` and no link-preview options (Bale renders every text as its Markdown and documents
 * neither), never in a topic (Bale has none), without paid broadcasts (Telegram's). The share
 * button is a row of the networks' links: Bale has no inline mode to pick a chat with.
 */
export function renderBaleVisit(visit: Visit, context: RenderContext, withPhoto = true): Rendered | undefined {
  const { plan } = visit;
  if (plan.type === "skip") return undefined;
  if (plan.type === "due") return renderDue(visit, plan, context);
  const messages = messagesFor(visit.record.language);
  if (plan.type === "single") return renderSingle(visit, plan, messages, context, withPhoto);
  return renderDigest(visit, plan, messages);
}

function renderSingle(
  visit: Visit,
  plan: Extract<DeliveryPlan, { type: "single" }>,
  messages: Messages,
  context: RenderContext,
  withPhoto: boolean,
): Rendered {
  const { chat, record } = visit;
  const article: StoredArticle = plan.item.article;
  const settings = record.kind === "private" ? DEFAULT_SETTINGS : settingsOf(record);
  const message = formatted(article, record.language, withPhoto && settings.photo, settings, context);
  const share = context.shareButtons && context.shareNetworks.length > 0 && record.kind === "private" && !article.announcement;
  const markup = share
    ? {
        reply_markup: shareChoices({ title: normalizeTitle(article.title) || article.url, url: article.url }, messages, {
          networks: context.shareNetworks,
          inlineMode: false,
        }),
      }
    : {};
  const send = (api: Api) =>
    message.kind === "photo"
      ? api.sendPhoto(chat, message.photoUrl, { ...markup, caption: message.caption })
      : api.sendMessage(chat, message.text, markup);
  return { send, articles: [article], seqs: [...plan.skipped, plan.item.seq], outOfOrder: plan.outOfOrder, digest: false };
}

function renderDigest(visit: Visit, plan: Extract<DeliveryPlan, { type: "digest" }>, messages: Messages): Rendered {
  const digest = formatBaleDigest(
    plan.items.map((i) => i.article),
    messages,
  );
  const included = plan.items.slice(0, digest.included);
  const last = included[included.length - 1]!.seq;
  const seqs = [...included.map((i) => i.seq), ...plan.skipped.filter((seq) => seq < last)];
  const send = (api: Api) => api.sendMessage(visit.chat, digest.text);
  return { send, articles: included.map((i) => i.article), seqs, outOfOrder: false, digest: included.length > 1 };
}

function renderDue(visit: Visit, plan: DuePlan, context: RenderContext): Rendered | undefined {
  if (plan.items.length === 0) return undefined;
  const { text, seqs, articles } = dueDigest(visit.record, plan, context.categories, context.dueDigests, "bale");
  const done = seqs.length === visit.pending;
  const send = (api: Api) => api.sendMessage(visit.chat, text);
  return { send, articles, seqs, outOfOrder: false, digest: true, ...(done ? { reschedule: { nextDue: plan.nextDue } } : {}) };
}

/** An article formatted once per language (and channel settings), not once per reader. */
function formatted(
  article: StoredArticle,
  language: string,
  withPhoto: boolean,
  settings: ChatSettings,
  context: RenderContext,
): BaleArticleMessage {
  const key = `${article.id}|${language}|${withPhoto}|${settings.hashtags}|${settings.signature}`;
  let message = context.baleFormats.get(key);
  if (!message) {
    if (context.baleFormats.size >= FORMAT_CACHE_SIZE) context.baleFormats.clear();
    message = formatBaleArticle(article, messagesFor(language), {
      photo: withPhoto,
      hashtags: settings.hashtags,
      hashtagWords: hashtagWords(context.categories, article.categories, language),
      signature: settings.signature,
    });
    context.baleFormats.set(key, message);
  }
  return message;
}
