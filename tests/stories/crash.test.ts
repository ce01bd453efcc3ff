import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config/env.js";
import { chatId } from "../../src/ids.js";
import { createLogger } from "../../src/log.js";
import { FakeTelegram } from "@bulletin/fake-bot-api";
import { spawnBulletin, type BulletinProcess } from "../support/processes.js";
import { dropPrefix, uniquePrefix, workerEnv } from "../support/stack.js";
import { readerRecord } from "../support/records.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

async function world(name: string, latencyMs: number) {
  const telegram = await FakeTelegram.start({ latencyMs, limits: { perSecond: null } });
  const prefix = uniquePrefix(name);
  const env = workerEnv(telegram, prefix, { SEND_RATE: "30" });
  const runtime: Runtime = await createRuntime(loadConfig(env), createLogger("silent"));
  const processes: BulletinProcess[] = [];
  cleanups.push(async () => {
    for (const p of processes) p.child.kill("SIGKILL");
    await runtime.close();
    await telegram.close();
    await dropPrefix(prefix);
  });
  const readers = async (count: number, firstId: number) => {
    const ids = Array.from({ length: count }, (_, i) => chatId(firstId + i));
    await runtime.store.importChats(
      ids.map((id) => ({
        id,
        record: readerRecord(),
      })),
    );
    return ids;
  };
  return { telegram, env, runtime, processes, readers };
}

describe("a delivery process stopped with SIGTERM", () => {
  // Sends answered after 300 ms: several are in flight at the SIGTERM. Had the process exited
  // without waiting for their answers, their cursors would not have moved and the successor
  // would send them again.
  it("finishes the sends it has in flight, exits 0, and its successor repeats nothing", async () => {
    const { telegram, env, runtime, processes, readers } = await world("sigterm", 300);
    const ids = await readers(60, 60_000);
    const tuning = { lockDurationMs: 2000, stalledIntervalMs: 1000 };
    processes.push(await spawnBulletin(env, tuning));
    await runtime.ingestor.ingest({ url: "https://news.example.com/sigterm", title: "Graceful", categories: ["world"] }, "http");
    await telegram.waitFor(() => telegram.accepted >= 10, { timeoutMs: 15_000, message: "10 sends before SIGTERM" });
    expect(await processes[0]!.stop()).toBe(0);
    expect(telegram.accepted).toBeLessThan(ids.length);

    processes.push(await spawnBulletin(env, tuning));
    await telegram.waitFor(() => ids.every((id) => telegram.messagesTo(id).length >= 1), {
      timeoutMs: 30_000,
      message: "every reader after the restart",
    });
    expect(ids.map((id) => telegram.messagesTo(id).length)).toEqual(ids.map(() => 1));
  }, 60_000);
});

describe("a delivery process killed mid-delivery", () => {
  it("still gets the article to every reader after a restart, repeating only sends that were in flight", async () => {
    const { telegram, env, runtime, processes, readers: load } = await world("crash", 40);
    const readers = await load(120, 50_000);
    const tuning = {
      lockDurationMs: 2000,
      stalledIntervalMs: 1000,
      pacing: { privateMs: 1000, groupMs: 3000, leaseMs: 3000, retryDelayMs: 500 },
    };
    processes.push(await spawnBulletin(env, tuning));
    const outcome = await runtime.ingestor.ingest(
      { url: "https://news.example.com/crash", title: "Delivered despite a crash", categories: ["world"] },
      "http",
    );
    expect(outcome.status).toBe("accepted");

    await telegram.waitFor(() => telegram.accepted >= 40, { timeoutMs: 15_000, message: "40 sends before the kill" });
    processes[0]!.child.kill("SIGKILL");
    await processes[0]!.exited;
    const deliveredBeforeKill = telegram.accepted;
    expect(deliveredBeforeKill).toBeLessThan(readers.length);

    processes.push(await spawnBulletin(env, tuning));
    await telegram.waitFor(() => readers.every((id) => telegram.messagesTo(id).length >= 1), {
      timeoutMs: 30_000,
      message: "every reader to get the article after the restart",
    });
    const counts = readers.map((id) => telegram.messagesTo(id).length);
    const repeated = counts.filter((n) => n > 1).length;
    // At 30/s with 40 ms round trips the pool keeps ~7 sends in flight: only those may repeat.
    expect(repeated).toBeLessThanOrEqual(8);
    expect(counts.every((n) => n >= 1 && n <= 2)).toBe(true);
  }, 60_000);
});
