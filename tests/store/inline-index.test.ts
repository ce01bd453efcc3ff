/**
 * The inline index (search-index.ts, index-inline-1.lua, search-inline-n.lua): articles indexed in
 * any order, and more than once, are found newest first, a page at a time, by every word typed;
 * a day's hash expires when the day leaves the window.
 */
import { describe, expect, it } from "vitest";
import { ArticleCache } from "../../src/delivery/articles.js";
import { articleId, categorySlug } from "../../src/ids.js";
import type { StoredArticle } from "../../src/ingest/article.js";
import { DAY_MS, PAGE_SIZE, SearchIndex } from "../../src/sharing/search-index.js";
import { redisOfItsOwn } from "../support/redis.js";

const { redis, keys } = redisOfItsOwn("inline-index");
const NOW = Date.UTC(2026, 11, 2, 12);

async function store(seq: number, title: string, receivedAt: number): Promise<StoredArticle> {
  const article: StoredArticle = {
    id: articleId(`a${seq}`),
    seq,
    url: `https://news.example.com/${seq}`,
    title,
    categories: [categorySlug("world")],
    priority: "normal",
    receivedAt,
    source: "http",
  };
  await redis.hset(keys.article(article.id), "json", JSON.stringify(article), "seq", seq);
  return article;
}

describe("the inline index", () => {
  it("finds articles indexed out of order and twice newest first, by every word, a page at a time", async () => {
    const index = new SearchIndex(redis, keys, 7);
    const articles: StoredArticle[] = [];
    // 60 harbour articles over three days, indexed newest first (as the indexing of the past does), then again oldest first.
    for (let seq = 60; seq >= 1; seq--) {
      articles.push(await store(seq, `Harbour news ${seq % 2 === 0 ? "storm" : "calm"} of the day`, NOW - (60 - seq) * 3_600_000));
    }
    for (const a of articles) await index.add(a);
    for (const a of [...articles].reverse()) await index.add(a);
    const cache = new ArticleCache(redis, keys);

    const first = await index.search(["harbour"], "", cache, NOW);
    expect(first.articles.map((a) => a.seq)).toEqual(Array.from({ length: PAGE_SIZE }, (_, i) => 60 - i));
    expect(first.nextOffset).toBe("11");
    const second = await index.search(["harbour"], first.nextOffset, cache, NOW);
    expect(second.articles.map((a) => a.seq)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(second.nextOffset).toBe("");

    const storms = await index.search(["storm", "harbour"], "", cache, NOW);
    expect(storms.articles.map((a) => a.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 60 - 2 * i));
    expect((await index.search(["storm", "calm"], "", cache, NOW)).articles).toEqual([]);
    expect((await index.search(["nowhere"], "", cache, NOW)).articles).toEqual([]);
  });

  it("keeps a day's hash until the day has left the window", async () => {
    const index = new SearchIndex(redis, keys, 2);
    const now = NOW + 30 * DAY_MS;
    const day = Math.floor(now / DAY_MS);
    await index.add(await store(100, "Lighthouse", now));
    const expiresAt = await redis.pexpiretime(keys.inline.day(day));
    expect(expiresAt).toBe((day + 1) * DAY_MS + 2 * DAY_MS);
    // An older article of the same day does not shorten it.
    await index.add(await store(99, "Lighthouse keeper", day * DAY_MS));
    expect(await redis.pexpiretime(keys.inline.day(day))).toBe(expiresAt);
  });
});
