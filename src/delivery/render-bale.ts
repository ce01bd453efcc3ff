import type { Api } from "grammy";
import { formatBaleArticle } from "../format/bale.js";
import { formatBaleDigest } from "../format/bale-digest.js";
import { normalizeTitle } from "../format/index.js";
import { messagesFor, type Messages } from "../i18n/index.js";
import type { StoredArticle } from "../ingest/article.js";
import { shareChoices } from "../sharing/share.js";
import { DEFAULT_SETTINGS, settingsOf } from "../store/chat-record.js";
import { dueDigest } from "./due-digest.js";
import type { DeliveryPlan, DuePlan } from "./plan.js";
import type { RenderContext, Rendered } from "./render.js";
import { cachedFormat, digestRendered, dueRendered } from "./render-common.js";
import type { Visit } from "./visits.js";

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
  const message = cachedFormat(
    context.baleFormats,
    formatBaleArticle,
    article,
    record.language,
    withPhoto && settings.photo,
    settings,
    context.categories,
  );
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
  const send = (api: Api) => api.sendMessage(visit.chat, digest.text);
  return digestRendered(plan, digest.included, send);
}

function renderDue(visit: Visit, plan: DuePlan, context: RenderContext): Rendered | undefined {
  if (plan.items.length === 0) return undefined;
  const due = dueDigest(visit.record, plan, context.categories, context.dueDigests, "bale");
  const send = (api: Api) => api.sendMessage(visit.chat, due.text);
  return dueRendered(visit, plan, due, send);
}
