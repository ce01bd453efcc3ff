--[[
  The send budget shared by every delivery process, as a GCRA: each grant is a time slot
  `interval` after the previous one, on Redis's clock, so processes on different machines
  interleave without bursting. While a 429's retry_after runs (the pause key), nobody gets a slot.
  Paid broadcasts are counted when sent (count-paid-2.lua), not here: a granted slot may go unused.

  Two lanes. Delivery asks with a short horizon (ARGV[3], 250 ms) and waits when the next slot is
  further away. The bot's replies ask with a longer one (1 s) and may owe (ARGV[4] = 1): a reply
  takes the next slot when it is within the horizon; past it, the reply goes at once all the same
  and its slot is still booked, after every other, as a debt. Delivery's next slot comes after the
  debt: it gives way until the replies' sends are paid back. Telegram's 30 a second is a limit on
  bulk notifications, not on answers to readers who just wrote.

  Input:
    KEYS[1] theoretical arrival time, µs
    KEYS[2] pause key (exists while every sender waits)

    ARGV[1] slots wanted
    ARGV[2] interval between slots, µs
    ARGV[3] how far ahead slots may be granted, µs (the caller's lane: broadcast or replies)
    ARGV[4] 1: a slot past the horizon is owed (the send goes now); 0: the caller waits for it

  Output:
    {1, owed, now µs, delay µs, ...} - the slots granted within the horizon, as delays from now (Redis's
                                       clock, also given, so that the caller can place them on its own),
                                       and how many more sends go now on credit
    {0, wait µs}                     - none can be granted; ask again after the wait
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused * 1000} end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local interval = tonumber(ARGV[2])
local ahead = tonumber(ARGV[3])
local owes = ARGV[4] == '1'
local granted = {1, 0, now}
for i = 1, tonumber(ARGV[1]) do
  if tat - now > ahead then
    if not owes then break end
    granted[2] = granted[2] + 1
  else
    granted[#granted + 1] = tat - now
  end
  tat = tat + interval
end
if #granted == 3 and granted[2] == 0 then return {0, tat - now - ahead} end
-- Kept a minute past the last slot booked: a debt outlives its own payback.
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.floor((tat - now) / 1000) + 60000)
return granted
