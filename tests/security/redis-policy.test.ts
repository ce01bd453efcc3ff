/**
 * Issue 16, item 12: BullMQ needs maxmemory-policy noeviction; a Redis that may evict keys would
 * lose queued work and readers silently, so start-up refuses it with one line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/runtime.js";
import { loadConfig } from "../../src/config/env.js";
import { ConfigError } from "../../src/config/errors.js";
import { createLogger } from "../../src/log.js";
import { CATEGORIES_FILE, uniquePrefix } from "../support/stack.js";

let server: ChildProcess;
let url: string;

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  // A cache-style Redis: it evicts keys when memory runs out.
  server = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--maxmemory-policy", "allkeys-lru"], {
    stdio: "ignore",
  });
  url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await client.connect();
      break;
    } catch {
      await sleep(100);
    }
  }
  client.disconnect();
});

afterAll(() => {
  server.kill("SIGTERM");
});

const configFor = (redisUrl: string) =>
  loadConfig({
    BOT_TOKEN: "123456789:AAF-test-token-for-config-tests_x",
    REDIS_URL: redisUrl,
    KEY_PREFIX: uniquePrefix("policy"),
    CATEGORIES_FILE,
  });

describe("a Redis that may evict keys", () => {
  it("stops start-up with one line saying what to set", async () => {
    const error = await createRuntime(configFor(url), createLogger("silent")).then(
      (runtime) => runtime.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^REDIS_URL: maxmemory-policy is allkeys-lru at redis:\/\/127\.0\.0\.1:\d+; Bulletin needs noeviction/),
    ]);
  });

  it("is fine once it is set to noeviction", async () => {
    const client = new Redis(url);
    await client.config("SET", "maxmemory-policy", "noeviction");
    client.disconnect();
    const runtime = await createRuntime(configFor(url), createLogger("silent"));
    await runtime.close();
  });
});
