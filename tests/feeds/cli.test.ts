import { dropPrefix } from "../support/stack.js";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runFeedsCommand, type FeedsCli } from "../../src/cli/commands/feeds.js";
import { loadCategories } from "../../src/config/categories.js";
import { buildOpml, parseOpmlFeeds } from "../../src/feeds/opml.js";
import { FeedPoller } from "../../src/feeds/poller.js";
import { feedIdOf } from "../../src/store/keys.js";
import { connect, fixture, silentLogger, startFeedServer, uniquePrefix, type FeedServer } from "./support.js";

const OPML = new URL("../fixtures/feeds/subscriptions.opml", import.meta.url).pathname;
const prefix = uniquePrefix();
let dir: string;
let file: string;
let redis: Redis;
let server: FeedServer;

const initial = {
  categories: [
    { slug: "world", title: { en: "World", fa: "جهان" }, feeds: [{ url: "https://news.example.ir/rss/world", interval: 300 }] },
    { slug: "tech", title: { en: "Technology" } },
  ],
};

function run(args: string[], extra: Partial<FeedsCli> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: FeedsCli = {
    io: { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) },
    categoriesFile: file,
    prefix,
    now: () => Date.parse("2026-11-27T12:00:00Z"),
    ...extra,
  };
  return runFeedsCommand(args, cli).then((code) => ({ code, out: out.join(""), err: err.join("") }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulletin-feeds-cli-"));
  file = join(dir, "categories.json");
  redis = connect();
  server = await startFeedServer();
});

beforeEach(async () => {
  await writeFile(file, `${JSON.stringify(initial, null, 2)}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await dropPrefix(prefix);
  redis.disconnect();
  await server.close();
});

describe("OPML", () => {
  it("reads a feed reader's export: folders and category attributes, non-http feeds rejected", () => {
    const result = parseOpmlFeeds(fixture("subscriptions.opml").toString("utf8"));
    expect(result).toEqual({
      ok: true,
      title: "Subscriptions exported from a feed reader",
      feeds: [
        { url: "https://www.theguardian.com/world/rss", title: "The Guardian", category: "World", folders: ["World"] },
        { url: "https://news.example.ir/rss/world", title: "خبرگزاری نمونه", category: "World", folders: ["World"] },
        {
          url: "http://www.heise.de/developer/rss/news-atom.xml",
          title: "heise developer",
          category: "Europe",
          folders: ["Europe", "World"],
        },
        { url: "https://wire.example.com/world/feed.json", title: "Example Wire", category: "world", folders: ["Tech"] },
      ],
      rejected: [{ text: "Not a web feed", reason: "xmlUrl is not an absolute http(s) URL: gopher://old.example/feed" }],
    });
    expect(parseOpmlFeeds(fixture("guardian.rss").toString("utf8"))).toEqual({ ok: false, error: "not an OPML file: Invalid OPML format" });
  });

  it("export and import round-trip the feeds of every category", () => {
    const categories = loadCategories(file);
    const opml = buildOpml(categories, {
      now: new Date("2026-11-27T12:00:00Z"),
      titles: new Map([["https://news.example.ir/rss/world", "خبرگزاری نمونه"]]),
    });
    expect(opml).toContain('<outline text="World" title="world">');
    expect(opml).toMatch(/<outline text="خبرگزاری نمونه" type="rss" category="\/world" xmlUrl="https:\/\/news.example.ir\/rss\/world"/);
    const back = parseOpmlFeeds(opml);
    expect(back.ok && back.feeds).toEqual([
      { url: "https://news.example.ir/rss/world", title: "خبرگزاری نمونه", category: "world", folders: ["world"] },
    ]);
  });
});

describe("feeds CLI", () => {
  it("import places each feed by its folder or category, keeps what is there, and writes a file that loads", async () => {
    const { code, out, err } = await run(["feeds", "import", OPML]);
    expect(code).toBe(0);
    expect(err).toBe(`feeds import: ${OPML}: skipped "Not a web feed": xmlUrl is not an absolute http(s) URL: gopher://old.example/feed\n`);
    expect(out).toContain("= world: https://news.example.ir/rss/world (already there)");
    expect(out).toContain("+ world: https://www.theguardian.com/world/rss (The Guardian)");
    expect(out).toContain("3 feed(s) added, 1 already there");
    const written = loadCategories(file);
    expect(written.get("world")?.feeds).toEqual([
      { url: "https://news.example.ir/rss/world", interval: 300 },
      { url: "https://www.theguardian.com/world/rss" },
      { url: "http://www.heise.de/developer/rss/news-atom.xml" },
      { url: "https://wire.example.com/world/feed.json" },
    ]);
    expect(written.get("tech")?.feeds).toEqual([]);
    // Importing again adds nothing and leaves the file as it is.
    const before = await readFile(file, "utf8");
    expect((await run(["import", OPML])).out).toContain("0 feed(s) added, 4 already there");
    expect(await readFile(file, "utf8")).toBe(before);
  });

  it("import --category puts every feed in that category; --dry-run writes nothing", async () => {
    const dry = await run(["import", OPML, "--category", "tech", "--dry-run"]);
    expect(dry.out).toContain("dry run: 4 feed(s) would be added, 0 already there");
    expect(loadCategories(file).get("tech")?.feeds).toEqual([]);
    expect((await run(["import", OPML, "--category", "tech"])).code).toBe(0);
    expect(loadCategories(file).get("tech")?.feeds).toHaveLength(4);
    const unknown = await run(["import", OPML, "--category", "sports"]);
    expect(unknown).toMatchObject({ code: 1, err: expect.stringContaining('no category "sports"') as unknown });
  });

  it("import refuses, writing nothing, when a feed's folder names no category", async () => {
    await writeFile(file, JSON.stringify({ categories: [{ slug: "politics", title: { en: "Politics" } }] }));
    const before = await readFile(file, "utf8");
    const { code, err } = await run(["import", OPML]);
    expect(code).toBe(1);
    expect(err).toContain('https://www.theguardian.com/world/rss: no category "World"');
    expect(err).toContain("nothing written; name the category with --category <slug> (one of: politics)");
    expect(await readFile(file, "utf8")).toBe(before);
  });

  it("export prints OPML of all categories or one", async () => {
    const all = await run(["export"]);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<opml version="2.0">/);
    expect(all.out).toContain('xmlUrl="https://news.example.ir/rss/world"');
    const none = await run(["export", "--category", "tech"]);
    expect(none.out).not.toContain("xmlUrl");
    expect(parseOpmlFeeds(none.out)).toMatchObject({ ok: true, feeds: [] });
  });

  it("list shows each feed's health; a problem with the categories file is one clear line", async () => {
    server.route("/ok.rss", { body: fixture("heraldsun.rss") });
    server.route("/down.rss", { status: 500 });
    const ok = server.url("/ok.rss");
    const down = server.url("/down.rss");
    await writeFile(
      file,
      JSON.stringify({ categories: [{ slug: "world", title: { en: "World" }, feeds: [ok, { url: down, interval: 120 }] }] }),
    );
    const poller = new FeedPoller({
      redis,
      prefix,
      logger: silentLogger(),
      ingestor: { ingest: () => Promise.reject(new Error("a first poll sends nothing")) },
      fetch: { allowPrivate: true },
    });
    for (const url of [ok, down]) {
      await poller.poll({ feedId: feedIdOf(url), url, categories: ["world"], interval: 60, sendNewest: 0 });
    }
    const { code, out } = await run(["list"], { redis, now: () => Date.now() });
    expect(code).toBe(0);
    const [header, first, second] = out.trimEnd().split("\n");
    expect(header).toMatch(/^FEED\s+CATEGORIES\s+EVERY\s+STATUS\s+LAST POLL\s+LAST SUCCESS\s+SEEN\s+SENT\s+LAST ERROR$/);
    expect(first).toMatch(new RegExp(`^${ok}\\s+world\\s+60s\\s+ok\\s+\\d+s ago\\s+\\d+s ago\\s+2\\s+0$`));
    expect(second).toMatch(
      new RegExp(`^${down}\\s+world\\s+120s\\s+failing ×1\\s+\\d+s ago\\s+never\\s+0\\s+0\\s+HTTP 500 Internal Server Error$`),
    );

    const json = await run(["list", "--json"], { redis });
    const rows = JSON.parse(json.out) as { url: string; health: { itemsSeen: number } }[];
    expect(rows.map((r) => [r.url, r.health.itemsSeen])).toEqual([
      [ok, 2],
      [down, 0],
    ]);

    expect(await run(["list"])).toMatchObject({ code: 1, err: "feeds list: needs Redis (REDIS_URL) to read the feeds' health\n" });
    await writeFile(file, "{ not json");
    const broken = await run(["list"], { redis });
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^.*categories\.json: not valid JSON/);
    expect(await run(["frobnicate"])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') as unknown });
  });
});
