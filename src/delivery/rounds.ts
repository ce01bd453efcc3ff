import type { Redis } from "ioredis";
import type { CategorySlug } from "../ids.js";
import type { Keys, Lane } from "../store/keys.js";
import { LuaScript } from "../store/script.js";

/**
 * Delivery happens in rounds: a round of a category visits every subscriber once, shard by shard,
 * in at most MAX_CHUNKS chunk jobs. An article arriving while a round runs only marks the category
 * dirty; when the round ends, one more round starts and carries every article that came meanwhile.
 * So the work queued in Redis is bounded by the number of subscribers' shards, never by articles ×
 * readers, and a reader gets at most one message per round (a digest when several are waiting).
 */
export const MAX_CHUNKS = 256;

/** Splits ascending shard numbers into at most `maxChunks` contiguous chunks of near-equal size. */
export function splitIntoChunks(shards: readonly number[], maxChunks = MAX_CHUNKS): number[][] {
  if (shards.length === 0) return [];
  const size = Math.ceil(shards.length / maxChunks);
  const chunks: number[][] = [];
  for (let start = 0; start < shards.length; start += size) chunks.push(shards.slice(start, start + size));
  return chunks;
}

// Shared by both scripts: start round n+1 from a snapshot of the category's shards.
// KEYS[1] round hash, KEYS[2] pending chunk set, KEYS[3] shard index. Returns {'start', round, shards…} or {'empty'}.
const START_ROUND = `
local function chunk_count(n)
  if n == 0 then return 0 end
  local size = math.ceil(n / ${MAX_CHUNKS})
  return math.ceil(n / size)
end
local function start_round(starter)
  local shards = redis.call('SMEMBERS', KEYS[3])
  table.sort(shards, function(a, b) return tonumber(a) < tonumber(b) end)
  redis.call('DEL', KEYS[2])
  if #shards == 0 then
    redis.call('HDEL', KEYS[1], 'round', 'startedBy', 'shards', 'dirty')
    return {'empty'}
  end
  local round = redis.call('HINCRBY', KEYS[1], 'counter', 1)
  redis.call('HSET', KEYS[1], 'round', round, 'startedBy', starter, 'shards', table.concat(shards, ','), 'dirty', 0)
  for i = 0, chunk_count(#shards) - 1 do redis.call('SADD', KEYS[2], i) end
  return {'start', round, table.concat(shards, ',')}
end
local function replay()
  return {'start', tonumber(redis.call('HGET', KEYS[1], 'round')), redis.call('HGET', KEYS[1], 'shards')}
end
`;

/** ARGV: the article id. */
const touchRound = new LuaScript(`${START_ROUND}
local round = redis.call('HGET', KEYS[1], 'round')
if round then
  if redis.call('HGET', KEYS[1], 'startedBy') == 'article:' .. ARGV[1] then return replay() end
  redis.call('HSET', KEYS[1], 'dirty', 1)
  return {'joined'}
end
return start_round('article:' .. ARGV[1])
`);

/** ARGV: round, chunk. */
const finishChunk = new LuaScript(`${START_ROUND}
local finisher = 'chunk:' .. ARGV[1] .. ':' .. ARGV[2]
local round = redis.call('HGET', KEYS[1], 'round')
if round == ARGV[1] then
  redis.call('SREM', KEYS[2], ARGV[2])
  if redis.call('SCARD', KEYS[2]) > 0 then return {'pending'} end
  if redis.call('HGET', KEYS[1], 'dirty') == '1' then return start_round(finisher) end
  redis.call('HDEL', KEYS[1], 'round', 'startedBy', 'shards', 'dirty')
  return {'done'}
end
if round and redis.call('HGET', KEYS[1], 'startedBy') == finisher then return replay() end
return {'stale'}
`);

export interface RoundStart {
  readonly round: number;
  readonly chunks: number[][];
}

export type RoundDecision =
  | { readonly kind: "start"; readonly start: RoundStart }
  | { readonly kind: "joined" | "empty" | "pending" | "done" | "stale" };

function decode(answer: unknown): RoundDecision {
  const [kind, round, shards] = answer as [string, number?, string?];
  if (kind === "start") {
    const list = (shards ?? "").split(",").filter(Boolean).map(Number);
    return { kind, start: { round: Number(round), chunks: splitIntoChunks(list) } };
  }
  return { kind: kind as "joined" | "empty" | "pending" | "done" | "stale" };
}

/**
 * Both operations are idempotent for their caller: a fan-out job or chunk job that is retried
 * after a crash gets the same decision again, so a round is never lost nor started twice.
 */
export class Rounds {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private roundKeys(slug: CategorySlug, lane: Lane): string[] {
    return [this.keys.round(slug, lane), this.keys.roundChunks(slug, lane), this.keys.subscriberShards(slug)];
  }

  /** A new article for `slug`: start a round, or mark the running one for another pass. */
  async touch(slug: CategorySlug, lane: Lane, article: string): Promise<RoundDecision> {
    return decode(await touchRound.run(this.redis, this.roundKeys(slug, lane), [article]));
  }

  /** A chunk visited all its shards: finish the round when it was the last, maybe start the next. */
  async finish(slug: CategorySlug, lane: Lane, round: number, chunk: number): Promise<RoundDecision> {
    return decode(await finishChunk.run(this.redis, this.roundKeys(slug, lane), [round, chunk]));
  }
}
