--[[
  After a send, stores the chat's new cursor if nobody changed its record meanwhile, and shortens
  its pacing key to the plain interval.

  Input:
    KEYS[1] the chats hash of the chat's shard
    KEYS[2] the chat's pace key

    ARGV[1] chat id
    ARGV[2] the encoded record read before the send
    ARGV[3] the encoded record after it
    ARGV[4] pacing interval, ms

  Output:
    1 - stored
    0 - the record changed meanwhile; not stored (the pace key is shortened all the same)
]]
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
