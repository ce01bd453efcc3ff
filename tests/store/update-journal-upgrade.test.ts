/**
 * An upgrade from the release before Bale: its bot journaled received updates under
 * `<prefix>:updates:<bot id>:pending`, as bare updates. Updates it had confirmed to Telegram but not
 * handled when it stopped are handed to the new bot at start, once, and then leave the journal as
 * any other update does.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { HandledUpdates } from "../../src/bot/updates.js";
import { keys } from "../../src/store/keys.js";
import { REDIS_URL, dropPrefix, uniquePrefix } from "../support/stack.js";

const prefix = uniquePrefix("journal-upgrade");
const BOT = 123456789;
let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

const start = (id: number, chat: number): Update =>
  ({ update_id: id, message: { message_id: id, date: 0, chat: { id: chat, type: "private" }, text: "/start world" } }) as Update;

describe("the update journal across the upgrade to Telegram and Bale", () => {
  it("hands the previous release's unhandled updates to the new bot, oldest first, and forgets them once handled", async () => {
    const previous = `${prefix}:updates:${BOT}:pending`;
    await redis.hset(previous, "702", JSON.stringify(start(702, 2)), "701", JSON.stringify(start(701, 1)));
    const journal = new HandledUpdates(redis, keys(prefix));

    const leftovers = await journal.leftovers(BOT);
    expect(leftovers.map((u) => u.update_id)).toEqual([701, 702]);
    expect(leftovers[0]).toEqual(start(701, 1));
    expect(journal.isReplay(701)).toBe(true);
    expect(await redis.exists(previous)).toBe(0);

    for (const update of leftovers) await journal.finish(BOT, update.update_id);
    expect(await journal.leftovers(BOT)).toEqual([]);
    expect(await journal.seen(BOT, 701)).toBe(true);
  });
});
