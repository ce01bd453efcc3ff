/**
 * The due index as the due loop uses it: taking due readers leases them (another loop does not
 * take them again until the lease runs out), and a delivered digest stores the record and its next
 * due minute together.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatId } from "../../src/ids.js";
import { decodeChatRecord, encodeChatRecord } from "../../src/store/chat-record.js";
import { ChatStore } from "../../src/store/chats.js";
import { shardOf } from "../../src/store/keys.js";
import { commitDues } from "../../src/store/scripts/commit-dues.js";
import { takeDue } from "../../src/store/scripts/take-due.js";
import { readerRecord } from "../support/records.js";
import { dropPrefix, REDIS_URL, uniquePrefix } from "../support/stack.js";

const prefix = uniquePrefix("due-index");
let redis: Redis;
let store: ChatStore;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  store = new ChatStore(redis, prefix);
});
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

const SHARD = 77;
const id = (n: number) => chatId(SHARD + n * 16_384);
const held = (nextDue: number) => readerRecord({ prefs: { digest: { kind: "hourly" }, muted: [], nextDue } });

describe("the due index", () => {
  it("gives each due reader to one taker: taken readers are leased, later ones wait for their minute", async () => {
    await store.importChats([
      { id: id(1), record: held(100) },
      { id: id(2), record: held(105) },
      { id: id(3), record: held(200) },
    ]);
    const keys = [store.keys.due(SHARD), store.keys.chats(SHARD)] as const;
    const first = await takeDue.run(redis, keys, [105, 115, 16]);
    expect([...first.keys()].sort()).toEqual([id(1), id(2)]);
    expect(decodeChatRecord(first.get(id(1))!).prefs?.nextDue).toBe(100);
    expect((await takeDue.run(redis, keys, [110, 120, 16])).size).toBe(0);
    // A taker that died: its lease runs out and the reader is due again.
    expect([...(await takeDue.run(redis, keys, [115, 125, 1])).keys()]).toHaveLength(1);
    expect(await redis.zscore(store.keys.due(SHARD), String(id(3)))).toBe("200");
  });

  it("forgets a due reader whose record is gone", async () => {
    await redis.zadd(store.keys.due(SHARD), 50, String(id(9)));
    const taken = await takeDue.run(redis, [store.keys.due(SHARD), store.keys.chats(SHARD)], [60, 70, 16]);
    expect(taken.has(id(9))).toBe(false);
    expect(await redis.zscore(store.keys.due(SHARD), String(id(9)))).toBeNull();
  });

  it("a delivered digest stores the cursor and the next due minute together, only over the record it was planned from", async () => {
    const chat = id(20);
    await store.update(chat, () => held(300));
    const before = encodeChatRecord(held(300));
    const after = encodeChatRecord({ ...held(360), cursor: 5 });
    const keys = [store.keys.chats(shardOf(chat)), store.keys.pace(chat), store.keys.due(shardOf(chat))] as const;
    const commit = async (args: readonly [string, string, string, number, number | ""]) =>
      (await commitDues.runAll(redis, [{ keys, args }]))[0];
    expect(await commit([String(chat), "stale", after, 1000, 360])).toBe(false);
    expect(await commit([String(chat), before, after, 1000, 360])).toBe(true);
    expect((await store.get(chat))?.cursor).toBe(5);
    expect(await redis.zscore(store.keys.due(shardOf(chat)), String(chat))).toBe("360");
    const released = encodeChatRecord({ ...readerRecord({ prefs: { digest: { kind: "instant" }, muted: [] } }), cursor: 6 });
    expect(await commit([String(chat), after, released, 1000, ""])).toBe(true);
    expect(await redis.zscore(store.keys.due(shardOf(chat)), String(chat))).toBeNull();
  });
});
