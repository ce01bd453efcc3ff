import type { Redis } from "ioredis";
import { articleId, categorySlug, type ArticleId } from "../ids.js";
import { storedArticleSchema, type StoredArticle } from "../ingest/article.js";
import { execAll } from "../redis.js";
import type { Keys } from "../store/keys.js";

/**
 * Articles as delivery reads them: one Redis read per article per process, however many readers
 * get it (a fan-out to a million readers reads the article once, not a million times).
 */
export class ArticleCache {
  private readonly cache = new Map<ArticleId, StoredArticle | null>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly capacity = 2000,
  ) {}

  async getMany(ids: readonly ArticleId[]): Promise<Map<ArticleId, StoredArticle | undefined>> {
    const missing = [...new Set(ids)].filter((id) => !this.cache.has(id));
    if (missing.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const id of missing) pipeline.hmget(this.keys.article(id), "json", "seq");
      // A lookup Redis refused fails the visit (the job is retried): read as missing, the article
      // would count as expired and be skipped for good.
      const results = await execAll(pipeline, "reading articles");
      missing.forEach((id, i) => {
        const [json, seq] = (results[i] ?? []) as (string | null)[];
        this.remember(id, json && seq ? parseStored(json, Number(seq)) : null);
      });
    }
    return new Map(ids.map((id) => [id, this.cache.get(id) ?? undefined]));
  }

  async get(id: ArticleId): Promise<StoredArticle | undefined> {
    return (await this.getMany([id])).get(id);
  }

  private remember(id: ArticleId, article: StoredArticle | null): void {
    if (this.cache.size >= this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(id, article);
  }
}

/**
 * The stored article, or null when it cannot be read back: delivery then passes over it like an
 * expired one (counted and logged per chat) instead of failing every chat planned with it.
 */
function parseStored(json: string, seq: number): StoredArticle | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = storedArticleSchema.safeParse(typeof raw === "object" && raw !== null ? { ...raw, seq } : raw);
  if (!parsed.success) return null;
  return { ...parsed.data, id: articleId(parsed.data.id), categories: parsed.data.categories.map(categorySlug) };
}
