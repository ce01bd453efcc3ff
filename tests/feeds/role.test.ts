import { setTimeout as sleep } from "node:timers/promises";
import { dropPrefix } from "../support/stack.js";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeeds, type FeedsRole } from "../../src/app/roles/feeds.js";
import type { Categories } from "../../src/config/categories.js";
import { listFeedHealth, type FeedHealth } from "../../src/feeds/health.js";
import { plannedFeeds } from "../../src/feeds/schedule.js";
import { Ingestor } from "../../src/ingest/ingest.js";
import { FEEDS_QUEUE_NAME, openQueues, schedulerIdOf, type FeedJob, type Queues } from "../../src/queues.js";
import { feedIdOf, feedKeys, keys } from "../../src/store/keys.js";
import { RSS_TYPE, categoriesOf, connect, fixture, silentLogger, startFeedServer, uniquePrefix, type FeedServer } from "./support.js";

const connection = { host: "127.0.0.1", port: 6379 };
let server: FeedServer;
let redis: Redis;
let queues: Queues;
let feedsQueue: Queue<FeedJob>;
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

async function start(categories: Categories): Promise<FeedsRole> {
  const ingestor = new Ingestor({ redis, keys: keys(prefix), categories, queues, logger: silentLogger() });
  const role = await startFeeds({
    connection,
    prefix,
    redis,
    categories,
    ingestor,
    feedInterval: 60,
    logger: silentLogger(),
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

async function schedulerIds(): Promise<string[]> {
  return (await feedsQueue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
}

beforeAll(async () => {
  server = await startFeedServer();
  redis = connect();
  queues = openQueues(connection, prefix);
  feedsQueue = new Queue<FeedJob>(FEEDS_QUEUE_NAME, { connection, prefix });
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
    const jsonScheduler = await feedsQueue.getJobScheduler(schedulerIdOf(feedIdOf(server.url("/good.json"))));
    expect(jsonScheduler).toMatchObject({ every: 300_000, template: { data: { categories: ["tech"], interval: 300 } } });
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
    const removedJob: FeedJob = { feedId: feedIdOf(drop), url: drop, categories: ["world"], interval: 60, sendNewest: 0 };
    const leftover = await feedsQueue.add("poll", removedJob);
    const deadline = Date.now() + 10_000;
    while ((await leftover.getState()) !== "completed" && (await feedsQueue.getJob(leftover.id ?? "")) && Date.now() < deadline) {
      await sleep(50);
    }
    expect(server.hits("/drop.rss")).toHaveLength(hitsBefore);
    await Promise.all([stop(a), stop(b)]);
  });
});
