import type { Categories } from "../config/categories.js";
import { formatBaleGroupedDigest } from "../format/bale-digest.js";
import { formatGroupedDigest } from "../format/index.js";
import { messagesFor } from "../i18n/index.js";
import type { Platform } from "../ids.js";
import type { StoredArticle } from "../ingest/article.js";
import type { ChatRecord } from "../store/chat-record.js";
import { dueSeqs, type DuePlan } from "./plan.js";

const CACHE_SIZE = 256;

export interface DueDigest {
  /** The message's text: Telegram HTML, or Bale Markdown on Bale. */
  readonly text: string;
  /** What the message carries (and the passed-over articles the cursor may move past with it). */
  readonly seqs: readonly number[];
  /** Every pending article is in it: the reader's digest is done. */
  readonly complete: boolean;
  readonly articles: readonly StoredArticle[];
}

/**
 * A held reader's digest message: each article listed under the first of its categories the reader
 * follows, in the categories file's order, with the category's title in the reader's language.
 * `cache` keeps recent answers: readers due at the same minute mostly have the same articles (one
 * cache per platform: the same key is another text on Bale).
 */
export function dueDigest(
  record: ChatRecord,
  plan: DuePlan,
  categories: Categories,
  cache: Map<string, DueDigest>,
  platform: Platform = "telegram",
): DueDigest {
  const followed = record.subscriptions.map((s) => s.slug).join(",");
  const key = `${record.language}|${followed}|${plan.items.map((i) => i.seq).join(",")}|${plan.skipped.join(",")}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const rank = new Map(categories.slugs.map((slug, index) => [slug as string, index]));
  const follows = new Set<string>(record.subscriptions.map((s) => s.slug));
  const items = plan.items.map(({ article }) => {
    const slug =
      article.categories.filter((c) => follows.has(c)).sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity))[0] ??
      article.categories[0];
    const group =
      slug === undefined
        ? { title: "", rank: rank.size }
        : { title: categories.title(slug, record.language), rank: rank.get(slug) ?? rank.size };
    return { title: article.title, url: article.url, group };
  });
  const messages = messagesFor(record.language);
  const digest = platform === "bale" ? formatBaleGroupedDigest(items, messages) : formatGroupedDigest(items, messages);
  const { seqs, complete } = dueSeqs(plan, digest.included);
  const answer = {
    text: "text" in digest ? digest.text : digest.html,
    seqs,
    complete,
    articles: plan.items.slice(0, digest.included).map((i) => i.article),
  };
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(key, answer);
  return answer;
}
