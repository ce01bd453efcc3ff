--[[
  A chunk job visited all its shards: finishes the round when it was the last chunk, and starts
  the next round when articles arrived meanwhile. A retried chunk job whose finish started the
  running round gets that start again.

  Input:
    KEYS[1] the lane's round hash
    KEYS[2] the round's set of pending chunks
    KEYS[3] the category's shard index

    ARGV[1] round
    ARGV[2] chunk
    ARGV[3] the most chunks a round is split into (MAX_CHUNKS)

  Output:
    {'start', round, shards joined by ','} - the next round started (or this finish's start, replayed)
    {'pending'}                            - other chunks of the round still run
    {'done'}                               - the round is over and nothing waits
    {'empty'}                              - the next round has no subscriber shards
    {'stale'}                              - the chunk belongs to a round that is over
]]
--- @include "includes/start-round"
local finisher = 'chunk:' .. ARGV[1] .. ':' .. ARGV[2]
local round = redis.call('HGET', KEYS[1], 'round')
if round == ARGV[1] then
  redis.call('SREM', KEYS[2], ARGV[2])
  if redis.call('SCARD', KEYS[2]) > 0 then return {'pending'} end
  if redis.call('HGET', KEYS[1], 'dirty') == '1' then return start_round(finisher, tonumber(ARGV[3])) end
  redis.call('HDEL', KEYS[1], 'round', 'startedBy', 'shards', 'dirty')
  return {'done'}
end
if round and redis.call('HGET', KEYS[1], 'startedBy') == finisher then return replay() end
return {'stale'}
