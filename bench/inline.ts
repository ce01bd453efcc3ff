/**
 * The `inline` bench step: inline search over a window of 100,000 articles. Articles are written
 * straight into the store and the index (as ingest does, without fan-out), with titles and
 * summaries drawn from a Zipf-distributed vocabulary of Latin and Persian words; then a mix of
 * queries is timed end to end (index script, article reads, result formatting).
 */
import type { Redis } from "ioredis";
import { loadCategories } from "../src/config/categories.js";
import { ArticleCache } from "../src/delivery/articles.js";
import { articleId, categorySlug } from "../src/ids.js";
import type { StoredArticle } from "../src/ingest/article.js";
import { SearchIndex, HOUR_MS } from "../src/sharing/search-index.js";
import { SharingService } from "../src/sharing/service.js";
import type { ChatRecord } from "../src/store/chat-record.js";
import { keys as keyLayout } from "../src/store/keys.js";
import { percentile } from "./stats.js";

const ARTICLES = 100_000;
const WINDOW_DAYS = 7;
const VOCABULARY = 30_000;
const QUERIES = 1_500;
const LATIN = "abcdefghijklmnopqrstuvwxyz";
const PERSIAN = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی";

/** A small seeded PRNG (mulberry32): the same articles and queries every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Word `rank` of the vocabulary: even ranks Latin, odd ranks Persian, 3 to 8 letters. */
function word(rank: number): string {
  const alphabet = rank % 2 === 0 ? LATIN : PERSIAN;
  let n = rank + 1000;
  let out = "";
  while (n > 0 || out.length < 3) {
    out += alphabet[n % alphabet.length];
    n = Math.floor(n / alphabet.length);
  }
  return out;
}

export interface InlineBenchFigures {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly indexMb: number;
  readonly indexKeys: number;
  readonly bytesPerArticle: number;
  readonly writeMsPerArticle: number;
  readonly byKind: Readonly<Record<string, { p95: number; results: number }>>;
}

export async function benchInline(
  redis: Redis,
  prefix: string,
  categoriesFile: string,
  log: (line: string) => void,
): Promise<InlineBenchFigures> {
  const rnd = random(15);
  const weights: number[] = [];
  let total = 0;
  for (let r = 1; r <= VOCABULARY; r++) weights.push((total += 1 / r));
  const zipf = (): number => {
    const x = rnd() * total;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (weights[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const phrase = (min: number, max: number): string =>
    Array.from({ length: min + Math.floor(rnd() * (max - min + 1)) }, () => word(zipf())).join(" ");

  const keys = keyLayout(prefix);
  const categories = loadCategories(categoriesFile);
  const slugs = categories.slugs.slice(0, 6);
  const index = new SearchIndex(redis, keys, WINDOW_DAYS);
  const now = Date.now();
  const windowMs = WINDOW_DAYS * 24 * HOUR_MS;

  log(`inline: writing ${ARTICLES} articles over ${WINDOW_DAYS} days into the store and the index`);
  const titles: string[] = [];
  const started = performance.now();
  const BATCH = 500;
  for (let start = 0; start < ARTICLES; start += BATCH) {
    const batch: Promise<unknown>[] = [];
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(ARTICLES, start + BATCH); i++) {
      const seq = i + 1;
      // Oldest first, as they would have arrived.
      const receivedAt = now - windowMs + Math.floor(((i + 0.5) / ARTICLES) * windowMs);
      const slug = slugs[i % slugs.length]!;
      const article: StoredArticle = {
        id: articleId(`bench-inline-${seq}`),
        seq,
        url: `https://news.example.com/inline/${seq}`,
        title: phrase(6, 12),
        summary: phrase(20, 40),
        categories: [categorySlug(slug)],
        imageUrl: i % 3 === 0 ? `https://news.example.com/img/${seq}.jpg` : undefined,
        priority: "normal",
        receivedAt,
        source: "feed",
      };
      titles.push(article.title);
      pipeline.hset(keys.article(article.id), "json", JSON.stringify(article), "seq", seq);
      pipeline.pexpire(keys.article(article.id), 14 * 24 * HOUR_MS);
      pipeline.zadd(keys.log(categorySlug(slug)), seq, article.id);
      batch.push(index.add(article));
    }
    batch.push(pipeline.exec());
    await Promise.all(batch);
  }
  const writeMsPerArticle = (performance.now() - started) / ARTICLES;

  // A reader who follows two categories, for the empty queries.
  const record: ChatRecord = {
    kind: "private",
    language: "en",
    active: true,
    cursor: 0,
    sentAhead: [],
    subscriptions: slugs.slice(0, 2).map((slug) => ({ slug: categorySlug(slug), since: 0 })),
  };

  const sharing = new SharingService({ index, articles: new ArticleCache(redis, keys), categories, networks: ["telegram"] });
  const kinds: Record<string, () => string> = {
    "common word": () => word(Math.floor(rnd() * 20)),
    "mid word": () => word(100 + Math.floor(rnd() * 900)),
    "rare word": () => word(5_000 + Math.floor(rnd() * 25_000)),
    "two words": () => `${word(Math.floor(rnd() * 200))} ${word(Math.floor(rnd() * 2000))}`,
    "two common words": () => `${word(Math.floor(rnd() * 10))} ${word(10 + Math.floor(rnd() * 10))}`,
    "title words": () => titles[Math.floor(rnd() * titles.length)]!.split(" ").slice(0, 4).join(" "),
    "Persian, Arabic letters": () =>
      word(1 + 2 * Math.floor(rnd() * 500))
        .replace(/ی/g, "ي")
        .replace(/ک/g, "ك"),
    "no match": () => `zzq${Math.floor(rnd() * 1e6)}`,
    empty: () => "",
    "256 characters": () => phrase(40, 60).slice(0, 256),
    emoji: () => "🙂🔥",
  };
  const names = Object.keys(kinds);
  const samples: number[] = [];
  const byKind: Record<string, { times: number[]; results: number[] }> = {};
  // A few unmeasured queries first: the script loaded, the connection warm.
  for (let i = 0; i < 20; i++) await sharing.answer(record, word(i), "", "en");
  log(`inline: ${QUERIES} queries, ${names.length} kinds`);
  for (let i = 0; i < QUERIES; i++) {
    const kind = names[i % names.length]!;
    const query = kinds[kind]!();
    const t0 = performance.now();
    const answer = await sharing.answer(record, query, "", "en");
    const ms = performance.now() - t0;
    samples.push(ms);
    (byKind[kind] ??= { times: [], results: [] }).times.push(ms);
    byKind[kind].results.push(answer.results.length);
  }

  let cursor = "0";
  let indexKeys = 0;
  let bytes = 0;
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", keys.inline.pattern, "COUNT", 2000);
    cursor = next;
    if (found.length === 0) continue;
    const pipeline = redis.pipeline();
    // SAMPLES 0: every field of a hash counted, not five of them scaled up.
    for (const key of found) pipeline.memory("USAGE", key, "SAMPLES", 0);
    for (const [, usage] of (await pipeline.exec()) ?? []) bytes += Number(usage ?? 0);
    indexKeys += found.length;
  } while (cursor !== "0");

  return {
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    maxMs: Math.max(...samples),
    indexMb: bytes / 2 ** 20,
    indexKeys,
    bytesPerArticle: bytes / ARTICLES,
    writeMsPerArticle,
    byKind: Object.fromEntries(
      Object.entries(byKind).map(([kind, { times, results }]) => [
        kind,
        { p95: percentile(times, 95), results: results.reduce((a, b) => a + b, 0) / results.length },
      ]),
    ),
  };
}
