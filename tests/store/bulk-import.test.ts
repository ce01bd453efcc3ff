/**
 * Loading readers in bulk (the CLI's import, the benchmarks): a batch is grouped by shard and
 * written with one command per shard and kind, and must leave the same store as one write per chat.
 */
import { describe, expect, it } from "vitest";
import { chatId, type ChatId } from "../../src/ids.js";
import { encodeChatRecord } from "../../src/store/chat-record.js";
import { ChatStore } from "../../src/store/chats.js";
import { SHARDS, shardOf } from "../../src/store/keys.js";
import { readerRecord, science, sports, world } from "../support/records.js";
import { redisOfItsOwn } from "../support/redis.js";

const { redis, prefix, keys } = redisOfItsOwn("bulk-import");
const store = new ChatStore(redis, prefix);

describe("importing chats in bulk", () => {
  it("puts every chat, its categories and its due minute in its shard, across batches that split shards", async () => {
    // Five chats in shard 9, three in shard 10, one channel with a negative id; batches of two.
    const inNine = Array.from({ length: 5 }, (_, i) => chatId(9 + i * SHARDS));
    const inTen = Array.from({ length: 3 }, (_, i) => chatId(10 + (i + 1) * SHARDS));
    const channel = chatId(-1_001_234_567_890);
    const shared = readerRecord({
      subscriptions: [
        { slug: world, since: 0 },
        { slug: sports, since: 3 },
      ],
    });
    const held = readerRecord({ prefs: { digest: { kind: "hourly" }, muted: [], nextDue: 29_000_000 } });
    const gone = readerRecord({ active: false });
    const chats = [
      ...inNine.map((id) => ({ id, record: shared })),
      { id: inTen[0]!, record: held },
      { id: inTen[1]!, record: gone },
      { id: inTen[2]!, record: shared },
      { id: channel, record: readerRecord({ kind: "channel", subscriptions: [{ slug: science, since: 0 }] }) },
    ];
    await store.importChats(chats, 2);

    for (const { id, record } of chats) expect(await redis.hget(keys.chats(shardOf(id)), String(id))).toBe(encodeChatRecord(record));
    const sorted = (ids: readonly ChatId[]) => [...ids].sort((a, b) => a - b);
    expect(sorted(await store.subscribersIn(world, 9))).toEqual(sorted(inNine));
    expect(sorted(await store.subscribersIn(sports, 9))).toEqual(sorted(inNine));
    // The inactive chat is stored but follows nothing.
    expect(sorted(await store.subscribersIn(world, 10))).toEqual(sorted([inTen[0]!, inTen[2]!]));
    expect(await store.subscribersIn(science, shardOf(channel))).toEqual([channel]);
    expect(await store.shardsOf(world)).toEqual([9, 10]);
    expect(await store.shardsOf(science)).toEqual([shardOf(channel)]);
    expect(await redis.zrange(keys.due(10), "0", "-1", "WITHSCORES")).toEqual([String(inTen[0]), "29000000"]);
    expect(await redis.smembers(keys.dueShards)).toEqual(["10"]);
    expect(await store.countSubscribers(world)).toBe(7);
  });

  it("a chat imported again is overwritten, not duplicated", async () => {
    const id = chatId(77);
    await store.importChats([{ id, record: readerRecord({ cursor: 1 }) }]);
    await store.importChats([{ id, record: readerRecord({ cursor: 5 }) }]);
    expect((await store.get(id))?.cursor).toBe(5);
    expect(await store.subscribersIn(world, 77)).toEqual([id]);
  });

  it("says so when Redis refuses part of an import, instead of carrying on as if every chat were stored", async () => {
    // Shard 5000's record hash is something else (a string): Redis answers WRONGTYPE for its chats.
    await redis.set(keys.chats(5000), "not a hash");
    const chats = [chatId(4999), chatId(5000), chatId(5001)].map((id) => ({ id, record: readerRecord() }));
    await expect(store.importChats(chats)).rejects.toThrow(/^importing chats: 1 of \d+ Redis commands failed, the first with: WRONGTYPE/);
    // The categories' shard marks are written after the chats: a failed import leaves no reader half-listed there.
    expect(await store.shardsOf(world)).not.toContain(5000);
  });
});
