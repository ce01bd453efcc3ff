--[[
  Counts messages a paid-broadcast deployment sent: each second's first `free` messages (all
  processes together, on Redis's clock) are free, the ones above cost Stars and are counted.
  Called with the messages Telegram accepted (a process's sends of one tick together), so a send
  slot that went unused is never counted.

  Input:
    KEYS[1] the current second's window hash (second, count)
    KEYS[2] paid messages counter

    ARGV[1] Telegram's free rate, messages per second
    ARGV[2] messages sent

  Output:
    how many of them were above the free rate (counted as paid)
]]
local t = redis.call('TIME')
local second = tonumber(t[1])
local before = 0
if tonumber(redis.call('HGET', KEYS[1], 'second') or '0') == second then
  before = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
end
local after = before + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'second', second, 'count', after)
redis.call('EXPIRE', KEYS[1], 10)
local free = tonumber(ARGV[1])
local paid = math.max(0, after - free) - math.max(0, before - free)
if paid > 0 then redis.call('INCRBY', KEYS[2], paid) end
return paid
