import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { RSS_TYPE, persianWith, startFeedServer, type FeedServer } from "../feeds/support.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
let feeds: FeedServer | undefined;
afterEach(async () => {
  await stack?.stop();
  await feeds?.close();
  stack = undefined;
  feeds = undefined;
});

describe("a newsroom's feed", () => {
  it("brings a reader exactly the two items it gained, and not its backlog", async () => {
    feeds = await startFeedServer();
    feeds.route("/world.rss", { headers: { "content-type": RSS_TYPE }, body: persianWith([]), etag: '"v1"' });
    const dir = mkdtempSync(join(tmpdir(), "bulletin-feeds-"));
    const categoriesFile = join(dir, "categories.json");
    writeFileSync(
      categoriesFile,
      JSON.stringify({ categories: [{ slug: "world", title: { en: "World" }, feeds: [{ url: feeds.url("/world.rss"), interval: 10 }] }] }),
    );
    stack = await startStack({ name: "feeds", env: { CATEGORIES_FILE: categoriesFile, FEED_ALLOW_PRIVATE: "true" } });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 8001, first_name: "Leila", language_code: "fa" });
    telegram.userSends(reader, "/start world");
    await telegram.waitForMessages(reader.id, 1);
    await telegram.waitFor(() => feeds!.hits("/world.rss").length >= 1, { message: "the first poll" });

    feeds.route("/world.rss", {
      headers: { "content-type": RSS_TYPE },
      etag: '"v2"',
      body: persianWith([
        { guid: "new-1", title: "خبر تازه یک", link: "https://news.example.com/fa/new-1", pubDate: "Sat, 28 Nov 2026 08:00:00 +0330" },
        { guid: "new-2", title: "خبر تازه دو", link: "https://news.example.com/fa/new-2", pubDate: "Sat, 28 Nov 2026 08:05:00 +0330" },
      ]),
    });
    const text = () =>
      telegram
        .messagesTo(reader.id)
        .slice(1)
        .map((m) => m.text ?? "")
        .join("\n");
    await telegram.waitFor(() => text().includes("خبر تازه یک") && text().includes("خبر تازه دو"), {
      timeoutMs: 20_000,
      message: "the two new items",
    });
    await sleep(1500);
    const delivered = telegram
      .messagesTo(reader.id)
      .slice(1)
      .map((m) => m.text ?? "");
    // Two posts, or one digest when both were waiting at once; each item exactly once, nothing of the backlog.
    expect(delivered.length).toBeLessThanOrEqual(2);
    expect(delivered.join("\n").match(/خبر تازه یک/g)).toHaveLength(1);
    expect(delivered.join("\n").match(/خبر تازه دو/g)).toHaveLength(1);
    expect(delivered.join("\n")).not.toContain("افتتاح نمایشگاه بین‌المللی کتاب تهران");
  }, 40_000);
});
