import { describe, expect, it } from "vitest";
import { articleId } from "../../src/ids.js";
import { articleIdOf, canonicalUrl, fanoutJobId } from "../../src/ingest/ingest.js";

describe("the URL an article is recognised by", () => {
  it("drops the fragment", () => {
    expect(canonicalUrl("https://news.example.com/world/kyiv#comments")).toBe("https://news.example.com/world/kyiv");
    expect(canonicalUrl("https://news.example.com/world/kyiv#")).toBe("https://news.example.com/world/kyiv");
  });

  it("lower-cases the host but not the path", () => {
    expect(canonicalUrl("https://News.Example.COM/World/Kyiv")).toBe("https://news.example.com/World/Kyiv");
  });

  it("keeps the query string (it can name a different article)", () => {
    expect(canonicalUrl("https://news.example.com/story?id=7#top")).toBe("https://news.example.com/story?id=7");
    expect(canonicalUrl("https://news.example.com/story?id=7")).not.toBe(canonicalUrl("https://news.example.com/story?id=8"));
  });

  it("a URL without a path gets the root path", () => {
    expect(canonicalUrl("https://news.example.com")).toBe("https://news.example.com/");
  });

  it("refuses something that is not a URL", () => {
    expect(() => canonicalUrl("not a url")).toThrow();
  });
});

describe("an article's id", () => {
  it("is the publisher's id when there is one", () => {
    expect(articleIdOf({ id: "reuters:2024-001", url: "https://news.example.com/a" })).toBe("reuters:2024-001");
  });

  it("the publisher's id wins even when the URL differs", () => {
    expect(articleIdOf({ id: "p-1", url: "https://a.example.com/x" })).toBe(articleIdOf({ id: "p-1", url: "https://b.example.com/y" }));
  });

  it("otherwise is derived from the URL, and is the same every time", () => {
    const id = articleIdOf({ url: "https://news.example.com/world/kyiv" });
    expect(id).toMatch(/^u[0-9a-f]{32}$/);
    expect(articleIdOf({ url: "https://news.example.com/world/kyiv" })).toBe(id);
  });

  it("is the same for variants of one URL (fragment, host case)", () => {
    const id = articleIdOf({ url: "https://news.example.com/world/kyiv" });
    expect(articleIdOf({ url: "https://news.example.com/world/kyiv#comments" })).toBe(id);
    expect(articleIdOf({ url: "https://NEWS.example.com/world/kyiv#top" })).toBe(id);
  });

  it("differs for different articles", () => {
    expect(articleIdOf({ url: "https://news.example.com/world/kyiv" })).not.toBe(
      articleIdOf({ url: "https://news.example.com/world/kharkiv" }),
    );
  });
});

describe("the fan-out job id", () => {
  it.each(["reuters:2024-001", "a:b:c", "u0123456789abcdef0123456789abcdef", "p-1"])("is safe for BullMQ (no ':') for %j", (id) => {
    const jobId = fanoutJobId(articleId(id));
    expect(jobId).not.toContain(":");
    expect(jobId).toMatch(/^article-[0-9a-f]{32}$/);
  });

  it("is stable for one article and different for another", () => {
    expect(fanoutJobId(articleId("x:1"))).toBe(fanoutJobId(articleId("x:1")));
    expect(fanoutJobId(articleId("x:1"))).not.toBe(fanoutJobId(articleId("x:2")));
  });
});
