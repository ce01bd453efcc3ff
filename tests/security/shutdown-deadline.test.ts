/**
 * Issue 16, item 12: a SIGTERM ends the process within its deadline (below compose's 30 s grace)
 * even when Telegram does not answer, and what it had not sent is sent by its successor.
 */
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

describe("SIGTERM while Telegram does not answer", () => {
  it("exits within the shutdown deadline, and the successor delivers the rest", async () => {
    const telegram = await FakeTelegram.start({ limits: { perSecond: null } });
    const prefix = uniquePrefix("deadline");
    const env = workerEnv(telegram, prefix, { SEND_RATE: "30" });
    const runtime: Runtime = await createRuntime(loadConfig(env), createLogger("silent"));
    const processes: BulletinProcess[] = [];
    cleanups.push(async () => {
      for (const p of processes) p.child.kill("SIGKILL");
      await runtime.close();
      await telegram.close();
      await dropPrefix(prefix);
    });
    const ids = Array.from({ length: 40 }, (_, i) => chatId(70_000 + i));
    await runtime.store.importChats(
      ids.map((id) => ({
        id,
        record: readerRecord(),
      })),
    );
    const tuning = { lockDurationMs: 2000, stalledIntervalMs: 1000, shutdownDeadlineMs: 1500 };
    processes.push(await spawnBulletin(env, tuning));
    await runtime.ingestor.ingest({ url: "https://news.example.com/deadline", title: "Deadline", categories: ["world"] }, "http");
    await telegram.waitFor(() => telegram.accepted >= 5, { timeoutMs: 15_000, message: "5 sends before Telegram hangs" });
    // From now on every answer takes a minute: the sends in flight never finish before the deadline.
    telegram.latencyMs = 60_000;
    const hungAt = telegram.total;
    await telegram.waitFor(() => telegram.total > hungAt, { timeoutMs: 5000, message: "a send waiting for its answer" });

    const started = Date.now();
    const code = await Promise.race([
      processes[0]!.stop(),
      new Promise<string>((resolve) => setTimeout(() => resolve("still running"), 10_000)),
    ]);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(telegram.total).toBeLessThan(ids.length);

    telegram.latencyMs = 0;
    processes.push(await spawnBulletin(env, { lockDurationMs: 2000, stalledIntervalMs: 1000 }));
    await telegram.waitFor(() => ids.every((id) => telegram.messagesTo(id).length >= 1), {
      timeoutMs: 30_000,
      message: "every reader after the restart",
    });
    // Only the sends in flight at the deadline (received by Telegram, never answered) may repeat.
    const repeated = ids.filter((id) => telegram.messagesTo(id).length > 1).length;
    expect(repeated).toBeLessThanOrEqual(8);
  }, 60_000);
});
