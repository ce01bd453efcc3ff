import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USER_AGENT, fetchFeed } from "../../src/feeds/fetch.js";
import { RSS_TYPE, fixture, startFeedServer, type FeedServer } from "./support.js";

let server: FeedServer;

beforeAll(async () => {
  server = await startFeedServer();
});

afterAll(async () => {
  await server.close();
});

describe("fetching a feed", () => {
  it("gets the bytes with a clear User-Agent and an Accept for feeds", async () => {
    server.route("/guardian.rss", { headers: { "content-type": RSS_TYPE }, body: fixture("guardian.rss") });
    const result = await fetchFeed(server.url("/guardian.rss"));
    expect(result).toMatchObject({ kind: "ok", status: 200, contentType: RSS_TYPE, url: server.url("/guardian.rss") });
    expect(result.kind === "ok" && Buffer.from(result.body).equals(fixture("guardian.rss"))).toBe(true);
    const [request] = server.hits("/guardian.rss");
    expect(request?.headers["user-agent"]).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^Bulletin\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/.+\)$/);
    expect(request?.headers.accept).toContain("application/rss+xml");
  });

  it("sends the ETag and Last-Modified back and understands 304", async () => {
    server.route("/conditional.rss", { etag: '"v1"', lastModified: "Wed, 31 Jan 2018 20:15:15 GMT", body: fixture("heraldsun.rss") });
    const first = await fetchFeed(server.url("/conditional.rss"));
    expect(first).toMatchObject({ kind: "ok", etag: '"v1"', lastModified: "Wed, 31 Jan 2018 20:15:15 GMT" });
    const second = await fetchFeed(server.url("/conditional.rss"), { etag: '"v1"', lastModified: "Wed, 31 Jan 2018 20:15:15 GMT" });
    expect(second).toMatchObject({ kind: "not-modified", etag: '"v1"' });
    const [, request] = server.hits("/conditional.rss");
    expect(request?.headers["if-none-match"]).toBe('"v1"');
    expect(request?.headers["if-modified-since"]).toBe("Wed, 31 Jan 2018 20:15:15 GMT");
  });

  it("gives up after the timeout", async () => {
    server.route("/slow.rss", { delayMs: 5_000, body: fixture("heraldsun.rss") });
    const started = Date.now();
    const result = await fetchFeed(server.url("/slow.rss"), { timeoutMs: 300 });
    expect(result).toMatchObject({ kind: "error", reason: "timeout", message: "no complete answer within 300 ms" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("stops reading a 20 MB body at the cap, with or without a Content-Length", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const total = 20 * 1024 * 1024;
    server.route("/huge.rss", { stream: { chunk, total } });
    const streamed = await fetchFeed(server.url("/huge.rss"));
    expect(streamed).toMatchObject({ kind: "error", reason: "too-large" });
    expect(streamed.kind === "error" && streamed.message).toBe("the feed is larger than the 5242880 bytes allowed; download stopped");

    server.route("/huge-declared.rss", { headers: { "content-length": String(total) }, stream: { chunk, total } });
    const declared = await fetchFeed(server.url("/huge-declared.rss"));
    expect(declared).toMatchObject({
      kind: "error",
      reason: "too-large",
      message: `the feed is ${total} bytes, more than the 5242880 allowed`,
    });
  });

  it("follows redirects (relative ones too), up to five", async () => {
    server.route("/old.rss", { status: 301, headers: { location: "/moved/once.rss" } });
    server.route("/moved/once.rss", { status: 302, headers: { location: "twice.rss" } });
    server.route("/moved/twice.rss", { headers: { "content-type": RSS_TYPE }, body: fixture("heraldsun.rss") });
    const result = await fetchFeed(server.url("/old.rss"));
    expect(result).toMatchObject({
      kind: "ok",
      url: server.url("/moved/twice.rss"),
      redirects: [
        { from: server.url("/old.rss"), to: server.url("/moved/once.rss"), status: 301 },
        { from: server.url("/moved/once.rss"), to: server.url("/moved/twice.rss"), status: 302 },
      ],
    });

    for (let i = 0; i < 7; i++) server.route(`/loop${i}`, { status: 307, headers: { location: `/loop${i + 1}` } });
    const loop = await fetchFeed(server.url("/loop0"));
    expect(loop).toMatchObject({ kind: "error", reason: "redirects", message: `more than 5 redirects (last to ${server.url("/loop6")})` });
  });

  it("reports HTTP errors with their status and Retry-After; a refused connection as a network error", async () => {
    server.route("/broken.rss", { status: 500, body: "oops" });
    expect(await fetchFeed(server.url("/broken.rss"))).toMatchObject({
      kind: "error",
      reason: "http",
      status: 500,
      message: "HTTP 500 Internal Server Error",
    });
    server.route("/busy.rss", { status: 503, headers: { "retry-after": "120" } });
    expect(await fetchFeed(server.url("/busy.rss"))).toMatchObject({ kind: "error", status: 503, retryAfterMs: 120_000 });
    const closed = await startFeedServer();
    const closedUrl = closed.url("/feed.rss");
    await closed.close();
    const refused = await fetchFeed(closedUrl);
    expect(refused).toMatchObject({ kind: "error", reason: "network" });
    expect(refused.kind === "error" && refused.message).toMatch(/ECONNREFUSED/);
    expect(await fetchFeed("ftp://example.com/feed")).toMatchObject({ kind: "error", reason: "invalid-url" });
  });
});
