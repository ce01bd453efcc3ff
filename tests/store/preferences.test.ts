/**
 * Readers' preferences as stored: the PreferencesService writes the chat's record and keeps the due
 * index (the scheduler's list of who is due when) in step with it, in one atomic change.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatId, type ChatId } from "../../src/ids.js";
import { PreferencesService } from "../../src/preferences/service.js";
import { encodeChatRecord, prefsOf, withoutNextDue, type ChatRecord } from "../../src/store/chat-record.js";
import { ChatStore } from "../../src/store/chats.js";
import { shardOf } from "../../src/store/keys.js";
import { epochMinute, type Clock } from "../../src/time.js";
import { readerRecord } from "../support/records.js";
import { dropPrefix, REDIS_URL, uniquePrefix } from "../support/stack.js";

const prefix = uniquePrefix("preferences");
let redis: Redis;
let store: ChatStore;
let service: PreferencesService;
const clock: Clock & { ms: number } = {
  ms: Date.parse("2025-06-01T08:30:00Z"),
  now() {
    return this.ms;
  },
};
const now = () => epochMinute(clock.ms);
const minute = (iso: string) => epochMinute(Date.parse(iso));

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  store = new ChatStore(redis, prefix);
  service = new PreferencesService(store, clock, "Asia/Tehran");
});
afterAll(async () => {
  redis.disconnect();
  await dropPrefix(prefix);
});

let nextId = 7000;
async function reader(overrides: Partial<ChatRecord> = {}): Promise<ChatId> {
  const id = chatId(nextId++);
  await store.update(id, () => readerRecord(overrides));
  return id;
}
const dueScore = async (id: ChatId) => {
  const score = await redis.zscore(store.keys.due(shardOf(id)), String(id));
  return score === null ? undefined : Number(score);
};

describe("a reader's preferences", () => {
  it("are the defaults for a reader who changed nothing, and for a chat Bulletin does not know", async () => {
    const id = await reader();
    expect(await service.get(id)).toEqual({ digest: { kind: "instant" }, muted: [] });
    expect(await service.get(chatId(1))).toEqual({ digest: { kind: "instant" }, muted: [] });
  });

  it("a daily digest at 08:00 is due at the next 08:00 in Tehran, in the record and the due index", async () => {
    const id = await reader();
    const prefs = await service.update(id, { digest: { kind: "daily", at: 8 * 60 } });
    const due = minute("2025-06-02T04:30:00Z");
    expect(prefs).toEqual({ digest: { kind: "daily", at: 480 }, muted: [], nextDue: due });
    expect(await service.get(id)).toEqual(prefs);
    expect(await dueScore(id)).toBe(due);
    expect(await redis.sismember(store.keys.dueShards, String(shardOf(id)))).toBe(1);
  });

  it("a new time zone moves the slot; muting a word does not", async () => {
    const id = await reader();
    await service.update(id, { digest: { kind: "daily", at: 8 * 60 } });
    const london = await service.update(id, { timezone: "Europe/London" });
    expect(london?.nextDue).toBe(minute("2025-06-02T07:00:00Z"));
    const muted = await service.update(id, (p) => ({ ...p, muted: [...p.muted, "Football"] }));
    expect(muted?.nextDue).toBe(minute("2025-06-02T07:00:00Z"));
    expect(await dueScore(id)).toBe(minute("2025-06-02T07:00:00Z"));
  });

  it("back to instant: what was held is due now, for the scheduler's next tick", async () => {
    const id = await reader();
    await service.update(id, { digest: { kind: "hourly" } });
    const prefs = await service.update(id, { digest: { kind: "instant" } });
    expect(prefs?.nextDue).toBe(now());
    expect(await dueScore(id)).toBe(now());
  });

  it("muted words are stored normalized and once each: ي typed as ی, case folded", async () => {
    const id = await reader();
    const prefs = await service.update(id, { muted: ["ايران", "ایران", "OIL", "oil", "COVID-19"] });
    expect(prefs?.muted).toEqual(["ایران", "oil", "covid 19"]);
    expect(await redis.hget(store.keys.chats(shardOf(id)), String(id))).toBe("p|en|1|world|0||m=ایران,oil,covid 19");
  });

  it("going back to every default gives the record its default size again, and no due entry", async () => {
    const id = await reader();
    const plain = encodeChatRecord(readerRecord());
    await service.update(id, { quiet: { from: 23 * 60, to: 7 * 60 }, languages: ["fa"], muted: ["oil"] });
    await service.update(id, { quiet: undefined, languages: undefined, muted: [] });
    expect(await redis.hget(store.keys.chats(shardOf(id)), String(id))).toBe(plain);
    expect(await dueScore(id)).toBeUndefined();
  });

  it("stores nothing for a chat Bulletin does not know, nor for a group", async () => {
    expect(await service.update(chatId(99_999), { digest: { kind: "hourly" } })).toBeUndefined();
    expect(await store.get(chatId(99_999))).toBeUndefined();
    const group = await reader({ kind: "group" });
    expect(await service.update(group, { digest: { kind: "hourly" } })).toBeUndefined();
    expect((await store.get(group))?.prefs).toBeUndefined();
  });

  it("refuses more muted words than the bound, or a longer word, as a caller's bug, storing nothing", async () => {
    const id = await reader();
    await expect(service.update(id, { muted: Array.from({ length: 51 }, (_, i) => `word${i}`) })).rejects.toThrow(/more than 50/);
    await expect(service.update(id, { muted: ["x".repeat(65)] })).rejects.toThrow(/longer than 64/);
    expect(await service.get(id)).toEqual({ digest: { kind: "instant" }, muted: [] });
  });

  it("a reader who blocks the bot and is stored inactive is taken out of the due index by any write without nextDue", async () => {
    const id = await reader();
    await service.update(id, { digest: { kind: "hourly" } });
    await store.update(id, (r) => r && { ...r, active: false, subscriptions: [], prefs: withoutNextDue(prefsOf(r)) });
    expect(await dueScore(id)).toBeUndefined();
  });
});
