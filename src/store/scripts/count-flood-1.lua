--[[
  Counts one update of a user in their flood window (a fixed window that starts with the first
  update after a quiet one), and says what the bot does with it.

  Input:
    KEYS[1] the user's flood counter
    ARGV[1] the window, ms
    ARGV[2] updates answered in one window

  Output:
    {0, ms left} - within the limit: answer it
    {1, ms left} - the first over the limit: answer with the notice only
    {2, ms left} - over the limit again: ignore it
]]
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
-- A counter without a TTL (one set by hand, or left by an interrupted change) would block forever.
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
local limit = tonumber(ARGV[2])
if count <= limit then return {0, left} end
if count == limit + 1 then return {1, left} end
return {2, left}
