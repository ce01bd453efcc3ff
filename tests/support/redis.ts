import { Redis } from "ioredis";
import { afterAll } from "vitest";
import { keys as keyLayout, type Keys } from "../../src/store/keys.js";
import { dropPrefix, REDIS_URL, uniquePrefix } from "./stack.js";

/**
 * A Redis client and a key prefix of the calling test file's own, for tests of one store script or
 * adapter: the prefix's keys are dropped and the client closed when the file's tests end.
 */
export function redisOfItsOwn(name: string): { readonly redis: Redis; readonly prefix: string; readonly keys: Keys } {
  const redis = new Redis(REDIS_URL);
  const prefix = uniquePrefix(name);
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });
  return { redis, prefix, keys: keyLayout(prefix) };
}
