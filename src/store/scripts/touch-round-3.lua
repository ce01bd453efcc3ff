--[[
  A new article for a category's lane: starts a round, or marks the running one dirty so that
  another round follows it. A retried fan-out of the article that started the running round gets
  that start again.

  Input:
    KEYS[1] the lane's round hash
    KEYS[2] the round's set of pending chunks
    KEYS[3] the category's shard index

    ARGV[1] article id
    ARGV[2] the most chunks a round is split into (MAX_CHUNKS)

  Output:
    {'start', round, shards joined by ','} - a round started (or this article's start, replayed)
    {'joined'}                             - a round runs; it is marked for another pass
    {'empty'}                              - the category has no subscriber shards
]]
--- @include "includes/start-round"
local round = redis.call('HGET', KEYS[1], 'round')
if round then
  if redis.call('HGET', KEYS[1], 'startedBy') == 'article:' .. ARGV[1] then return replay() end
  redis.call('HSET', KEYS[1], 'dirty', 1)
  return {'joined'}
end
return start_round('article:' .. ARGV[1], tonumber(ARGV[2]))
