import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config/env.js";
import { categorySlug, chatId } from "../../src/ids.js";
import { createLogger } from "../../src/log.js";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { clusterForFile } from "../support/cluster.js";
import { spawnBulletin, type BulletinProcess } from "../support/processes.js";
import { dropClusterPrefix, uniquePrefix, workerEnv } from "../support/stack.js";
import { readerRecord } from "../support/records.js";

const { unavailable, cluster } = clusterForFile("Redis Cluster crash and failover stories");

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

const TUNING = {
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
  pacing: { privateMs: 1000, groupMs: 3000, leaseMs: 3000, retryDelayMs: 500 },
};

/** A delivery process on the cluster, readers of World loaded through the store's bulk API. */
async function world(name: string, latencyMs: number) {
  const telegram = await FakeTelegram.start({ latencyMs, limits: { perSecond: null } });
  const prefix = uniquePrefix(name);
  const single = workerEnv(telegram, prefix, { SEND_RATE: "30", REDIS_CLUSTER_NODES: cluster().seeds });
  const env = Object.fromEntries(Object.entries(single).filter(([name]) => name !== "REDIS_URL"));
  const runtime: Runtime = await createRuntime(loadConfig(env), createLogger("silent"));
  const processes: BulletinProcess[] = [];
  cleanups.push(async () => {
    for (const p of processes) p.child.kill("SIGKILL");
    await runtime.close();
    await telegram.close();
    await dropClusterPrefix(prefix, cluster().seeds);
  });
  const ids = Array.from({ length: 120 }, (_, i) => chatId(50_000 + i * 131));
  await runtime.store.importChats(
    ids.map((id) => ({
      id,
      record: readerRecord(),
    })),
  );
  const publish = async (title: string) => {
    const outcome = await runtime.ingestor.ingest({ url: `https://news.example.com/${prefix}`, title, categories: ["world"] }, "http");
    expect(outcome.status).toBe("accepted");
  };
  return { telegram, env, runtime, processes, ids, prefix, publish };
}

describe.skipIf(unavailable !== undefined)("delivery on a Redis Cluster when something dies", () => {
  it("a delivery process killed mid fan-out: its successor gets the article to every reader, repeating only sends in flight", async () => {
    const { telegram, env, processes, ids, publish } = await world("cluster-crash", 40);
    processes.push(await spawnBulletin(env, TUNING));
    await publish("Delivered despite a crash");
    await telegram.waitFor(() => telegram.accepted >= 40, { timeoutMs: 15_000, message: "40 sends before the kill" });
    processes[0]!.child.kill("SIGKILL");
    await processes[0]!.exited;
    expect(telegram.accepted).toBeLessThan(ids.length);

    processes.push(await spawnBulletin(env, TUNING));
    await telegram.waitFor(() => ids.every((id) => telegram.messagesTo(id).length >= 1), {
      timeoutMs: 30_000,
      message: "every reader to get the article after the restart",
    });
    const counts = ids.map((id) => telegram.messagesTo(id).length);
    expect(counts.filter((n) => n > 1).length).toBeLessThanOrEqual(8);
    expect(counts.every((n) => n >= 1 && n <= 2)).toBe(true);
  }, 60_000);

  it("a master killed mid fan-out: its replica takes over, delivery resumes by itself and every reader gets the article", async () => {
    const { telegram, env, runtime, processes, ids, prefix, publish } = await world("cluster-failover", 40);
    processes.push(await spawnBulletin(env, TUNING));
    await publish("Delivered despite a failover");
    await telegram.waitFor(() => telegram.accepted >= 30, { timeoutMs: 15_000, message: "30 sends before the master dies" });

    // The master holding the delivery queue (BullMQ's keys under {prefix}): the worst one to lose.
    const victim = await cluster().masterOf(`{${prefix}}:delivery`);
    cluster().kill(victim);
    const sentAtKill = telegram.accepted;
    expect(sentAtKill).toBeLessThan(ids.length);
    const killedAt = Date.now();
    await cluster().waitForFailover(victim);
    const failoverMs = Date.now() - killedAt;

    await telegram.waitFor(() => ids.every((id) => telegram.messagesTo(id).length >= 1), {
      timeoutMs: 40_000,
      message: "every reader to get the article after the failover",
    });
    const counts = ids.map((id) => telegram.messagesTo(id).length);
    const repeated = counts.filter((n) => n > 1).length;
    console.info(
      `failover: ${sentAtKill} of ${ids.length} sent before the master died, replica promoted after ${failoverMs} ms, ${repeated} readers got the article twice`,
    );
    expect(counts.every((n) => n >= 1 && n <= 2)).toBe(true);
    // Every subscription survived (they were written long before the failover).
    expect(await runtime.store.countSubscribers(categorySlug("world"))).toBe(ids.length);
  }, 90_000);
});
