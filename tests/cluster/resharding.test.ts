/**
 * A resharding mid fan-out: an operator moves 1,500 slots (with the readers' records in
 * them) from one master to another while an article goes out. Commands for a moving slot are
 * answered ASK, MOVED or TRYAGAIN; Bulletin follows and retries them (ioredis for single commands,
 * src/redis.ts for pipelines): every reader gets the article once, no subscription is lost.
 */
import { describe, expect, it } from "vitest";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { createRuntime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config/env.js";
import { categorySlug, chatId } from "../../src/ids.js";
import { createLogger } from "../../src/log.js";
import { clusterForFile, reshard } from "../support/cluster.js";
import { spawnBulletin } from "../support/processes.js";
import { readerRecord } from "../support/records.js";
import { dropClusterPrefix, uniquePrefix, workerEnv } from "../support/stack.js";

const { unavailable, cluster } = clusterForFile("Redis Cluster resharding story");

describe.skipIf(unavailable !== undefined)("delivery on a Redis Cluster being resharded", () => {
  it("slots move from one master to another mid fan-out: every reader gets the article once", async () => {
    const telegram = await FakeTelegram.start({ latencyMs: 20, limits: { perSecond: null } });
    const prefix = uniquePrefix("cluster-reshard");
    const env = Object.fromEntries(
      Object.entries(workerEnv(telegram, prefix, { SEND_RATE: "30", REDIS_CLUSTER_NODES: cluster().seeds })).filter(
        ([name]) => name !== "REDIS_URL",
      ),
    );
    const runtime = await createRuntime(loadConfig(env), createLogger("silent"));
    const worker = await spawnBulletin(env, { pacing: { privateMs: 1000, groupMs: 3000, leaseMs: 3000, retryDelayMs: 500 } });
    try {
      // Readers in shards all over the slot space, so the moved slots hold many of them.
      const ids = Array.from({ length: 600 }, (_, i) => chatId(70_000 + i * 27));
      await runtime.store.importChats(ids.map((id) => ({ id, record: readerRecord() })));
      const outcome = await runtime.ingestor.ingest(
        { url: `https://news.example.com/${prefix}`, title: "Resharded", categories: ["world"] },
        "http",
      );
      expect(outcome.status).toBe("accepted");
      await telegram.waitFor(() => telegram.accepted >= 30, { timeoutMs: 15_000, message: "the fan-out to be under way" });

      const [from, to] = await cluster().masters();
      const output = await reshard(cluster(), from!, to!, 1500);
      const sentByThen = telegram.accepted;
      // redis-cli prints a dot for each key it migrates: readers' records and index entries moved mid fan-out.
      const movedKeys = [...output.matchAll(/^Moving slot \d+ from \S+ to \S+: (\.*)$/gm)].reduce((n, m) => n + m[1]!.length, 0);
      console.info(`resharding: 1,500 slots and ${movedKeys} keys moved while ${sentByThen} of ${ids.length} readers had the article`);
      expect(movedKeys).toBeGreaterThan(0);
      expect(sentByThen).toBeLessThan(ids.length);

      await telegram.waitFor(() => ids.every((id) => telegram.messagesTo(id).length >= 1), {
        timeoutMs: 60_000,
        message: "every reader to get the article after the resharding",
      });
      const counts = ids.map((id) => telegram.messagesTo(id).length);
      expect(counts.filter((n) => n !== 1)).toEqual([]);
      expect(await runtime.store.countSubscribers(categorySlug("world"))).toBe(ids.length);
    } finally {
      worker.child.kill("SIGKILL");
      await runtime.close();
      await telegram.close();
      await dropClusterPrefix(prefix, cluster().seeds);
    }
  }, 120_000);
});
