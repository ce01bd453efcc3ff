--[[
  Notes a 429 for a chat and answers how many different chats got one within the window (this one
  included): one chat over its own flood limit is that chat's affair, several at once mean the
  bot's global limit.

  Input:
    KEYS[1] sorted set: chat id -> time of its latest 429, ms (Redis's clock)

    ARGV[1] chat id
    ARGV[2] window, ms

  Output:
    the number of chats with a 429 within the window
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('PEXPIRE', KEYS[1], window)
return redis.call('ZCARD', KEYS[1])
