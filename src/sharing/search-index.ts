import type { Redis } from "ioredis";
import type { ArticleCache } from "../delivery/articles.js";
import { articleId, type ArticleId, type CategorySlug } from "../ids.js";
import type { StoredArticle } from "../ingest/article.js";
import { wordsOf } from "../preferences/words.js";
import type { Keys } from "../store/keys.js";
import { indexInline } from "../store/scripts/index-inline.js";
import { searchInline } from "../store/scripts/search-inline.js";
import { execAll } from "../redis.js";

/**
 * The index inline mode searches: per day of arrival, one HASH of normalized word (the same
 * normalization as muted words: ي/ی, ك/ک, ZWNJ, diacritics, digits) → the seqs of its articles,
 * packed 4 bytes each, and "#<seq>" → article id. A day's hash expires once the day has left the
 * window, so the index trims itself; a query looks its words up day by day from the newest
 * (search-inline-n.lua) and stops at a page of results. A field per word instead of a key per word
 * and hour keeps the index to a few dozen bytes per article.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** INLINE_WINDOW_DAYS's default: a week of articles. */
export const DEFAULT_INLINE_WINDOW_DAYS = 7;
/** Telegram shows at most 50 results per answer. */
export const PAGE_SIZE = 50;
/** Words of an article indexed at most (title first, then summary): bounds the index's memory. */
export const MAX_INDEXED_WORDS = 24;
/** A query's words searched at most; the longest are kept (they narrow the most). */
export const MAX_QUERY_WORDS = 8;
/** Articles of a category log read at a time while indexing the past. */
const BACKFILL_PAGE = 500;
/** How long a process holds the indexing of the past before another may take it over (it died). */
const BACKFILL_CLAIM_MS = 15 * 60_000;
/** Longer "words" are not words a reader types: not indexed, not searched. */
const MAX_WORD_LENGTH = 64;

/**
 * Words nearly every article has, in English and Persian (normalized): they narrow nothing, and
 * their lists would be the index's longest. Neither indexed nor searched.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  ..."a an and are as at be by for from has have in is it its of on or that the this to was were will with".split(" "),
  ..."و در به از که این آن را با است برای تا بر یا هم نیز شد می ها".split(" ").flatMap((w) => wordsOf(w)),
]);

const searchable = (word: string): boolean => word.length <= MAX_WORD_LENGTH && !STOP_WORDS.has(word);

/** The words an article is found by: its title's, then its summary's, distinct, normalized, no stop words. */
export function indexedWords(article: Pick<StoredArticle, "title" | "summary">): string[] {
  const words = new Set<string>();
  for (const word of [...wordsOf(article.title), ...wordsOf(article.summary ?? "")]) {
    if (!searchable(word)) continue;
    words.add(word);
    if (words.size >= MAX_INDEXED_WORDS) break;
  }
  return [...words];
}

/** The words of what a reader typed, normalized and distinct; [] when none (emoji, punctuation, stop words only). */
export function queryWords(query: string): string[] {
  const words = [...new Set(wordsOf(query.slice(0, 512)))].filter(searchable);
  if (words.length <= MAX_QUERY_WORDS) return words;
  return [...words].sort((a, b) => b.length - a.length).slice(0, MAX_QUERY_WORDS);
}

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

export interface SearchPage {
  readonly articles: readonly StoredArticle[];
  /** The offset of the next page ("" when this is the last). */
  readonly nextOffset: string;
}

/** A page offset is the seq the next page starts below; anything else is the first page. */
export function parseOffset(offset: string): number {
  return /^[1-9]\d{0,14}$/.test(offset) ? Number(offset) : 0;
}

export class SearchIndex {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly windowDays: number,
  ) {}

  get windowMs(): number {
    return this.windowDays * DAY_MS;
  }

  /** Indexes an accepted article (idempotent); its day's hash expires when the day leaves the window. */
  async add(article: Pick<StoredArticle, "id" | "seq" | "title" | "summary" | "receivedAt" | "announcement">): Promise<void> {
    if (article.announcement) return;
    const day = dayOf(article.receivedAt);
    const expireAt = (day + 1) * DAY_MS + this.windowMs;
    await indexInline.run(this.redis, [this.keys.inline.day(day)], [article.seq, article.id, expireAt, ...indexedWords(article)]);
  }

  /**
   * Indexes the window's articles of the category logs: those accepted before the index existed
   * (an upgrade from a version without it, or with another layout). Once per index layout (the mark
   * `inline.backfill`; a process that stops or dies half-way leaves it to the next start), each log
   * from its newest until a page holds nothing of the window. Idempotent: indexing an article twice
   * changes nothing. Answers how many articles it indexed, or undefined when another process has
   * done it or is doing it.
   */
  async backfill(
    slugs: readonly CategorySlug[],
    articles: ArticleCache,
    options: { readonly now?: number; readonly stopped?: () => boolean } = {},
  ): Promise<number | undefined> {
    const mark = this.keys.inline.backfill;
    if ((await this.redis.set(mark, "running", "PX", BACKFILL_CLAIM_MS, "NX")) === null) return undefined;
    const stopped = options.stopped ?? (() => false);
    const oldest = (options.now ?? Date.now()) - this.windowMs;
    const seen = new Set<number>();
    for (const slug of slugs) {
      for (let start = 0; !stopped(); start += BACKFILL_PAGE) {
        const ids = await this.redis.zrevrange(this.keys.log(slug), start, start + BACKFILL_PAGE - 1);
        const found = [...(await articles.getMany(ids.map(articleId))).values()].filter(
          (a): a is StoredArticle => a !== undefined && a.receivedAt >= oldest,
        );
        if (found.length === 0) break;
        const fresh = found.filter((a) => !seen.has(a.seq));
        for (const a of fresh) seen.add(a.seq);
        await Promise.all(fresh.map((a) => this.add(a)));
      }
    }
    if (stopped()) await this.redis.del(mark);
    else await this.redis.set(mark, "done");
    return seen.size;
  }

  /** The newest articles of the window holding every word, below the offset's seq. */
  async search(words: readonly string[], offset: string, articles: ArticleCache, now = Date.now()): Promise<SearchPage> {
    if (words.length === 0) return { articles: [], nextOffset: "" };
    const days: string[] = [];
    for (let d = dayOf(now); d >= dayOf(now - this.windowMs); d--) days.push(this.keys.inline.day(d));
    const hits = await searchInline.run(this.redis, days, [parseOffset(offset), PAGE_SIZE, ...words]);
    return this.page(
      hits.map((h) => h.id),
      hits.length === PAGE_SIZE ? String(hits[hits.length - 1]!.seq) : "",
      articles,
      now,
    );
  }

  /** The newest articles of the window in these categories (the reader's, for an empty query). */
  async newest(categories: readonly CategorySlug[], offset: string, articles: ArticleCache, now = Date.now()): Promise<SearchPage> {
    const before = parseOffset(offset);
    const pipeline = this.redis.pipeline();
    for (const slug of categories) {
      pipeline.zrevrangebyscore(this.keys.log(slug), before === 0 ? "+inf" : `(${before}`, "-inf", "WITHSCORES", "LIMIT", 0, PAGE_SIZE);
    }
    const replies = await execAll(pipeline, "reading the categories' logs");
    const bySeq = new Map<number, ArticleId>();
    for (const reply of replies) {
      const flat = Array.isArray(reply) ? (reply as unknown[]) : [];
      for (let i = 0; i + 1 < flat.length; i += 2) bySeq.set(Number(flat[i + 1]), articleId(String(flat[i])));
    }
    const seqs = [...bySeq.keys()].sort((a, b) => b - a).slice(0, PAGE_SIZE);
    return this.page(
      seqs.map((seq) => bySeq.get(seq)!),
      seqs.length === PAGE_SIZE ? String(seqs[seqs.length - 1]) : "",
      articles,
      now,
    );
  }

  private async page(ids: readonly ArticleId[], nextOffset: string, articles: ArticleCache, now: number): Promise<SearchPage> {
    const stored = await articles.getMany(ids);
    const oldest = now - this.windowMs;
    const found = ids
      .map((id) => stored.get(id))
      .filter((a): a is StoredArticle => a !== undefined && !a.announcement && a.receivedAt >= oldest);
    return { articles: found, nextOffset };
  }
}
