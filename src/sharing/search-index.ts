import type { Redis } from "ioredis";
import type { ArticleCache } from "../delivery/articles.js";
import { articleId, type ArticleId, type CategorySlug } from "../ids.js";
import type { StoredArticle } from "../ingest/article.js";
import { wordsOf } from "../preferences/words.js";
import type { Keys } from "../store/keys.js";
import { searchInline } from "../store/scripts/search-inline.js";

/**
 * The index inline mode searches: per hour of arrival, a SET of article seqs per normalized word
 * (the same normalization as muted words: ي/ی, ك/ک, ZWNJ, diacritics, digits) and a HASH seq →
 * article id. An hour's keys expire once the hour has left the window, so the index trims itself;
 * a query intersects the words' sets hour by hour from the newest (search-inline-n.lua) and stops
 * at a page of results.
 */

export const HOUR_MS = 3_600_000;
/** INLINE_WINDOW_DAYS's default: a week of articles. */
export const DEFAULT_INLINE_WINDOW_DAYS = 7;
/** Telegram shows at most 50 results per answer. */
export const PAGE_SIZE = 50;
/** Words of an article indexed at most (title first, then summary): bounds the index's memory. */
export const MAX_INDEXED_WORDS = 24;
/** A query's words searched at most; the longest are kept (they narrow the most). */
export const MAX_QUERY_WORDS = 8;
/** Longer "words" are not words a reader types: not indexed, not searched. */
const MAX_WORD_LENGTH = 64;

/** The words an article is found by: its title's, then its summary's, distinct, normalized. */
export function indexedWords(article: Pick<StoredArticle, "title" | "summary">): string[] {
  const words = new Set<string>();
  for (const word of [...wordsOf(article.title), ...wordsOf(article.summary ?? "")]) {
    if (word.length > MAX_WORD_LENGTH) continue;
    words.add(word);
    if (words.size >= MAX_INDEXED_WORDS) break;
  }
  return [...words];
}

/** The words of what a reader typed, normalized and distinct; [] when none (emoji, punctuation). */
export function queryWords(query: string): string[] {
  const words = [...new Set(wordsOf(query.slice(0, 512)))].filter((w) => w.length <= MAX_WORD_LENGTH);
  if (words.length <= MAX_QUERY_WORDS) return words;
  return [...words].sort((a, b) => b.length - a.length).slice(0, MAX_QUERY_WORDS);
}

export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);

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
    return this.windowDays * 24 * HOUR_MS;
  }

  /** Indexes an accepted article (idempotent); its keys expire when its hour leaves the window. */
  async add(article: Pick<StoredArticle, "id" | "seq" | "title" | "summary" | "receivedAt" | "announcement">): Promise<void> {
    if (article.announcement) return;
    const hour = hourOf(article.receivedAt);
    const expireAt = (hour + 1) * HOUR_MS + this.windowMs;
    const { inline } = this.keys;
    const multi = this.redis.multi();
    for (const word of indexedWords(article)) {
      multi.sadd(inline.word(hour, word), article.seq);
      multi.pexpireat(inline.word(hour, word), expireAt);
    }
    multi.hset(inline.ids(hour), String(article.seq), article.id);
    multi.pexpireat(inline.ids(hour), expireAt);
    await multi.exec();
  }

  /** The newest articles of the window holding every word, below the offset's seq. */
  async search(words: readonly string[], offset: string, articles: ArticleCache, now = Date.now()): Promise<SearchPage> {
    if (words.length === 0) return { articles: [], nextOffset: "" };
    const { inline } = this.keys;
    const newest = hourOf(now);
    const hours: number[] = [];
    for (let h = newest; h >= hourOf(now - this.windowMs); h--) hours.push(h);
    const keys = [...hours.flatMap((h) => words.map((w) => inline.word(h, w))), ...hours.map((h) => inline.ids(h))];
    const hits = await searchInline.run(this.redis, keys, [words.length, hours.length, parseOffset(offset), PAGE_SIZE]);
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
    const replies = (await pipeline.exec()) ?? [];
    const bySeq = new Map<number, ArticleId>();
    for (const [, reply] of replies) {
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
