import { dropPrefix } from "../support/stack.js";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFeedHealth } from "../../src/feeds/health.js";
import { FeedPoller, backoffDelayMs, type PollOutcome } from "../../src/feeds/poller.js";
import { articleId } from "../../src/ids.js";
import { storedArticleSchema } from "../../src/ingest/article.js";
import { Ingestor } from "../../src/ingest/ingest.js";
import { openQueues, type Queues } from "../../src/queues.js";
import type { Feed } from "../../src/feeds/schedule.js";
import { feedIdOf, feedKeys, keys } from "../../src/store/keys.js";
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

const ZWNJ = "\u200c";

let server: FeedServer;
let redis: Redis;
let queues: Queues;
let ingestor: Ingestor;
const prefix = uniquePrefix();
const categories = categoriesOf({
  categories: [
    { slug: "world", title: { en: "World", fa: "جهان" } },
    { slug: "iran", title: { en: "Iran", fa: "ایران" } },
  ],
});
let clock = Date.now();
const now = (): number => clock;

function poller(): FeedPoller {
  return new FeedPoller({ redis, prefix, ingestor, logger: silentLogger(), fetch: { timeoutMs: 500, allowPrivate: true }, now });
}

function feedAt(path: string, extra: Partial<Feed> = {}): Feed {
  const url = server.url(path);
  return { feedId: feedIdOf(url), url, categories: ["world"], interval: 60, sendNewest: 0, ...extra };
}

async function fanoutArticleIds(): Promise<string[]> {
  const jobs = await queues.fanout.getJobs(["waiting", "delayed", "prioritized", "active", "completed", "failed"]);
  return jobs.map((j) => j.data.articleId).sort();
}

async function storedArticle(id: string) {
  const json = await redis.hget(keys(prefix).article(articleId(id)), "json");
  if (!json) throw new Error(`article ${id} not stored`);
  return storedArticleSchema.omit({ seq: true }).parse(JSON.parse(json));
}

function polled(outcome: PollOutcome): Extract<PollOutcome, { status: "polled" }> {
  if (outcome.status !== "polled") throw new Error(`expected a poll, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const twoNewItems = [
  // Newest first, as feeds list them.
  {
    guid: "14050906000106",
    title: `سقوط ${ZWNJ}بهمن در جاده چالوس`,
    link: "https://news.example.ir/news/14050906000106/chalus",
    pubDate: "Fri, 27 Nov 2026 10:45:00 +0330",
  },
  {
    guid: "14050906000105",
    title: `بازگشایی مدارس${ZWNJ} پس از تعطیلی`,
    link: "https://news.example.ir/news/14050906000105/schools",
    pubDate: "Fri, 27 Nov 2026 10:30:00 +0330",
  },
];

beforeAll(async () => {
  server = await startFeedServer();
  redis = connect();
  queues = openQueues({ host: "127.0.0.1", port: 6379 }, prefix);
  ingestor = new Ingestor({ redis, keys: keys(prefix), categories, queues, logger: silentLogger() });
});

afterAll(async () => {
  await queues.close();
  await dropPrefix(prefix);
  redis.disconnect();
  await server.close();
});

describe("polling a feed", () => {
  it("first poll records the current items as seen and sends nothing; two new items are then sent, oldest first, once", async () => {
    let body = fixture("persian-news.rss").toString("utf8");
    server.route("/fa/world.rss", () => ({ headers: { "content-type": RSS_TYPE }, body }));
    const feed = feedAt("/fa/world.rss", { categories: ["world", "iran"] });

    const first = polled(await poller().poll(feed));
    expect(first).toMatchObject({ firstPoll: true, items: 4, newItems: 4, accepted: [] });
    expect(await fanoutArticleIds()).toEqual([]);
    expect(await readFeedHealth(redis, prefix, feed.feedId)).toMatchObject({
      url: feed.url,
      title: "خبرگزاری نمونه - آخرین اخبار",
      initialized: true,
      itemsSeen: 4,
      itemsSent: 0,
      consecutiveFailures: 0,
      lastStatus: "200",
    });

    body = persianWith(twoNewItems);
    const second = polled(await poller().poll(feed));
    expect(second).toMatchObject({ firstPoll: false, items: 6, newItems: 2, duplicates: 0 });
    expect(second.accepted).toHaveLength(2);
    expect((await fanoutArticleIds()).sort()).toEqual([...second.accepted].sort());
    const [older, newer] = await Promise.all(second.accepted.map(storedArticle));
    expect(older).toMatchObject({
      title: `بازگشایی مدارس${ZWNJ} پس از تعطیلی`,
      url: "https://news.example.ir/news/14050906000105/schools",
      categories: ["world", "iran"],
      language: "fa-IR",
      publishedAt: "2026-11-27T07:00:00.000Z",
      source: "feed",
    });
    expect(newer).toMatchObject({ title: `سقوط ${ZWNJ}بهمن در جاده چالوس`, publishedAt: "2026-11-27T07:15:00.000Z" });
    // Oldest first: the older item got the lower sequence number.
    const seqs = await Promise.all(second.accepted.map((id) => redis.hget(keys(prefix).article(articleId(id)), "seq")));
    expect(Number(seqs[0])).toBeLessThan(Number(seqs[1]));

    // Served again unchanged, by this worker or a restarted one: nothing more.
    const third = polled(await poller().poll(feed));
    expect(third).toMatchObject({ newItems: 0, accepted: [] });
    expect(await fanoutArticleIds()).toHaveLength(2);
    expect(await readFeedHealth(redis, prefix, feed.feedId)).toMatchObject({ itemsSeen: 6, itemsSent: 2 });
  });

  it("a 304 sends nothing and keeps the validators", async () => {
    server.route("/etag.rss", { etag: '"abc"', headers: { "content-type": RSS_TYPE }, body: fixture("guardian.rss") });
    const feed = feedAt("/etag.rss");
    polled(await poller().poll(feed));
    expect(await poller().poll(feed)).toEqual({ status: "not-modified" });
    expect(server.hits("/etag.rss")[1]?.headers["if-none-match"]).toBe('"abc"');
    expect(await readFeedHealth(redis, prefix, feed.feedId)).toMatchObject({ etag: '"abc"', lastStatus: "304", itemsSeen: 55 });
  });

  it("sendNewest sends the newest N of a new feed, oldest first", async () => {
    server.route("/json/world.json", { headers: { "content-type": "application/feed+json" }, body: fixture("world.json") });
    const before = await fanoutArticleIds();
    const outcome = polled(await poller().poll(feedAt("/json/world.json", { sendNewest: 2 })));
    expect(outcome.firstPoll).toBe(true);
    const titles = await Promise.all(outcome.accepted.map(async (id) => (await storedArticle(id)).title));
    expect(titles).toEqual(["Air defence top of the agenda as winter approaches", "Kyiv: no territorial concessions for NATO membership"]);
    expect((await fanoutArticleIds()).length).toBe(before.length + 2);
  });

  it("two feeds carrying the same article send it once (same guid on one site; same link elsewhere)", async () => {
    let extra: typeof twoNewItems = [];
    server.route("/site/a.rss", () => ({ body: persianWith(extra) }));
    server.route("/site/b.rss", () => ({ body: persianWith(extra) }));
    // A third feed on another host names the same story by link, with its own guid.
    let mirror = "";
    const mirrorUrl = server.url("/mirror.rss").replace("127.0.0.1", "localhost");
    server.route("/mirror.rss", () => ({ body: mirror }));
    const a = feedAt("/site/a.rss");
    const b = feedAt("/site/b.rss", { categories: ["iran"] });
    const c: Feed = { ...feedAt("/mirror.rss"), url: mirrorUrl, feedId: feedIdOf(mirrorUrl) };
    mirror = `<rss version="2.0"><channel><title>Mirror</title></channel></rss>`;
    for (const feed of [a, b, c]) polled(await poller().poll(feed));

    extra = [
      { guid: "shared-1", title: "خبر مشترک", link: "https://news.example.ir/news/shared-1", pubDate: "Fri, 27 Nov 2026 11:00:00 +0330" },
    ];
    mirror = `<rss version="2.0"><channel><title>Mirror</title><item><title>Shared</title><guid isPermaLink="false">m-9</guid><link>https://news.example.ir/news/shared-1#from-mirror</link></item></channel></rss>`;
    const before = (await fanoutArticleIds()).length;
    const fromA = polled(await poller().poll(a));
    const fromB = polled(await poller().poll(b));
    const fromC = polled(await poller().poll(c));
    expect(fromA.accepted).toHaveLength(1);
    expect(fromB).toMatchObject({ newItems: 1, accepted: [], duplicates: 1 });
    expect(fromC).toMatchObject({ newItems: 1, accepted: [], duplicates: 1 });
    expect((await fanoutArticleIds()).length).toBe(before + 1);
  });

  it("a failing feed records its failures, backs off exponentially, and recovers", async () => {
    let status = 500;
    server.route("/flaky.rss", () => (status === 200 ? { body: fixture("heraldsun.rss") } : { status }));
    const feed = feedAt("/flaky.rss");
    clock = Date.parse("2026-11-27T10:00:00Z");

    const first = await poller().poll(feed);
    expect(first).toMatchObject({
      status: "failed",
      error: "HTTP 500 Internal Server Error",
      consecutiveFailures: 1,
      nextAttemptAt: clock,
    });
    const second = await poller().poll(feed);
    expect(second).toMatchObject({ status: "failed", consecutiveFailures: 2, nextAttemptAt: clock + 120_000 });
    expect(await readFeedHealth(redis, prefix, feed.feedId)).toMatchObject({
      consecutiveFailures: 2,
      lastError: "HTTP 500 Internal Server Error",
      lastStatus: "HTTP 500",
      lastPollAt: clock,
      initialized: false,
    });
    const requests = server.hits("/flaky.rss").length;
    clock += 60_000; // the next scheduled tick: still backing off, the feed is not even fetched
    expect(await poller().poll(feed)).toEqual({ status: "backing-off", until: Date.parse("2026-11-27T10:02:00Z") });
    expect(server.hits("/flaky.rss")).toHaveLength(requests);

    clock += 60_000;
    status = 200;
    expect(polled(await poller().poll(feed)).firstPoll).toBe(true);
    const health = await readFeedHealth(redis, prefix, feed.feedId);
    expect(health).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: clock, lastError: "HTTP 500 Internal Server Error" });
    expect(health.nextAttemptAt).toBeUndefined();

    expect([1, 2, 3, 4, 10].map((n) => backoffDelayMs(n, 60_000))).toEqual([0, 120_000, 240_000, 480_000, 3_600_000]);
    clock = Date.now();
  });

  it("a timeout, invalid XML and a page that is no feed are failures with a clear error", async () => {
    server.route("/hangs.rss", { delayMs: 3_000, body: "late" });
    server.route("/invalid.rss", { body: `<?xml version="1.0"?><rss version="2.0"><channel><title>A</titl></channel></rss>` });
    server.route("/moved.html", { headers: { "content-type": "text/html" }, body: fixture("unrecognized.rss") });
    expect(await poller().poll(feedAt("/hangs.rss"))).toMatchObject({ status: "failed", error: "no complete answer within 500 ms" });
    expect(await poller().poll(feedAt("/invalid.rss"))).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^malformed feed/) as unknown,
    });
    expect(await poller().poll(feedAt("/moved.html"))).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^not a feed/) as unknown,
    });
    expect(await readFeedHealth(redis, prefix, feedIdOf(server.url("/hangs.rss")))).toMatchObject({
      lastStatus: "timeout",
      consecutiveFailures: 1,
    });
    expect(await readFeedHealth(redis, prefix, feedIdOf(server.url("/invalid.rss")))).toMatchObject({ lastStatus: "parse" });
    // The page is told by its type and size: nothing it said reaches the health or the logs.
    expect(await readFeedHealth(redis, prefix, feedIdOf(server.url("/moved.html")))).toMatchObject({
      lastError: "not a feed (Content-Type: text/html): no RSS, Atom, RDF or JSON Feed document in 163 bytes; it looks like an HTML page",
    });
  });

  it("a feed another worker is polling is skipped (lock), and two polls at once fetch it once", async () => {
    server.route("/locked.rss", { delayMs: 100, body: fixture("heraldsun.rss") });
    const feed = feedAt("/locked.rss");
    await redis.set(feedKeys(prefix).lock(feed.feedId), "someone-else", "PX", 10_000);
    expect(await poller().poll(feed)).toEqual({ status: "locked" });
    expect(server.hits("/locked.rss")).toHaveLength(0);
    await redis.del(feedKeys(prefix).lock(feed.feedId));

    const outcomes = await Promise.all([poller().poll(feed), poller().poll(feed)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["locked", "polled"]);
    expect(server.hits("/locked.rss")).toHaveLength(1);
    expect(await redis.exists(feedKeys(prefix).lock(feed.feedId))).toBe(0);
  });

  it("a hostile 5 MiB feed (the largest a fetch accepts) keeps the process responsive, and its items still arrive", async () => {
    // Markup that made the old regular expressions backtrack quadratically: unclosed tags, scripts,
    // CDATA, processing instructions and images, thousands of times, and a date padded with spaces.
    const floods = ["<a ", "<script>", "<![CDATA[", "<?", '<img src="x" ', "<a href='"];
    const items = floods.map((flood, i) => ({ flood, title: `Item ${i + 1}`, text: `Readable start of item ${i + 1}.` }));
    const itemXml = (item: (typeof items)[number], repeat: number, pubDate: string) =>
      `<item><title>${item.title}</title><link>https://hostile.example/${item.title.replace(" ", "-")}</link>` +
      `<pubDate>${pubDate}</pubDate><description><![CDATA[<p>${item.text}</p>${item.flood.repeat(repeat)}]]></description></item>`;
    const head = `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link>`;
    const tail = "</channel></rss>";
    const maxBytes = 5 * 1024 * 1024;
    const share = Math.floor((maxBytes - 4096) / (items.length + 1));
    const parts = items.map((item, i) => itemXml(item, Math.floor(share / item.flood.length), `Fri, 27 Nov 2026 10:0${i}:00 +0000`));
    const paddedDate = `Fri, 27 Nov 2026 09:00:00${" ".repeat(share)}+0000 x`;
    const dated = itemXml({ flood: "", title: "Item 0", text: "Readable start of item 0." }, 0, paddedDate);
    const filler = maxBytes - Buffer.byteLength(head + tail + dated + parts.join(""));
    const body = Buffer.from(head + parts.join("") + dated.replace("item 0.</p>", `item 0.</p><a ${"x".repeat(filler - 3)}`) + tail);
    expect(body.byteLength).toBe(maxBytes);
    server.route("/hostile.rss", { headers: { "content-type": RSS_TYPE }, body });

    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    const hostilePoller = new FeedPoller({ redis, prefix, ingestor, logger: silentLogger(), fetch: { allowPrivate: true } });
    let outcome: PollOutcome;
    try {
      outcome = await hostilePoller.poll(feedAt("/hostile.rss", { sendNewest: 10 }));
    } finally {
      clearInterval(ticker);
    }
    expect(longestGap).toBeLessThanOrEqual(200);
    const sent = await Promise.all(polled(outcome).accepted.map(storedArticle));
    expect(sent.map((a) => [a.title, a.summary]).sort()).toEqual(
      ["Item 0", ...items.map((i) => i.title)].map((title, i) => [title, `Readable start of item ${i}.`]),
    );
  }, 120_000);

  it("an item without a link is skipped and reported once", async () => {
    server.route("/missing.atom", { body: fixture("missing-fields.atom") });
    const feed = feedAt("/missing.atom");
    const first = polled(await poller().poll(feed));
    expect(first.skipped).toEqual([{ index: 0, guid: "tag:github.com,2008:Repository/11167738/v3.9.0", reason: "no link" }]);
    expect(polled(await poller().poll(feed)).skipped).toEqual([]);
  });
});
