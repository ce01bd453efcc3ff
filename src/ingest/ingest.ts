import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Categories } from "../config/categories.js";
import { articleId, type ArticleId, type CategorySlug } from "../ids.js";
import type { Logger } from "../log.js";
import { JOB_NAMES, type Queues } from "../queues.js";
import type { Keys } from "../store/keys.js";
import { acceptArticle } from "../store/scripts/accept-article.js";
import type { SearchIndex } from "../sharing/search-index.js";
import { articleInputSchema, type ArticleInput, type ArticleSource, type StoredArticle } from "./article.js";

/** How long an accepted article and its dedupe marks are kept. */
export const ARTICLE_TTL_MS = 14 * 24 * 3600 * 1000;
export const DEDUPE_TTL_MS = 30 * 24 * 3600 * 1000;
/** The newest articles kept per category for readers who are behind. */
export const LOG_LENGTH = 5000;

export type IngestOutcome =
  | { readonly status: "accepted"; readonly id: ArticleId; readonly seq: number }
  | { readonly status: "duplicate"; readonly id: ArticleId }
  | { readonly status: "invalid"; readonly issues: readonly { path: string; message: string }[] }
  | { readonly status: "unknown-category"; readonly unknown: readonly string[]; readonly valid: readonly string[] };

/** The URL an article is recognised by: no fragment, lower-case host. */
export function canonicalUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = "";
  return parsed.toString();
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

/** The article's id: the publisher's, or one derived from its URL. */
export function articleIdOf(input: Pick<ArticleInput, "id" | "url">): ArticleId {
  return articleId(input.id ?? `u${hash(canonicalUrl(input.url))}`);
}

/** BullMQ job ids must not hold ':'; a hash of the article id is safe and stable. */
export function fanoutJobId(id: ArticleId): string {
  return `article-${hash(id)}`;
}

/** The field of the counters hash (`<KEY_PREFIX>:stats`) that counts one ingest outcome, e.g. `ingested:http:accepted`. */
export function ingestCounterField(source: ArticleSource, status: IngestOutcome["status"]): string {
  return `ingested:${source}:${status.replace("-", "_")}`;
}

export interface IngestDeps {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly categories: Categories;
  readonly queues: Pick<Queues, "fanout">;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The inline search index, written right after acceptance; absent, articles are not searchable inline. */
  readonly index?: SearchIndex;
}

/**
 * The one way an article enters Bulletin, whatever its source (HTTP push, feeds, CLI): one
 * validation, one dedupe, then a fan-out job.
 */
export class Ingestor {
  private readonly logger: Logger;

  constructor(private readonly deps: IngestDeps) {
    this.logger = deps.logger.child({ component: "ingest" });
  }

  async ingest(raw: unknown, source: ArticleSource): Promise<IngestOutcome> {
    const outcome = await this.accept(raw, source);
    // Counted in the shared counters hash, so /metrics and `stats` see every process's ingest.
    await this.deps.redis.hincrby(this.deps.keys.counters, ingestCounterField(source, outcome.status), 1);
    return outcome;
  }

  /**
   * An operators' service message (/announce): stored like an article in every category, so that
   * delivery brings it to every reader once, through the same budget and pace, alone; channels and
   * groups skip it.
   */
  async announce(text: string): Promise<{ id: ArticleId; seq: number }> {
    const id = articleId(`announce-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`);
    const slugs = this.deps.categories.slugs;
    const article: Omit<StoredArticle, "seq"> = {
      id,
      url: "",
      title: text,
      categories: slugs,
      priority: "normal",
      receivedAt: (this.deps.now ?? Date.now)(),
      source: "admin",
      announcement: true,
    };
    const { keys, redis } = this.deps;
    const acceptance = await acceptArticle.run(
      redis,
      [keys.dedupeById(hash(id)), keys.dedupeByUrl(hash(id)), keys.sequence, keys.article(id), ...slugs.map((slug) => keys.log(slug))],
      [id, JSON.stringify(article), DEDUPE_TTL_MS, ARTICLE_TTL_MS, LOG_LENGTH],
    );
    // The id is new (a timestamp and random bytes), so it cannot be a duplicate.
    if (acceptance.kind !== "accepted") throw new Error(`announcement ${id} was taken for a duplicate of ${acceptance.id}`);
    const { seq } = acceptance;
    await this.enqueueFanout(id);
    this.logger.info({ id, seq }, "announcement accepted");
    return { id, seq };
  }

  private async accept(raw: unknown, source: ArticleSource): Promise<IngestOutcome> {
    const parsed = articleInputSchema.safeParse(raw);
    if (!parsed.success) {
      return {
        status: "invalid",
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message })),
      };
    }
    const input = parsed.data;
    const { categories, keys, redis } = this.deps;
    const unknown = input.categories.filter((slug) => !categories.has(slug));
    if (unknown.length > 0) return { status: "unknown-category", unknown, valid: categories.slugs };

    const id = articleIdOf(input);
    const slugs = [...new Set(input.categories)] as CategorySlug[];
    const article: Omit<StoredArticle, "seq"> = {
      id,
      url: input.url,
      title: input.title,
      summary: input.summary,
      categories: slugs,
      imageUrl: input.imageUrl,
      publishedAt: input.publishedAt,
      language: input.language,
      priority: input.priority ?? "normal",
      receivedAt: (this.deps.now ?? Date.now)(),
      source,
    };
    const acceptance = await acceptArticle.run(
      redis,
      [
        keys.dedupeById(hash(id)),
        keys.dedupeByUrl(hash(canonicalUrl(input.url))),
        keys.sequence,
        keys.article(id),
        ...slugs.map((slug) => keys.log(slug)),
      ],
      [id, JSON.stringify(article), DEDUPE_TTL_MS, ARTICLE_TTL_MS, LOG_LENGTH],
    );

    if (acceptance.kind === "duplicate") {
      const existing = acceptance.id;
      await this.ensureFannedOut(existing);
      this.logger.debug({ id: existing, source }, "duplicate article ignored");
      return { status: "duplicate", id: existing };
    }
    const { seq } = acceptance;
    await this.enqueueFanout(id);
    await this.indexForInline({ ...article, seq });
    this.logger.info({ id, seq, source, categories: slugs, priority: article.priority }, "article accepted");
    return { status: "accepted", id, seq };
  }

  /**
   * A duplicate of an article whose fan-out never started (the process died between storing it
   * and queueing its job) gets its fan-out now: the retry of a failed push repairs it.
   */
  private async ensureFannedOut(id: ArticleId): Promise<void> {
    const fanned = await this.deps.redis.hget(this.deps.keys.article(id), "fanned");
    if (fanned === null) await this.enqueueFanout(id);
  }

  /** Inline search is a convenience: an index write that fails is logged, never an ingest error (the article is accepted). */
  private async indexForInline(article: Omit<StoredArticle, "seq"> & { seq: number }): Promise<void> {
    try {
      await this.deps.index?.add(article);
    } catch (error) {
      this.logger.warn({ err: error, id: article.id }, "article not indexed for inline search");
    }
  }

  private async enqueueFanout(id: ArticleId): Promise<void> {
    await this.deps.queues.fanout.add(JOB_NAMES.article, { articleId: id }, { jobId: fanoutJobId(id) });
  }
}
