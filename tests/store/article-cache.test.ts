/**
 * Delivery reads articles through ArticleCache: an article that cannot be read back (broken JSON,
 * a shape that is not an article) is passed over like an expired one, never failing the readers'
 * other articles or the chunk that visits them.
 */
import { describe, expect, it } from "vitest";
import { ArticleCache } from "../../src/delivery/articles.js";
import { articleId } from "../../src/ids.js";
import { redisOfItsOwn } from "../support/redis.js";

const { redis, keys } = redisOfItsOwn("article-cache");

describe("reading articles for delivery", () => {
  it("passes over an article stored broken and reads the others", async () => {
    const sound = {
      id: "sound",
      url: "https://news.example.com/sound",
      title: "Sound",
      categories: ["world"],
      priority: "normal",
      receivedAt: 1_700_000_000_000,
      source: "http",
    };
    await redis.hset(keys.article(articleId("sound")), "json", JSON.stringify(sound), "seq", 1);
    await redis.hset(keys.article(articleId("broken")), "json", '{"id":"broken","title":', "seq", 2);
    await redis.hset(keys.article(articleId("odd")), "json", JSON.stringify({ id: "odd", title: 42 }), "seq", 3);
    const read = await new ArticleCache(redis, keys).getMany([articleId("sound"), articleId("broken"), articleId("odd")]);
    expect(read.get(articleId("sound"))?.title).toBe("Sound");
    expect(read.get(articleId("broken"))).toBeUndefined();
    expect(read.get(articleId("odd"))).toBeUndefined();
  });
});
