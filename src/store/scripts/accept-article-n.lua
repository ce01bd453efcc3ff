--[[
  Dedupes, numbers, stores and logs an article in one step.

  Input:
    KEYS[1]      dedupe mark by article id
    KEYS[2]      dedupe mark by canonical URL
    KEYS[3]      the article sequence
    KEYS[4]      the article's hash
    KEYS[5..n]   the log of each of the article's categories

    ARGV[1] article id
    ARGV[2] the article as JSON
    ARGV[3] how long the dedupe marks last, ms
    ARGV[4] how long the article lasts, ms
    ARGV[5] how many articles a category's log keeps

  Output:
    {1, id, seq}      - accepted with sequence number seq
    {0, existing id}  - a duplicate of the article stored under that id
]]
local existing = redis.call('GET', KEYS[1]) or redis.call('GET', KEYS[2])
if existing then return {0, existing} end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[4], 'json', ARGV[2], 'seq', seq)
redis.call('PEXPIRE', KEYS[4], ARGV[4])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
local keep = tonumber(ARGV[5])
for i = 5, #KEYS do
  redis.call('ZADD', KEYS[i], seq, ARGV[1])
  local excess = redis.call('ZCARD', KEYS[i]) - keep
  if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[i], 0, excess - 1) end
end
return {1, ARGV[1], seq}
