import { setTimeout as sleep } from "node:timers/promises";
import { dropPrefix } from "../support/stack.js";
import { Queue, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeeds, type FeedsRole } from "../../src/app/roles/feeds.js";
import type { Categories } from "../../src/config/categories.js";
import { listFeedHealth, type FeedHealth } from "../../src/feeds/health.js";
import { sharedFeedParser } from "../../src/feeds/parse-thread.js";
import { plannedFeeds, readIndexedFeed } from "../../src/feeds/schedule.js";
import { Ingestor } from "../../src/ingest/ingest.js";
import { FEEDS_QUEUE_NAME, openQueues, schedulerIdOf, type Queues } from "../../src/queues.js";
import { feedIdOf, feedKeys, keys } from "../../src/store/keys.js";
import { categorySlug } from "../../src/ids.js";
import { createLogger } from "../../src/log.js";
import {
  RSS_TYPE,
  categoriesOf,
  connect,
  fixture,
  persianWith,
  silentLogger,
  startFeedServer,
  uniquePrefix,
  type FeedServer,
} from "./support.js";

const connection = { host: "127.0.0.1", port: 6379 };
let server: FeedServer;
let redis: Redis;
let queues: Queues;
/** The feeds queue as the queue dashboard sees it: jobs of any data. */
let feedsQueue: Queue<Record<string, unknown>>;
const prefix = uniquePrefix();
const roles: FeedsRole[] = [];

function categoriesWith(feeds: { world: unknown[]; tech?: unknown[] }): Categories {
  return categoriesOf({
    categories: [
      { slug: "world", title: { en: "World" }, feeds: feeds.world },
      { slug: "tech", title: { en: "Tech" }, feeds: feeds.tech ?? [] },
    ],
  });
}

async function start(categories: Categories, logger = silentLogger()): Promise<FeedsRole> {
  const ingestor = new Ingestor({ redis, keys: keys(prefix), categories, queues, logger: silentLogger() });
  const role = await startFeeds({
    connection,
    prefix,
    redis,
    categories,
    ingestor,
    feedInterval: 60,
    logger,
    fetch: { timeoutMs: 1_000, allowPrivate: true },
  });
  roles.push(role);
  return role;
}

async function stop(role: FeedsRole): Promise<void> {
  await role.close();
  roles.splice(roles.indexOf(role), 1);
}

/** Waits until every URL has been polled at least `times` (by its lastPollAt changing). */
async function healthAfterPoll(urls: string[], since: number): Promise<FeedHealth[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const health = await listFeedHealth(redis, prefix, urls);
    if (health.every((h) => (h.lastPollAt ?? 0) >= since)) return health;
    if (Date.now() > deadline) throw new Error(`not polled in time: ${JSON.stringify(health)}`);
    await sleep(50);
  }
}

/** Waits for a job to end; "completed" also when it completed and was removed. */
async function finished(job: Job): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const state = (await feedsQueue.getJob(job.id ?? "")) ? await job.getState() : "completed";
    if (state === "completed" || state === "failed") return state;
    if (Date.now() > deadline) throw new Error(`job ${job.id} still ${state}`);
    await sleep(50);
  }
}

async function schedulerIds(): Promise<string[]> {
  return (await feedsQueue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
}

beforeAll(async () => {
  // The parser's thread starts once per process (tsx compiles its modules): not during the 1 s fetches below.
  await sharedFeedParser.parse(fixture("heraldsun.rss"), undefined, "https://warm-up.example/");
  server = await startFeedServer();
  redis = connect();
  queues = openQueues(connection, prefix);
  feedsQueue = new Queue(FEEDS_QUEUE_NAME, { connection, prefix });
});

afterAll(async () => {
  for (const role of [...roles]) await role.close();
  await feedsQueue.close();
  await queues.close();
  await dropPrefix(prefix);
  redis.disconnect();
  await server.close();
});

describe("the feeds role", () => {
  it("plans one job per URL: a URL in two categories is polled once for both, at its shortest interval", () => {
    const categories = categoriesWith({
      world: ["https://a.example/rss", { url: "https://b.example/rss", interval: 300, sendNewest: 3 }],
      tech: [{ url: "https://a.example/rss", interval: 30 }],
    });
    expect(plannedFeeds(categories, 60)).toEqual([
      {
        feedId: feedIdOf("https://a.example/rss"),
        url: "https://a.example/rss",
        categories: ["world", "tech"],
        interval: 30,
        sendNewest: 0,
      },
      { feedId: feedIdOf("https://b.example/rss"), url: "https://b.example/rss", categories: ["world"], interval: 300, sendNewest: 3 },
    ]);
  });

  it("schedules every feed, polls each at once; a 500, a timeout, a 20 MB body and invalid XML leave the others going", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    server.route("/good.rss", { headers: { "content-type": RSS_TYPE }, body: fixture("persian-news.rss") });
    server.route("/good.json", { headers: { "content-type": "application/feed+json" }, body: fixture("world.json") });
    server.route("/error.rss", { status: 500 });
    server.route("/slow.rss", { delayMs: 5_000, body: fixture("heraldsun.rss") });
    server.route("/huge.rss", { stream: { chunk, total: 20 * 1024 * 1024 } });
    server.route("/invalid.rss", { body: "<rss><channel><title>x</titl></channel></rss>" });
    server.route("/old-address.rss", { status: 301, headers: { location: "/good.atom" } });
    server.route("/good.atom", { body: fixture("heise.atom") });
    const urls = ["/good.rss", "/error.rss", "/slow.rss", "/huge.rss", "/invalid.rss", "/old-address.rss"].map((p) => server.url(p));
    const categories = categoriesWith({ world: urls, tech: [{ url: server.url("/good.json"), interval: 300 }] });

    const since = Date.now();
    const role = await start(categories);
    expect(role.feeds).toHaveLength(7);
    const [good, error, slow, huge, invalid, moved, json] = await healthAfterPoll([...urls, server.url("/good.json")], since);
    expect(good).toMatchObject({ initialized: true, itemsSeen: 4, consecutiveFailures: 0, title: "خبرگزاری نمونه - آخرین اخبار" });
    expect(json).toMatchObject({ initialized: true, itemsSeen: 3, consecutiveFailures: 0 });
    expect(moved).toMatchObject({ initialized: true, itemsSeen: 15, redirectedTo: server.url("/good.atom") });
    expect(error).toMatchObject({ consecutiveFailures: 1, lastError: "HTTP 500 Internal Server Error", initialized: false });
    expect(slow).toMatchObject({ consecutiveFailures: 1, lastError: "no complete answer within 1000 ms" });
    expect(huge).toMatchObject({ consecutiveFailures: 1, lastStatus: "too-large" });
    expect(invalid).toMatchObject({ consecutiveFailures: 1, lastStatus: "parse" });

    expect(await schedulerIds()).toEqual([...urls, server.url("/good.json")].map((u) => schedulerIdOf(feedIdOf(u))).sort());
    // A job names its feed only; the URL, categories and options are in the index.
    const jsonId = feedIdOf(server.url("/good.json"));
    const jsonScheduler = await feedsQueue.getJobScheduler(schedulerIdOf(jsonId));
    expect(jsonScheduler).toMatchObject({ every: 300_000 });
    expect(jsonScheduler?.template?.data).toEqual({ feedId: jsonId });
    expect(await readIndexedFeed(redis, prefix, jsonId)).toEqual({
      status: "found",
      feed: { feedId: jsonId, url: server.url("/good.json"), categories: ["tech"], interval: 300, sendNewest: 0 },
    });
    await stop(role);
  });

  it("a feed removed from the file loses its scheduler at the next start; a second process changes nothing", async () => {
    server.route("/keep.rss", { body: fixture("heraldsun.rss") });
    server.route("/drop.rss", { body: fixture("guardian.rss") });
    const keep = server.url("/keep.rss");
    const drop = server.url("/drop.rss");
    const first = await start(categoriesWith({ world: [keep, drop] }));
    await healthAfterPoll([keep, drop], 0);
    await stop(first);

    const categories = categoriesWith({ world: [keep] });
    const [a, b] = await Promise.all([start(categories), start(categories)]);
    // The dropped feed's scheduler is gone, and so are those of the previous test's feeds.
    expect(await schedulerIds()).toEqual([schedulerIdOf(feedIdOf(keep))]);
    expect(await redis.hkeys(feedKeys(prefix).index)).toEqual([feedIdOf(keep)]);

    // A leftover job of the removed feed is ignored, not polled.
    const hitsBefore = server.hits("/drop.rss").length;
    const leftover = await feedsQueue.add("poll", { feedId: feedIdOf(drop) });
    expect(await finished(leftover)).toBe("completed");
    expect(server.hits("/drop.rss")).toHaveLength(hitsBefore);
    await Promise.all([stop(a), stop(b)]);
  });

  it("a job edited in the dashboard cannot aim the poller elsewhere nor post into another category; an unknown feed's job is refused once", async () => {
    let body = persianWith([]);
    server.route("/edited.rss", () => ({ headers: { "content-type": RSS_TYPE }, body }));
    server.route("/elsewhere.rss", { body: fixture("guardian.rss") });
    const url = server.url("/edited.rss");
    const lines: string[] = [];
    const since = Date.now();
    const role = await start(categoriesWith({ world: [url] }), createLogger("info", { write: (line: string) => void lines.push(line) }));
    await healthAfterPoll([url], since);
    while ((await redis.exists(feedKeys(prefix).lock(feedIdOf(url)))) === 1) await sleep(20); // the first poll has ended

    body = persianWith([
      { guid: "edited-1", title: "خبر تازه", link: "https://news.example.ir/news/edited-1", pubDate: "Sat, 28 Nov 2026 08:00:00 +0330" },
    ]);
    const forged = { feedId: feedIdOf(url), url: server.url("/elsewhere.rss"), categories: ["tech"], interval: 10, sendNewest: 50 };
    expect(await finished(await feedsQueue.add("poll", forged))).toBe("completed");
    expect(server.hits("/elsewhere.rss")).toHaveLength(0);
    expect(server.hits("/edited.rss")).toHaveLength(2);
    // The new item went where the categories file says: World, not Tech.
    expect(await redis.zcard(keys(prefix).log(categorySlug("world")))).toBe(1);
    expect(await redis.zcard(keys(prefix).log(categorySlug("tech")))).toBe(0);

    const unknown = await feedsQueue.add("poll", { feedId: "no-such-feed", url: server.url("/elsewhere.rss"), categories: ["world"] });
    expect(await finished(unknown)).toBe("completed");
    expect(await unknown.getState()).toBe("completed"); // not failed: nothing retries it
    expect(server.hits("/elsewhere.rss")).toHaveLength(0);
    const refusals = lines.map((line) => JSON.parse(line) as { msg: string; feedId?: string }).filter((l) => l.feedId === "no-such-feed");
    expect(refusals.map((l) => l.msg)).toEqual(["poll of a feed not in the categories file refused"]);
    await stop(role);
  });
});
