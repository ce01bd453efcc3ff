import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { LISTPACK_ARGS } from "../src/redis.js";

export interface OwnRedis {
  readonly redis: Redis;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A redis-server of a bench step's own on a free port, configured as deployments run it
 * (src/redis.ts, `noeviction`), without persistence: its memory is the step's alone, and the
 * shared Redis other work runs against is left alone. Stopped by `stop()`.
 */
export async function ownRedis(): Promise<OwnRedis> {
  const port = 21_000 + Math.floor(Math.random() * 20_000);
  const args = ["--port", String(port), "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction", ...LISTPACK_ARGS];
  const child = spawn("redis-server", args, { stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const redis = new Redis({ port, lazyConnect: true, retryStrategy: () => 100 });
  // Refused until the server listens: the loop below retries.
  redis.on("error", () => undefined);
  const deadline = Date.now() + 10_000;
  while ((await redis.ping().catch(() => "")) !== "PONG") {
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`bench: the bench's own redis-server on port ${port} did not answer within 10 s`);
    }
    await sleep(100);
  }
  return {
    redis,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      redis.disconnect();
      child.kill("SIGTERM");
      await exited;
    },
  };
}
