import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { resolveRedis, type ResolvedRedis } from "../../src/redis.js";

const started: ResolvedRedis[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of started.splice(0)) r.child?.kill("SIGTERM");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function capture(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger("info", sink), lines };
}

describe("Redis when REDIS_URL is unset", () => {
  it("starts a local redis-server with its data under the data folder, append-only, and says so", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bulletin-data-"));
    dirs.push(dataDir);
    const url = `redis://127.0.0.1:${16_000 + Math.floor(Math.random() * 1000)}`;
    const { logger, lines } = capture();
    const resolved = await resolveRedis(undefined, logger, { url, dataDir });
    started.push(resolved);
    expect(resolved.child).toBeDefined();
    const redis = new Redis(url);
    try {
      await redis.set("bulletin-probe", "1");
      expect(await redis.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
      expect(await redis.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "noeviction"]);
    } finally {
      redis.disconnect();
    }
    expect(readdirSync(dataDir).length).toBeGreaterThan(0);
    expect(lines.join("")).toContain("started a local redis-server");
  });

  it("uses a Redis that already answers, and starts nothing", async () => {
    const { logger } = capture();
    const resolved = await resolveRedis(undefined, logger, { url: "redis://127.0.0.1:6379", dataDir: "unused" });
    expect(resolved).toEqual({ url: "redis://127.0.0.1:6379" });
  });

  it("uses REDIS_URL as given when it is set", async () => {
    const { logger } = capture();
    expect(await resolveRedis("redis://redis.internal:6380/2", logger)).toEqual({ url: "redis://redis.internal:6380/2" });
  });
});
