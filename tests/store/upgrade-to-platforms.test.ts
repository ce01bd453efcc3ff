/**
 * An upgrade to the release with Bale (issue 15): Redis holds what the previous release wrote,
 * spelled out here by hand (its key names, numeric members, a visit job queued with a bare chat
 * id). The new code starts on it with Bale turned on, and an article is published: the Telegram
 * readers get it, no key was renamed or moved, and a Bale reader added afterwards (with the same
 * id as a Telegram one) lives under the `b:` keys and gets it too, once.
 */
import { Queue } from "bullmq";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { afterAll, describe, expect, it } from "vitest";
import { categorySlug, chatId } from "../../src/ids.js";
import { encodeChatRecord } from "../../src/store/chat-record.js";
import { shardOf } from "../../src/store/keys.js";
import { SubscriptionService } from "../../src/subscriptions/service.js";
import { readerRecord } from "../support/records.js";
import { redisOfItsOwn } from "../support/redis.js";
import { article, startStack, type Stack } from "../support/stack.js";

const { redis, prefix } = redisOfItsOwn("upgrade-platforms");
/** Reached by fan-out: in the category's member set. */
const READER = 123;
/** Reached only by the visit job queued before the upgrade: not in the member set. */
const WAITING = 456;
const shard = shardOf(chatId(READER));
const waitingShard = shardOf(chatId(WAITING));

let stack: Stack | undefined;
let bale: FakeTelegram | undefined;
afterAll(async () => {
  await stack?.stop();
  await bale?.close();
});

/** Every key under the prefix with its type: what the upgrade must leave as it was. */
async function layout(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) found.set(key, await redis.type(key));
  } while (cursor !== "0");
  return found;
}

describe("upgrading a deployment to Telegram and Bale", () => {
  it("keeps every old key and job meaning the Telegram chat it meant, and gives Bale readers keys of their own", async () => {
    // The previous release's data, by hand.
    const record = encodeChatRecord(readerRecord());
    await redis.hset(`${prefix}:chats:{${shard}}`, String(READER), record);
    await redis.sadd(`${prefix}:subs:world:{${shard}}`, READER);
    await redis.sadd(`${prefix}:{articles}:shards:world`, shard);
    await redis.hset(`${prefix}:chats:{${waitingShard}}`, String(WAITING), record);
    await redis.sadd(`${prefix}:linked:77`, "-4001");
    const queued = await new Queue("delivery", { connection: redis, prefix }).add(
      "visit",
      { chatId: WAITING },
      { jobId: `visit-${WAITING}-1`, delay: 60_000, priority: 900 },
    );
    const before = await layout();
    expect(await redis.object("ENCODING", `${prefix}:subs:world:{${shard}}`)).toBe("intset");

    bale = await FakeTelegram.start({ flavour: "bale", token: "987654321:AAF-fake-bale-token-for-tests_yyyy" });
    stack = await startStack({
      name: "upgrade-platforms",
      prefix,
      env: { BALE_BOT_TOKEN: bale.token, BALE_API_ROOT: bale.apiRoot },
      roles: ["workers", "http"],
    });
    const { telegram, bulletin } = stack;
    for (const id of [READER, WAITING]) telegram.addUser({ id, first_name: `Telegram reader ${id}` });
    // A Bale reader with the Telegram reader's id, added after the upgrade.
    bale.addUser({ id: READER, first_name: "Bale reader" });
    const baleReaders = new SubscriptionService(bulletin.runtime.store.on("bale"), bulletin.runtime.categories);
    await baleReaders.subscribe(chatId(READER), [categorySlug("world")], { kind: "private", language: "en" });

    await stack.publish(article(["world"], { title: "After the upgrade" }));
    await queued.promote();

    const [toReader] = await telegram.waitForMessages(READER, 1);
    const [toWaiting] = await telegram.waitForMessages(WAITING, 1);
    const [toBale] = await bale.waitForMessages(READER, 1);
    for (const message of [toReader, toWaiting, toBale]) expect(message?.text ?? message?.caption).toContain("After the upgrade");

    // Once each: nothing more arrives while the queue drains.
    await telegram.waitFor(
      async () => (await bulletin.runtime.queues.delivery.getJobCounts("active", "waiting", "prioritized", "delayed")).delayed === 0,
      {
        message: "the delivery queue to drain",
      },
    );
    expect(telegram.messagesTo(READER)).toHaveLength(1);
    expect(telegram.messagesTo(WAITING)).toHaveLength(1);
    expect(bale.messagesTo(READER)).toHaveLength(1);
    expect(bale.messagesTo(WAITING)).toHaveLength(0);
    expect(await bulletin.runtime.queues.delivery.getJobCounts("failed")).toEqual({ failed: 0 });

    // No key renamed: every old key is still there, of the same type, under the same name.
    const after = await layout();
    for (const [key, type] of before) {
      if (key.includes(":delivery:")) continue; // the queue's own bookkeeping moves on as jobs run
      expect(after.get(key), key).toBe(type);
    }
    expect(await redis.smembers(`${prefix}:subs:world:{${shard}}`)).toEqual([String(READER)]);
    expect(await redis.smembers(`${prefix}:linked:77`)).toEqual(["-4001"]);
    // The Bale reader lives under b: keys; its member set stays an intset.
    expect(await redis.hexists(`${prefix}:chats:b:{${shard}}`, String(READER))).toBe(1);
    expect(await redis.smembers(`${prefix}:subs:world:b:{${shard}}`)).toEqual([String(READER)]);
    expect(await redis.object("ENCODING", `${prefix}:subs:world:b:{${shard}}`)).toBe("intset");
  });
});
