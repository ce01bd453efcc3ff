/**
 * `npm run bench -- listpack`: what a shard costs as it fills, to choose between more shards and
 * bigger compact encodings. For shards of 61 chats (a million readers over 16,384 shards), 305,
 * 610 (ten million), 1,220 (twenty million), and 610 with Redis's default limits (a hashtable and
 * a hashtable set past 512 entries), on a redis-server of the step's own: Redis bytes per reader, and Redis's CPU per
 * HGET of a chat's record (a claim), per HSET of a new cursor (a commit) and per chat of a
 * read-shard script call (a chunk's read).
 */
import { categorySlug } from "../src/ids.js";
import { encodeChatRecord } from "../src/store/chat-record.js";
import { readShards } from "../src/store/scripts/read-shards.js";
import { ownRedis } from "./own-redis.js";

const READERS = 200_000;
const OPERATIONS = 100_000;
const PIPELINE = 2000;
const FIRST_ID = 10_000_000;

/** Chats per shard, and Redis's limit for a hash's listpack and a set's intset in that case. */
const CASES: readonly { fill: number; entries: number; name: string }[] = [
  { fill: 61, entries: 1024, name: "61" },
  { fill: 305, entries: 1024, name: "305" },
  { fill: 610, entries: 1024, name: "610" },
  { fill: 1220, entries: 2048, name: "1220" },
  { fill: 610, entries: 512, name: "610_default" },
];

export const LISTPACK_TARGETS: [key: string, label: string, ok: (v: number) => boolean | undefined, target: string][] = CASES.flatMap(
  ({ fill, entries, name }) => {
    const label = `15. listpack: ${fill} chats per shard${entries === 512 ? " (Redis's default limits, 512)" : ""}`;
    return [
      [`listpack_${name}_bytes_per_reader`, `${label}: bytes per reader`, () => undefined, ""],
      [`listpack_${name}_hget_us`, `${label}: Redis CPU per HGET (µs)`, () => undefined, ""],
      [`listpack_${name}_hset_us`, `${label}: Redis CPU per HSET (µs)`, () => undefined, ""],
      [`listpack_${name}_read_us_per_chat`, `${label}: Redis CPU per chat read (µs)`, () => undefined, ""],
    ] as [string, string, (v: number) => boolean | undefined, string][];
  },
);

export async function listpack(log: (text: string) => void): Promise<Record<string, number>> {
  log(`listpack: ${READERS.toLocaleString("en")} readers per case, ${OPERATIONS.toLocaleString("en")} operations of each kind`);
  const results: Record<string, number> = {};
  const own = await ownRedis();
  const { redis } = own;
  const info = async (section: string, field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(await redis.info(section))?.[1]);
  const cpuUs = async () => ((await info("cpu", "used_cpu_user")) + (await info("cpu", "used_cpu_sys"))) * 1e6;
  const record = (cursor: number) =>
    encodeChatRecord({
      kind: "private",
      language: "en",
      active: true,
      subscriptions: [{ slug: categorySlug("big"), since: 0 }],
      cursor,
      sentAhead: [],
    });
  readShards.ensure(redis);
  try {
    for (const { fill, entries, name } of CASES) {
      await redis.flushall();
      await redis.config("SET", "hash-max-listpack-entries", String(entries), "set-max-intset-entries", String(entries));
      const shards = Math.round(READERS / fill);
      const chats = (shard: number) => `bench:chats:{${shard}}`;
      const members = (shard: number) => `bench:subs:big:{${shard}}`;
      const idOf = (shard: number, k: number) => String(FIRST_ID + shard + k * shards);
      const before = await info("memory", "used_memory");
      for (let first = 0; first < shards; first += 200) {
        const pipeline = redis.pipeline();
        for (let shard = first; shard < Math.min(shards, first + 200); shard++) {
          const ids = Array.from({ length: fill }, (_, k) => idOf(shard, k));
          pipeline.hset(chats(shard), ...ids.flatMap((id) => [id, record(0)]));
          pipeline.sadd(members(shard), ...ids);
        }
        await pipeline.exec();
      }
      results[`listpack_${name}_bytes_per_reader`] = ((await info("memory", "used_memory")) - before) / (shards * fill);
      const random = () => {
        const shard = Math.floor(Math.random() * shards);
        return { shard, id: idOf(shard, Math.floor(Math.random() * fill)) };
      };
      const perOperation = async (queue: (pipeline: ReturnType<typeof redis.pipeline>, n: number) => void, count: number) => {
        const started = await cpuUs();
        for (let n = 0; n < count; n += PIPELINE) {
          const pipeline = redis.pipeline();
          for (let k = n; k < Math.min(count, n + PIPELINE); k++) queue(pipeline, k);
          await pipeline.exec();
        }
        return ((await cpuUs()) - started) / count;
      };
      results[`listpack_${name}_hget_us`] = await perOperation((pipeline) => {
        const { shard, id } = random();
        pipeline.hget(chats(shard), id);
      }, OPERATIONS);
      results[`listpack_${name}_hset_us`] = await perOperation((pipeline, n) => {
        const { shard, id } = random();
        pipeline.hset(chats(shard), id, record(100_000 + n));
      }, OPERATIONS);
      const shardsRead = Math.min(shards, Math.ceil(OPERATIONS / fill));
      results[`listpack_${name}_read_us_per_chat`] =
        (await perOperation((pipeline, shard) => readShards.queue(redis, pipeline, [members(shard), chats(shard)], []), shardsRead)) / fill;
      log(`listpack: ${fill} chats per shard, ${entries} entries allowed: ${String(await redis.object("ENCODING", chats(0)))}`);
    }
  } finally {
    await own.stop();
  }
  return results;
}
