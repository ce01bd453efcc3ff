/**
 * Chats are per platform (issue 15): Telegram's chat 123 and Bale's chat 123 are two readers, each
 * under its own keys. Telegram's keys are named as every release before Bale named them.
 */
import { describe, expect, it } from "vitest";
import { articleId, categorySlug, chatId, userId } from "../../src/ids.js";
import { SubscriptionService } from "../../src/subscriptions/service.js";
import { ChannelService } from "../../src/channels/service.js";
import { loadCategories } from "../../src/config/categories.js";
import { ChatStore } from "../../src/store/chats.js";
import { keys as keyLayout, shardOf } from "../../src/store/keys.js";
import { redisOfItsOwn } from "../support/redis.js";

const { redis, prefix } = redisOfItsOwn("platform-keys");
const world = categorySlug("world");
const reader = chatId(123);
const shard = shardOf(reader);

describe("the key layout per platform", () => {
  it("keeps Telegram's names exactly as before, and gives Bale's a b: segment under the same tag", () => {
    const telegram = keyLayout("p");
    const bale = keyLayout("p", "bale");
    expect([telegram.chats(7), telegram.subscribers(world, 7), telegram.due(7), telegram.pace(chatId(7))]).toEqual([
      "p:chats:{7}",
      "p:subs:world:{7}",
      "p:due:{7}",
      "p:pace:{7}:7",
    ]);
    expect([telegram.linkedBy(userId(5)), telegram.budget.theoreticalArrival, telegram.budget.recentRateLimits]).toEqual([
      "p:linked:5",
      "p:{budget}:tat",
      "p:{budget}:recent429",
    ]);
    expect([bale.chats(7), bale.subscribers(world, 7), bale.due(7), bale.pace(chatId(7)), bale.linkedBy(userId(5))]).toEqual([
      "p:chats:b:{7}",
      "p:subs:world:b:{7}",
      "p:due:b:{7}",
      "p:pace:{7}:b:7",
      "p:linked:b:5",
    ]);
    expect([bale.budget.theoreticalArrival, bale.budget.pausedUntil, bale.budget.recentRateLimits]).toEqual([
      "p:{budget:b}:tat",
      "p:{budget:b}:pause",
      "p:{budget:b}:recent429",
    ]);
    // A shard's keys of both platforms carry one hash tag (one cluster slot): one script reads both.
    const tagOf = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
    const shardKeys = [
      telegram.chats(7),
      telegram.subscribers(world, 7),
      bale.chats(7),
      bale.subscribers(world, 7),
      bale.due(7),
      bale.pace(chatId(7)),
    ];
    expect(new Set(shardKeys.map(tagOf))).toEqual(new Set(["7"]));
    // Shared by both platforms: articles and the fan-out hints.
    expect(bale.article(articleId("a"))).toBe(telegram.article(articleId("a")));
    expect(bale.subscriberShards(world)).toBe(telegram.subscriberShards(world));
  });
});

describe("a Telegram reader and a Bale reader with the same id", () => {
  const categories = loadCategories("config/categories.json");
  const telegramStore = new ChatStore(redis, prefix);
  const baleStore = telegramStore.on("bale");
  const telegramReaders = new SubscriptionService(telegramStore, categories);
  const baleReaders = new SubscriptionService(baleStore, categories);

  it("are two readers, each with their own subscriptions", async () => {
    await telegramReaders.subscribe(reader, [world], { kind: "private", language: "en" });
    expect(await baleReaders.subscriptions(reader)).toEqual([]);
    await baleReaders.subscribe(reader, [world], { kind: "private", language: "fa" });
    await telegramReaders.stop(reader);

    expect(await telegramReaders.subscriptions(reader)).toEqual([]);
    expect(await baleReaders.subscriptions(reader)).toEqual([world]);
    expect((await baleStore.get(reader))?.language).toBe("fa");
    expect(await baleStore.subscribersIn(world, shard)).toEqual([reader]);
    expect(await telegramStore.subscribersIn(world, shard)).toEqual([]);
  });

  it("keeps Bale's subscriber sets of numbers: an intset, as Telegram's", async () => {
    expect(await redis.smembers(`${prefix}:subs:world:b:{${shard}}`)).toEqual(["123"]);
    expect(await redis.object("ENCODING", `${prefix}:subs:world:b:{${shard}}`)).toBe("intset");
    expect(await redis.hexists(`${prefix}:chats:b:{${shard}}`, "123")).toBe(1);
    // The fan-out hint is shared: the shard is visited for both platforms.
    expect(await redis.sismember(`${prefix}:{articles}:shards:world`, String(shard))).toBe(1);
  });

  it("lists a channel a Bale admin linked under Bale's keys only", async () => {
    const channel = chatId(-4242);
    const admin = userId(77);
    const telegramChannels = new ChannelService(telegramStore, redis, telegramStore.keys, categories);
    const baleChannels = new ChannelService(baleStore, redis, baleStore.keys, categories);
    await baleChannels.link({ id: channel, type: "channel", title: "Bale news" }, admin, "fa", [world]);
    expect((await baleChannels.linkedChats(admin)).map((c) => c.chat)).toEqual([channel]);
    expect(await telegramChannels.linkedChats(admin)).toEqual([]);
    expect(await redis.smembers(`${prefix}:linked:b:77`)).toEqual(["-4242"]);
    expect(await redis.exists(`${prefix}:linked:77`)).toBe(0);
  });
});
