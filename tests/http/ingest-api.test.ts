/**
 * The ingest API's public contract (design.md, "HTTP"), through real HTTP against the whole app:
 * status codes and bodies, dedupe by id and by URL, and that a refused request leaves nothing
 * behind — no stored article, no message to a reader.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BODY_LIMIT } from "../../src/http/server.js";
import { articleId } from "../../src/ids.js";
import { INGEST_TOKEN, article, startStack, type Stack } from "../support/stack.js";

const VALID_SLUGS = ["world", "politics", "economy"];
const AUTH = { authorization: `Bearer ${INGEST_TOKEN}` };

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Any request to the stack's HTTP server; `body` is sent as is when a string, as JSON otherwise. */
async function request(
  stack: Stack,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { method = "POST", body, headers = AUTH } = options;
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers = { "content-type": "application/json", ...headers };
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(`${stack.httpUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, unknown> };
}

const post = (stack: Stack, body: unknown, headers: Record<string, string> = AUTH) => request(stack, "/api/articles", { body, headers });

function uniqueUrl(tag: string): string {
  return `https://news.example.com/${tag}/${randomBytes(6).toString("hex")}`;
}

function uniqueId(tag: string): string {
  return `${tag}-${randomBytes(6).toString("hex")}`;
}

/** A JSON article body of exactly `bytes` bytes (an unknown `padding` field fills it up). */
function bodyOfSize(bytes: number, fields: Record<string, unknown>): string {
  const empty = JSON.stringify({ ...fields, padding: "" });
  const body = JSON.stringify({ ...fields, padding: "x".repeat(bytes - Buffer.byteLength(empty)) });
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

function issuePaths(body: Record<string, unknown>): string[] {
  expect(Array.isArray(body.issues)).toBe(true);
  return (body.issues as { path: string; message: string }[]).map((i) => i.path);
}

/** Nothing was stored under `url`: a valid post of it is new (202), not a duplicate. */
async function expectNotStored(stack: Stack, url: string): Promise<void> {
  const answer = await post(stack, article(["world"], { url }));
  expect(answer.status).toBe(202);
  expect(answer.body.duplicate).toBe(false);
}

async function storedArticle(stack: Stack, id: string): Promise<Record<string, unknown> | null> {
  const { redis, keys } = stack.bulletin.runtime;
  const json = await redis.hget(keys.article(articleId(id)), "json");
  return json === null ? null : (JSON.parse(json) as Record<string, unknown>);
}

async function sequence(stack: Stack): Promise<string | null> {
  const { redis, keys } = stack.bulletin.runtime;
  return redis.get(keys.sequence);
}

describe("POST /api/articles", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ name: "ingest-api", roles: ["http", "workers"] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe("a new article", () => {
    it("answers 202 {id, duplicate:false} with the publisher's id and stores the article", async () => {
      const id = uniqueId("story");
      const body = article(["world", "politics"], { id, url: uniqueUrl("new"), title: "Talks resume in Geneva" });
      const answer = await post(stack, body);
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ id, duplicate: false });

      const stored = await storedArticle(stack, id);
      expect(stored).toMatchObject({
        id,
        url: body.url,
        title: "Talks resume in Geneva",
        categories: ["world", "politics"],
        source: "http",
      });
    });

    it("gets an id derived from its URL when the publisher gives none", async () => {
      const answer = await post(stack, article(["economy"], { url: uniqueUrl("no-id") }));
      expect(answer.status).toBe(202);
      expect(answer.body.duplicate).toBe(false);
      expect(answer.body.id).toMatch(/^u[0-9a-f]{32}$/);
      expect(await storedArticle(stack, answer.body.id as string)).not.toBeNull();
    });

    it("is new when only the query of a known URL differs", async () => {
      const url = uniqueUrl("query");
      expect((await post(stack, article(["world"], { url }))).status).toBe(202);
      const other = await post(stack, article(["world"], { url: `${url}?page=2` }));
      expect(other.status).toBe(202);
      expect(other.body.duplicate).toBe(false);
    });
  });

  describe("an article seen before", () => {
    it("answers 200 {id, duplicate:true} for the same id again, even under another URL", async () => {
      const id = uniqueId("same-id");
      const body = article(["world"], { id, url: uniqueUrl("same-id") });
      expect(await post(stack, body)).toMatchObject({ status: 202, body: { id, duplicate: false } });

      const again = await post(stack, body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ id, duplicate: true });

      const elsewhere = await post(stack, { ...body, url: uniqueUrl("same-id-other-url"), title: "Changed" });
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.body).toEqual({ id, duplicate: true });
      // The first version stays.
      expect((await storedArticle(stack, id))?.url).toBe(body.url);
    });

    it("answers 200 with the first article's id for the same URL under another id", async () => {
      const url = uniqueUrl("same-url");
      const first = uniqueId("first");
      expect((await post(stack, article(["world"], { id: first, url }))).status).toBe(202);

      const second = uniqueId("second");
      const answer = await post(stack, article(["world"], { id: second, url }));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ id: first, duplicate: true });
      expect(await storedArticle(stack, second)).toBeNull();
    });

    it("answers 200 for the same URL without an id after it came with one", async () => {
      const url = uniqueUrl("id-then-none");
      const id = uniqueId("with-id");
      expect((await post(stack, article(["world"], { id, url }))).status).toBe(202);
      expect(await post(stack, article(["world"], { url }))).toMatchObject({ status: 200, body: { id, duplicate: true } });
    });

    it("treats #fragment variants of a URL as the same article", async () => {
      const url = uniqueUrl("fragment");
      const first = await post(stack, article(["world"], { url: `${url}#comments` }));
      expect(first.status).toBe(202);
      const id = first.body.id as string;

      for (const variant of [url, `${url}#top`, `${url}#`]) {
        const answer = await post(stack, article(["world"], { url: variant }));
        expect(answer.status, variant).toBe(200);
        expect(answer.body, variant).toEqual({ id, duplicate: true });
      }
    });

    it("recognises a URL without fragment when a #fragment variant comes later", async () => {
      const url = uniqueUrl("fragment-later");
      const id = uniqueId("plain");
      expect((await post(stack, article(["world"], { id, url }))).status).toBe(202);
      const answer = await post(stack, article(["world"], { id: uniqueId("anchor"), url: `${url}#section-2` }));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ id, duplicate: true });
    });
  });

  describe("an invalid body: 400 {error, issues}", () => {
    it("names title when it is missing", async () => {
      const url = uniqueUrl("no-title");
      const body = article(["world"], { url });
      delete body.title;
      const answer = await post(stack, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual(expect.any(String));
      expect(issuePaths(answer.body)).toEqual(["title"]);
      await expectNotStored(stack, url);
    });

    it("names title when it is only whitespace", async () => {
      const url = uniqueUrl("blank-title");
      const answer = await post(stack, article(["world"], { url, title: "  \n\t " }));
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([{ path: "title", message: "must not be empty" }]);
      await expectNotStored(stack, url);
    });

    it.each([
      ["not a URL", "news.example.com/a/1"],
      ["another scheme", "ftp://news.example.com/a/1"],
      ["javascript:", "javascript:alert(1)"],
      ["empty", ""],
    ])("names url when it is %s", async (_what, url) => {
      const answer = await post(stack, article(["world"], { url }));
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([{ path: "url", message: "must be an http(s) URL" }]);
    });

    it("names categories when the list is empty", async () => {
      const url = uniqueUrl("no-categories");
      const answer = await post(stack, article([], { url }));
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([{ path: "categories", message: "needs at least one category" }]);
      await expectNotStored(stack, url);
    });

    it("names every field of the wrong type, and the entry of a list", async () => {
      const answer = await post(stack, { url: 42, title: ["a"], categories: "world", summary: 7 });
      expect(answer.status).toBe(400);
      expect(issuePaths(answer.body).sort()).toEqual(["categories", "summary", "title", "url"]);

      const entry = await post(stack, article(["world"], { categories: ["world", 5] }));
      expect(entry.status).toBe(400);
      expect(issuePaths(entry.body)).toEqual(["categories.1"]);
    });

    it("names the optional fields when they are malformed", async () => {
      const url = uniqueUrl("bad-optionals");
      const answer = await post(
        stack,
        article(["world"], { url, imageUrl: "not an image", publishedAt: "yesterday", language: "English", priority: "urgent" }),
      );
      expect(answer.status).toBe(400);
      expect(issuePaths(answer.body).sort()).toEqual(["imageUrl", "language", "priority", "publishedAt"]);
      await expectNotStored(stack, url);
    });

    it.each([
      ["a JSON array", "[]"],
      ["JSON null", "null"],
      ["a JSON string", '"an article"'],
    ])("names the body when it is %s", async (_what, body) => {
      const answer = await post(stack, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual(expect.any(String));
      expect(issuePaths(answer.body)).toEqual(["(body)"]);
    });

    it.each([
      ["plain text", "breaking news: everything happened"],
      ["truncated JSON", '{"url": "https://news.example.com/a", "title": '],
      ["empty", ""],
    ])("answers {error, issues} when the body is not JSON at all (%s)", async (_what, body) => {
      const answer = await post(stack, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual(expect.stringMatching(/JSON|empty/i));
      expect(issuePaths(answer.body)).toEqual(["(body)"]);
    });
  });

  describe("the bearer token: 401", () => {
    const cases: [string, Record<string, string>][] = [
      ["no Authorization header", {}],
      ["a wrong token", { authorization: "Bearer not-the-ingest-token-at-all" }],
      ["the token with a suffix", { authorization: `Bearer ${INGEST_TOKEN}x` }],
      ["a prefix of the token", { authorization: `Bearer ${INGEST_TOKEN.slice(0, -1)}` }],
      ["Bearer without a token", { authorization: "Bearer " }],
      ["the Basic scheme", { authorization: `Basic ${Buffer.from(`ingest:${INGEST_TOKEN}`).toString("base64")}` }],
      ["another scheme with the right token", { authorization: `Token ${INGEST_TOKEN}` }],
      ["the right token without a scheme", { authorization: INGEST_TOKEN }],
    ];

    it.each(cases)("refuses %s and stores nothing", async (_what, headers) => {
      const url = uniqueUrl("unauthorized");
      const answer = await post(stack, article(["world"], { url }), headers);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: "missing or wrong bearer token" });
      expect(answer.headers.get("www-authenticate")).toBe("Bearer");
      await expectNotStored(stack, url);
    });

    it("checks the token before the body: an invalid body without a token is 401, not 400", async () => {
      const answer = await post(stack, "not json", {});
      expect(answer.status).toBe(401);
    });
  });

  describe("an unknown category: 422", () => {
    it("names the unknown category and lists the valid ones", async () => {
      const url = uniqueUrl("unknown-category");
      const answer = await post(stack, article(["sport"], { url }));
      expect(answer.status).toBe(422);
      expect(answer.body.error).toEqual(expect.stringContaining("sport"));
      expect(answer.body.unknown).toEqual(["sport"]);
      expect(answer.body.valid).toEqual(VALID_SLUGS);
      await expectNotStored(stack, url);
    });

    it("refuses the whole article when only some categories are unknown, naming only those", async () => {
      const url = uniqueUrl("mixed-categories");
      const answer = await post(stack, article(["world", "sport", "economy", "weather"], { url }));
      expect(answer.status).toBe(422);
      expect(answer.body.error).toEqual(expect.stringContaining("sport"));
      expect(answer.body.error).toEqual(expect.stringContaining("weather"));
      expect(answer.body.unknown).toEqual(["sport", "weather"]);
      expect(answer.body.valid).toEqual(VALID_SLUGS);
      await expectNotStored(stack, url);
    });
  });

  describe("the body limit: 413 over 1 MiB", () => {
    it("refuses 1 MiB + 1 KiB of JSON and stores nothing", async () => {
      const url = uniqueUrl("too-large");
      const answer = await post(stack, bodyOfSize(BODY_LIMIT + 1024, article(["world"], { url })));
      expect(answer.status).toBe(413);
      expect(answer.body.error).toEqual(expect.stringContaining(String(1024 * 1024)));
      await expectNotStored(stack, url);
    });

    it("accepts a body just under 1 MiB", async () => {
      const answer = await post(stack, bodyOfSize(BODY_LIMIT - 64, article(["world"], { url: uniqueUrl("just-fits") })));
      expect(answer.status).toBe(202);
    });
  });

  it("GET /healthz answers 200", async () => {
    const answer = await request(stack, "/healthz", { method: "GET", headers: {} });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: "ok" });
  });
});

describe("POST /api/articles without INGEST_TOKEN configured", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ name: "ingest-disabled", roles: ["http", "workers"], env: { INGEST_TOKEN: "" } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ["the token other deployments use", AUTH],
    ["no Authorization header", {}],
    ["an empty bearer token", { authorization: "Bearer " }],
  ])("refuses every request (%s) with 401 saying ingest is disabled", async (_what, headers) => {
    const answer = await post(stack, article(["world"], { url: uniqueUrl("disabled") }), headers);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toEqual(expect.stringMatching(/ingest is disabled/));
    expect(answer.body.error).toEqual(expect.stringContaining("INGEST_TOKEN"));
  });

  it("stores nothing, while health still answers", async () => {
    await post(stack, article(["world"]), AUTH);
    expect(await sequence(stack)).toBeNull();
    expect((await request(stack, "/healthz", { method: "GET", headers: {} })).status).toBe(200);
  });
});

describe("what reaches a subscribed reader", () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  async function subscribedReader(s: Stack) {
    const reader = s.telegram.addUser({ id: 2001, first_name: "Reza", language_code: "en" });
    s.telegram.userSends(reader, "/start world");
    const [confirmation] = await s.telegram.waitForMessages(reader.id, 1);
    expect(confirmation!.text).toContain("World");
    return reader;
  }

  it("gets nothing from refused requests, and the accepted article once", async () => {
    stack = await startStack({ name: "ingest-refused" });
    const reader = await subscribedReader(stack);
    const url = uniqueUrl("refused");
    const refused: [number, unknown, Record<string, string>][] = [
      [401, article(["world"], { url, title: "REFUSED wrong token" }), { authorization: "Bearer wrong-token-0123456789" }],
      [401, article(["world"], { url, title: "REFUSED no token" }), {}],
      [400, article([], { url, title: "REFUSED no categories" }), AUTH],
      [400, article(["world"], { url, title: "REFUSED bad date", publishedAt: "soon" }), AUTH],
      [422, article(["world", "sport"], { url, title: "REFUSED unknown category" }), AUTH],
      [413, bodyOfSize(BODY_LIMIT + 1024, article(["world"], { url, title: "REFUSED too large" })), AUTH],
    ];
    for (const [status, body, headers] of refused) {
      expect((await post(stack, body, headers)).status).toBe(status);
    }
    expect(await sequence(stack)).toBeNull();

    const accepted = await post(stack, article(["world"], { url, title: "The accepted one" }));
    expect(accepted.status).toBe(202);
    expect(accepted.body.duplicate).toBe(false);
    expect(await post(stack, article(["world"], { url: `${url}#again`, title: "REFUSED duplicate" }))).toMatchObject({
      status: 200,
      body: { id: accepted.body.id, duplicate: true },
    });

    const messages = await stack.telegram.waitForMessages(reader.id, 2);
    // Room for a stray send (pacing in tests is 300 ms) before counting.
    await sleep(1000);
    expect(stack.telegram.messagesTo(reader.id)).toHaveLength(2);
    expect(messages[1]!.text).toContain("The accepted one");
    expect(messages[1]!.text).not.toContain("REFUSED");
    expect(await sequence(stack)).toBe("1");
  });

  it("receives a hostile title and summary as literal text", async () => {
    stack = await startStack({ name: "ingest-hostile" });
    const reader = await subscribedReader(stack);
    const title = `<b>Breaking</b> & </b></i><a href="https://evil.example/">click</a> &amp; &lt;3 1 < 2 > 0 </b>`;
    const summary = `</blockquote><tg-spoiler>hidden</tg-spoiler> & <script>alert("x")</script> &#60;`;
    const url = `${uniqueUrl("hostile")}?a=1&b=<2>&c="3"`;

    const answer = await post(stack, article(["world"], { url, title, summary }));
    expect(answer.status).toBe(202);

    const [, delivered] = await stack.telegram.waitForMessages(reader.id, 2);
    expect(delivered!.parse_mode).toBe("HTML");
    const text = delivered!.text ?? "";
    expect(text.startsWith(`${title}\n\n${summary}\n\n`)).toBe(true);
    // The title is bold as a whole; the only link is the article's own.
    expect(delivered!.entities).toContainEqual(expect.objectContaining({ type: "bold", offset: 0, length: title.length }));
    const links = delivered!.entities.filter((e) => e.type === "text_link" || e.type === "url");
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ type: "text_link", url });
    expect(delivered!.entities.some((e) => e.type === "spoiler" || e.type === "blockquote" || e.type === "italic")).toBe(false);
  });
});
