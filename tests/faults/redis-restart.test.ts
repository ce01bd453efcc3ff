import { afterEach, expect, it } from "vitest";
import { categorySlug } from "../../src/ids.js";
import { startEntry, type EntryProcess } from "./support/entry.js";
import { freePort, OwnRedis } from "./support/redis-server.js";
import { report, seconds, World } from "./support/world.js";

const LATENCY_MS = 40;
const READY = ["HTTP server listening on", "fan-out and delivery workers are running"];
let world: World | undefined;
let redis: OwnRedis | undefined;
const entries: EntryProcess[] = [];
afterEach(async () => {
  for (const e of entries) if (e.child.exitCode === null) e.child.kill("SIGKILL");
  await Promise.all(entries.map((e) => e.exited));
  entries.length = 0;
  await redis?.up().catch(() => undefined);
  await world?.close();
  await redis?.close();
  world = undefined;
  redis = undefined;
});

/** Two delivery processes with HTTP (for /readyz), as `ROLES=workers,http npm start` runs them, on a Redis of their own. */
async function setUp(name: string, sendRate: number) {
  redis = await OwnRedis.start();
  world = await World.open({
    name,
    redisUrl: redis.url,
    telegram: { latencyMs: LATENCY_MS, limits: { perSecond: 30, paidPerSecond: 1000 } },
    env: { SEND_RATE: String(sendRate), PAID_BROADCAST: "true", ROLES: "workers,http" },
  });
  const urls: string[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    entries.push(await startEntry("src/main.ts", { ...world.env, HTTP_PORT: String(port) }, READY));
    urls.push(`http://127.0.0.1:${port}`);
  }
  return { world, redis, urls };
}

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).status;
  } catch {
    return 0;
  }
}

/** Chats Telegram accepted a send for between `from` and `to` (ms): Bulletin may not have recorded those. */
function sentBetween(world: World, from: number, to: number): Set<number> {
  return new Set(
    world.telegram
      .calls("sendMessage")
      .filter((c) => c.at >= from && c.at <= to)
      .map((c) => Number(c.params.chat_id)),
  );
}

// `systemctl restart redis` in the middle of a 5,000-reader fan-out: Redis writes its append-only
// file, stops, and starts again on the same file. Nobody restarts Bulletin.
it("Redis restarted mid fan-out: no subscription lost, delivery resumes by itself", async () => {
  const READERS = 5000;
  const { world, redis } = await setUp("redis-restart", 1000);
  const ids = await world.readers(READERS, 30_000_000);
  const started = Date.now();
  await world.publish({ url: "https://news.example.com/faults/redis-restart", title: "Redis restarted", categories: ["world"] });
  await world.telegram.waitFor(() => world.telegram.accepted >= READERS / 3, { timeoutMs: 60_000, message: "a third sent" });

  const downAt = Date.now();
  await redis.down();
  await redis.up();
  const upAt = Date.now();
  expect(await world.store.countSubscribers(categorySlug("world"))).toBe(READERS);

  await world.waitForAll(ids, 120_000, "every reader after the restart");
  const allDelivered = seconds(started);
  await world.settled(90_000);
  const outcome = world.outcome(ids);
  const window = sentBetween(world, downAt - LATENCY_MS - 50, upAt);
  report({
    scenario: "2a. Redis restarted mid fan-out",
    readers: READERS,
    ...outcome,
    seconds: allDelivered,
    note: `2 processes; Redis away ${((upAt - downAt) / 1000).toFixed(1)} s; ${window.size} sends around it`,
  });
  expect(entries.map((e) => e.child.exitCode)).toEqual([null, null]);
  expect(outcome.lost).toBe(0);
  expect(outcome.repeated.filter((id) => !window.has(id))).toEqual([]);
  expect(await world.store.countSubscribers(categorySlug("world"))).toBe(READERS);
});

// Redis gone for 30 s mid fan-out: the processes wait, say so on /readyz, keep answering /healthz,
// and carry on by themselves once Redis is back.
it("Redis down for 30 s: processes wait, /readyz says not ready, nothing crashes, then all delivered", async () => {
  const READERS = 3000;
  const { world, redis, urls } = await setUp("redis-down", 200);
  const ids = await world.readers(READERS, 31_000_000);
  for (const url of urls) expect(await status(`${url}/readyz`)).toBe(200);
  const started = Date.now();
  await world.publish({ url: "https://news.example.com/faults/redis-down", title: "Redis down", categories: ["world"] });
  await world.telegram.waitFor(() => world.telegram.accepted >= READERS / 3, { timeoutMs: 60_000, message: "a third sent" });

  const downAt = Date.now();
  await redis.down();
  const ready: number[] = [];
  const health: number[] = [];
  while (Date.now() - downAt < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const url of urls) {
      ready.push(await status(`${url}/readyz`));
      health.push(await status(`${url}/healthz`));
    }
  }
  const sentWhileDown = world.telegram.accepted;
  await redis.up();
  const upAt = Date.now();
  await world.telegram.waitFor(async () => (await Promise.all(urls.map((u) => status(`${u}/readyz`)))).every((s) => s === 200), {
    timeoutMs: 30_000,
    intervalMs: 250,
    message: "/readyz 200 again",
  });
  const readyAfterMs = Date.now() - upAt;

  await world.waitForAll(ids, 120_000, "every reader after Redis came back");
  const allDelivered = seconds(started);
  await world.settled(90_000);
  const outcome = world.outcome(ids);
  const window = sentBetween(world, downAt - LATENCY_MS - 50, upAt);
  report({
    scenario: "2b. Redis down for 30 s mid fan-out",
    readers: READERS,
    ...outcome,
    seconds: allDelivered,
    note: `SEND_RATE=200; /readyz 503 while down, 200 ${(readyAfterMs / 1000).toFixed(1)} s after; ${window.size} sends around it`,
  });
  expect(new Set(ready)).toEqual(new Set([503]));
  expect(new Set(health)).toEqual(new Set([200]));
  expect(entries.map((e) => e.child.exitCode)).toEqual([null, null]);
  expect(sentWhileDown).toBeLessThan(READERS);
  expect(outcome.lost).toBe(0);
  expect(outcome.repeated.filter((id) => !window.has(id))).toEqual([]);
  expect(await world.store.countSubscribers(categorySlug("world"))).toBe(READERS);
});
