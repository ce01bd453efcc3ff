/**
 * A delivery process claims the chats it sends to in batches. On a Redis Cluster a batch goes as
 * one script run per master, across the master's hash slots, and it still lands right when the
 * process's table of slots is out of date (an operator resharded since): the master refuses the run
 * before writing anything, and its calls go again one run per slot, redirected where they belong.
 */
import type { Redis as Plain } from "ioredis";
import { describe, expect, it } from "vitest";
import { chatId, type ChatId } from "../../src/ids.js";
import { connectCluster, type Redis } from "../../src/redis.js";
import { ChatStore } from "../../src/store/chats.js";
import { keys as keyLayout, shardOf } from "../../src/store/keys.js";
import { claimChats, type Claim } from "../../src/store/scripts/claim-chats.js";
import { clusterForFile, reshard } from "../support/cluster.js";
import { readerRecord } from "../support/records.js";
import { clusterNodesOf, dropClusterPrefix, uniquePrefix } from "../support/stack.js";

const { unavailable, cluster } = clusterForFile("Redis Cluster script runs");

/** EVALSHA and EVAL on every master so far: how many runs were made, and how many failed. */
async function scriptCalls(): Promise<{ calls: number; failed: number }> {
  let calls = 0;
  let failed = 0;
  for (const port of await cluster().masters()) {
    const redis: Plain = cluster().connect(port);
    try {
      const stats = await redis.info("commandstats");
      for (const [, , c, f] of stats.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+),.*failed_calls=(\d+)/gm)) {
        calls += Number(c);
        failed += Number(f);
      }
    } finally {
      redis.disconnect();
    }
  }
  return { calls, failed };
}

/** Claims every chat in one batch, as a tick of a delivery process does, with the records `reader` reads. */
async function claimAll(client: Redis, prefix: string, ids: readonly ChatId[], reader = client): Promise<Claim[]> {
  const keys = keyLayout(prefix);
  const records = await Promise.all(ids.map((id) => reader.hget(keys.chats(shardOf(id)), String(id))));
  return claimChats.runAll(
    client,
    ids.map((id, i) => ({
      keys: [keys.chats(shardOf(id)), keys.pace(id)] as const,
      args: [String(id), records[i] ?? "", 60_000] as const,
    })),
  );
}

/**
 * 600 readers in 600 shards, imported right after a new client connects (its pipeline waits until
 * the client knows the table of slots), and the story told with that client.
 */
async function withReaders(
  name: string,
  firstId: number,
  story: (client: Redis, prefix: string, ids: readonly ChatId[]) => Promise<void>,
): Promise<void> {
  const prefix = uniquePrefix(name);
  const client = connectCluster(clusterNodesOf(cluster().seeds));
  try {
    const ids = Array.from({ length: 600 }, (_, i) => chatId(firstId + i * 27));
    await new ChatStore(client, prefix).importChats(ids.map((id) => ({ id, record: readerRecord() })));
    await story(client, prefix, ids);
  } finally {
    client.disconnect();
    await dropClusterPrefix(prefix, cluster().seeds);
  }
}

describe.skipIf(unavailable !== undefined)("claims of many chats on a Redis Cluster", () => {
  it("600 chats in 600 shards are claimed in one run per master, each once", async () => {
    await withReaders("cluster-runs", 50_000, async (client, prefix, ids) => {
      const before = await scriptCalls();
      const claims = await claimAll(client, prefix, ids);
      const after = await scriptCalls();
      expect(claims.filter((c) => c.kind !== "claimed")).toEqual([]);
      // Three masters, about 200 calls each (a run takes up to 256); a first EVALSHA of the script on
      // a node is answered NOSCRIPT and sent again as EVAL.
      expect(after.calls - before.calls).toBeLessThanOrEqual(2 * 3);
      expect(after.failed - before.failed).toBe(0);
      // Claimed once: the chats' pace keys now hold every second claim.
      expect((await claimAll(client, prefix, ids)).filter((c) => c.kind !== "pacing")).toEqual([]);
    });
  });

  it("a process that has not seen a resharding yet still claims every chat once", async () => {
    await withReaders("cluster-stale", 90_000, async (client, prefix, ids) => {
      // The client has learnt the table of slots; 1,000 slots with their keys move behind its back.
      const [from, to] = await cluster().masters();
      await reshard(cluster(), from!, to!, 1000);
      const keys = keyLayout(prefix);
      const moved = (await Promise.all(ids.map((id) => cluster().masterOf(keys.chats(shardOf(id)))))).filter((port) => port === to);
      expect(moved.length).toBeGreaterThan(0);

      // The records are read on a connection of their own: a MOVED would refresh the client's table.
      const reader = connectCluster(clusterNodesOf(cluster().seeds));
      const before = await scriptCalls();
      const claims = await claimAll(client, prefix, ids, reader).finally(() => reader.disconnect());
      const after = await scriptCalls();
      expect(claims.filter((c) => c.kind !== "claimed")).toEqual([]);
      // The master that lost slots refused the run that named them (nothing written), and its calls went again per slot.
      expect(after.failed - before.failed).toBeGreaterThan(0);
      expect((await claimAll(client, prefix, ids)).filter((c) => c.kind !== "pacing")).toEqual([]);
    });
  }, 60_000);
});
