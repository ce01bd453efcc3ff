--[[
  The send budget shared by every delivery process, as a GCRA: each grant is a time slot
  `interval` after the previous one, on Redis's clock, so processes on different machines
  interleave without bursting. While a 429's retry_after runs (the pause key), nobody gets a slot.
  Paid broadcasts are counted when sent (count-paid-2.lua), not here: a granted slot may go unused.

  Replies first: delivery asks with a short horizon (ARGV[3], 250 ms), the bot's replies with a
  longer one (2 s) and one slot at a time. However many slots delivery holds, a reply is granted the
  next free one in this same call, and delivery's next grant starts after it: one rate for both.

  Input:
    KEYS[1] theoretical arrival time, µs
    KEYS[2] pause key (exists while every sender waits)

    ARGV[1] slots wanted
    ARGV[2] interval between slots, µs
    ARGV[3] how far ahead slots may be granted, µs (the caller's lane: broadcast or replies)

  Output:
    {1, delay µs, delay µs, ...} - the granted slots, as delays from now
    {0, wait µs}                 - none can be granted; ask again after the wait
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused * 1000} end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local interval = tonumber(ARGV[2])
local ahead = tonumber(ARGV[3])
local granted = {1}
for i = 1, tonumber(ARGV[1]) do
  if tat - now > ahead then break end
  granted[#granted + 1] = tat - now
  tat = tat + interval
end
if #granted == 1 then return {0, tat - now - ahead} end
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', 60000)
return granted
