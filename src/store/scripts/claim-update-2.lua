--[[
  A webhook update's entry into the bot's update journal (bot/updates.ts), which is also what keeps
  it from being handled twice: a post of an update already handled, or in hand elsewhere, is not
  handled again. An entry older than the lease belongs to a process that died mid-update: the new
  post takes it over.

  Input:
    KEYS[1] the journal (HASH update id -> {"at": ms, "update": ...})
    KEYS[2] the update's handled mark

    ARGV[1] update id
    ARGV[2] the entry to journal (JSON, "at" = ARGV[3])
    ARGV[3] now, ms
    ARGV[4] lease, ms

  Output:
    "done"    - handled before
    "held"    - journaled less than the lease ago and not handled yet
    "claimed" - journaled now: the caller handles it
]]
if redis.call('EXISTS', KEYS[2]) == 1 then return 'done' end
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if entry then
  local ok, held = pcall(cjson.decode, entry)
  local at = ok and type(held) == 'table' and tonumber(held.at) or 0
  if tonumber(ARGV[3]) - at < tonumber(ARGV[4]) then return 'held' end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'claimed'
