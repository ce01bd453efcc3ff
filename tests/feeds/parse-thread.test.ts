import { afterAll, describe, expect, it } from "vitest";
import { FeedParseThread } from "../../src/feeds/parse-thread.js";
import { parseFeed } from "../../src/feeds/parse.js";
import { fixture } from "./support.js";

const threads: FeedParseThread[] = [];
afterAll(async () => {
  await Promise.all(threads.map((t) => t.close()));
});

function thread(options?: ConstructorParameters<typeof FeedParseThread>[0]): FeedParseThread {
  const created = new FeedParseThread(options);
  threads.push(created);
  return created;
}

const tiny = Buffer.from(
  `<rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://t.example/a</link></item></channel></rss>`,
);

describe("the feed parser's thread", () => {
  it("reads a feed exactly as parseFeed does, several at once in order", async () => {
    const parser = thread();
    const url = "https://feeds.example.test/guardian.rss";
    const [guardian, small, broken] = await Promise.all([
      parser.parse(fixture("guardian.rss"), "application/rss+xml", url),
      parser.parse(tiny, undefined, "https://t.example/rss"),
      parser.parse(Buffer.from("<rss><channel><title>x</titl></channel></rss>"), undefined, "https://t.example/rss"),
    ]);
    expect(guardian).toEqual(parseFeed(fixture("guardian.rss"), "application/rss+xml", url));
    expect(small).toMatchObject({ ok: true, feed: { items: [{ title: "A", url: "https://t.example/a" }] } });
    expect(broken).toMatchObject({ ok: false, error: expect.stringMatching(/^malformed feed/) as unknown });
  });

  it("gives up a parse past its time limit, and the next parse gets a new thread", async () => {
    const parser = thread({ timeLimitMs: 1_000, workerModule: new URL("./stuck-parse-worker.ts", import.meta.url) });
    expect(await parser.parse(tiny, undefined, "https://t.example/first")).toMatchObject({ ok: true });
    const started = Date.now();
    const [stuck, queued] = await Promise.all([
      parser.parse(tiny, undefined, "https://t.example/stuck"),
      parser.parse(tiny, undefined, "https://t.example/after"),
    ]);
    expect(stuck).toEqual({ ok: false, error: "parsing took longer than 1 s; given up" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(queued).toMatchObject({ ok: true, feed: { items: [{ title: "A" }] } });
  });

  it("gives up a real parse at the limit too: 20 MiB take the XML parser longer than 0.1 s", async () => {
    const parser = thread({ timeLimitMs: 100 });
    const items = `<item><title>A</title><link>https://t.example/a</link><description>${"word ".repeat(1000)}</description></item>`;
    const huge = Buffer.from(`<rss version="2.0"><channel><title>T</title>${items.repeat(4200)}</channel></rss>`);
    expect(huge.byteLength).toBeGreaterThan(20 * 1024 * 1024);
    const started = Date.now();
    expect(await parser.parse(huge, undefined, "https://t.example/rss")).toEqual({
      ok: false,
      error: "parsing took longer than 0.1 s; given up",
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
