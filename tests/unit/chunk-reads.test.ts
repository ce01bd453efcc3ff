import { describe, expect, it } from "vitest";
import { shardsPerRead } from "../../src/delivery/fanout.js";

describe("how many shards a chunk reads at once", () => {
  it("reads one shard first, before it knows how crowded the shards are", () => {
    expect(shardsPerRead(0, 0)).toBe(1);
  });

  it("a million readers over 16,384 shards (61 each): 16 shards, as before", () => {
    expect(shardsPerRead(61, 1)).toBe(16);
    expect(shardsPerRead(61 * 17, 17)).toBe(16);
  });

  it("ten million readers (610 a shard): one shard at a time, about a thousand chats", () => {
    expect(shardsPerRead(610, 1)).toBe(1);
    expect(shardsPerRead(610 * 5, 5)).toBe(1);
  });

  it("in between, as many shards as hold about 1,024 chats", () => {
    expect(shardsPerRead(200, 1)).toBe(5);
    expect(shardsPerRead(2 * 300, 2)).toBe(3);
  });

  it("sparse or empty shards (a small category, a stale shard index) never read more than 128 at once", () => {
    // One script call reads them all (one per slot on a cluster, in one round trip per node): on a
    // cluster, 16 at a time made eight times the round trips, each waiting for the slowest master.
    expect(shardsPerRead(1, 1)).toBe(128);
    expect(shardsPerRead(8, 1)).toBe(128);
    expect(shardsPerRead(0, 16)).toBe(128);
  });
});
