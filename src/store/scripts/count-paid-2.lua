--[[
  Counts messages a paid-broadcast deployment sent: each second's first `free` messages (all
  processes together, on Redis's clock) are free, the ones above cost Stars and are counted.
  Called once per message Telegram accepted, so a send slot that went unused is never counted.

  Input:
    KEYS[1] the current second's window hash (second, count)
    KEYS[2] paid messages counter

    ARGV[1] Telegram's free rate, messages per second

  Output:
    1 - the message was above the free rate (counted as paid)
    0 - it was free
]]
local t = redis.call('TIME')
local second = tonumber(t[1])
local count = 0
if tonumber(redis.call('HGET', KEYS[1], 'second') or '0') == second then
  count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
end
count = count + 1
redis.call('HSET', KEYS[1], 'second', second, 'count', count)
redis.call('EXPIRE', KEYS[1], 10)
if count > tonumber(ARGV[1]) then
  redis.call('INCR', KEYS[2])
  return 1
end
return 0
