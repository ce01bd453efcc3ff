/**
 * The send budget's two lanes and the flood counter, through their Lua scripts in a real Redis:
 * what each call is granted, not how long anything takes.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANE_AHEAD_MS, type BudgetLane } from "../../src/delivery/budget.js";
import { userId } from "../../src/ids.js";
import { keys as keyLayout } from "../../src/store/keys.js";
import { countFlood } from "../../src/store/scripts/count-flood.js";
import { grantSlots, type Grant } from "../../src/store/scripts/grant-slots.js";
import { dropPrefix, REDIS_URL, uniquePrefix } from "../support/stack.js";

/** 30 a second, as SEND_RATE=30 grants them (97 % of it). */
const INTERVAL_US = 34_364;

let redis: Redis;
const prefix = uniquePrefix("send-lanes");
const keys = keyLayout(prefix);
beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

const budgetKeys = [keys.budget.theoreticalArrival, keys.budget.pausedUntil] as const;

/** One call of grant-slots-2.lua as SendBudget makes it in `lane`. */
const grant = (lane: BudgetLane, wanted: number): Promise<Grant> =>
  grantSlots.run(redis, budgetKeys, [wanted, INTERVAL_US, LANE_AHEAD_MS[lane] * 1000, lane === "replies" ? 1 : 0]);

describe("the send budget's lanes", () => {
  it("a reply gets the next free slot at once while a broadcast holds its whole horizon, and the broadcast goes on after it", async () => {
    const [seconds, micros] = await redis.time();
    const booked = await grant("broadcast", 50);
    if (!booked.granted) throw new Error("the broadcast got no slots");
    // The delays count from Redis's clock at the grant, which the reply gives (the caller places the slots by it).
    expect(booked.nowUs - (Number(seconds) * 1_000_000 + Number(micros))).toBeGreaterThanOrEqual(0);
    expect(booked.nowUs - (Number(seconds) * 1_000_000 + Number(micros))).toBeLessThan(1_000_000);
    const horizonUs = LANE_AHEAD_MS.broadcast * 1000;
    expect(booked.delaysUs.length).toBe(Math.floor(horizonUs / INTERVAL_US) + 1);
    expect((await grant("broadcast", 50)).granted).toBe(false);

    const before = performance.now();
    const reply = await grant("replies", 1);
    if (!reply.granted) throw new Error("the reply got no slot");
    expect(reply.delaysUs).toHaveLength(1);
    // Right after the broadcast's last slot: no more than its horizon and one interval away.
    expect(reply.delaysUs[0]!).toBeGreaterThan(booked.delaysUs.at(-1)!);
    expect(reply.delaysUs[0]!).toBeLessThanOrEqual(horizonUs + INTERVAL_US);

    const second = await grant("replies", 1);
    const betweenUs = (performance.now() - before) * 1000;
    if (!second.granted) throw new Error("the second reply got no slot");
    // One rate for both lanes: the next reply is one interval after the first (delays count from each call).
    expect(second.delaysUs[0]! - reply.delaysUs[0]!).toBeGreaterThanOrEqual(INTERVAL_US - betweenUs);
  });

  it("replies past their horizon go at once on credit, and the broadcast waits until the debt is paid", async () => {
    await redis.del(keys.budget.theoreticalArrival);
    const inHorizon = Math.floor((LANE_AHEAD_MS.replies * 1000) / INTERVAL_US) + 1;
    // 200 readers write at once: the first second's worth of replies get slots, the rest go now and owe theirs.
    const burst = await grant("replies", 200);
    if (!burst.granted) throw new Error("the burst got nothing");
    expect(burst.delaysUs.length).toBeGreaterThanOrEqual(inHorizon - 1);
    expect(burst.delaysUs.length).toBeLessThanOrEqual(inHorizon);
    expect(burst.owed).toBe(200 - burst.delaysUs.length);
    const more = await grant("replies", 1);
    expect(more).toMatchObject({ granted: true, delaysUs: [], owed: 1 });

    // The broadcast's next slot is after all 201 replies' slots: about 201 intervals from now.
    const broadcast = await grant("broadcast", 10);
    if (broadcast.granted) throw new Error("the broadcast got slots while the replies' debt runs");
    expect(broadcast.waitUs).toBeGreaterThan(200 * INTERVAL_US - LANE_AHEAD_MS.broadcast * 1000 - 1_000_000);
    // The debt outlives its payback: the budget's key lasts past the last slot booked.
    expect(await redis.pttl(keys.budget.theoreticalArrival)).toBeGreaterThan((201 * INTERVAL_US) / 1000);
  });

  it("a 429's pause holds replies too", async () => {
    await redis.del(keys.budget.theoreticalArrival);
    await redis.set(keys.budget.pausedUntil, "1", "PX", 1000);
    expect((await grant("replies", 1)).granted).toBe(false);
    await redis.del(keys.budget.pausedUntil);
  });
});

describe("the flood counter", () => {
  const count = (user: number) => countFlood.run(redis, [keys.flood(userId(user))], [10_000, 10]);

  it("answers 10 updates of a user in a window, then says to notice once, then to ignore; another user is counted apart", async () => {
    const verdicts = [];
    for (let n = 0; n < 13; n++) verdicts.push((await count(7001)).verdict);
    expect(verdicts).toEqual([...Array<string>(10).fill("answer"), "notice", "ignore", "ignore"]);
    expect((await count(7002)).verdict).toBe("answer");
    const { leftMs } = await count(7001);
    expect(leftMs).toBeGreaterThan(0);
    expect(leftMs).toBeLessThanOrEqual(10_000);
  });

  it("never keeps a counter without its window (one left without a TTL would silence a user for good)", async () => {
    await redis.set(keys.flood(userId(7003)), "50");
    expect((await count(7003)).verdict).toBe("ignore");
    expect(await redis.pttl(keys.flood(userId(7003)))).toBeGreaterThan(0);
  });
});
