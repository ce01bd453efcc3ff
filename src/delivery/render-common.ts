import type { Api } from "grammy";
import type { Categories } from "../config/categories.js";
import type { FormatArticleOptions } from "../format/article.js";
import { hashtagWords } from "../format/index.js";
import { messagesFor, type Messages } from "../i18n/index.js";
import type { StoredArticle } from "../ingest/article.js";
import type { ChatSettings } from "../store/chat-record.js";
import type { DueDigest } from "./due-digest.js";
import type { DeliveryPlan, DuePlan } from "./plan.js";
import type { Rendered } from "./render.js";
import type { Visit } from "./visits.js";

/** What both platforms' renderers share: the message is each platform's, what it records is not. */

const FORMAT_CACHE_SIZE = 1000;

/** An article formatted once per language (and channel settings), not once per reader, by `format` into `cache`. */
export function cachedFormat<M>(
  cache: Map<string, M>,
  format: (article: StoredArticle, messages: Messages, options: FormatArticleOptions) => M,
  article: StoredArticle,
  language: string,
  withPhoto: boolean,
  settings: ChatSettings,
  categories: Categories,
): M {
  const key = `${article.id}|${language}|${withPhoto}|${settings.hashtags}|${settings.signature}`;
  let message = cache.get(key);
  if (!message) {
    if (cache.size >= FORMAT_CACHE_SIZE) cache.clear();
    message = format(article, messagesFor(language), {
      photo: withPhoto,
      hashtags: settings.hashtags,
      hashtagWords: hashtagWords(categories, article.categories, language),
      signature: settings.signature,
    });
    cache.set(key, message);
  }
  return message;
}

/**
 * A digest of the first `included` headlines of `plan`: it carries those, and moves the cursor past
 * the passed-over articles older than its last.
 */
export function digestRendered(
  plan: Extract<DeliveryPlan, { type: "digest" }>,
  included: number,
  send: (api: Api) => Promise<unknown>,
): Rendered {
  const items = plan.items.slice(0, included);
  const last = items[items.length - 1]!.seq;
  const seqs = [...items.map((i) => i.seq), ...plan.skipped.filter((seq) => seq < last)];
  return { send, articles: items.map((i) => i.article), seqs, outOfOrder: false, digest: items.length > 1 };
}

/** A held reader's digest; done (the next is due at `plan.nextDue`) when it carries everything pending. */
export function dueRendered(visit: Visit, plan: DuePlan, due: DueDigest, send: (api: Api) => Promise<unknown>): Rendered {
  // Done when the message carries everything pending (not when an announcement or a longer backlog follows).
  const done = due.seqs.length === visit.pending;
  return {
    send,
    articles: due.articles,
    seqs: due.seqs,
    outOfOrder: false,
    digest: true,
    ...(done ? { reschedule: { nextDue: plan.nextDue } } : {}),
  };
}
