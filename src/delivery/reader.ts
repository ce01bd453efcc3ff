import type { ArticleId } from "../ids.js";
import type { StoredArticle } from "../ingest/article.js";
import { timingOf, zoneOf, type Timing } from "../preferences/schedule.js";
import { articleWords, mutedMatch, type ArticleWords } from "../preferences/words.js";
import type { ChatRecord, ReaderPrefs } from "../store/chat-record.js";
import type { DeliveryPlan, PendingArticle } from "./plan.js";

/**
 * A reader's own way at plan time: which articles they want (languages, muted words) and whether
 * a visit sends now, holds, or delivers their digest. Pure; the time is an argument.
 */

const SEND: Timing = { kind: "send" };

/** What a visit does for this chat at epoch minute `now`: channels, groups and readers with default preferences always send. */
export function readerTiming(record: ChatRecord, defaultZone: string, now: number): Timing {
  const prefs = record.kind === "private" ? record.prefs : undefined;
  if (!prefs) return SEND;
  // A reader who left holds nothing: a visit only takes them out of the due index.
  if (!record.active) return prefs.nextDue === undefined ? SEND : { kind: "digest", nextDue: undefined };
  if (prefs.nextDue === undefined && prefs.digest.kind === "instant" && !prefs.quiet) return SEND;
  return timingOf(prefs, zoneOf(prefs, defaultZone), now);
}

/** `fa-IR` counts as `fa`: readers choose languages, not regions. */
const baseLanguage = (code: string): string => code.toLowerCase().split("-")[0] ?? "";

/**
 * Whether the reader wants `article`: its language is one they chose (an article without a
 * language always counts), and neither its title nor its summary holds one of their muted words.
 * `words` is asked only when the reader has muted words, so an article is normalized only for them.
 */
export function wantsArticle(prefs: ReaderPrefs, article: StoredArticle, words: (article: StoredArticle) => ArticleWords): boolean {
  if (prefs.languages && article.language !== undefined) {
    const language = baseLanguage(article.language);
    if (!prefs.languages.some((wanted) => baseLanguage(wanted) === language)) return false;
  }
  return prefs.muted.length === 0 || mutedMatch(words(article), prefs.muted) === undefined;
}

/**
 * The chat's pending articles as the reader wants them: the ones they filter out stay in the list
 * without their article, like expired ones, so that the cursor passes them in order. `filtered`
 * counts them.
 */
export function forReader(
  record: ChatRecord,
  pending: readonly PendingArticle[],
  words: (article: StoredArticle) => ArticleWords,
): { readonly pending: readonly PendingArticle[]; readonly filtered: number } {
  const prefs = record.kind === "private" ? record.prefs : undefined;
  if (!prefs || (prefs.muted.length === 0 && !prefs.languages)) return { pending, filtered: 0 };
  let filtered = 0;
  const kept = pending.map((p) => {
    if (!p.article || wantsArticle(prefs, p.article, words)) return p;
    filtered++;
    return { seq: p.seq, article: undefined };
  });
  return { pending: kept, filtered };
}

/**
 * Each article's words, normalized once per process however many readers' muted words are checked
 * against it (a fan-out visits thousands of readers with the same few articles).
 */
export class ArticleWordsCache {
  private readonly cache = new Map<ArticleId, ArticleWords>();

  constructor(private readonly capacity = 1000) {}

  readonly of = (article: StoredArticle): ArticleWords => {
    let words = this.cache.get(article.id);
    if (!words) {
      if (this.cache.size >= this.capacity) this.cache.clear();
      words = articleWords(article.title, article.summary);
      this.cache.set(article.id, words);
    }
    return words;
  };
}

/**
 * When a visit only moves the reader's schedule and sends nothing: a reader held from now (quiet
 * hours began, or a digest reader's first article) with something to hold, or a due digest with
 * nothing in it. Undefined when the visit sends (or passes over expired and filtered articles).
 */
export function rescheduleOnly(timing: Timing, plan: DeliveryPlan): { readonly nextDue: number | undefined } | undefined {
  if (timing.kind === "hold-until") return plan.type === "skip" ? undefined : { nextDue: timing.nextDue };
  if (plan.type === "due" && plan.items.length === 0 && plan.skipped.length === 0) return { nextDue: plan.nextDue };
  return undefined;
}
