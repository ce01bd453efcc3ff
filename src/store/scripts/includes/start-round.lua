--[[
  Shared by touch-round and finish-chunk: starts round n+1 of a category's lane from a snapshot of
  the category's shards, and replays the start of the round running now.

  Uses:
    KEYS[1] the lane's round hash
    KEYS[2] the round's set of pending chunks
    KEYS[3] the category's shard index

  start_round(starter, max_chunks) answers {'start', round, shards joined by ','} or {'empty'};
  replay() answers {'start', round, shards} of the running round.
]]
local function chunk_count(n, max_chunks)
  if n == 0 then return 0 end
  local size = math.ceil(n / max_chunks)
  return math.ceil(n / size)
end
local function start_round(starter, max_chunks)
  local shards = redis.call('SMEMBERS', KEYS[3])
  table.sort(shards, function(a, b) return tonumber(a) < tonumber(b) end)
  redis.call('DEL', KEYS[2])
  if #shards == 0 then
    redis.call('HDEL', KEYS[1], 'round', 'startedBy', 'shards', 'dirty')
    return {'empty'}
  end
  local round = redis.call('HINCRBY', KEYS[1], 'counter', 1)
  redis.call('HSET', KEYS[1], 'round', round, 'startedBy', starter, 'shards', table.concat(shards, ','), 'dirty', 0)
  for i = 0, chunk_count(#shards, max_chunks) - 1 do redis.call('SADD', KEYS[2], i) end
  return {'start', round, table.concat(shards, ',')}
end
local function replay()
  return {'start', tonumber(redis.call('HGET', KEYS[1], 'round')), redis.call('HGET', KEYS[1], 'shards')}
end
