import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USER_AGENT, fetchFeed as fetchAnyFeed, type FetchFeedOptions } from "../../src/feeds/fetch.js";
import { RSS_TYPE, TEST_CA, fixture, startFeedServer, type FeedServer } from "./support.js";

let server: FeedServer;
/** The feed servers of these tests listen on 127.0.0.1: as FEED_ALLOW_PRIVATE=true would allow. */
const fetchFeed = (url: string, options: FetchFeedOptions = {}) => fetchAnyFeed(url, { allowPrivate: true, ...options });

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

  it("reads gzip, deflate and brotli bodies; the cap counts the unpacked bytes", async () => {
    const feed = fixture("guardian.rss");
    server.route("/gzip.rss", { headers: { "content-encoding": "gzip" }, body: gzipSync(feed) });
    server.route("/deflate.rss", { headers: { "content-encoding": "deflate" }, body: deflateSync(feed) });
    server.route("/br.rss", { headers: { "content-encoding": "br" }, body: brotliCompressSync(feed) });
    for (const path of ["/gzip.rss", "/deflate.rss", "/br.rss"]) {
      const result = await fetchFeed(server.url(path));
      expect(result.kind === "ok" && Buffer.from(result.body).equals(feed), path).toBe(true);
    }
    expect(server.hits("/gzip.rss")[0]?.headers["accept-encoding"]).toBe("gzip, deflate, br");
    const bomb = gzipSync(Buffer.alloc(6 * 1024 * 1024, 0x20));
    expect(bomb.byteLength).toBeLessThan(10 * 1024);
    server.route("/bomb.rss", { headers: { "content-encoding": "gzip" }, body: bomb });
    expect(await fetchFeed(server.url("/bomb.rss"))).toMatchObject({ kind: "error", reason: "too-large" });
    server.route("/zstd.rss", { headers: { "content-encoding": "zstd" }, body: "x" });
    expect(await fetchFeed(server.url("/zstd.rss"))).toMatchObject({
      kind: "error",
      message: "HTTP 200 with a Content-Encoding Bulletin does not read",
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

describe("what a feed may not reach", () => {
  /** A name as a public DNS might answer it, pointing wherever the test says. */
  function resolverOf(answers: Record<string, string[]>) {
    const calls: string[] = [];
    const resolve = (hostname: string) => {
      calls.push(hostname);
      return Promise.resolve((answers[hostname] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));
    };
    return { calls, resolve };
  }

  it("a feed at 127.0.0.1 is refused by default and fetched with FEED_ALLOW_PRIVATE=true", async () => {
    server.route("/local.rss", { body: fixture("heraldsun.rss") });
    expect(await fetchAnyFeed(server.url("/local.rss"))).toMatchObject({
      kind: "error",
      reason: "refused",
      message: "refused: 127.0.0.1 is a loopback address (FEED_ALLOW_PRIVATE=true allows private networks)",
    });
    expect(server.hits("/local.rss")).toHaveLength(0);
    expect(await fetchAnyFeed(server.url("/local.rss"), { allowPrivate: true })).toMatchObject({ kind: "ok", status: 200 });
  });

  it("a public-looking name that resolves to 127.0.0.1 is refused; allowed, the connection goes to exactly the address checked", async () => {
    server.route("/named.rss", { body: fixture("heraldsun.rss") });
    const port = new URL(server.base).port;
    const dns = resolverOf({ "news.example.com": ["127.0.0.1"], "mixed.example.com": ["93.184.215.14", "127.0.0.1"] });
    expect(await fetchAnyFeed(`http://news.example.com:${port}/named.rss`, { resolve: dns.resolve })).toMatchObject({
      kind: "error",
      reason: "refused",
      message: "refused: news.example.com resolves to 127.0.0.1, a loopback address (FEED_ALLOW_PRIVATE=true allows private networks)",
    });
    expect(await fetchAnyFeed(`http://mixed.example.com:${port}/named.rss`, { resolve: dns.resolve })).toMatchObject({
      reason: "refused",
      message: expect.stringMatching(/^refused: mixed\.example\.com resolves to 127\.0\.0\.1, a loopback address/) as unknown,
    });
    expect(server.hits("/named.rss")).toHaveLength(0);

    dns.calls.length = 0;
    const allowed = await fetchAnyFeed(`http://news.example.com:${port}/named.rss`, { resolve: dns.resolve, allowPrivate: true });
    expect(allowed).toMatchObject({ kind: "ok", url: `http://news.example.com:${port}/named.rss` });
    // The name has no real DNS: the request arrived because the socket used the one answer that was checked.
    expect(dns.calls).toEqual(["news.example.com"]);
    expect(server.hits("/named.rss")[0]?.headers.host).toBe(`news.example.com:${port}`);
  });

  it("redirects to the metadata service, to Redis's port and from HTTPS to HTTP are refused; no error quotes a body", async () => {
    const secret = "AccessKeyId ASIA-SECRET-FROM-THE-BODY";
    const redirect = (location: string) => ({ status: 302, headers: { location, "content-type": "text/plain" }, body: secret });
    server.route("/to-metadata.rss", redirect("http://169.254.169.254/latest/meta-data/iam/security-credentials/"));
    server.route("/to-mapped-metadata.rss", redirect("http://[::ffff:169.254.169.254]/latest/"));
    server.route("/to-redis.rss", redirect("http://127.0.0.1:6379/"));
    server.route("/to-our-redis.rss", redirect("http://10.0.0.5:6380/"));
    server.route("/secret.rss", { status: 500, headers: { "content-type": "application/json" }, body: secret });
    const results = {
      metadata: await fetchFeed(server.url("/to-metadata.rss")),
      mapped: await fetchFeed(server.url("/to-mapped-metadata.rss")),
      redis: await fetchFeed(server.url("/to-redis.rss")),
      ourRedis: await fetchFeed(server.url("/to-our-redis.rss"), { refusedPorts: [6380] }),
      secret: await fetchFeed(server.url("/secret.rss")),
    };
    expect(results).toMatchObject({
      metadata: { kind: "error", reason: "refused", message: "refused: 169.254.169.254 is a link-local address" },
      mapped: { kind: "error", reason: "refused", message: "refused: ::ffff:a9fe:a9fe is a link-local address" },
      redis: { kind: "error", reason: "refused", message: "refused: port 6379 is Redis's (http://127.0.0.1:6379/)" },
      ourRedis: { kind: "error", reason: "refused", message: "refused: port 6380 is Redis's (http://10.0.0.5:6380/)" },
      secret: { kind: "error", reason: "http", message: "HTTP 500 Internal Server Error" },
    });
    expect(results.metadata.redirects).toEqual([
      { from: server.url("/to-metadata.rss"), to: "http://169.254.169.254/latest/meta-data/iam/security-credentials/", status: 302 },
    ]);
    expect(JSON.stringify(results)).not.toContain("SECRET");

    const secure = await startFeedServer({ tls: true });
    try {
      secure.route("/secure.rss", { headers: { "content-type": RSS_TYPE }, body: fixture("heraldsun.rss") });
      secure.route("/downgrade.rss", redirect(server.url("/plain.rss")));
      server.route("/plain.rss", { body: fixture("heraldsun.rss") });
      expect(await fetchFeed(secure.url("/secure.rss"), { ca: TEST_CA })).toMatchObject({ kind: "ok", url: secure.url("/secure.rss") });
      const downgraded = await fetchFeed(secure.url("/downgrade.rss"), { ca: TEST_CA });
      expect(downgraded).toMatchObject({
        kind: "error",
        reason: "refused",
        message: `refused: the redirect from ${secure.url("/downgrade.rss")} to ${server.url("/plain.rss")} would leave HTTPS`,
      });
      expect(server.hits("/plain.rss")).toHaveLength(0);
    } finally {
      await secure.close();
    }
  });
});
